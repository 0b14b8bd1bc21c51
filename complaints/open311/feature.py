"""Registers Open311 GeoReport v2 with the core (entry point servicedialog.features): its
routes at /open311/v2/, no models of its own (it files feedback through complaints)."""

from __future__ import annotations

from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import Response

from complaints.open311.documents import FALLBACK_FORMAT, error
from complaints.open311.routes import routes
from servicedialog.features import Feature


def error_response(request: Request, status: int, description: str) -> Response:
    """Errors the core answers under /open311/ (413, 503, …) in the specification's format."""
    format = "json" if request.url.path.endswith(".json") else FALLBACK_FORMAT
    return error(status, format, description or HTTPStatus(status).phrase)


feature = Feature(
    name="open311",
    path="open311",
    requires=("complaints",),
    routes=routes,
    csrf_exempt=True,
    error_response=error_response,
)
