"""The OpenAPI 3.1 description of /api/v1, assembled from what each feature declares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from servicedialog import __version__
from servicedialog.features import Feature

ERROR = {
    "type": "object",
    "properties": {"error": {"type": "integer"}, "detail": {}},
    "required": ["error"],
}


def document(features: Sequence[Feature], base_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for feature in features:
        for path, item in feature.openapi_paths.items():
            paths[f"{feature.mount}{path}"] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Servicedialog API",
            "version": __version__,
            "description": "Catalogue, case data and fulfilment of service commitments. "
            "Every request needs an API key of an organisation (Authorization: Bearer).",
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "security": [{"apiKey": []}],
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
            "responses": {
                "Unauthorized": {
                    "description": "No valid API key",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "BadRequest": {
                    "description": "The request body breaks a rule; detail says which",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        },
        "paths": paths,
    }
