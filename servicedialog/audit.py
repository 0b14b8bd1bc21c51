"""The append-only audit log: who did what to which record, when, from which IP."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from tortoise.models import Model

from servicedialog.i18n import lazy as _
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


# What each action means, in words (English msgids; features add their own through
# Feature.audit_actions), and which page shows each kind of record.
CORE_ACTIONS: dict[str, str] = {
    "login": _("Signed in"),
    "login.failed": _("Sign-in failed"),
    "login.throttled": _("Sign-in refused: too many attempts"),
    "logout": _("Signed out"),
    "user.password_changed": _("Changed their password"),
    "user.renamed": _("Changed their name"),
    "user.roles_set": _("Gave a person roles"),
    "user.updated": _("Changed a person's roles"),
    "user.removed": _("Removed a person from the organisation"),
    "organisation.created": _("Created the organisation"),
    "organisation.updated": _("Renamed the organisation"),
    "unit.created": _("Created a unit"),
    "unit.updated": _("Changed a unit"),
    "api_key.created": _("Made an API key"),
    "api_key.revoked": _("Revoked an API key"),
    "mail.sent_again": _("Sent an e-mail again"),
}
CORE_OBJECTS: dict[str, tuple[str, str | None]] = {
    # model name: (what it is, the route that shows it by id, if any)
    "User": (_("Person"), "admin:user_edit"),
    "Unit": (_("Unit"), "admin:unit_edit"),
    "Organisation": (_("Organisation"), None),
    "ApiKey": (_("API key"), None),
    "OutboxMessage": (_("E-mail"), "admin:outbox_message"),
}
DETAIL_LABELS: dict[str, str] = {
    "rows": _("Rows"),
    "roles": _("Roles"),
    "number": _("Number"),
    "email": _("E-mail address"),
    "name": _("Name"),
    "via": _("Via"),
    "imported": _("Imported"),
    "rejected": _("Rejected"),
    "versions": _("Versions"),
    "new_account": _("New account"),
    "account": _("Account"),
    "reason": _("Reason"),
    "old": _("Before"),
    "new": _("After"),
    "before": _("Before"),
    "publication": _("Publication"),
    "secret": _("Secret"),
    "retention": _("Retention"),
    "handler": _("Handler"),
    "stage": _("Stage"),
    "answer": _("As the answer"),
    "old_unit": _("Unit before"),
    "new_unit": _("Unit after"),
    "title": _("Title"),
    "reference": _("Reference"),
    "retention_class": _("Retention"),
    "active": _("Active"),
}
