"""How well a commitment is kept, per reporting period: pure numpy, no database.

Rules (issue 3, PRODUCT.md):

* A completed case counts in the period in which it was completed, and meets the promise
  when it was completed on or before its deadline.
* An open case whose deadline has passed counts as a breach in the period in which the
  deadline passed (the day after the deadline), so leaving late cases open cannot improve
  the figure. An open case not yet due does not count anywhere yet.
* Performance is the share of counted cases that met the promise, with a Wilson 95 %
  interval; below ``min_cases`` the period is marked "too few cases" instead of showing a
  percentage that would mislead.
* Median and 90th percentile elapsed time are over the cases completed in the period, in
  the commitment's unit (working days, calendar days, weeks or hours).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import cast

import numpy as np
import numpy.typing as npt

from commitments.states import Period
from servicedialog.clock import (
    ClockUnit,
    Dates,
    Pauses,
    WorkCalendar,
    deadline,
    elapsed_working_days,
    paused_calendar_days,
)

Stamps = npt.NDArray[np.datetime64]  # datetime64[s], local time
Z95 = 1.959963984540054
DEFAULT_MIN_CASES = 10
ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Cases:
    """Local receipt and completion times (NaT while open) and pauses, one row per case."""

    received: Stamps
    completed: Stamps
    pauses: Pauses

    @property
    def received_day(self) -> Dates:
        return self.received.astype("datetime64[D]")

    @property
    def completed_day(self) -> Dates:
        return self.completed.astype("datetime64[D]")


@dataclass(frozen=True)
class Terms:
    unit: ClockUnit
    threshold: int
    target_share: float
    period: Period


@dataclass(frozen=True)
class PeriodResult:
    period_start: date
    period_end: date
    total_volume: int
    volume_meeting_target: int
    performance: float | None  # None when too few cases
    target_met: bool | None
    too_few_cases: bool
    median_elapsed: float | None
    p90_elapsed: float | None
    wilson_low: float | None
    wilson_high: float | None


def wilson_interval(met: int, total: int, z: float = Z95) -> tuple[float, float]:
    if total == 0:
        return 0.0, 1.0
    p = met / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def period_start(days: Dates, period: Period) -> Dates:
    months = days.astype("datetime64[M]")
    if period is Period.MONTH:
        return months.astype("datetime64[D]")
    if period is Period.YEAR:
        return days.astype("datetime64[Y]").astype("datetime64[D]")
    index = months.astype(np.int64)  # months since 1970-01
    return (index - index % 3).astype("datetime64[M]").astype("datetime64[D]")


def period_end(start: np.datetime64, period: Period) -> np.datetime64:
    months = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[period]
    next_start = (start.astype("datetime64[M]") + np.timedelta64(months, "M")).astype(
        "datetime64[D]"
    )
    return cast(np.datetime64, next_start - ONE_DAY)


def elapsed_in_unit(calendar: WorkCalendar, terms: Terms, cases: Cases) -> npt.NDArray[np.float64]:
    if terms.unit is ClockUnit.WORKING_DAYS:
        # Open cases get 0 here; callers only read elapsed times of completed cases.
        end = np.where(np.isnat(cases.completed), cases.received_day, cases.completed_day)
        days = elapsed_working_days(calendar, cases.received_day, end, cases.pauses)
        return days.astype(np.float64)
    seconds = (cases.completed - cases.received).astype("timedelta64[s]").astype(np.float64)
    if terms.unit is not ClockUnit.HOURS:
        end = np.where(np.isnat(cases.completed), cases.received_day, cases.completed_day)
        paused = paused_calendar_days(cases.pauses, cases.received_day, end)
        seconds = np.maximum(seconds - paused * 86400.0, 0.0)
    per_unit = {
        ClockUnit.HOURS: 3600.0,
        ClockUnit.CALENDAR_DAYS: 86400.0,
        ClockUnit.WEEKS: 604800.0,
    }
    return seconds / per_unit[terms.unit]


def outcomes(
    calendar: WorkCalendar, terms: Terms, cases: Cases, today: date
) -> tuple[Dates, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per case: the day it counts on (NaT: not counted yet), whether it met the promise,
    and whether it is completed."""
    done = ~np.isnat(cases.completed)
    if terms.unit is ClockUnit.HOURS:
        due = cases.received + np.timedelta64(terms.threshold * 3600, "s")
        met = done & (cases.completed <= due)
        breached_on = cast(Dates, due.astype("datetime64[D]") + ONE_DAY)  # from the next day
    else:
        due_day = deadline(
            calendar,
            terms.unit,
            cases.received_day,
            terms.threshold,
            cases.pauses,
        )
        met = done & (cases.completed_day <= due_day)
        breached_on = due_day + ONE_DAY
    today_day = np.datetime64(today, "D")
    counts_on = np.where(done, cases.completed_day, np.datetime64("NaT", "D"))
    overdue = ~done & (breached_on <= today_day)
    counts_on = np.where(overdue, breached_on, counts_on)
    return counts_on, met, done


def measure(
    calendar: WorkCalendar,
    terms: Terms,
    cases: Cases,
    today: date,
    min_cases: int = DEFAULT_MIN_CASES,
) -> list[PeriodResult]:
    """Fulfilment per period, oldest first; only periods with counted cases appear."""
    counts_on, met, done = outcomes(calendar, terms, cases, today)
    counted = ~np.isnat(counts_on)
    if not counted.any():
        return []
    starts = period_start(counts_on[counted], terms.period)
    met_c, done_c = met[counted], done[counted]
    elapsed_c = elapsed_in_unit(calendar, terms, cases)[counted]
    order = np.argsort(starts, kind="stable")
    starts, met_c, done_c, elapsed_c = starts[order], met_c[order], done_c[order], elapsed_c[order]
    unique, first = np.unique(starts, return_index=True)
    bounds = [*first.tolist(), len(starts)]
    return [
        _result(unique[i], terms, met_c[a:b], done_c[a:b], elapsed_c[a:b], min_cases)
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]


def _result(
    start: np.datetime64,
    terms: Terms,
    met: npt.NDArray[np.bool_],
    done: npt.NDArray[np.bool_],
    elapsed: npt.NDArray[np.float64],
    min_cases: int,
) -> PeriodResult:
    total, hits = int(len(met)), int(met.sum())
    too_few = total < min_cases
    performance = None if too_few else hits / total
    low, high = wilson_interval(hits, total) if not too_few else (None, None)
    finished = elapsed[done]
    return PeriodResult(
        period_start=start.astype(date),
        period_end=period_end(start, terms.period).astype(date),
        total_volume=total,
        volume_meeting_target=hits,
        performance=performance,
        target_met=None if performance is None else performance >= terms.target_share,
        too_few_cases=too_few,
        median_elapsed=float(np.median(finished)) if len(finished) else None,
        p90_elapsed=float(np.percentile(finished, 90)) if len(finished) else None,
        wilson_low=low,
        wilson_high=high,
    )
