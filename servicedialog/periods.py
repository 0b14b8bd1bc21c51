"""Reporting periods and date ranges, the same for every feature: a commitment's quarter, a
dashboard's month, a survey's week, and the "from – to" filter of a list.

A :class:`Period` is a calendar week (ISO, Monday to Sunday), month, quarter or year with
its first and last day and a short label in the reader's language ("v. 49 2026", "dec.
2026", "K4 2026", "2026"). A :class:`DateRange` is what a list was asked to show, parsed
from the query parameters ``from`` and ``to`` with the reasons in words when it cannot be
(the filter macro ``date_range_filter`` in ``_macros/filters.html`` shows them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from servicedialog.bounds import parse_day
from servicedialog.i18n import lazy as _


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    start: date

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: date) -> Period:
        kind = PeriodKind(kind)
        if kind is PeriodKind.WEEK:
            return cls(kind, day - timedelta(days=day.weekday()))
        if kind is PeriodKind.MONTH:
            return cls(kind, day.replace(day=1))
        if kind is PeriodKind.QUARTER:
            return cls(kind, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        return cls(kind, date(day.year, 1, 1))

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Period:
        if self.kind is PeriodKind.WEEK:
            return Period(self.kind, self.start + timedelta(days=7))
        months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
        index = self.start.year * 12 + self.start.month - 1 + months
        return Period(self.kind, date(index // 12, index % 12 + 1, 1))

    def running(self, today: date) -> bool:
        """Not over yet on ``today`` (its figure is a figure so far)."""
        return self.start <= today <= self.end

    def label(self, language: str) -> str:
        """Short enough for a chart's axis, in the reader's language."""
        return _label(self, language)


@lru_cache(maxsize=8192)
def _label(period: Period, language: str) -> str:
    """Period.label, remembered: babel's date formatting costs ~50 µs a call, and a
    dashboard labels the same few dozen months thousands of times."""
    if period.kind is PeriodKind.YEAR:
        return str(period.start.year)
    if period.kind is PeriodKind.QUARTER:
        return format_date(period.start, "QQQ y", locale=language)
    if period.kind is PeriodKind.MONTH:
        return format_date(period.start, "LLL y", locale=language)
    year, week, _weekday = period.start.isocalendar()
    return f"{'v.' if language == 'sv' else 'w.'} {week} {year}"


def periods(kind: PeriodKind | str, first: date, last: date) -> list[Period]:
    """The periods from the one containing ``first`` to the one containing ``last``."""
    period, result = Period.containing(kind, first), []
    while period.start <= last:
        result.append(period)
        period = period.next()
    return result


@dataclass(frozen=True)
class DateRange:
    """Days from ``start`` to ``end``, both included; either may be open."""

    start: date | None = None
    end: date | None = None
    errors: Mapping[str, str] = field(default_factory=dict)  # parameter: English msgid

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None

    def moments(self, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The range as UTC instants for a timestamp column: from the start of the first
        day to the start of the day after the last, in the organisation's time zone."""
        low = datetime.combine(self.start, time(0), zone).astimezone(UTC) if self.start else None
        high = None
        if self.end:
            high = datetime.combine(self.end + timedelta(days=1), time(0), zone).astimezone(UTC)
        return low, high

    def filter(self, field_name: str, zone: ZoneInfo) -> dict[str, Any]:
        """ORM filter arguments for a timestamp field (``received_at__gte`` …)."""
        low, high = self.moments(zone)
        found: dict[str, Any] = {}
        if low:
            found[f"{field_name}__gte"] = low
        if high:
            found[f"{field_name}__lt"] = high
        return found


def date_range(params: Mapping[str, str]) -> DateRange:
    """``from`` and ``to`` from the query parameters (YYYY-MM-DD); a value that is not a
    date, or a range that ends before it starts, is left out with its reason."""
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        days[name] = parse_day(raw) if raw else None
        if raw and days[name] is None:
            errors[name] = _("Write the date as YYYY-MM-DD, for example 2026-12-23.")
    start, end = days["from"], days["to"]
    if start and end and end < start:
        errors["to"] = _("The end date is before the start date.")
        end = None
    return DateRange(start, end, errors)
