"""The dashboards' own panel, from the core's records: the outbox's failed mail (the quality
manager must know when people were not told)."""

from __future__ import annotations

from typing import Any

from tortoise.functions import Count

from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import lazy as _
from servicedialog.models import OutboxMessage, OutboxStatus
from servicedialog.permissions import Permission
from servicedialog.roles import Role

SEES_MAIL = Permission("dashboards.mail", roles=frozenset({Role.QUALITY_MANAGER, Role.ADMIN}))


async def failed_mail(scope: PanelScope) -> list[dict[str, Any]]:
    """The organisation's mail that could not be sent, by status (one grouped count)."""
    rows = (
        await OutboxMessage.filter(
            organisation_id=scope.organisation.id, status=OutboxStatus.FAILED
        )
        .annotate(messages=Count("id"))
        .group_by("status")
        .values("status", "messages")
    )
    return [{"what": "failed", "messages": sum(row["messages"] for row in rows)}]


def _outbox_link(request: Any, row: Any, scope: PanelScope) -> str | None:
    if Role.ADMIN not in request.state.roles:
        return None  # the outbox is the administrators' page
    return str(request.url_for("admin:outbox")) + "?status=failed"


PANELS = (
    Panel(
        name="dashboards.failed_mail",
        title=_("Mail that could not be sent"),
        query=failed_mail,
        chart="number",
        x="",
        y=("messages",),
        columns=(("messages", _("Messages")),),
        section="feedback",
        views=frozenset({"quality"}),
        description=_(
            "Replies and notices that the mail server refused for good or after every "
            "attempt: the person has not been told. An administrator can send them again "
            "from the outbox."
        ),
        link=_outbox_link,
        permission=SEES_MAIL,
        order=90,
    ),
)
