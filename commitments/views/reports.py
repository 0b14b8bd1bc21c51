"""Staff overview of how commitments are kept, and the cases at risk."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from commitments import queries
from commitments.states import (
    UNIT_AMOUNTS,
)
from commitments.views.common import watchers
from servicedialog.auth import current_organisation
from servicedialog.bounds import parse_int
from servicedialog.calendars import today_for
from servicedialog.forms import render


@watchers
async def manage(request: Request) -> Response:
    org = current_organisation(request)
    items = await queries.published_commitments(org)
    return render(request, "commitments/manage.html", {"org": org, "items": items})


@watchers
async def at_risk(request: Request) -> Response:
    org = current_organisation(request)
    raw = request.query_params.get("days", "5")
    days = min(parse_int(raw, 1) or 5, 60)
    risky, breached = await queries.open_cases_by_deadline(org, today_for(org), days)
    return render(
        request,
        "commitments/at_risk.html",
        {
            "org": org,
            "at_risk": risky,
            "breached": breached,
            "days": days,
            "unit_amounts": UNIT_AMOUNTS,
        },
    )
