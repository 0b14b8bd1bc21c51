"""JSON API of the commitments feature, under /api/v1/commitments/ (API key required)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from commitments import imports, queries
from commitments.services import CatalogueError, export_catalogue, import_catalogue
from commitments.views.common import recompute
from servicedialog import audit
from servicedialog.apikeys import requires_api_key
from servicedialog.models import Organisation

MAX_CASES_PER_REQUEST = 50_000


def _bad(detail: str) -> Response:
    return JSONResponse({"error": 400, "detail": detail}, status_code=400)


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if b"\\u0000" in body.lower():  # a NUL character: no text needs one, PostgreSQL refuses it
        return None
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # nested too deep too
        return None


def _org(request: Request) -> Organisation:
    org: Organisation = request.state.api_organisation
    return org


@requires_api_key
async def get_catalogue(request: Request) -> Response:
    return JSONResponse(await export_catalogue(_org(request)))


@requires_api_key
async def put_catalogue(request: Request) -> Response:
    data = await _json_body(request)
    if data is None:
        return _bad("the body is not JSON")
    try:
        report = await import_catalogue(_org(request), data)
    except CatalogueError as error:
        return _bad(str(error))
    await audit.record(
        "catalogue.imported",
        request=request,
        organisation=_org(request),
        via="api",
        versions=report.versions_created,
    )
    return JSONResponse(
        {
            "services_created": report.services_created,
            "services_updated": report.services_updated,
            "commitments_created": report.commitments_created,
            "versions_created": report.versions_created,
        }
    )


def _csv_lines(items: list[Any]) -> list[str]:
    """The JSON cases as CSV lines, so they go through the one import pipeline."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(imports.COLUMNS)
    for item in items:
        item = item if isinstance(item, dict) else {}
        pauses = item.get("pauses") or ""
        if isinstance(pauses, list):
            pauses = ";".join("/".join(map(str, p[:2])) for p in pauses if isinstance(p, list))
        writer.writerow([str(item.get(c) or "") for c in imports.COLUMNS[:4]] + [pauses])
    return buffer.getvalue().splitlines(keepends=True)


@requires_api_key
async def post_cases(request: Request) -> Response:
    data = await _json_body(request)
    items = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return _bad('the body must be {"cases": [ … ]}')
    if len(items) > MAX_CASES_PER_REQUEST:
        return _bad(f"send at most {MAX_CASES_PER_REQUEST} cases per request")
    org = _org(request)
    report = await imports.import_cases(org, _csv_lines(items))
    if report.imported:
        await recompute(request, org)
    await audit.record(
        "cases.imported",
        request=request,
        organisation=org,
        via="api",
        imported=report.imported,
        rejected=report.rejected,
    )
    return JSONResponse(
        {
            "imported": report.imported,
            "rejected": [{"index": e.line - 2, "reason": e.message} for e in report.errors],
        }
    )


@requires_api_key
async def get_fulfilment(request: Request) -> Response:
    return JSONResponse(await queries.open_data_rows(_org(request)))


api_routes = [
    Route("/catalogue", get_catalogue, methods=["GET"], name="catalogue_get"),
    Route("/catalogue", put_catalogue, methods=["PUT"], name="catalogue_put"),
    Route("/cases", post_cases, methods=["POST"], name="cases"),
    Route("/fulfilment", get_fulfilment, methods=["GET"], name="fulfilment"),
]

_json = "application/json"
_any_object = {"type": "object"}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {_json: {"schema": schema}}}


CASE = {
    "type": "object",
    "required": ["service_code", "case_ref", "received_at"],
    "properties": {
        "service_code": {"type": "string"},
        "case_ref": {"type": "string", "maxLength": 64},
        "received_at": {"type": "string", "description": "ISO 8601 date or date-time"},
        "completed_at": {"type": ["string", "null"]},
        "pauses": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": "string", "format": "date"},
                "minItems": 2,
                "maxItems": 2,
            },
        },
    },
}

openapi_paths: dict[str, Any] = {
    "/catalogue": {
        "get": {
            "summary": "The organisation's services and commitments (catalogue file format)",
            "responses": {
                "200": _ok("The catalogue", _any_object),
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        },
        "put": {
            "summary": "Import a catalogue; the same file twice changes nothing",
            "requestBody": {"required": True, "content": {_json: {"schema": _any_object}}},
            "responses": {
                "200": _ok("What changed", _any_object),
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        },
    },
    "/cases": {
        "post": {
            "summary": "Add or update case records (at most 50,000 per request)",
            "requestBody": {
                "required": True,
                "content": {
                    _json: {
                        "schema": {
                            "type": "object",
                            "required": ["cases"],
                            "properties": {"cases": {"type": "array", "items": CASE}},
                        }
                    }
                },
            },
            "responses": {
                "200": _ok(
                    "How many were imported, and each rejected item with its reason",
                    {
                        "type": "object",
                        "properties": {
                            "imported": {"type": "integer"},
                            "rejected": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "index": {"type": "integer"},
                                        "reason": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                ),
                "400": {"$ref": "#/components/responses/BadRequest"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        },
    },
    "/fulfilment": {
        "get": {
            "summary": "Fulfilment per published commitment version and period (open data)",
            "responses": {
                "200": _ok("Rows", {"type": "array", "items": _any_object}),
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        },
    },
}
