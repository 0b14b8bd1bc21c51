"""The dashboards' panel on the staff start page: leadership and quality managers see the
overview's summary and the way in."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from dashboards.permissions import OVERVIEW, QUALITY

TEMPLATE = "dashboards/_start_panel.html"


async def panel(request: Request) -> tuple[str, dict[str, Any]] | None:
    roles = request.state.roles
    if not OVERVIEW.held_by(roles):
        return None
    return TEMPLATE, {"quality": QUALITY.held_by(roles), "org": request.state.organisation}
