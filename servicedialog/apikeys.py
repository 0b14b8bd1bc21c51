"""API keys: made, shown once, stored as a hash, checked on each API request."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from servicedialog.auth import Endpoint
from servicedialog.models import ApiKey, Organisation, User

PREFIX = "sd_"


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
    await ApiKey.filter(id=record.id).update(last_used_at=datetime.now(UTC))
    return record.organisation


def bearer_key(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def requires_api_key(endpoint: Endpoint) -> Endpoint:
    """Declare an API route: it needs ``Authorization: Bearer <key>`` of an organisation,
    which the handler finds in ``request.state.api_organisation``."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        organisation = await organisation_for_key(bearer_key(request))
        if organisation is None:
            return JSONResponse(
                {"error": 401, "detail": "a valid API key is required (Authorization: Bearer …)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.api_organisation = organisation
        return await endpoint(request)

    guarded.requires_api_key = True  # type: ignore[attr-defined]
    return guarded
