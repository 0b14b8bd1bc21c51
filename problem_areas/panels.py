"""The insight's dashboard panels (Feature.panels; ``dashboards/`` draws them).

The volume panels read the precomputed AreaMonth table (texts per area and local month,
:mod:`problem_areas.statistics`) in one grouped query each, so they cover whole months;
rising problems come from :func:`problem_areas.emerging.area_flags`. Every link goes to
the list of texts behind the row (``problem_areas:texts``), which never shows the texts of
secret or anonymised records; it is given only to viewers who may see the insight's texts
(REVIEW: leadership sees the counts), and public pages get counts only and no links."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from tortoise import connections
from tortoise.functions import Sum

from problem_areas.models import AreaMonth, ProblemArea
from problem_areas.permissions import READ, REVIEW
from servicedialog import sql
from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import lazy as _

TOP_AREAS = 6  # the volume chart's areas; the rest are "other"
OTHER = {"area_id": None, "code": "other", "name_sv": "Övriga områden", "name_en": "Other areas"}


def _first_month(day: date) -> date:
    return day.replace(day=1)


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def quarter_of(day: date) -> date:
    """The first day of the calendar quarter that holds ``day``."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


async def _names(organisation_id: int) -> dict[int, dict[str, Any]]:
    return {
        a["id"]: {
            "area_id": a["id"],
            "code": a["code"],
            "name_sv": a["name_sv"],
            "name_en": a["name_en"] or a["name_sv"],
        }
        for a in await ProblemArea.filter(organisation_id=organisation_id).values(
            "id", "code", "name_sv", "name_en"
        )
    }


async def _area_totals(organisation_id: int, first: date, last: date) -> dict[int, int]:
    """Texts per area in the months from ``first`` to ``last`` (first days of months)."""
    rows = (
        await AreaMonth.filter(organisation_id=organisation_id, month__gte=first, month__lte=last)
        .annotate(total=Sum("texts"))
        .group_by("area_id")
        .values_list("area_id", "total")
    )
    return {int(area_id): int(total) for area_id, total in rows}


def may_read_texts(request: Any) -> bool:
    """Whether the viewer may see the texts behind a figure (REVIEW; leadership sees the
    counts only, docs/security.md)."""
    state = getattr(request, "state", None)
    if getattr(getattr(state, "user", None), "is_superuser", False):
        return True
    return REVIEW.held_by(getattr(state, "roles", frozenset()))


def texts_link(request: Any, area_id: int | None, start: date, end: date) -> str | None:
    """The list of the texts of an area (all areas: None) received from start to end, or
    None for a viewer who may not see the texts."""
    if not may_read_texts(request):
        return None
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if area_id is not None:
        query = {"area": str(area_id), **query}
    return str(request.app.url_path_for("problem_areas:texts")) + "?" + urlencode(query)


async def _month_rows(organisation_id: int, first: date, last: date) -> list[tuple[int, date, int]]:
    """(area id, month, texts) of the months from ``first`` to ``last``: the table's rows
    (one per area and month) in one query."""
    connection = connections.get("default")
    _, rows = await connection.execute_query(
        sql.for_dialect(
            "SELECT area_id, month, texts FROM problem_areas_area_month "
            "WHERE organisation_id = ? AND month >= ? AND month <= ? ORDER BY month",
            sql.dialect_of(connection),
        ),
        [organisation_id, first, last],
    )
    result = []
    for row in rows:
        area_id, month, texts = tuple(row.values()) if isinstance(row, dict) else tuple(row)
        month = date.fromisoformat(month) if isinstance(month, str) else month
        result.append((int(area_id), month, int(texts)))
    return result


async def volume_by_month(scope: PanelScope) -> list[dict[str, Any]]:
    """Texts per month of the scope for its TOP_AREAS largest areas, the others together
    as "other": one row per area and month (the small multiples' series)."""
    organisation_id = scope.organisation.id
    rows = await _month_rows(organisation_id, _first_month(scope.start), scope.end)
    totals: dict[int, int] = {}
    for area_id, _month, texts in rows:
        totals[area_id] = totals.get(area_id, 0) + texts
    top = sorted(totals, key=lambda area_id: (-totals[area_id], area_id))[:TOP_AREAS]
    names = await _names(organisation_id)
    series: dict[int | None, dict[date, int]] = {area_id: {} for area_id in top}
    series[None] = {}
    months = sorted({month for _area, month, _texts in rows})
    for area_id, month, texts in rows:
        key = area_id if area_id in top else None
        series[key][month] = series[key].get(month, 0) + texts
    result = []
    for key, counts in series.items():
        if key is None and not counts:
            continue
        about = names.get(key, OTHER) if key is not None else OTHER
        rank = top.index(key) + 1 if key in top else TOP_AREAS + 1
        result.extend(
            {**about, "rank": rank, "month": month, "texts": counts.get(month, 0)}
            for month in months
        )
    return result


async def quarter_against_last(scope: PanelScope) -> list[dict[str, Any]]:
    """The areas by their texts in the quarter that holds the scope's end (so far) against
    the quarter before it, largest first, with the change in texts and in %."""
    this_quarter = quarter_of(scope.end)
    last_quarter = _months_before(this_quarter, 3)
    organisation_id = scope.organisation.id
    now = await _area_totals(organisation_id, this_quarter, scope.end)
    before = await _area_totals(organisation_id, last_quarter, _months_before(this_quarter, 1))
    names = await _names(organisation_id)
    result = []
    for area_id in set(now) | set(before):
        if area_id not in names:
            continue
        this, last = now.get(area_id, 0), before.get(area_id, 0)
        result.append(
            {
                **names[area_id],
                "quarter_start": this_quarter,
                "this_quarter": this,
                "last_quarter": last,
                "change": this - last,
                "change_percent": round(100 * (this - last) / last, 1) if last else None,
            }
        )
    result.sort(key=lambda row: (-row["this_quarter"], -row["last_quarter"], row["name_sv"]))
    return result[:10]


async def texts_per_area(scope: PanelScope) -> list[dict[str, Any]]:
    """How many texts fell into each area in the whole months of the scope (counts only:
    the public statistics show it), the largest first."""
    totals = await _area_totals(scope.organisation.id, _first_month(scope.start), scope.end)
    names = await _names(scope.organisation.id)
    result = [
        {**names[area_id], "texts": texts} for area_id, texts in totals.items() if area_id in names
    ]
    return sorted(result, key=lambda row: (-row["texts"], row["name_sv"]))


async def rising(scope: PanelScope) -> list[dict[str, Any]]:
    """The areas flagged in the seven days up to the scope's end (counted from the
    precomputed texts per day)."""
    from problem_areas.emerging import area_flags

    return [
        {
            "area_id": f.area.id,
            "code": f.area.code,
            "name_sv": f.area.name_sv,
            "name_en": f.area.name_en or f.area.name_sv,
            "level": f.flag.level,
            "observed": f.flag.observed,
            "expected": round(f.flag.expected, 1),
            "period_start": f.period_start,
            "period_end": f.period_end,
        }
        for f in await area_flags(scope.organisation, scope.end, precomputed=True)
        if f.flag.level != "none"
    ]


def rising_summary(rows: list[dict[str, Any]], language: str) -> list[str]:
    """One sentence per flagged area, for the report and the digest."""
    from servicedialog.i18n import translations

    gettext = translations(language).gettext
    return [
        gettext(
            "%(area)s is rising: %(observed)s texts in the last seven days, where about "
            "%(expected)s would be usual."
        )
        % {
            "area": row["name_en"] if language == "en" else row["name_sv"],
            "observed": row["observed"],
            "expected": f"{row['expected']:.0f}",
        }
        for row in rows
    ]


async def review_queue(scope: PanelScope) -> list[dict[str, Any]]:
    """How many texts wait for a person to confirm or correct the model (up to 1,000)."""
    from problem_areas.review import MAX_COUNTED, count_waiting

    waiting = await count_waiting(scope.organisation.id)
    return [{"waiting": waiting, "capped": waiting >= MAX_COUNTED}]


def _review_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    return str(request.url_for("problem_areas:review"))


def _month_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    if row["area_id"] is None:  # "other": several areas, no one list
        return None
    return texts_link(request, row["area_id"], row["month"], _month_end(row["month"]))


def _quarter_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    return texts_link(request, row["area_id"], row["quarter_start"], scope.end)


def _period_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    if scope.public:
        return None
    return texts_link(request, row["area_id"], scope.start, scope.end)


def _rising_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    return texts_link(request, row["area_id"], row["period_start"], row["period_end"])


PANELS = (
    Panel(
        name="problem_areas.volume",
        title=_("What people write about over time"),
        query=volume_by_month,
        chart="multiples",
        x="month",
        y=("texts",),
        columns=(("name", _("Problem area")), ("month", _("Month")), ("texts", _("Texts"))),
        section="problem_areas",
        description=_(
            "Texts per month in the six problem areas with the most texts in the period, and "
            "all other areas together. Texts of secret records are counted but never shown."
        ),
        group="name",
        link=_month_link,
        permission=READ,
        order=10,
    ),
    Panel(
        name="problem_areas.quarter",
        title=_("This quarter against the last"),
        query=quarter_against_last,
        chart="bar",
        x="name",
        y=("this_quarter", "last_quarter"),
        columns=(
            ("name", _("Problem area")),
            ("this_quarter", _("This quarter")),
            ("last_quarter", _("Last quarter")),
            ("change", _("Change")),
            ("change_percent", _("Change in %")),
        ),
        section="problem_areas",
        description=_(
            "The ten problem areas with the most texts in the quarter that holds the end of "
            "the period (so far), against the whole quarter before it."
        ),
        link=_quarter_link,
        permission=READ,
        order=20,
    ),
    Panel(
        name="problem_areas.rising",
        title=_("Rising problems"),
        query=rising,
        chart="table",
        x="name",
        y=("observed",),
        columns=(
            ("name", _("Problem area")),
            ("observed", _("Texts in the last seven days")),
            ("expected", _("Usual")),
        ),
        section="problem_areas",
        description=_(
            "Problem areas with unusually many texts in the last seven days, against each "
            "area's own history."
        ),
        link=_rising_link,
        permission=READ,
        order=30,
        views=frozenset({"manage", "quality"}),
        summary=rising_summary,
    ),
    Panel(
        name="problem_areas.review_queue",
        title=_("Texts waiting for review"),
        query=review_queue,
        chart="number",
        x="",
        y=("waiting",),
        columns=(("waiting", _("Texts")),),
        section="problem_areas",
        description=_(
            "Texts the classifier placed that no person has confirmed or corrected yet "
            "(counted up to 1,000). Reviewing the least certain first teaches the model most."
        ),
        views=frozenset({"quality"}),
        link=_review_link,
        permission=REVIEW,
        order=40,
    ),
    Panel(
        name="problem_areas.texts",
        title=_("What people write about"),
        query=texts_per_area,
        chart="bar",
        x="name",
        y=("texts",),
        columns=(("name", _("Problem area")), ("texts", _("Texts"))),
        section="problem_areas",
        views=frozenset({"public", "manage"}),
        description=_(
            "How many of the texts people wrote in the period were about each problem area. "
            "Only counts are shown; an area with very few texts is not shown."
        ),
        link=_period_link,
        min_cases="texts",
        order=40,
    ),
)
