"""Count alerts: a planted spike is flagged by whichever method the history length selects;
flat and normal seasonal series are not, and small counts never are."""

from __future__ import annotations

import numpy as np
import pytest

from insight.alerts import flag

FLAT = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9, 10, 12, 11, 10]


@pytest.mark.parametrize(("history", "method"), [(8, "C1"), (10, "C2"), (12, "C3"), (15, "C3")])
def test_a_spike_is_an_alert_with_short_history(history: int, method: str) -> None:
    result = flag(FLAT[:history] + [30])
    assert (result.method, result.level) == (method, "alert")
    assert result.expected == pytest.approx(10.3, abs=0.5)


@pytest.mark.parametrize("history", [8, 10, 12, 15])
def test_a_normal_period_is_not_flagged(history: int) -> None:
    assert flag(FLAT[:history] + [11]).level == "none"


def test_a_moderate_rise_is_a_warning_not_an_alert() -> None:
    result = flag(FLAT[:8] + [17])
    assert (result.method, result.level) == ("C1", "warning")


def test_too_little_history_is_never_flagged() -> None:
    result = flag([1, 2, 1, 50])
    assert (result.method, result.level) == ("too_little_data", "none")


def test_a_spike_below_min_count_is_not_flagged() -> None:
    result = flag([0] * 10 + [4], min_count=5)
    assert result.level == "none"
    assert result.observed == 4
    assert result.alert_threshold < 4  # statistically unusual, but too small to matter


def _seasonal(weeks: int, seed: int = 0) -> list[int]:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    return [int(c) for c in rng.poisson(12 + 10 * np.sin(2 * np.pi * t / 52))]


def test_a_spike_in_seasonal_data_is_an_alert() -> None:
    counts = _seasonal(157)
    counts[-1] = 60
    result = flag(counts)
    assert (result.method, result.level) == ("seasonal", "alert")


def test_the_yearly_peak_is_not_flagged_though_ears_would() -> None:
    rng = np.random.default_rng(1)
    # four busy weeks at the start of every season (snow clearing), quiet otherwise
    counts = [int(rng.poisson(30 if week % 52 < 4 else 5)) for week in range(3 * 52 + 2)]
    assert flag(counts).method == "seasonal"
    assert flag(counts).level == "none"
    assert flag(counts[-13:]).level == "alert"  # with a quarter of history it is a surprise


def test_seasonal_false_alarms_are_rare() -> None:
    flags = [flag(_seasonal(n, seed=n)).level for n in range(60, 160)]
    assert flags.count("alert") <= 3


def test_last_years_outbreak_does_not_hide_this_years() -> None:
    rng = np.random.default_rng(2)
    counts = [int(c) for c in rng.poisson(10, 2 * 52 + 10)]
    counts[52 + 9] = 80  # the same week a year ago: an outbreak
    counts[-1] = 35
    result = flag(counts)
    assert (result.method, result.level) == ("seasonal", "alert")
    assert result.expected < 13  # the outbreak was weighted down, not averaged in
