"""Fulfilment per period: counting rules, open breaches, too few cases, Wilson interval."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from commitments.fulfilment import Cases, Terms, measure, period_start, wilson_interval
from commitments.states import Period
from servicedialog.clock import ClockUnit, Pauses, country_calendar

SE = country_calendar("SE")
TWO_DAYS = Terms(ClockUnit.WORKING_DAYS, 2, 0.9, Period.MONTH)


def cases(rows, pauses=()):
    received = np.array([r for r, _ in rows], dtype="datetime64[s]")
    completed = np.array([c or "NaT" for _, c in rows], dtype="datetime64[s]")
    return Cases(received, completed, Pauses.of(pauses))


def test_cases_count_in_the_month_they_completed():
    data = cases(
        [
            ("2026-01-29T10:00", "2026-02-02T09:00"),  # Thu -> Mon: 2 working days, met
            ("2026-01-05T10:00", "2026-01-12T09:00"),
        ]
    )  # Mon -> Mon: 4 working days, breached
    results = measure(SE, TWO_DAYS, data, date(2026, 3, 1), min_cases=1)
    assert [(r.period_start, r.total_volume, r.volume_meeting_target) for r in results] == [
        (date(2026, 1, 1), 1, 0),
        (date(2026, 2, 1), 1, 1),
    ]
    assert results[0].median_elapsed == 4.0  # 7, 8, 9 and 12 January: the 6th is Epiphany


def test_open_case_past_its_deadline_is_a_breach_in_the_month_the_deadline_passed():
    # Received Thursday 29 January; 2 working days -> deadline Monday 2 February.
    data = cases([("2026-01-29T10:00", None)])
    assert measure(SE, TWO_DAYS, data, date(2026, 2, 2), min_cases=1) == []  # not yet late
    late = measure(SE, TWO_DAYS, data, date(2026, 2, 3), min_cases=1)
    assert [(r.period_start, r.total_volume, r.volume_meeting_target) for r in late] == [
        (date(2026, 2, 1), 1, 0)
    ]
    assert late[0].median_elapsed is None  # nothing completed yet


def test_closing_a_late_case_later_does_not_make_it_met():
    data = cases([("2026-01-29T10:00", "2026-03-10T10:00")])
    results = measure(SE, TWO_DAYS, data, date(2026, 4, 1), min_cases=1)
    assert [(r.period_start, r.volume_meeting_target) for r in results] == [(date(2026, 3, 1), 0)]


def test_a_pause_extends_the_deadline():
    data = cases(
        [("2026-11-02T08:00", "2026-11-06T15:00")],
        pauses=[(0, date(2026, 11, 2), date(2026, 11, 4))],
    )  # Tue 3 and Wed 4 paused
    results = measure(SE, TWO_DAYS, data, date(2026, 12, 1), min_cases=1)
    assert results[0].volume_meeting_target == 1
    assert results[0].median_elapsed == 2.0


def test_a_pause_extends_a_calendar_day_deadline_and_is_not_elapsed_time():
    ten_days = Terms(ClockUnit.CALENDAR_DAYS, 10, 0.9, Period.MONTH)
    # Received Monday 2 Nov, completed Monday 16 Nov: 14 days, 4 of them paused.
    data = cases(
        [("2026-11-02T08:00", "2026-11-16T08:00"), ("2026-11-02T08:00", "2026-11-16T08:00")],
        pauses=[(0, date(2026, 11, 3), date(2026, 11, 7))],
    )
    result = measure(SE, ten_days, data, date(2026, 12, 1), min_cases=1)[0]
    assert result.volume_meeting_target == 1  # only the paused case is in time
    assert result.median_elapsed == 12.0  # (10 + 14) / 2


def test_too_few_cases_shows_no_percentage():
    data = cases([("2026-01-05T10:00", "2026-01-06T10:00")] * 9)
    result = measure(SE, TWO_DAYS, data, date(2026, 3, 1))[0]
    assert result.too_few_cases and result.performance is None and result.target_met is None
    assert result.total_volume == 9


def test_performance_target_and_interval():
    rows = [("2026-03-02T10:00", "2026-03-03T10:00")] * 18 + [
        ("2026-03-02T10:00", "2026-03-20T10:00")
    ] * 2
    result = measure(SE, TWO_DAYS, cases(rows), date(2026, 4, 1))[0]
    assert (result.total_volume, result.volume_meeting_target) == (20, 18)
    assert result.performance == pytest.approx(0.9)
    assert result.target_met is True
    assert result.wilson_low == pytest.approx(0.6990, abs=1e-3)
    assert result.wilson_high == pytest.approx(0.9721, abs=1e-3)
    assert result.p90_elapsed == pytest.approx(1.0 + 0.1 * 13)  # 18×1 day, 2×14 days


def test_hours_and_weeks_clocks():
    hours = Terms(ClockUnit.HOURS, 4, 0.8, Period.YEAR)
    data = cases(
        [("2026-05-04T08:00", "2026-05-04T11:59"), ("2026-05-04T08:00", "2026-05-04T12:01")]
    )
    result = measure(SE, hours, data, date(2027, 1, 1), min_cases=1)[0]
    assert (result.period_start, result.volume_meeting_target) == (date(2026, 1, 1), 1)
    weeks = Terms(ClockUnit.WEEKS, 4, 0.8, Period.QUARTER)
    # 4 weeks after 22 May is Midsummer Eve: the deadline moves to Monday 22 June.
    data = cases([("2026-05-22T09:00", "2026-06-22T16:00")])
    result = measure(SE, weeks, data, date(2026, 7, 1), min_cases=1)[0]
    assert (result.period_start, result.period_end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert result.volume_meeting_target == 1


@pytest.mark.parametrize(
    "day,period,expected",
    [
        ("2026-02-14", Period.MONTH, "2026-02-01"),
        ("2026-02-14", Period.QUARTER, "2026-01-01"),
        ("2026-08-31", Period.QUARTER, "2026-07-01"),
        ("2026-12-31", Period.QUARTER, "2026-10-01"),
        ("2026-12-31", Period.YEAR, "2026-01-01"),
    ],
)
def test_period_starts(day, period, expected):
    assert str(period_start(np.array([day], dtype="datetime64[D]"), period)[0]) == expected


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 10)
    assert high == pytest.approx(1.0) and 0.69 < low < 0.73


def test_a_million_cases_are_measured_without_a_python_loop_per_case():
    rng = np.random.default_rng(7)
    n = 1_000_000
    received = np.datetime64("2024-01-01T08:00") + rng.integers(0, 700 * 86400, n).astype(
        "timedelta64[s]"
    )
    completed = received + rng.integers(0, 20 * 86400, n).astype("timedelta64[s]")
    completed[rng.random(n) < 0.05] = np.datetime64("NaT")
    results = measure(
        SE,
        Terms(ClockUnit.WORKING_DAYS, 10, 0.9, Period.MONTH),
        Cases(received, completed, Pauses.none()),
        date(2026, 1, 1),
    )
    assert 23 <= len(results) <= 25
    assert sum(r.total_volume for r in results) > 0.95 * n
