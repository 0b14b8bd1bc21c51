"""API keys: made, shown once, stored as a hash, checked on each API request."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from servicedialog.auth import Endpoint
from servicedialog.errors import unavailable_reason
from servicedialog.models import ApiKey, Organisation, User

PREFIX = "sd_"

Decorator = Callable[[Endpoint], Endpoint]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def create_key(
    organisation: Organisation, name: str, created_by: User | None = None
) -> tuple[ApiKey, str]:
    """The stored record and the key itself, which is not kept anywhere."""
    key = PREFIX + secrets.token_urlsafe(30)
    record = await ApiKey.create(
        organisation=organisation,
        name=name,
        prefix=key[:10],
        key_hash=_hash(key),
        created_by=created_by,
    )
    return record, key


async def organisation_for_key(key: str) -> Organisation | None:
    if not key.startswith(PREFIX):
        return None
    record = await ApiKey.get_or_none(key_hash=_hash(key), revoked_at=None).select_related(
        "organisation"
    )
    if record is None:
        return None
    try:  # bookkeeping: a busy database must not refuse the request for it
        await ApiKey.filter(id=record.id).update(last_used_at=datetime.now(UTC))
    except Exception as error:
        if unavailable_reason(error) is None:
            raise
    return record.organisation


def bearer_key(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


KeyReader = Callable[[Request], Awaitable[str]]
# Answers a request without a valid key; ``given`` tells whether it carried one at all.
Refusal = Callable[[Request, bool], Response]


def api_key_guard(read_key: KeyReader, refuse: Refusal, status: int) -> Decorator:
    """A decorator that lets a request through with a valid key of an organisation, found
    by ``read_key`` (the handler finds it in ``request.state.api_organisation``), and
    answers any other with ``refuse`` (whose status code is ``status``).

    APIs with a standard of their own (Open311 takes ``api_key`` as a form field and
    answers 403 in its own error format) make their guard with this; the rest use
    :func:`requires_api_key`."""

    def decorator(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            key = await read_key(request)
            organisation = await organisation_for_key(key)
            if organisation is None:
                return refuse(request, bool(key))
            request.state.api_organisation = organisation
            return await endpoint(request)

        guarded.requires_api_key = True  # type: ignore[attr-defined]
        guarded.refused_status = status  # type: ignore[attr-defined]
        return guarded

    return decorator


async def _bearer(request: Request) -> str:
    return bearer_key(request)


def _unauthorised(request: Request, given: bool) -> Response:
    return JSONResponse(
        {"error": 401, "detail": "a valid API key is required (Authorization: Bearer …)"},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


_bearer_guard = api_key_guard(_bearer, _unauthorised, 401)


def requires_api_key(endpoint: Endpoint) -> Endpoint:
    """Declare an API route: it needs ``Authorization: Bearer <key>`` of an organisation,
    which the handler finds in ``request.state.api_organisation``."""
    return _bearer_guard(endpoint)
