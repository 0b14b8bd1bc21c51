"""The dashboards' filters: period, unit, service and channel, read from the query string.

Plain GET parameters, so they work without JavaScript, can be bookmarked and sent to a
colleague. A value that cannot be used is left out with its reason (shown by the field),
and the rest of the filters still apply: a bad filter never gives an error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from servicedialog.bounds import parse_int
from servicedialog.i18n import lazy as _

PERIOD_CHOICES: tuple[tuple[str, str], ...] = (
    ("1m", _("This month so far")),
    ("3m", _("The last 3 whole months")),
    ("12m", _("The last 12 whole months")),
    ("24m", _("The last 24 whole months")),
    ("ytd", _("This year so far")),
    ("lastyear", _("Last year")),
    ("custom", _("Months of my choice")),
)
DEFAULT_PERIOD = "12m"
MAX_MONTHS = 120  # ten years: the longest range a dashboard draws
CHANNEL_MAX = 32


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month ``back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return month_start(first, -1) - timedelta(days=1)


def complete_months(today: date, count: int) -> tuple[date, date]:
    """The ``count`` whole months before ``today``'s month: a chart that ended with the
    running month would show every figure falling on its first days."""
    return month_start(today, count), month_start(today) - timedelta(days=1)


def parse_month(raw: str) -> date | None:
    """``YYYY-MM`` (what ``<input type="month">`` sends) as the month's first day."""
    raw = raw.strip()
    if len(raw) != 7 or raw[4] != "-" or not (raw[:4] + raw[5:]).isdigit():
        return None
    year, month = int(raw[:4]), int(raw[5:])
    if not (1900 <= year <= 9999 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


@dataclass(frozen=True)
class Filters:
    period: str
    start: date
    end: date
    unit_id: int | None = None
    service_id: int | None = None
    channel: str | None = None
    # What the person typed, to show again in the form (also when it could not be used).
    typed: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)  # parameter: English msgid

    def query(self, **changes: str) -> str:
        """The filters as a query string (to keep them in links and downloads)."""
        values = {
            "period": self.period,
            "unit": str(self.unit_id or ""),
            "service": str(self.service_id or ""),
            "channel": self.channel or "",
        }
        if self.period == "custom":
            values["from"] = self.start.strftime("%Y-%m")
            values["to"] = self.end.strftime("%Y-%m")
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def active(self) -> frozenset[str]:
        """The filters besides the period that narrow the figures."""
        named = {"unit": self.unit_id, "service": self.service_id, "channel": self.channel}
        return frozenset(name for name, value in named.items() if value)


def parse(
    params: Mapping[str, str],
    today: date,
    *,
    units: Mapping[int, str],
    services: Mapping[str, str],
    channels: Mapping[str, str],
) -> Filters:
    """The filters from ``params``; ``units``, ``services`` and ``channels`` are the
    choices the organisation has (a value outside them is refused, not guessed)."""
    errors: dict[str, str] = {}
    typed = {
        k: str(params.get(k, ""))[:40]
        for k in ("period", "from", "to", "unit", "service", "channel")
    }
    period = typed["period"] or DEFAULT_PERIOD
    if period not in dict(PERIOD_CHOICES):
        errors["period"] = _("Choose one of the options.")
        period = DEFAULT_PERIOD
    start, end = _period_range(period, today)
    if period == "custom":
        first, last = parse_month(typed["from"]), parse_month(typed["to"])
        if first is None:
            errors["from"] = _("Write the month as YYYY-MM, for example 2026-03.")
        if last is None:
            errors["to"] = _("Write the month as YYYY-MM, for example 2026-03.")
        if first and last:
            if last < first:
                errors["to"] = _("The last month is before the first.")
            elif month_start(today) < first:
                errors["from"] = _("The first month has not begun yet.")
            elif (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                errors["to"] = _("Choose at most ten years.")
            else:
                start, end = first, min(month_end(last), today)
        if errors.keys() & {"from", "to"}:
            start, end = _period_range(DEFAULT_PERIOD, today)
    unit = _choice(typed["unit"], units, "unit", errors)
    service = _choice(typed["service"], services, "service", errors)
    channel = typed["channel"][:CHANNEL_MAX] or None
    if channel is not None and channel not in channels:
        errors["channel"] = _("Choose one of the options.")
        channel = None
    return Filters(
        period,
        start,
        end,
        unit_id=int(unit) if unit else None,
        service_id=int(service) if service else None,
        channel=channel,
        typed=typed,
        errors=errors,
    )


def _choice(raw: str, choices: Mapping, name: str, errors: dict[str, str]) -> str | None:
    if not raw:
        return None
    number = parse_int(raw)
    key = number if isinstance(next(iter(choices), ""), int) else raw
    if number is None or key not in choices:
        errors[name] = _("Choose one of the options.")
        return None
    return str(number)


def _period_range(period: str, today: date) -> tuple[date, date]:
    if period == "1m":
        return month_start(today), today
    if period == "3m":
        return complete_months(today, 3)
    if period == "24m":
        return complete_months(today, 24)
    if period == "ytd":
        return date(today.year, 1, 1), today
    if period == "lastyear":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return complete_months(today, 12)
