"""Rising problems: each area's count of texts in the last seven days against its own
history (:func:`insight.alerts.flag`: EARS C1–C3 while the history is short, a seasonal
count model once there is more than a year), and a weekly digest for quality managers.

Periods are seven-day windows ending today in the organisation's time zone (period 0 is
the last seven days), so the current period is always a whole week and comparable with
the ones before it. Counts are one SQL aggregate per organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from tortoise import connections

from insight.alerts import Flag, flag
from problem_areas.models import Label, ProblemArea
from servicedialog.calendars import today_for, zone_of
from servicedialog.i18n import translations
from servicedialog.mail import queue_mail
from servicedialog.models import Membership, Organisation
from servicedialog.roles import Role
from servicedialog.sql import dialect_of, epoch, for_dialect

if TYPE_CHECKING:
    from servicedialog.settings import Settings

WEEK_SECONDS = 7 * 24 * 3600
HISTORY_PERIODS = 105  # two years and the current week


@dataclass(frozen=True)
class AreaFlag:
    area: ProblemArea
    flag: Flag
    counts: list[int]  # oldest first; the last is the last seven days
    period_end: date  # the last day of the current period

    @property
    def period_start(self) -> date:
        return self.period_end - timedelta(days=6)


def period_end_moment(organisation: Organisation, today: date) -> datetime:
    """The end of ``today`` in the organisation's zone, as an aware UTC datetime."""
    local = datetime.combine(today + timedelta(days=1), time(), tzinfo=zone_of(organisation))
    return local.astimezone(UTC)


async def weekly_counts(
    organisation: Organisation, today: date, periods: int = HISTORY_PERIODS
) -> dict[int, list[int]]:
    """Per area id: counts of its texts per seven-day period, oldest first."""
    end = period_end_moment(organisation, today)
    start = end - timedelta(seconds=WEEK_SECONDS * periods)
    connection = connections.get("default")
    dialect = dialect_of(connection)
    end_epoch = int(end.timestamp())
    sql = for_dialect(
        f"SELECT area_id, (? - {epoch('received_at', dialect)} - 1) / {WEEK_SECONDS} AS ago, "
        "COUNT(*) FROM problem_areas_label "
        "WHERE organisation_id = ? AND area_id IS NOT NULL AND received_at >= ? "
        "AND received_at < ? GROUP BY area_id, ago",
        dialect,
    )
    _, rows = await connection.execute_query(sql, [end_epoch, organisation.id, start, end])
    counts: dict[int, list[int]] = {}
    for row in rows:
        values = list(row.values()) if isinstance(row, dict) else list(row)
        area_id, ago, number = int(values[0]), int(values[1]), int(values[2])
        if 0 <= ago < periods:
            counts.setdefault(area_id, [0] * periods)[periods - 1 - ago] = number
    return counts


async def weekly_counts_from_days(
    organisation: Organisation, today: date, periods: int = HISTORY_PERIODS
) -> dict[int, list[int]]:
    """The same as :func:`weekly_counts`, read from the precomputed texts per area and
    local day (AreaDay, as of the last statistics refresh): one grouped query over about
    700 rows per area instead of every text of two years."""
    connection = connections.get("default")
    today_number = (today - date(1970, 1, 1)).days
    sql = for_dialect(
        "SELECT area_id, (? - day) / 7 AS ago, SUM(texts) FROM problem_areas_area_day "
        "WHERE organisation_id = ? AND day > ? AND day <= ? GROUP BY area_id, ago",
        dialect_of(connection),
    )
    _, rows = await connection.execute_query(
        sql, [today_number, organisation.id, today_number - 7 * periods, today_number]
    )
    counts: dict[int, list[int]] = {}
    for row in rows:
        values = list(row.values()) if isinstance(row, dict) else list(row)
        area_id, ago, number = int(values[0]), int(values[1]), int(values[2])
        if 0 <= ago < periods:
            counts.setdefault(area_id, [0] * periods)[periods - 1 - ago] = number
    return counts


async def area_flags(
    organisation: Organisation,
    today: date | None = None,
    *,
    min_count: int = 5,
    precomputed: bool = False,
) -> list[AreaFlag]:
    """Every area in use with its flag, the flagged first (alerts, then warnings);
    ``precomputed``: counted from the day table (the dashboards) instead of the labels."""
    today = today or today_for(organisation)
    if precomputed:
        counts = await weekly_counts_from_days(organisation, today)
    else:
        counts = await weekly_counts(organisation, today)
    areas = await ProblemArea.filter(organisation_id=organisation.id, active=True)
    result = []
    for area in areas:
        series = counts.get(area.id, [0] * HISTORY_PERIODS)
        first = next((i for i, n in enumerate(series) if n), len(series) - 1)
        history = series[first:]  # the series starts with the area's first text
        result.append(AreaFlag(area, flag(history, min_count=min_count), history, today))
    order = {"alert": 0, "warning": 1}
    result.sort(key=lambda f: (order.get(f.flag.level, 2), -f.flag.observed, f.area.name_sv))
    return result


async def texts_behind(
    organisation: Organisation, flagged: AreaFlag, limit: int = 20
) -> list[Label]:
    """The texts of the flagged area's current period, newest first."""
    end = period_end_moment(organisation, flagged.period_end)
    return list(
        await Label.filter(
            organisation_id=organisation.id,
            area_id=flagged.area.id,
            received_at__gte=end - timedelta(days=7),
            received_at__lt=end,
            hidden=False,
        )
        .order_by("-received_at")
        .limit(limit)
    )


async def weekly_digest(settings: Settings) -> str:
    """Mail each organisation's quality managers the areas flagged this week."""
    sent = 0
    for organisation in await Organisation.all():
        flagged = [f for f in await area_flags(organisation) if f.flag.level != "none"]
        if not flagged:
            continue
        managers = await Membership.filter(
            organisation_id=organisation.id, role=Role.QUALITY_MANAGER
        ).prefetch_related("user")
        for membership in managers:
            if membership.user.is_active:
                await queue_mail(
                    membership.user.email,
                    *digest(organisation, flagged, settings.base_url),
                    organisation=organisation,
                    reference=f"problem-areas-digest:{flagged[0].period_end.isoformat()}",
                )
                sent += 1
    return f"{sent} digest(s) queued"


def digest(organisation: Organisation, flagged: list[AreaFlag], base_url: str) -> tuple[str, str]:
    """The digest's subject and body, in Swedish and then English (staff accounts have no
    language of their own)."""
    parts, subject = [], ""
    for language in ("sv", "en"):
        gettext = translations(language).gettext
        ngettext = translations(language).ngettext
        if not subject:
            subject = ngettext(
                "%(count)s rising problem area", "%(count)s rising problem areas", len(flagged)
            ) % {"count": len(flagged)}
        lines = [
            gettext("Problem areas flagged for %(start)s–%(end)s:")
            % {
                "start": flagged[0].period_start.isoformat(),
                "end": flagged[0].period_end.isoformat(),
            }
        ]
        for item in flagged:
            level = gettext("Alert") if item.flag.level == "alert" else gettext("Warning")
            lines.append(
                "- "
                + gettext("%(level)s: %(area)s, %(observed)s texts (expected about %(expected)s)")
                % {
                    "level": level,
                    "area": item.area.name(language),
                    "observed": item.flag.observed,
                    "expected": f"{item.flag.expected:.0f}",
                }
            )
        lines.append(f"{base_url}/problem-areas/emerging/")
        parts.append("\n".join(lines))
    return subject, "\n\n".join(parts)
