"""The texts behind a figure: the texts of one problem area received in a period, newest
first (where the dashboards' problem-area panels link to), for those who may see the
insight's texts (REVIEW). Secret and anonymised texts are counted but never listed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import Response

from problem_areas.models import Label, ProblemArea
from problem_areas.permissions import REVIEW
from servicedialog.auth import current_organisation
from servicedialog.bounds import parse_day, parse_int
from servicedialog.calendars import today_for, zone_of
from servicedialog.forms import render
from servicedialog.permissions import requires

PAGE = 100
DEFAULT_DAYS = 30


def local_bounds(organisation: object, start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end``, local days."""
    zone = zone_of(organisation)
    first = datetime.combine(start, time(), tzinfo=zone).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return first, last


@requires(REVIEW)
async def texts_page(request: Request) -> Response:
    org = current_organisation(request)
    params = request.query_params
    area_id = parse_int(params.get("area", ""), 1)
    end = parse_day(params.get("to", "")) or today_for(org)
    start = parse_day(params.get("from", "")) or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    first, last = local_bounds(org, start, end)
    query = Label.filter(organisation_id=org.id, received_at__gte=first, received_at__lt=last)
    if area_id is not None:
        query = query.filter(area_id=area_id)
    total = await query.count()
    shown = query.filter(hidden=False)
    labels = await shown.order_by("-received_at").limit(PAGE)
    areas = await ProblemArea.filter(organisation_id=org.id)
    return render(
        request,
        "problem_areas/texts.html",
        {
            "labels": labels,
            "total": total,
            "listed": await shown.count(),
            "page": PAGE,
            "area_id": area_id,
            "area": next((a for a in areas if a.id == area_id), None),
            "areas": {a.id: a for a in areas},
            "all_areas": sorted(areas, key=lambda a: a.name_sv),
            "start": start,
            "end": end,
        },
    )
