"""The commitments panel of the staff start page: the promises at risk and the cases about to
break one, for quality managers and leadership (and handlers: the cases)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from commitments.queries import open_cases_by_deadline, published_commitments
from servicedialog.calendars import today_for
from servicedialog.roles import Role

TEMPLATE = "commitments/_start_panel.html"
WATCHERS = frozenset({Role.QUALITY_MANAGER, Role.LEADERSHIP, Role.ADMIN, Role.HANDLER})
WITHIN_DAYS = 5


async def panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    roles = request.state.roles
    if not roles & WATCHERS:
        return None
    org = request.state.organisation
    today = today_for(org)
    items = await published_commitments(org, today)
    missed = [
        item
        for item in items
        if item.latest is not None
        and item.latest.period_end < today
        and item.latest.target_met is False
    ]
    at_risk, breached = await open_cases_by_deadline(org, today, WITHIN_DAYS, limit=500)
    return TEMPLATE, {
        "missed": missed,
        "published": len(items),
        "at_risk": len(at_risk),
        "breached": len(breached),
        "days": WITHIN_DAYS,
        "org": org,
        "oversees": bool(roles & {Role.QUALITY_MANAGER, Role.LEADERSHIP, Role.ADMIN}),
    }
