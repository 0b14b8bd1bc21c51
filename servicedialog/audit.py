"""The append-only audit log: who did what to which record, when, from which IP."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from tortoise.models import Model

from servicedialog.models import AuditEvent, Organisation, User


def client_ip(request: Request) -> str:
    # Behind a reverse proxy, uvicorn's --proxy-headers puts the real address here.
    return request.client.host if request.client else ""


async def record(
    action: str,
    *,
    request: Request | None = None,
    actor: User | None = None,
    target: Model | None = None,
    organisation: Organisation | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the signed-in user of ``request``."""
    if actor is None and request is not None:
        actor = request.state.user
    if organisation is None and isinstance(target, Organisation):
        organisation = target
    return await AuditEvent.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        organisation_id=organisation.id if organisation is not None else organisation_id,
        object_type=type(target).__name__ if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip=client_ip(request) if request is not None else "",
        detail=detail,
    )
