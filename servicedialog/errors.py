"""Error pages in one place: templates/errors/{status}.html, calm and translated."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from servicedialog.middleware import add_security_headers

logger = logging.getLogger("servicedialog.errors")

KNOWN = {400, 403, 404, 405, 413, 429, 500}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _render(request: Request, status: int, detail: Any = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": status, "detail": detail}, status_code=status)
    templates = request.app.state.templates
    page = status if status in KNOWN else (500 if status >= 500 else 400)
    response: Response = templates.TemplateResponse(
        request, f"errors/{page}.html", {"status": status}, status_code=status
    )
    return response


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = _render(request, exc.status_code, exc.detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "")
    logger.exception("unhandled error, request_id=%s", request_id, exc_info=exc)
    response = _render(request, 500)
    # The server-error handler runs outside our middleware, so add the headers here.
    add_security_headers(response.headers, getattr(request.state, "csp_nonce", ""))
    return response


EXCEPTION_HANDLERS = {HTTPException: http_exception, Exception: server_error}
