"""Error pages in one place: templates/errors/{status}.html, calm and translated.

A database that is busy (locked for longer than the busy timeout), read-only, full or out
of reach is not a bug: it is answered with 503, a ``Retry-After`` and the page in the
person's language, and the log says why. Public forms go further and show the form again
with what was typed (:func:`servicedialog.forms.unavailable`); any other form's page shows
the typed texts back so that nothing is lost.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import BaseORMException, ValidationError

from servicedialog.middleware import add_security_headers

logger = logging.getLogger("servicedialog.errors")

KNOWN = {400, 403, 404, 405, 413, 429, 500, 503}
RETRY_AFTER_SECONDS = 30

# What SQLite and PostgreSQL say when the database, not the request, is the problem.
_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "readonly database",
    "read-only",
    "unable to open database",
    "disk i/o error",
    "database or disk is full",
    "no space left",
    "connection refused",
    "connection was closed",
    "connection is closed",
    "cannot connect",
    "too many connections",
    "the database system is",  # starting up, shutting down, in recovery mode
    "terminating connection",
    "server closed the connection",
)


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database could not serve the request, if that is what ``error`` (or an
    exception it was raised from) says; None for any other error."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (sqlite3.Error, BaseORMException, OSError)) or type(
            current
        ).__module__.startswith("asyncpg"):
            text = str(current).lower()
            if isinstance(current, ConnectionError) or any(p in text for p in _UNAVAILABLE):
                return str(current)[:200] or type(current).__name__
        current = current.__cause__ or current.__context__
    return None


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def error_response(request: Request, status: int, detail: Any = None) -> Response:
    """The error page (or the API's JSON error, or a feature's own format) for ``status``."""
    for prefix, render in getattr(request.app.state, "error_responses", ()):
        if request.url.path.startswith(prefix):
            response: Response = render(request, status, str(detail or ""))
            return response
    if _wants_json(request):
        return JSONResponse({"error": status, "detail": detail}, status_code=status)
    templates = request.app.state.templates
    page = status if status in KNOWN else (500 if status >= 500 else 400)
    response = templates.TemplateResponse(
        request, f"errors/{page}.html", {"status": status}, status_code=status
    )
    return response


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = error_response(request, exc.status_code, exc.detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def log_unavailable(request: Request, reason: str) -> None:
    logger.error(
        "database unavailable: %s (request_id=%s, %s %s)",
        reason,
        getattr(request.state, "request_id", ""),
        request.method,
        request.url.path,
    )


def unavailable_response(request: Request, reason: str) -> Response:
    log_unavailable(request, reason)
    response = error_response(request, 503, "the database is busy; try again shortly")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def database_error(request: Request, exc: Exception) -> Response:
    reason = unavailable_reason(exc)
    if reason is None:
        return await server_error(request, exc)
    return unavailable_response(request, reason)


async def invalid_value(request: Request, exc: Exception) -> Response:
    """A value the model refused (too long for its column, out of range) that a form did
    not check first: a bug to fix in that form, but the person gets a 400, not a 500."""
    logger.warning("unchecked input refused by the model: %s (%s)", exc, request.url.path)
    return error_response(request, 400, "a value is too long or out of range")


async def server_error(request: Request, exc: Exception) -> Response:
    reason = unavailable_reason(exc)
    if reason is not None:
        response = unavailable_response(request, reason)
    else:
        request_id = getattr(request.state, "request_id", "")
        logger.exception("unhandled error, request_id=%s", request_id, exc_info=exc)
        response = error_response(request, 500)
    # The server-error handler runs outside our middleware, so add the headers here.
    add_security_headers(response.headers, getattr(request.state, "csp_nonce", ""))
    return response


EXCEPTION_HANDLERS = {
    HTTPException: http_exception,
    ValidationError: invalid_value,
    BaseORMException: database_error,
    sqlite3.Error: database_error,
    OSError: database_error,
    Exception: server_error,
}
