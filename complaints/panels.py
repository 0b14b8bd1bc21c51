"""The feedback's dashboard panels (Feature.panels; ``dashboards/`` draws them).

The figures come from the month tables of :mod:`complaints.statistics` (a cohort: the
feedback received in each month), summed in SQL over the scope's months and filters; the
quality manager's counts of open records read the feedback table itself, by its indexes,
as they must be current. Each panel first calls ``ensure_fresh``. A month counts when its
first day is within the scope's period (the whole month is counted). The links lead to the
inbox filtered to the records behind a row (status "all", the months received, and the
row's kind, channel, outcome or root cause, with the scope's filters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from tortoise.functions import Sum

from complaints import statistics
from complaints.models import Feedback, FeedbackCauseMonth, FeedbackHandlingDays, FeedbackMonth
from complaints.permissions import READ
from complaints.states import (
    KIND_LABELS,
    OPEN_STATUSES,
    OUTCOME_LABELS,
    Channel,
    Kind,
    Outcome,
    Status,
)
from problem_areas.models import ProblemArea
from servicedialog.calendars import today_for, zone_of
from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations
from servicedialog.periods import Period, PeriodKind

FILTERS = frozenset({"unit", "service", "channel"})
KINDS = tuple(k.value for k in Kind)
CHANNELS = tuple(c.value for c in Channel)
PERCENTILES = (50, 90)  # median and 90th percentile of the handling time
MAX_IMPROVEMENTS = 10
SOON_DAYS = 3  # the inbox's "due soon": within this many days


# --- scope and links ------------------------------------------------------------------


def _first_month(scope: PanelScope) -> date:
    return scope.start.replace(day=1)


def _filters(scope: PanelScope, honoured: frozenset[str] = FILTERS) -> dict[str, Any]:
    """ORM filters for the scope's unit, service and channel (public pages: none)."""
    if scope.public:
        return {}
    found: dict[str, Any] = {}
    if "unit" in honoured and scope.unit_id is not None:
        found["unit_id"] = scope.unit_id
    if "service" in honoured and scope.service_id is not None:
        found["service_id"] = scope.service_id
    if "channel" in honoured and scope.channel:
        found["channel"] = scope.channel
    return found


def _months(model: Any, scope: PanelScope, honoured: frozenset[str] = FILTERS) -> Any:
    return model.filter(
        organisation_id=scope.organisation.id,
        month__gte=_first_month(scope),
        month__lte=scope.end,
        **_filters(scope, honoured),
    )


def inbox_link(request: Any, scope: PanelScope, **query: Any) -> str:
    """The inbox filtered as ``query`` says, with the scope's filters; all statuses."""
    params: dict[str, Any] = {"status": "all", "unit": "all"}
    if not scope.public:
        if scope.unit_id is not None:
            params["unit"] = scope.unit_id
        if scope.service_id is not None:
            params["service"] = scope.service_id
        if scope.channel:
            params["channel"] = scope.channel
    params.update({key: value for key, value in query.items() if value is not None})
    return f"{request.url_for('complaints:inbox')}?{urlencode(params)}"


def _received_in(first: date, last: date) -> dict[str, str]:
    """The inbox's "received" range for the months from ``first`` to ``last``'s end."""
    end = Period(PeriodKind.MONTH, last.replace(day=1)).end
    return {"from": first.isoformat(), "to": end.isoformat()}


def _month_of(row: Mapping[str, Any]) -> date:
    month = row["month"]
    return month if isinstance(month, date) else date.fromisoformat(f"{month}-01")


def _month_link(**extra: Any) -> Any:
    """A link for a row of one month: the records received in it."""

    def link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
        if scope.public:
            return None
        month = _month_of(row)
        return inbox_link(request, scope, **_received_in(month, month), **extra)

    return link


def _period_link(**from_row: str) -> Any:
    """A link for a row of the whole period: the closed complaints received in its months,
    filtered by the row's values (``from_row`` maps inbox parameter -> row key; a missing
    root cause is the inbox's ``root_cause=none``)."""

    def link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
        if scope.public:
            return None
        query = {param: row[key] for param, key in from_row.items()}
        if "root_cause" in query and query["root_cause"] is None:
            query["root_cause"] = "none"
        received = _received_in(_first_month(scope), scope.end)
        return inbox_link(request, scope, status="closed", kind="complaint", **received, **query)

    return link


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- received -----------------------------------------------------------------------


async def received_by_kind(scope: PanelScope) -> list[dict[str, Any]]:
    """Feedback received per month, one column per kind, and per 1,000 inhabitants
    where the organisation's population is known: one grouped query."""
    await statistics.ensure_fresh(scope.organisation)
    rows = (
        await _months(FeedbackMonth, scope)
        .annotate(n=Sum("received"))
        .group_by("month", "kind")
        .values("month", "kind", "n")
    )
    by_month: dict[date, dict[str, Any]] = {}
    for row in rows:
        found = by_month.setdefault(
            row["month"], {"month": row["month"], **dict.fromkeys(KINDS, 0)}
        )
        found[str(row["kind"])] += int(row["n"] or 0)
    population = getattr(scope.organisation, "population", None)
    result = []
    for month in sorted(by_month):
        found = by_month[month]
        found["received"] = sum(found[k] for k in KINDS)
        found["per_1000"] = round(1000 * found["received"] / population, 2) if population else None
        result.append(found)
    return result


async def received_per_inhabitant(scope: PanelScope) -> list[dict[str, Any]]:
    """Feedback received per month per 1,000 inhabitants (none without a population)."""
    if not getattr(scope.organisation, "population", None):
        return []
    return [
        {"month": r["month"], "received": r["received"], "per_1000": r["per_1000"]}
        for r in await received_by_kind(scope)
    ]


async def received_by_channel(scope: PanelScope) -> list[dict[str, Any]]:
    """Feedback received per month, one column per channel, and the digital share (web
    form and Open311 app, in %)."""
    await statistics.ensure_fresh(scope.organisation)
    honoured = frozenset({"unit", "service"})
    rows = (
        await _months(FeedbackMonth, scope, honoured)
        .annotate(n=Sum("received"))
        .group_by("month", "channel")
        .values("month", "channel", "n")
    )
    by_month: dict[date, dict[str, Any]] = {}
    for row in rows:
        found = by_month.setdefault(
            row["month"], {"month": row["month"], **dict.fromkeys(CHANNELS, 0)}
        )
        found[str(row["channel"])] += int(row["n"] or 0)
    result = []
    for month in sorted(by_month):
        found = by_month[month]
        found["received"] = sum(found[c] for c in CHANNELS)
        digital = sum(found[c.value] for c in statistics.DIGITAL_CHANNELS)
        found["digital"] = digital
        found["digital_share"] = _share(digital, found["received"])
        result.append(found)
    return result


# --- handling -----------------------------------------------------------------------


async def _sums(scope: PanelScope, names: Sequence[str], **where: Any) -> list[dict[str, Any]]:
    """The month table's ``names`` summed per month over the scope."""
    await statistics.ensure_fresh(scope.organisation)
    rows = (
        await _months(FeedbackMonth, scope)
        .filter(**where)
        .annotate(**{f"s_{name}": Sum(name) for name in names})
        .group_by("month")
        .order_by("month")
        .values("month", *(f"s_{name}" for name in names))
    )
    return [
        {"month": row["month"], **{name: int(row[f"s_{name}"] or 0) for name in names}}
        for row in rows
    ]


async def on_time(scope: PanelScope) -> list[dict[str, Any]]:
    """Per month: of the feedback acknowledged (answered) so far, the share acknowledged
    (answered) by its deadline, in %."""
    names = ("received", "acknowledged", "acknowledged_on_time", "answered", "answered_on_time")
    return [
        {
            **row,
            "acknowledged_share": _share(row["acknowledged_on_time"], row["acknowledged"]),
            "answered_share": _share(row["answered_on_time"], row["answered"]),
        }
        for row in await _sums(scope, names)
    ]


async def outcomes(scope: PanelScope) -> list[dict[str, Any]]:
    """The closed complaints of the period's months by outcome."""
    rows = await _sums(scope, statistics.OUTCOME_COLUMNS, kind=Kind.COMPLAINT)
    english = translations("en")
    return [
        {
            "outcome": outcome.value,
            "name_sv": translations("sv").gettext(OUTCOME_LABELS[outcome]),
            "name_en": english.gettext(OUTCOME_LABELS[outcome]),
            "closed": sum(row[outcome.value] for row in rows),
        }
        for outcome in Outcome
    ]


def percentile(histogram: Sequence[tuple[int, int]], q: int) -> int | None:
    """The ``q``-th percentile (0-100) of values given as (value, count) pairs, inverted
    CDF (numpy's ``method="inverted_cdf"``): the smallest value whose cumulative count
    reaches q % of all. Integer arithmetic: no rounding at the boundaries."""
    total = sum(count for _value, count in histogram)
    if not total:
        return None
    running = 0
    for value, count in sorted(histogram):
        running += count
        if running * 100 >= q * total:
            return value
    return max(value for value, _count in histogram)


async def handling_time(scope: PanelScope) -> list[dict[str, Any]]:
    """Per month: the median and 90th percentile of the working days from received to
    answered, from the handling-days histogram (grouped in SQL by month and days)."""
    await statistics.ensure_fresh(scope.organisation)
    rows = (
        await _months(FeedbackHandlingDays, scope)
        .annotate(n=Sum("count"))
        .group_by("month", "days")
        .values("month", "days", "n")
    )
    histograms: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        histograms[row["month"]].append((int(row["days"]), int(row["n"] or 0)))
    return [
        {
            "month": month,
            "answered": sum(count for _days, count in histograms[month]),
            "median": percentile(histograms[month], 50),
            "p90": percentile(histograms[month], 90),
        }
        for month in sorted(histograms)
    ]


async def reviews(scope: PanelScope) -> list[dict[str, Any]]:
    """Per month: reviews asked for (stage 2) of the feedback closed, and the share."""
    return [
        {**row, "review_share": _share(row["reviews"], row["closed"])}
        for row in await _sums(scope, ("closed", "reviews"))
    ]


async def satisfaction(scope: PanelScope) -> list[dict[str, Any]]:
    """Per month: the people's average satisfaction with the handling (1-5) and how many
    answered."""
    return [
        {
            "month": row["month"],
            "satisfaction": round(row["satisfaction_sum"] / row["satisfaction_count"], 2)
            if row["satisfaction_count"]
            else None,
            "satisfaction_count": row["satisfaction_count"],
        }
        for row in await _sums(scope, ("satisfaction_sum", "satisfaction_count"))
    ]


# --- improvement ------------------------------------------------------------------------


async def root_causes(scope: PanelScope) -> list[dict[str, Any]]:
    """Closed complaints of the period's months per root cause (a problem area; none
    named: its own row), and how many named an improvement, the largest first."""
    await statistics.ensure_fresh(scope.organisation)
    rows = (
        await _months(FeedbackCauseMonth, scope)
        .annotate(n=Sum("closed"), improved=Sum("improvements"))
        .group_by("root_cause_id")
        .values("root_cause_id", "n", "improved")
    )
    areas = {
        a.id: a
        for a in await ProblemArea.filter(
            organisation_id=scope.organisation.id,
            id__in=[r["root_cause_id"] for r in rows if r["root_cause_id"] is not None],
        )
    }
    result = []
    for row in rows:
        area = areas.get(row["root_cause_id"])
        none_sv, none_en = translations("sv").gettext(NO_CAUSE), NO_CAUSE
        result.append(
            {
                "root_cause_id": row["root_cause_id"],
                "code": area.code if area else "",
                "name_sv": area.name_sv if area else none_sv,
                "name_en": (area.name_en or area.name_sv) if area else none_en,
                "closed": int(row["n"] or 0),
                "improvements": int(row["improved"] or 0),
            }
        )
    return sorted(result, key=lambda r: (-r["closed"], r["name_sv"]))


NO_CAUSE = _("No root cause given")


async def latest_improvements(scope: PanelScope) -> list[dict[str, Any]]:
    """The latest improvements named when closing complaints (not secret ones) in the
    period: newest first, at most ten; read by the (organisation, closed_at) index."""
    zone = zone_of(scope.organisation)
    low, _ = statistics.month_bounds(_first_month(scope), zone)
    high = statistics.month_bounds(scope.end.replace(day=1), zone)[1]
    records = (
        await Feedback.filter(
            organisation_id=scope.organisation.id,
            status=Status.CLOSED,
            secret=False,
            closed_at__gte=low,
            closed_at__lt=high,
            **_filters(scope),
        )
        .exclude(improvement="")
        .order_by("-closed_at", "-id")
        .limit(MAX_IMPROVEMENTS)
        .values("id", "number", "closed_at", "root_cause_id", "improvement")
    )
    ids = {r["root_cause_id"] for r in records if r["root_cause_id"] is not None}
    areas = {a.id: a for a in await ProblemArea.filter(id__in=ids)} if ids else {}
    return [
        {
            "id": r["id"],
            "number": r["number"],
            "date": r["closed_at"].astimezone(zone).date(),
            "root_cause_id": r["root_cause_id"],
            "root_cause": areas[r["root_cause_id"]].name(scope.language)
            if r["root_cause_id"] in areas
            else "",
            "improvement": r["improvement"],
        }
        for r in records
    ]


def _record_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    return str(request.url_for("complaints:detail", id=row["id"]))


# --- open data ----------------------------------------------------------------------------

MONTHLY_KEYS = ("month", "received", "answered", "answered_on_time")


async def monthly(scope: PanelScope) -> list[dict[str, Any]]:
    """One row per month: received, answered and answered on time, exactly the public
    open data's rows (on the public page organisation-wide: the filters are ignored)."""
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "received": row["received"],
            "answered": row["answered"],
            "answered_on_time": row["answered_on_time"],
        }
        for row in await _sums(scope, ("received", "answered", "answered_on_time"))
    ]


# --- the quality manager's open records ---------------------------------------------------


def _open(scope: PanelScope) -> Any:
    return Feedback.filter(
        organisation_id=scope.organisation.id, status__in=OPEN_STATUSES, **_filters(scope)
    )


async def overdue(scope: PanelScope) -> list[dict[str, Any]]:
    """Open feedback not answered by its deadline, and due within three days (counted
    now, from the feedback table)."""
    today = scope.today or today_for(scope.organisation)
    unanswered = _open(scope).filter(answered_at=None)
    late = await unanswered.filter(answer_due__lt=today).count()
    soon = await unanswered.filter(
        answer_due__gte=today, answer_due__lte=today + timedelta(days=SOON_DAYS)
    ).count()
    return [{"overdue": late, "soon": soon}]


async def due_soon(scope: PanelScope) -> list[dict[str, Any]]:
    (row,) = await overdue(scope)
    return [{"soon": row["soon"], "overdue": row["overdue"]}]


async def open_too_long(scope: PanelScope) -> list[dict[str, Any]]:
    """Open feedback received more than six months ago (förvaltningslagen 12 §: the
    person may then ask for the matter to be decided)."""
    today = scope.today or today_for(scope.organisation)
    limit = statistics.open_too_long(zone_of(scope.organisation), today)
    found = await Feedback.filter(
        organisation_id=scope.organisation.id, **limit, **_filters(scope)
    ).count()
    return [{"open_long": found}]


def _due_link(due: str) -> Any:
    def link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str:
        return inbox_link(request, scope, status="open", due=due)

    return link


def _open_long_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str:
    return inbox_link(request, scope, status="open", open_for="six_months")


# --- the panels -------------------------------------------------------------------------

MONTH = ("month", _("Month"))
KIND_COLUMNS = tuple((k.value, label) for k, label in KIND_LABELS.items())


def _channel_columns() -> tuple[tuple[str, str], ...]:
    from complaints.states import CHANNEL_LABELS

    return tuple((c.value, label) for c, label in CHANNEL_LABELS.items())


PANELS = (
    Panel(
        name="complaints.received",
        title=_("Feedback received per month"),
        description=_("Feedback received in each month, by kind."),
        query=received_by_kind,
        chart="stacked",
        x="month",
        y=KINDS,
        columns=(MONTH, *KIND_COLUMNS, ("received", _("Number received"))),
        filters=FILTERS,
        link=_month_link(),
        permission=READ,
        order=10,
    ),
    Panel(
        name="complaints.received_per_inhabitant",
        title=_("Feedback per 1,000 inhabitants"),
        description=_("Feedback received in each month per 1,000 inhabitants."),
        query=received_per_inhabitant,
        chart="line",
        x="month",
        y=("per_1000",),
        columns=(
            MONTH,
            ("received", _("Number received")),
            ("per_1000", _("Per 1,000 inhabitants")),
        ),
        filters=FILTERS,
        link=_month_link(),
        permission=READ,
        order=11,
    ),
    Panel(
        name="complaints.channels",
        title=_("Feedback per channel"),
        description=_("Feedback received in each month, by the channel it came through."),
        query=received_by_channel,
        chart="stacked",
        x="month",
        y=CHANNELS,
        columns=(MONTH, *_channel_columns(), ("received", _("Number received"))),
        section="channels",
        filters=frozenset({"unit", "service"}),
        link=_month_link(),
        permission=READ,
        order=10,
    ),
    Panel(
        name="complaints.digital_share",
        title=_("Share received digitally"),
        description=_(
            "The share of each month's feedback that came through the web form or the app "
            "(Open311). E-mail is not counted as digital."
        ),
        query=received_by_channel,
        chart="line",
        x="month",
        y=("digital_share",),
        columns=(
            MONTH,
            ("received", _("Number received")),
            ("digital", _("Digitally")),
            ("digital_share", _("Share digitally (%)")),
        ),
        section="channels",
        unit="%",
        filters=frozenset({"unit", "service"}),
        link=_month_link(),
        min_cases="received",
        permission=READ,
        order=20,
    ),
    Panel(
        name="complaints.on_time",
        title=_("Acknowledged and answered on time"),
        description=_(
            "Of the feedback received in each month and acknowledged (answered) so far, the "
            "share acknowledged (answered) by its deadline."
        ),
        query=on_time,
        chart="line",
        x="month",
        y=("acknowledged_share", "answered_share"),
        columns=(
            MONTH,
            ("received", _("Number received")),
            ("acknowledged", _("Acknowledged")),
            ("acknowledged_share", _("Acknowledged on time (%)")),
            ("answered", _("Number answered")),
            ("answered_share", _("Answered on time (%)")),
        ),
        unit="%",
        filters=FILTERS,
        link=_month_link(),
        min_cases="answered",
        permission=READ,
        order=20,
    ),
    Panel(
        name="complaints.outcomes",
        title=_("Outcome of complaints"),
        description=_("Complaints received in the period and closed, by outcome."),
        query=outcomes,
        chart="bar",
        x="name",
        y=("closed",),
        columns=(("name", _("Outcome")), ("closed", _("Closed complaints"))),
        filters=FILTERS,
        link=_period_link(outcome="outcome"),
        permission=READ,
        order=30,
    ),
    Panel(
        name="complaints.handling_time",
        title=_("Handling time in working days"),
        description=_(
            "The median and the 90th percentile of the working days from received to "
            "answered, for the feedback received in each month and answered so far."
        ),
        query=handling_time,
        chart="line",
        x="month",
        y=("median", "p90"),
        columns=(
            MONTH,
            ("answered", _("Number answered")),
            ("median", _("Median (working days)")),
            ("p90", _("90th percentile (working days)")),
        ),
        filters=FILTERS,
        link=_month_link(),
        min_cases="answered",
        permission=READ,
        order=40,
    ),
    Panel(
        name="complaints.reviews",
        title=_("Reviews asked for"),
        description=_(
            "How many people asked for a review of the answer, of the feedback received in "
            "each month."
        ),
        query=reviews,
        chart="line",
        x="month",
        y=("reviews",),
        columns=(
            MONTH,
            ("closed", _("Number closed")),
            ("reviews", _("Reviews asked for")),
            ("review_share", _("Share reviewed (%)")),
        ),
        filters=FILTERS,
        link=_month_link(),
        permission=READ,
        order=50,
    ),
    Panel(
        name="complaints.satisfaction",
        title=_("Satisfaction with the handling"),
        description=_("The average answer (1 to 5) of those who said what they thought."),
        query=satisfaction,
        chart="line",
        x="month",
        y=("satisfaction",),
        columns=(
            MONTH,
            ("satisfaction", _("Average satisfaction")),
            ("satisfaction_count", _("Answers")),
        ),
        filters=FILTERS,
        link=_month_link(),
        min_cases="satisfaction_count",
        permission=READ,
        order=60,
    ),
    Panel(
        name="complaints.root_causes",
        title=_("Root causes of complaints"),
        description=_(
            "Complaints received in the period and closed, by root cause, and how many "
            "named an improvement."
        ),
        query=root_causes,
        chart="bar",
        x="name",
        y=("closed", "improvements"),
        columns=(
            ("name", _("Root cause")),
            ("closed", _("Closed complaints")),
            ("improvements", _("Improvement named")),
        ),
        section="improvement",
        filters=FILTERS,
        link=_period_link(root_cause="root_cause_id"),
        permission=READ,
        order=10,
    ),
    Panel(
        name="complaints.improvements",
        title=_("Latest improvements"),
        description=_("Improvements named when closing feedback (not secret records)."),
        query=latest_improvements,
        chart="table",
        x="date",
        y=("improvement",),
        columns=(
            ("date", _("Closed")),
            ("number", _("Number")),
            ("root_cause", _("Root cause")),
            ("improvement", _("Improvement")),
        ),
        section="improvement",
        filters=FILTERS,
        link=_record_link,
        permission=READ,
        order=20,
    ),
    Panel(
        name="complaints.monthly",
        title=_("Feedback received and answered"),
        description=_(
            "Feedback received in each month, how many of it have been answered and how "
            "many were answered on time."
        ),
        query=monthly,
        chart="line",
        x="month",
        y=("received", "answered", "answered_on_time"),
        columns=(
            MONTH,
            ("received", _("Number received")),
            ("answered", _("Number answered")),
            ("answered_on_time", _("Answered on time")),
        ),
        views=frozenset({"manage", "public"}),
        filters=FILTERS,
        link=_month_link(),
        min_cases="received",
        order=5,
    ),
    Panel(
        name="complaints.overdue",
        title=_("Overdue feedback"),
        description=_("Open feedback not answered by its deadline, now."),
        query=overdue,
        chart="number",
        x="",
        y=("overdue",),
        columns=(("overdue", _("Overdue")), ("soon", _("Due within 3 days"))),
        views=frozenset({"quality"}),
        filters=FILTERS,
        link=_due_link("overdue"),
        permission=READ,
        order=1,
    ),
    Panel(
        name="complaints.due_soon",
        title=_("Feedback due soon"),
        description=_("Open feedback to be answered within three days, now."),
        query=due_soon,
        chart="number",
        x="",
        y=("soon",),
        columns=(("soon", _("Due within 3 days")), ("overdue", _("Overdue"))),
        views=frozenset({"quality"}),
        filters=FILTERS,
        link=_due_link("soon"),
        permission=READ,
        order=2,
    ),
    Panel(
        name="complaints.open_long",
        title=_("Open longer than six months"),
        description=_(
            "Open feedback received more than six months ago: the person may ask for a "
            "decision (section 12 of the Administrative Procedure Act)."
        ),
        query=open_too_long,
        chart="number",
        x="",
        y=("open_long",),
        columns=(("open_long", _("Open longer than six months")),),
        views=frozenset({"quality"}),
        filters=FILTERS,
        link=_open_long_link,
        permission=READ,
        order=3,
    ),
)
