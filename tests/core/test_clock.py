"""The working-day clock: hand-checked Swedish and Finnish cases, and property-based tests
against a plain day-by-day reference implementation."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedialog.clock import (
    ClockUnit,
    Pauses,
    calendar_day_deadline,
    country_calendar,
    deadline,
    elapsed_working_days,
    hour_deadline,
    public_holidays,
    week_deadline,
    working_day_deadline,
)

SE = country_calendar("SE")
FI = country_calendar("FI")


def d(text: str) -> date:
    return date.fromisoformat(text)


def one(values) -> str:
    return str(np.asarray(values)[0])


# --- hand-checked Swedish and Finnish edge cases --------------------------------------


@pytest.mark.parametrize(
    "day,working",
    [
        ("2026-04-02", True),  # Maundy Thursday is a working day
        ("2026-04-03", False),  # Good Friday
        ("2026-04-06", False),  # Easter Monday
        ("2026-04-07", True),
        ("2026-05-14", False),  # Ascension Day
        ("2026-06-19", False),  # Midsummer Eve (de facto holiday in Sweden)
        ("2026-06-06", False),  # National Day, a Saturday in 2026 anyway
        ("2025-06-06", False),  # National Day on a Friday
        ("2026-12-24", False),  # Christmas Eve
        ("2026-12-31", False),  # New Year's Eve
        ("2026-12-30", True),
        ("2027-01-06", False),  # Epiphany
    ],
)
def test_swedish_working_days(day, working):
    assert bool(SE.is_working_day([d(day)])[0]) is working


def test_finnish_calendar_differs_from_the_swedish_one():
    assert bool(FI.is_working_day([d("2026-12-06")])[0]) is False  # Finland's Independence Day
    assert bool(SE.is_working_day([d("2027-12-06")])[0]) is True
    assert bool(FI.is_working_day([d("2025-06-06")])[0]) is True  # no Swedish National Day
    assert bool(FI.is_working_day([d("2026-12-31")])[0]) is True  # New Year's Eve works in FI


def test_swedish_eves_come_from_the_de_facto_category():
    days = set(public_holidays("SE", range(2026, 2027)))
    assert {d("2026-06-19"), d("2026-12-24"), d("2026-12-31")} <= days


def test_local_closed_day_is_not_a_working_day():
    closed = country_calendar("SE", frozenset({d("2026-11-27")}))
    assert bool(closed.is_working_day([d("2026-11-27")])[0]) is False
    assert bool(SE.is_working_day([d("2026-11-27")])[0]) is True


@pytest.mark.parametrize(
    "received,n,expected",
    [
        (
            "2026-03-31",
            3,
            "2026-04-07",
        ),  # Wed 1, Thu 2, (Good Friday, weekend, Easter Monday), Tue 7
        ("2026-06-17", 2, "2026-06-22"),  # Thu 18, (Midsummer Eve, weekend), Mon 22
        ("2026-12-22", 2, "2026-12-28"),  # Wed 23, (Christmas Eve to Sunday), Mon 28
        ("2026-12-28", 3, "2027-01-04"),  # 29, 30, (New Year's Eve, Day, weekend), Mon 4 Jan
        ("2026-11-28", 1, "2026-11-30"),  # received on a Saturday: Monday is day 1
        ("2026-11-25", 10, "2026-12-09"),
    ],
)
def test_working_day_deadlines_around_holidays(received, n, expected):
    assert one(working_day_deadline(SE, [d(received)], n)) == expected


def test_elapsed_working_days_over_easter():
    # Thursday 2 April to Tuesday 7 April 2026: only Tuesday counts after receipt day.
    assert elapsed_working_days(SE, [d("2026-04-02")], [d("2026-04-07")]).tolist() == [1]
    assert elapsed_working_days(SE, [d("2026-04-07")], [d("2026-04-07")]).tolist() == [0]


def test_pause_moves_the_deadline_and_is_not_counted_as_elapsed():
    received, n = [d("2026-11-02")], 5  # Monday; deadline Monday 9 Nov without pause
    pause = Pauses.of([(0, d("2026-11-03"), d("2026-11-05"))])  # Wed 4 and Thu 5 paused
    assert one(working_day_deadline(SE, received, n, pause)) == "2026-11-11"
    assert elapsed_working_days(SE, received, [d("2026-11-11")], pause).tolist() == [5]


def test_a_pause_after_the_deadline_does_not_reset_the_breach():
    received = [d("2026-11-02")]
    late_pause = Pauses.of([(0, d("2026-11-10"), d("2026-11-20"))])
    assert one(working_day_deadline(SE, received, 5, late_pause)) == "2026-11-09"


def test_week_deadline_moves_off_a_holiday():
    # 4 weeks after Friday 22 May 2026 is Friday 19 June: Midsummer Eve -> Monday 22 June.
    assert one(deadline(SE, ClockUnit.WEEKS, [d("2026-05-22")], 4)) == "2026-06-22"
    assert one(deadline(SE, ClockUnit.WEEKS, [d("2026-05-21")], 4)) == "2026-06-18"


def test_calendar_day_deadline_moves_off_a_weekend():
    assert one(deadline(SE, ClockUnit.CALENDAR_DAYS, [d("2026-11-25")], 3)) == "2026-11-30"


def test_pause_moves_calendar_day_and_week_deadlines():
    received = [d("2026-11-02")]  # Monday
    pause = Pauses.of([(0, d("2026-11-03"), d("2026-11-06"))])  # 4, 5 and 6 Nov paused
    # 10 calendar days: Thursday 12 Nov, three paused days later Sunday 15 -> Monday 16.
    assert one(calendar_day_deadline(SE, received, 10)) == "2026-11-12"
    assert one(calendar_day_deadline(SE, received, 10, pause)) == "2026-11-16"
    # 2 weeks: Monday 16 Nov, plus three paused days: Thursday 19 Nov.
    assert one(week_deadline(SE, received, 2, pause)) == "2026-11-19"
    late = Pauses.of([(0, d("2026-11-20"), d("2026-11-30"))])
    assert one(week_deadline(SE, received, 2, late)) == "2026-11-16"


def test_hour_deadline_counts_clock_hours():
    received = np.array(["2026-11-25T15:30"], dtype="datetime64[s]")
    assert str(hour_deadline(received, 4)[0]) == "2026-11-25T19:30:00"


def test_million_cases_are_one_vectorised_call():
    rng = np.random.default_rng(1)
    received = np.datetime64("2024-01-01") + rng.integers(0, 700, 1_000_000).astype(
        "timedelta64[D]"
    )
    completed = received + rng.integers(0, 60, 1_000_000).astype("timedelta64[D]")
    elapsed = elapsed_working_days(SE, received, completed)
    assert elapsed.shape == (1_000_000,)
    assert (elapsed >= 0).all() and (elapsed <= 60).all()


# --- property-based: the vectorised clock agrees with a day-by-day reference -------------

HOLIDAYS = set(public_holidays("SE", range(2023, 2029)))


def ref_working(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def ref_paused(day: date, pauses: list[tuple[date, date]]) -> bool:
    return any(start < day <= end for start, end in pauses)


def ref_elapsed(received: date, completed: date, pauses: list[tuple[date, date]]) -> int:
    days = (received + timedelta(i) for i in range(1, (completed - received).days + 1))
    return sum(1 for day in days if ref_working(day) and not ref_paused(day, pauses))


def ref_deadline(received: date, n: int, pauses: list[tuple[date, date]]) -> date:
    day, counted = received, 0
    while counted < n:
        day += timedelta(1)
        if ref_working(day) and not ref_paused(day, pauses):
            counted += 1
    return day


def ref_calendar_deadline(received: date, n: int, pauses: list[tuple[date, date]]) -> date:
    day, counted = received, 0
    while counted < n:
        day += timedelta(1)
        if not ref_paused(day, pauses):
            counted += 1
    while not ref_working(day):
        day += timedelta(1)
    return day


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def case_with_pauses(draw):
    received = draw(dates)
    length = draw(st.integers(0, 120))
    cuts = sorted(draw(st.lists(st.integers(0, length + 40), max_size=6, unique=True)))
    # consecutive cut points pair up into disjoint pauses
    pauses = [
        (received + timedelta(a), received + timedelta(b))
        for a, b in zip(cuts[::2], cuts[1::2], strict=False)
    ]
    return received, received + timedelta(length), pauses


@settings(max_examples=300, deadline=None)
@given(case_with_pauses())
def test_elapsed_matches_reference(case):
    received, completed, pauses = case
    flat = Pauses.of((0, a, b) for a, b in pauses)
    got = elapsed_working_days(SE, [received], [completed], flat).tolist()
    assert got == [ref_elapsed(received, completed, pauses)]


@settings(max_examples=300, deadline=None)
@given(case_with_pauses(), st.integers(1, 40))
def test_deadline_matches_reference(case, n):
    received, _completed, pauses = case
    flat = Pauses.of((0, a, b) for a, b in pauses)
    got = one(working_day_deadline(SE, [received], n, flat))
    assert got == ref_deadline(received, n, pauses).isoformat()


@settings(max_examples=300, deadline=None)
@given(case_with_pauses(), st.integers(1, 60))
def test_calendar_day_deadline_matches_reference(case, n):
    received, _completed, pauses = case
    flat = Pauses.of((0, a, b) for a, b in pauses)
    got = one(calendar_day_deadline(SE, [received], n, flat))
    assert got == ref_calendar_deadline(received, n, pauses).isoformat()


@settings(max_examples=50, deadline=None)
@given(st.lists(case_with_pauses(), min_size=1, max_size=20), st.integers(1, 25))
def test_many_cases_at_once_match_one_at_a_time(cases, n):
    received = [c[0] for c in cases]
    completed = [c[1] for c in cases]
    flat = Pauses.of((i, a, b) for i, c in enumerate(cases) for a, b in c[2])
    together = elapsed_working_days(SE, received, completed, flat).tolist()
    deadlines = working_day_deadline(SE, received, n, flat).astype(str).tolist()
    assert together == [ref_elapsed(*c) for c in cases]
    assert deadlines == [ref_deadline(c[0], n, c[2]).isoformat() for c in cases]
