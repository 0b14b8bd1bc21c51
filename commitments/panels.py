"""The commitments' dashboard panels (Feature.panels; ``dashboards/`` draws them).

Every figure is read from the precomputed tables (FulfilmentPeriod per commitment version
and period, CaseMonth per service, month and channel) that ``recompute_organisation``
writes, in one or two grouped queries per panel: no panel reads the case records.
Definitions (met, too few cases, significance, digital share): docs/commitment-statistics.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
from tortoise import connections
from tortoise.functions import Sum

from commitments.fulfilment import Z95
from commitments.models import CommitmentVersion, FulfilmentPeriod, Service
from commitments.permissions import MANAGE, VIEW
from commitments.states import CHANNEL_LABELS, ESERVICE_LABELS, Channel, CommitmentStatus
from servicedialog import sql
from servicedialog.calendars import today_for
from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations

SCOPE_FILTERS = frozenset({"service", "unit"})
# The channels of the stacked chart, in its order; "unknown": no channel recorded.
CHANNEL_KEYS = tuple(c.value for c in Channel) + ("unknown",)
DIGITAL_CHANNELS = frozenset({Channel.WEB.value})
TREND_PERIODS = 6  # the at-risk trend is a line through this many latest periods
TREND_DAYS = 19 * 31  # of the last 19 months (six quarters and the current one)


def significant_change(met_a: int, total_a: int, met_b: int, total_b: int, z: float = Z95) -> bool:
    """Whether two shares (``met_a`` of ``total_a`` against ``met_b`` of ``total_b``)
    differ by more than chance explains: a two-sided two-proportion z-test at 95 %
    (|z| > 1.96) with the pooled share. No test (False) when either total is 0 or the
    pooled share is 0 or 1 (all kept or none kept in both: nothing to tell apart)."""
    if total_a <= 0 or total_b <= 0:
        return False
    pooled = (met_a + met_b) / (total_a + total_b)
    variance = pooled * (1 - pooled) * (1 / total_a + 1 / total_b)
    if variance <= 0:
        return False
    return abs(met_a / total_a - met_b / total_b) / math.sqrt(variance) > z


def _today(scope: PanelScope) -> date:
    return scope.today or today_for(scope.organisation)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _day(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _service_filters(scope: PanelScope) -> dict[str, Any]:
    """ORM filters on Service for the scope's organisation, service and unit."""
    filters: dict[str, Any] = {"organisation_id": scope.organisation.id}
    if scope.service_id is not None:
        filters["id"] = scope.service_id
    if scope.unit_id is not None:
        filters["unit_id"] = scope.unit_id
    return filters


def _service_where(scope: PanelScope) -> tuple[str, list[Any]]:
    """The same as SQL over the alias ``s`` (commitments_service)."""
    where, params = "s.organisation_id = ?", [scope.organisation.id]
    if scope.service_id is not None:
        where += " AND s.id = ?"
        params.append(scope.service_id)
    if scope.unit_id is not None:
        where += " AND s.unit_id = ?"
        params.append(scope.unit_id)
    return where, params


def _period_filters(scope: PanelScope, prefix: str = "version__commitment__service__") -> dict:
    return {prefix + key: value for key, value in _service_filters(scope).items()}


async def _query(text: str, params: list[Any]) -> list[tuple[Any, ...]]:
    connection = connections.get("default")
    _, rows = await connection.execute_query(
        sql.for_dialect(text, sql.dialect_of(connection)), params
    )
    return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]


async def _names(commitment_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each commitment's name in Swedish and English: its service and its current promise."""
    versions = (
        await CommitmentVersion.filter(commitment_id__in=commitment_ids)
        .order_by("version")
        .values(
            "commitment_id",
            "promise_sv",
            "promise_en",
            "commitment__service__name_sv",
            "commitment__service__name_en",
        )
    )
    names = {}
    for v in versions:
        service_sv = v["commitment__service__name_sv"]
        service_en = v["commitment__service__name_en"] or service_sv
        names[v["commitment_id"]] = (
            f"{service_sv}: {v['promise_sv']}",
            f"{service_en}: {v['promise_en'] or v['promise_sv']}",
        )
    return names


def _may_manage(request: Any) -> bool:
    state = getattr(request, "state", None)
    user = getattr(state, "user", None)
    return bool(getattr(user, "is_superuser", False)) or MANAGE.held_by(
        getattr(state, "roles", frozenset())
    )


def _manage_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    """The commitment's manage page; for those who may not manage commitments (leadership,
    handlers) its public page, which shows the same history."""
    if not _may_manage(request):
        return _public_link(request, row, scope)
    return str(request.app.url_path_for("commitments:commitment", id=row["commitment_id"]))


def _public_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    return str(
        request.app.url_path_for(
            "commitments:detail", org=scope.organisation.slug, id=row["commitment_id"]
        )
    )


# The latest periods of each published commitment, newest first (rn 1, 2, …), that lie in
# the scope and have ended before today.
_LATEST_SQL = """
SELECT c.id, f.period_start, f.total_volume, f.volume_meeting_target, f.performance,
       f.target_met, f.too_few_cases, v.target_share,
       ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY f.period_start DESC) AS rn
FROM commitments_fulfilment f
JOIN commitments_version v ON v.id = f.version_id
JOIN commitments_commitment c ON c.id = v.commitment_id
JOIN commitments_service s ON s.id = c.service_id
WHERE {where} AND c.status = ? AND f.period_start >= ? AND f.period_end <= ?
  AND f.period_end < ?
"""


async def meeting(scope: PanelScope) -> list[dict[str, Any]]:
    """The share of published commitments that met their target in their latest complete
    period in the scope, and the same for the period before: one grouped query."""
    where, params = _service_where(scope)
    rows = await _query(
        "SELECT rn, MAX(period_start), "
        "SUM(CASE WHEN too_few_cases THEN 0 WHEN target_met THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN too_few_cases OR target_met IS NULL THEN 0 ELSE 1 END), "
        "SUM(CASE WHEN too_few_cases THEN 1 ELSE 0 END) "
        f"FROM ({_LATEST_SQL.format(where=where)}) latest WHERE rn <= 2 GROUP BY rn ORDER BY rn",
        [*params, CommitmentStatus.PUBLISHED.value, scope.start, scope.end, _today(scope)],
    )
    by_rank = {int(r[0]): r for r in rows}
    if 1 not in by_rank:
        return []

    def share(rank: int) -> float | None:
        row = by_rank.get(rank)
        return round(100 * int(row[2]) / int(row[3]), 1) if row and int(row[3]) else None

    latest = by_rank[1]
    return [
        {
            "period_start": _day(latest[1]),
            "share": share(1),
            "previous_share": share(2),
            "met": int(latest[2]),
            "measured": int(latest[3]),
            "too_few": int(latest[4]),
        }
    ]


async def each_commitment(scope: PanelScope) -> list[dict[str, Any]]:
    """Per published commitment and period in the scope: the share kept with its Wilson
    interval, the target, the cases, and whether the change from the period before is
    significant (:func:`significant_change`): one query with the period before each row
    (LAG), reading back a year before the scope for the first one (yearly periods)."""
    where, params = _service_where(scope)
    rows = await _query(
        "SELECT * FROM (SELECT c.id, f.period_start, f.total_volume, f.volume_meeting_target, "
        "f.performance, f.too_few_cases, f.wilson_low, f.wilson_high, v.target_share, "
        "LAG(f.total_volume) OVER w, LAG(f.volume_meeting_target) OVER w, "
        "LAG(f.performance) OVER w, LAG(f.too_few_cases) OVER w "
        "FROM commitments_fulfilment f JOIN commitments_version v ON v.id = f.version_id "
        "JOIN commitments_commitment c ON c.id = v.commitment_id "
        "JOIN commitments_service s ON s.id = c.service_id "
        f"WHERE {where} AND c.status = ? AND f.period_start >= ? AND f.period_start <= ? "
        "WINDOW w AS (PARTITION BY c.id ORDER BY f.period_start)) periods "
        "WHERE period_start >= ? ORDER BY 1, 2",
        [
            *params,
            CommitmentStatus.PUBLISHED.value,
            scope.start - timedelta(days=366),
            scope.end,
            scope.start,
        ],
    )
    names = await _names(sorted({int(r[0]) for r in rows}))
    result = []
    for (
        commitment_id, start, total, kept, performance, too_few_cases, low, high, target,
        previous_total, previous_kept, previous_performance, previous_too_few,
    ) in rows:  # fmt: skip
        too_few = bool(too_few_cases) or performance is None
        comparable = not too_few and previous_total is not None
        comparable = comparable and not previous_too_few and previous_performance is not None
        name_sv, name_en = names.get(int(commitment_id), (str(commitment_id),) * 2)
        result.append(
            {
                "commitment_id": int(commitment_id),
                "name_sv": name_sv,
                "name_en": name_en,
                "period_start": _day(start),
                "share": None if too_few else _percent(performance),
                "low": None if too_few else _percent(low),
                "high": None if too_few else _percent(high),
                "target": _percent(target),
                "cases": int(total),
                "too_few": too_few,
                "significant": comparable
                and significant_change(int(kept), int(total), previous_kept, previous_total),
            }
        )
    return result


async def kept_per_period(scope: PanelScope) -> list[dict[str, Any]]:
    """Cases counted and kept per period over all the organisation's measured commitments
    (on public pages: the published ones), and the share kept (in %): one grouped query."""
    query = FulfilmentPeriod.filter(
        **_period_filters(scope), period_start__gte=scope.start, period_start__lte=scope.end
    )
    if scope.public:
        query = query.filter(version__commitment__status=CommitmentStatus.PUBLISHED)
    rows = (
        await query.annotate(cases=Sum("total_volume"), kept=Sum("volume_meeting_target"))
        .group_by("period_start")
        .order_by("period_start")
        .values("period_start", "cases", "kept")
    )
    return [
        {**row, "share": round(100 * row["kept"] / row["cases"], 1) if row["cases"] else None}
        for row in rows
    ]


async def published_kept(scope: PanelScope) -> list[dict[str, Any]]:
    """Each published commitment with how well it was kept in its latest complete period
    in the scope: counts only, no case and no person."""
    where, params = _service_where(scope)
    rows = await _query(
        f"SELECT * FROM ({_LATEST_SQL.format(where=where)}) latest WHERE rn = 1",
        [*params, CommitmentStatus.PUBLISHED.value, scope.start, scope.end, _today(scope)],
    )
    names = await _names([int(r[0]) for r in rows])
    result = []
    for commitment_id, start, total, kept, performance, met, too_few, target, _rn in rows:
        name_sv, name_en = names.get(int(commitment_id), (str(commitment_id),) * 2)
        few = bool(too_few) or performance is None
        result.append(
            {
                "commitment_id": int(commitment_id),
                "name_sv": name_sv,
                "name_en": name_en,
                "period_start": _day(start),
                "share": None if few else _percent(performance),
                "target": _percent(target),
                "cases": int(total),
                "kept": int(kept),
                "met": None if few or met is None else bool(met),
            }
        )
    return sorted(result, key=lambda row: row["name_sv"])


async def at_risk(scope: PanelScope) -> list[dict[str, Any]]:
    """Published commitments at risk in the current period: its share so far is below the
    target, or the trend is (a straight line through the shares of the latest
    TREND_PERIODS periods of the last 19 months, the current one included, continued to
    the current period)."""
    today = _today(scope)
    where, params = _service_where(scope)
    rows = await _query(
        "SELECT c.id, f.period_start, f.period_end, f.total_volume, f.performance, "
        "f.too_few_cases, v.target_share, "
        "ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY f.period_start DESC) AS rn "
        "FROM commitments_fulfilment f JOIN commitments_version v ON v.id = f.version_id "
        "JOIN commitments_commitment c ON c.id = v.commitment_id "
        "JOIN commitments_service s ON s.id = c.service_id "
        f"WHERE {where} AND c.status = ? AND f.period_start >= ? AND f.period_start <= ?",
        [*params, CommitmentStatus.PUBLISHED.value, today - timedelta(days=TREND_DAYS), today],
    )
    latest: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        if int(row[7]) <= TREND_PERIODS:
            latest.setdefault(int(row[0]), []).append(row)
    names = await _names(sorted(latest))
    result = []
    for commitment_id, periods in latest.items():
        periods.sort(key=lambda r: int(r[7]), reverse=True)  # oldest first
        current = periods[-1] if _day(periods[-1][2]) >= today else None
        target = float(periods[-1][6])
        share = None
        if current is not None and not current[5] and current[4] is not None:
            share = float(current[4])
        trend = _trend(
            [None if p[5] or p[4] is None else float(p[4]) for p in periods],
            ahead=current is None,
        )
        below = share is not None and share < target
        falling = trend is not None and trend < target
        if not (below or falling):
            continue
        name_sv, name_en = names.get(commitment_id, (str(commitment_id),) * 2)
        result.append(
            {
                "commitment_id": commitment_id,
                "name_sv": name_sv,
                "name_en": name_en,
                "share": _percent(share),
                "trend": _percent(None if trend is None else min(1.0, max(0.0, trend))),
                "target": _percent(target),
                "cases": int(current[3]) if current is not None else 0,
                "below_target": below,
                "trend_below_target": falling,
            }
        )
    return sorted(result, key=lambda row: row["name_sv"])


def _trend(shares: list[float | None], ahead: bool) -> float | None:
    """The least-squares line through the measured shares (oldest first, None: too few
    cases) at the last period, or at the one after it (``ahead``); None under 3 points."""
    points = [(i, s) for i, s in enumerate(shares) if s is not None]
    if len(points) < 3:
        return None
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    at = len(shares) if ahead else len(shares) - 1
    return float(slope * at + intercept)


def _first_month(day: date) -> date:
    return day.replace(day=1)


async def _channel_counts(scope: PanelScope) -> list[tuple[date, str, int]]:
    where, params = _service_where(scope)
    rows = await _query(
        "SELECT m.month, m.channel, SUM(m.cases) FROM commitments_case_month m "
        f"JOIN commitments_service s ON s.id = m.service_id WHERE {where} "
        "AND m.month >= ? AND m.month <= ? GROUP BY m.month, m.channel ORDER BY m.month",
        [*params, _first_month(scope.start), scope.end],
    )
    return [(_day(month), channel or "unknown", int(cases)) for month, channel, cases in rows]


async def cases_by_channel(scope: PanelScope) -> list[dict[str, Any]]:
    """Cases received per month through each channel, the whole months of the scope, and
    the digital share (web cases of those with a channel recorded, in %)."""
    months: dict[date, dict[str, Any]] = {}
    for month, channel, cases in await _channel_counts(scope):
        row = months.setdefault(month, {"month": month, **dict.fromkeys(CHANNEL_KEYS, 0)})
        row[channel] = row.get(channel, 0) + cases
    result = []
    for row in months.values():
        known = sum(row[key] for key in CHANNEL_KEYS if key != "unknown")
        digital = sum(row[key] for key in DIGITAL_CHANNELS)
        row["cases"] = known + row["unknown"]
        row["known"] = known
        row["digital_share"] = round(100 * digital / known, 1) if known else None
        result.append(row)
    return result


async def eservice_ladder(scope: PanelScope) -> list[dict[str, Any]]:
    """Each service, its step on the e-service ladder and its cases in the twelve months up
    to the end of the scope (from the month table)."""
    where, params = _service_where(scope)
    last = _first_month(scope.end)
    index = last.year * 12 + last.month - 1 - 11  # the month eleven months before the last
    first = date(index // 12, index % 12 + 1, 1)
    rows = await _query(
        "SELECT s.id, s.code, s.name_sv, s.name_en, s.eservice_level, "
        "COALESCE(SUM(m.cases), 0) FROM commitments_service s "
        "LEFT JOIN commitments_case_month m ON m.service_id = s.id "
        "AND m.month >= ? AND m.month <= ? "
        f"WHERE {where} GROUP BY s.id, s.code, s.name_sv, s.name_en, s.eservice_level "
        "ORDER BY s.code",
        [first, last, *params],
    )
    gettext = translations(scope.language).gettext
    steps = list(ESERVICE_LABELS)
    result = []
    for service_id, code, name_sv, name_en, level, cases in rows:
        known = next((s for s in steps if s.value == level), steps[0])
        result.append(
            {
                "service_id": int(service_id),
                "code": code,
                "name_sv": name_sv,
                "name_en": name_en or name_sv,
                "step": steps.index(known) + 1,
                "level": gettext(ESERVICE_LABELS[known]),
                "cases": int(cases),
            }
        )
    return result


async def service_choices(organisation: Any, language: str) -> list[tuple[str, str]]:
    """The dashboard's service filter: the organisation's services by name."""
    services = await Service.filter(organisation_id=organisation.id).order_by("code")
    return sorted(((str(s.id), s.name(language)) for s in services), key=lambda choice: choice[1])


def _service_link(request: Any, row: Mapping[str, Any], scope: PanelScope) -> str | None:
    """The service's manage page, or its public page for those who may not manage it."""
    if not _may_manage(request):
        return str(
            request.app.url_path_for(
                "commitments:service_page", org=scope.organisation.slug, code=row["code"]
            )
        )
    return str(request.app.url_path_for("commitments:service", id=row["service_id"]))


PANELS = (
    Panel(
        name="commitments.meeting",
        title=_("Commitments that met their target"),
        query=meeting,
        chart="number",
        x="previous_share",
        y=("share",),
        columns=(
            ("period_start", _("Period")),
            ("share", _("Share that met the target")),
            ("previous_share", _("The period before")),
            ("met", _("Met the target")),
            ("measured", _("Measured")),
            ("too_few", _("Too few cases")),
        ),
        section="commitments",
        description=_(
            "The share of the published commitments that met their target in their latest "
            "complete period. Commitments with too few cases in the period are neither met "
            "nor missed: they are counted apart and left out of the share."
        ),
        unit="%",
        filters=SCOPE_FILTERS,
        permission=VIEW,
        order=10,
    ),
    Panel(
        name="commitments.each",
        title=_("How each commitment is kept"),
        query=each_commitment,
        chart="multiples",
        x="period_start",
        y=("share",),
        columns=(
            ("name", _("Commitment")),
            ("period_start", _("Period")),
            ("share", _("Share kept")),
            ("low", _("Lower limit")),
            ("high", _("Upper limit")),
            ("target", _("Target")),
            ("cases", _("Cases")),
            ("too_few", _("Too few cases")),
            ("significant", _("Significant change")),
        ),
        section="commitments",
        description=_(
            "The share of cases where the promise was kept, per period, with its 95 % "
            "confidence interval and the target. A marked period differs significantly "
            "from the period before (a two-proportion test at the 95 % level). No share is "
            "shown for a period with too few cases."
        ),
        unit="%",
        group="name",
        band=("low", "high"),
        target="target",
        marker="significant",
        filters=SCOPE_FILTERS,
        link=_manage_link,
        min_cases="cases",
        permission=VIEW,
        order=20,
    ),
    Panel(
        name="commitments.kept",
        title=_("Cases where the promise was kept"),
        query=kept_per_period,
        chart="line",
        x="period_start",
        y=("share",),
        columns=(
            ("period_start", _("Period")),
            ("cases", _("Cases")),
            ("kept", _("Kept")),
            ("share", _("Share kept")),
        ),
        section="commitments",
        views=frozenset({"manage", "public"}),
        description=_(
            "The share of all measured cases, over every commitment, where the promise was "
            "kept in each period."
        ),
        unit="%",
        filters=SCOPE_FILTERS,
        min_cases="cases",
        # No permission: the public page shows only panels without one, and these figures
        # are public (the open data of every published commitment).
        order=30,
    ),
    Panel(
        name="commitments.published",
        title=_("Our service commitments and how we keep them"),
        query=published_kept,
        chart="bar",
        x="name",
        y=("share",),
        columns=(
            ("name", _("Commitment")),
            ("period_start", _("Period")),
            ("share", _("Share kept")),
            ("target", _("Target")),
            ("cases", _("Cases")),
        ),
        section="commitments",
        views=frozenset({"public", "manage"}),
        description=_(
            "Each published commitment and the share of cases where the promise was kept in "
            "its latest complete period. Figures resting on too few cases are not shown."
        ),
        unit="%",
        filters=SCOPE_FILTERS,
        link=_public_link,
        min_cases="cases",
        order=40,
    ),
    Panel(
        name="commitments.at_risk",
        title=_("Commitments at risk this period"),
        query=at_risk,
        chart="table",
        x="name",
        y=("share",),
        columns=(
            ("name", _("Commitment")),
            ("share", _("Share kept so far")),
            ("trend", _("Trend")),
            ("target", _("Target")),
            ("cases", _("Cases so far")),
        ),
        section="commitments",
        views=frozenset({"quality"}),
        description=_(
            "Published commitments whose share kept so far in the current period is below "
            "the target, or whose trend is: a straight line through the shares of the last "
            "six periods, continued to the current one."
        ),
        unit="%",
        filters=SCOPE_FILTERS,
        link=_manage_link,
        permission=VIEW,
        order=50,
    ),
    Panel(
        name="channels.cases",
        title=_("Cases per channel"),
        query=cases_by_channel,
        chart="stacked",
        x="month",
        y=CHANNEL_KEYS,
        columns=(
            ("month", _("Month")),
            *((c.value, CHANNEL_LABELS[c]) for c in Channel),
            ("unknown", _("Channel not recorded")),
            ("cases", _("Cases")),
        ),
        section="channels",
        description=_("Cases received per month, by the channel they came in through."),
        filters=SCOPE_FILTERS,
        permission=VIEW,
        order=10,
    ),
    Panel(
        name="channels.digital",
        title=_("Digital share"),
        query=cases_by_channel,
        chart="line",
        x="month",
        y=("digital_share",),
        columns=(
            ("month", _("Month")),
            ("digital_share", _("Digital share")),
            ("web", CHANNEL_LABELS[Channel.WEB]),
            ("known", _("Cases with a channel recorded")),
        ),
        section="channels",
        description=_(
            "The share of cases received through the e-service (the web), of the cases whose "
            "channel was recorded."
        ),
        unit="%",
        filters=SCOPE_FILTERS,
        min_cases="known",
        permission=VIEW,
        order=20,
    ),
    Panel(
        name="channels.eservices",
        title=_("The e-service ladder"),
        query=eservice_ladder,
        chart="table",
        x="name",
        y=("cases",),
        columns=(
            ("name", _("Service")),
            ("level", _("E-service level")),
            ("cases", _("Cases in the last 12 months")),
        ),
        section="channels",
        description=_(
            "Each service's step on the e-service ladder (information, interaction, "
            "transaction, integration) and its cases in the twelve months up to the end "
            "of the period."
        ),
        filters=SCOPE_FILTERS,
        link=_service_link,
        permission=VIEW,
        order=30,
    ),
)
