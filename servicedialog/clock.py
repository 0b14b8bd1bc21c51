"""The one working-day clock: Swedish and Finnish calendars, deadlines and elapsed time.

Every function works on numpy arrays of dates (``datetime64[D]``), one element per case,
using numpy's business-day routines, so a million cases cost a few vectorised calls rather
than a Python loop each. Dates are local calendar dates: convert timestamps to the
organisation's time zone before calling.

Rules (see ../shared/docs/PRODUCT.md, "Domain rules"):

* Non-working days: Saturdays, Sundays, the country's public holidays, for Sweden also
  midsummer, Christmas and New Year's eves (the ``holidays`` package's ``de_facto``
  category), and local closed days an administrator adds.
* Elapsed working days of a case: the working days d with received < d <= completed, not
  counting working days inside a pause (start < d <= end, the same half-open convention).
* A working-days deadline is the N-th working day after the day of receipt, moved later by
  the working days paused before it. A pause that starts after the deadline has passed
  does not move it: a breached deadline never resets.
* A "weeks" deadline is received + N weeks, and a calendar-days deadline received + N
  days, each later by the calendar days paused before it; either moves to the next
  working day when it falls on a non-working day.
* Hour clocks ("we call back within 4 hours") run on timestamps and ignore pauses, which
  are whole days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import cast

import holidays
import numpy as np
import numpy.typing as npt

Dates = npt.NDArray[np.datetime64]
Ints = npt.NDArray[np.int64]

FIRST_YEAR = 1990
LAST_YEAR = 2100
WEEKMASK = "1111100"  # Monday to Friday


class ClockUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    HOURS = "hours"


def public_holidays(country: str, years: range) -> list[date]:
    """Non-working weekdays and weekend holidays of ``country`` (SE or FI) in ``years``."""
    if country == "SE":
        # The eves are de facto non-working days in Sweden; holidays keeps them apart.
        calendar = holidays.country_holidays("SE", years=years, categories=("public", "de_facto"))
    elif country == "FI":
        # Finland's midsummer and Christmas eves are public holidays already.
        calendar = holidays.country_holidays("FI", years=years)
    else:
        raise ValueError(f"no working-day calendar for country {country!r}")
    return sorted(calendar.keys())


@dataclass(frozen=True)
class WorkCalendar:
    country: str
    closed_days: frozenset[date] = field(default_factory=frozenset)

    @cached_property
    def busdaycal(self) -> np.busdaycalendar:
        days = public_holidays(self.country, range(FIRST_YEAR, LAST_YEAR + 1))
        closed = np.array(sorted({*days, *self.closed_days}), dtype="datetime64[D]")
        return np.busdaycalendar(weekmask=WEEKMASK, holidays=closed)

    def is_working_day(self, days: Dates) -> npt.NDArray[np.bool_]:
        return np.is_busday(as_days(days), busdaycal=self.busdaycal)


@lru_cache(maxsize=64)
def country_calendar(country: str, closed_days: frozenset[date] = frozenset()) -> WorkCalendar:
    """Calendars are built once per country and set of closed days."""
    return WorkCalendar(country, closed_days)


def as_days(values: Iterable[date] | Dates) -> Dates:
    return np.asarray(values, dtype="datetime64[D]")


def working_days_between(calendar: WorkCalendar, start: Dates, end: Dates) -> Ints:
    """Working days d with start < d <= end (0 where end <= start)."""
    start, end = as_days(start), as_days(end)
    end = np.maximum(end, start)
    one = np.timedelta64(1, "D")
    return np.busday_count(start + one, end + one, busdaycal=calendar.busdaycal).astype(np.int64)


@dataclass(frozen=True)
class Pauses:
    """Pause intervals as flat arrays: pause i belongs to case ``case[i]``."""

    case: Ints
    start: Dates
    end: Dates

    @classmethod
    def none(cls) -> Pauses:
        empty = np.array([], dtype="datetime64[D]")
        return cls(np.array([], dtype=np.int64), empty, empty)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, date, date]]) -> Pauses:
        items = list(rows)
        if not items:
            return cls.none()
        case, start, end = zip(*items, strict=True)
        return cls(np.array(case, dtype=np.int64), as_days(start), as_days(end))


def paused_working_days(
    calendar: WorkCalendar, pauses: Pauses, window_start: Dates, window_end: Dates
) -> Ints:
    """Per case, the working days inside its pauses that also fall in (window_start, window_end]."""
    total = np.zeros(len(window_start), dtype=np.int64)
    if len(pauses.case) == 0:
        return total
    start = np.maximum(pauses.start, window_start[pauses.case])
    end = np.minimum(pauses.end, window_end[pauses.case])
    counts = working_days_between(calendar, start, end)
    np.add.at(total, pauses.case, counts)
    return total


def elapsed_working_days(
    calendar: WorkCalendar, received: Dates, completed: Dates, pauses: Pauses | None = None
) -> Ints:
    received, completed = as_days(received), as_days(completed)
    elapsed = working_days_between(calendar, received, completed)
    if pauses is not None:
        elapsed = elapsed - paused_working_days(calendar, pauses, received, completed)
    return elapsed


def calendar_days_between(start: Dates, end: Dates) -> Ints:
    """Calendar days d with start < d <= end (0 where end <= start)."""
    return np.maximum((end - start).astype("timedelta64[D]").astype(np.int64), 0)


def paused_calendar_days(pauses: Pauses, window_start: Dates, window_end: Dates) -> Ints:
    """Per case, the calendar days d inside its pauses with window_start < d <= window_end."""
    total = np.zeros(len(window_start), dtype=np.int64)
    if len(pauses.case) == 0:
        return total
    start = np.maximum(pauses.start, window_start[pauses.case])
    end = np.minimum(pauses.end, window_end[pauses.case])
    np.add.at(total, pauses.case, calendar_days_between(start, end))
    return total


def _pushed_by_pauses(
    received: Dates,
    pauses: Pauses | None,
    due: Callable[[Ints], Dates],
    paused: Callable[[Dates, Dates], Ints],
) -> Dates:
    """The deadline ``due(shift)`` after every pause that starts before it has moved it.

    Pauses are taken in order of their start, one rank at a time for all cases together
    (so the loop runs as many times as the most pauses any one case has). A pause that
    starts before the current deadline pushes it by ``paused(start, end)``; one that starts
    on or after it changes nothing, and neither do the ones after it: a breached deadline
    never resets."""
    shift = np.zeros(received.shape, dtype=np.int64)
    if pauses is None or len(pauses.case) == 0:
        return due(shift)
    order = np.lexsort((pauses.start, pauses.case))
    case, start, end = pauses.case[order], pauses.start[order], pauses.end[order]
    first = np.searchsorted(case, case, side="left")
    rank = np.arange(len(case)) - first
    for r in range(int(rank.max()) + 1):
        pick = rank == r
        cases = case[pick]
        starts_before = start[pick] < due(shift)[cases]
        counted = paused(np.maximum(start[pick], received[cases]), end[pick])
        np.add.at(shift, cases, np.where(starts_before, counted, 0))
    return due(shift)


def working_day_deadline(
    calendar: WorkCalendar, received: Dates, n: int | Ints, pauses: Pauses | None = None
) -> Dates:
    """The N-th working day after receipt, later by the working days paused before it."""
    received = as_days(received)
    steps = np.broadcast_to(np.asarray(n, dtype=np.int64), received.shape)

    def due(shift: Ints) -> Dates:
        # roll="backward": a case received on a Saturday has Monday as its first working day.
        return np.busday_offset(
            received, steps + shift, roll="backward", busdaycal=calendar.busdaycal
        )

    return _pushed_by_pauses(
        received, pauses, due, lambda start, end: working_days_between(calendar, start, end)
    )


def next_working_day(calendar: WorkCalendar, days: Dates) -> Dates:
    """The day itself when it is a working day, else the next working day."""
    return np.busday_offset(as_days(days), 0, roll="forward", busdaycal=calendar.busdaycal)


def calendar_day_deadline(
    calendar: WorkCalendar, received: Dates, n: int | Ints, pauses: Pauses | None = None
) -> Dates:
    """The N-th calendar day after receipt not inside a pause, moved to the next working
    day when it falls on a non-working day."""
    received = as_days(received)
    days = np.broadcast_to(np.asarray(n, dtype=np.int64), received.shape)

    def due(shift: Ints) -> Dates:
        return received + (days + shift) * np.timedelta64(1, "D")

    return next_working_day(
        calendar, _pushed_by_pauses(received, pauses, due, calendar_days_between)
    )


def week_deadline(
    calendar: WorkCalendar, received: Dates, weeks: int | Ints, pauses: Pauses | None = None
) -> Dates:
    """Received + N weeks, later by the calendar days paused before it, moved to the next
    working day when it falls on a non-working day."""
    return calendar_day_deadline(calendar, received, np.asarray(weeks, dtype=np.int64) * 7, pauses)


def deadline(
    calendar: WorkCalendar,
    unit: ClockUnit,
    received: Dates,
    threshold: int | Ints,
    pauses: Pauses | None = None,
) -> Dates:
    """The last day on which a case received on ``received`` meets the promise."""
    if unit is ClockUnit.WORKING_DAYS:
        return working_day_deadline(calendar, received, threshold, pauses)
    if unit is ClockUnit.WEEKS:
        return week_deadline(calendar, received, threshold, pauses)
    if unit is ClockUnit.CALENDAR_DAYS:
        return calendar_day_deadline(calendar, received, threshold, pauses)
    raise ValueError("hour clocks work on timestamps: use hour_deadline")


def hour_deadline(
    received: npt.NDArray[np.datetime64], hours: int | Ints
) -> npt.NDArray[np.datetime64]:
    """Clock hours, for promises such as 'we call back within 4 hours'."""
    stamps = np.asarray(received, dtype="datetime64[s]")
    offset = np.asarray(hours, dtype=np.int64) * np.timedelta64(3600, "s")
    # numpy's stubs type datetime64 + timedelta64 as timedelta64; at run time it is a date.
    return cast(npt.NDArray[np.datetime64], stamps + offset)
