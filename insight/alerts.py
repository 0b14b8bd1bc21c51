"""Is this week's count of feedback in a problem area unusually high? Count surveillance as in
public health, chosen by how much history there is.

- **Too little data** (fewer than 8 periods before the current one): never flagged.
- **EARS C1, C2, C3** (Hutwagner et al. 2003, "The bioterrorism preparedness and response
  Early Aberration Reporting System (EARS)", J. Urban Health 80(2 Suppl 1)) while there is
  less than a season plus :data:`SEASONAL_EXTRA` periods of history. With
  ``mu``/``sigma`` the mean and standard deviation of a 7-period baseline and
  ``S = (x - mu) / sigma``:

  - C1: baseline = the 7 periods just before the current one; used with 8 to 9 periods of
    history. Flags when ``S > 3``.
  - C2: baseline = 7 periods with a 2-period gap before the current one (periods t-9 … t-3),
    so that the first days of an outbreak do not inflate the baseline; used with 10 or 11
    periods of history. Flags when ``S > 3``.
  - C3: ``sum(max(0, C2_i - 1))`` over the current and the two preceding periods; used
    from 12 periods of history until the seasonal model takes over. Flags when the sum
    exceeds 2, so two high weeks in a row flag a third that is only moderately high. We
    flag only when the current period itself is above ``mu + sigma``: a normal week after
    a spike is not an aberration of its own.

  ``sigma`` is floored (at 0.5, and at ``sqrt(mu)``, the Poisson spread), because a flat
  baseline of small counts would otherwise make every change of one an alarm. The warning
  level uses thresholds one unit lower (2 for C1/C2, 1 for C3).
- **Seasonal** (Farrington et al. 1996, "A statistical algorithm for the early detection of
  outbreaks of infectious disease", JRSS A 159(3); Noufaily et al. 2013, "An improved
  algorithm for outbreak detection in multiple surveillance systems", Stat. Med. 32(7)):
  once there are at least ``season + SEASONAL_EXTRA`` periods. A quasi-Poisson log-linear
  model with a linear trend is fitted, by iteratively reweighted least squares in numpy, to
  the *comparable periods* of earlier seasons (the same week ± ``WINDOW`` in each earlier
  season, as Farrington does; with one earlier season that is only 7 periods, so the
  limits are wide until more seasons accumulate); the current period's expected count and
  its over-dispersion give the thresholds: an upper prediction limit of the 2/3-power
  transformed count (Farrington's skewness correction), at z = 2.58 (alert, 99.5 %) and
  z = 1.96 (warning, 97.5 %). The trend is dropped when it is not significant or would
  extrapolate beyond the data, and the over-dispersion is floored at 1 (never narrower
  than Poisson), as in Farrington's algorithm. Past outbreaks are down-weighted as
  Farrington does (weights ``r**-2`` for Anscombe residuals ``r``), with Noufaily et
  al.'s residual limit of 2.58 rather than 1, so only real outliers lose weight; the
  residuals are scaled by a robust (median-based) dispersion, since the outbreak itself
  would otherwise inflate the ordinary estimate until it no longer stood out. Not
  implemented from Noufaily et al.: the seasonal factor over all past weeks and the
  negative binomial quantiles.

Whatever the method, nothing is flagged while the observed count is below ``min_count``:
two complaints instead of none is not worth anyone's attention.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

MIN_HISTORY = 8  # C1 needs 7 baseline periods; fewer and we say so instead of guessing
SEASONAL_EXTRA = 4  # a season plus this many periods before the seasonal model is used
RESIDUAL_LIMIT = 2.58  # Anscombe residuals above this are down-weighted (Noufaily 2013)
WINDOW = 3  # comparable periods: the same week of earlier seasons, ± this many weeks
Z_ALERT = 2.58
Z_WARNING = 1.96
EARS_BASELINE = 7
EARS_SIGMA_FLOOR = 0.5


@dataclass(frozen=True)
class Flag:
    level: str  # "none" | "warning" | "alert"
    observed: int
    expected: float
    warning_threshold: float
    alert_threshold: float
    method: str  # "C1" | "C2" | "C3" | "seasonal" | "too_little_data"


def flag(counts: Sequence[int], *, min_count: int = 5, season: int = 52) -> Flag:
    """Flag the last of ``counts`` (one per period, oldest first) against its history."""
    values = np.asarray(counts, dtype=float)
    if values.size == 0:
        return Flag("none", 0, 0.0, 0.0, 0.0, "too_little_data")
    history = values.size - 1
    if history >= season + SEASONAL_EXTRA and season >= 2 * WINDOW + 2:
        expected, warning, alert = _seasonal(values, season)
        method = "seasonal"
    elif history >= MIN_HISTORY:
        method = "C1" if history < 10 else "C2" if history < 12 else "C3"
        expected, warning, alert = _ears(values, method)
    else:
        observed = int(values[-1])
        return Flag("none", observed, float(values[:-1].mean()) if history else 0.0,
                    0.0, 0.0, "too_little_data")  # fmt: skip
    return _level(int(values[-1]), expected, warning, alert, method, min_count)


def _level(
    observed: int, expected: float, warning: float, alert: float, method: str, min_count: int
) -> Flag:
    level = "none"
    if observed >= min_count:
        level = "alert" if observed > alert else "warning" if observed > warning else "none"
    return Flag(level, observed, round(expected, 3), round(warning, 3), round(alert, 3), method)


def _baseline(values: NDArray[np.float64], end: int) -> tuple[float, float]:
    """Mean and floored standard deviation of the 7 periods before index ``end``."""
    window = values[end - EARS_BASELINE : end]
    mu = float(window.mean())
    sigma = max(float(window.std(ddof=1)), EARS_SIGMA_FLOOR, float(np.sqrt(mu)))
    return mu, sigma


def _c2_statistic(values: NDArray[np.float64], index: int) -> float:
    mu, sigma = _baseline(values, index - 2)
    return (float(values[index]) - mu) / sigma


def _ears(values: NDArray[np.float64], method: str) -> tuple[float, float, float]:
    """Expected count and the counts above which the current period is a warning or alert,
    expressed as counts so that every method reads the same way."""
    last = values.size - 1
    if method == "C1":
        mu, sigma = _baseline(values, last)
        return mu, mu + 2 * sigma, mu + 3 * sigma
    mu, sigma = _baseline(values, last - 2)
    if method == "C2":
        return mu, mu + 2 * sigma, mu + 3 * sigma
    # C3 > h  <=>  C2_t - 1 > h - earlier, with the current period at least above mu + sigma.
    earlier = sum(max(_c2_statistic(values, i) - 1.0, 0.0) for i in (last - 2, last - 1))
    warning = mu + max(2.0 - earlier, 1.0) * sigma
    return mu, warning, mu + max(3.0 - earlier, 1.0) * sigma


def _comparable(values: NDArray[np.float64], season: int) -> NDArray[np.int64]:
    """Indices of the periods in earlier seasons within ± WINDOW of the current period."""
    last = values.size - 1
    picked: list[int] = []
    back = season
    while last - back - WINDOW >= 0 or last - back >= 0:
        centre = last - back
        picked += [i for i in range(centre - WINDOW, centre + WINDOW + 1) if 0 <= i < last]
        back += season
    return np.array(sorted(set(picked)), dtype=np.int64)


def _seasonal(values: NDArray[np.float64], season: int) -> tuple[float, float, float]:
    last = values.size - 1
    index = _comparable(values, season)
    y = values[index]
    time = index.astype(float) / season  # in seasons, so the trend is per season
    expected, dispersion, variance = _fit(y, time, float(last) / season)
    return _thresholds(expected, dispersion, variance)


def _fit(
    y: NDArray[np.float64], time: NDArray[np.float64], now: float
) -> tuple[float, float, float]:
    """Quasi-Poisson log-linear fit, with a trend when it is significant (|t| > 2), there
    are at least 3 seasons of data, and the prediction stays within the observed range."""
    ones = np.ones_like(time)
    spans_seasons = float(time.max() - time.min()) >= 2.0
    if spans_seasons and y.sum() > 0:
        design = np.column_stack([ones, time])
        beta, cov, dispersion = _robust_fit(design, y)
        t_value = beta[1] / np.sqrt(max(cov[1, 1], 1e-12))
        mean = float(np.exp(beta[0] + beta[1] * now))
        if abs(t_value) > 2 and mean <= y.max():
            x_now = np.array([1.0, now])
            return mean, dispersion, float(x_now @ cov @ x_now) * mean**2
    design = ones[:, None]
    beta, cov, dispersion = _robust_fit(design, y)
    mean = float(np.exp(beta[0]))
    return mean, dispersion, float(cov[0, 0]) * mean**2


def _robust_fit(
    design: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Farrington's reweighting: fit, then refit with the periods whose Anscombe residual
    exceeds ``RESIDUAL_LIMIT`` (Noufaily et al.'s 2.58) weighted down by ``r**-2``, so that
    last year's outbreak does not raise this year's expected count and limits."""
    beta, cov, dispersion = _irls(design, y, np.ones_like(y))
    mu = np.exp(design @ beta)
    # The outbreak itself inflates the ordinary dispersion estimate until it no longer looks
    # unusual, so the residuals are scaled by a robust one: the median squared Pearson
    # residual over the median of chi-squared(1), 0.455.
    robust = max(float(np.median((y - mu) ** 2 / np.maximum(mu, 1e-9))) / 0.455, 1.0)
    residual = _anscombe(y, mu, robust)
    if not (residual > RESIDUAL_LIMIT).any():
        return beta, cov, dispersion
    weights = np.where(residual > RESIDUAL_LIMIT, 1.0 / np.maximum(residual, 1e-9) ** 2, 1.0)
    return _irls(design, y, weights * y.size / weights.sum())


def _anscombe(y: NDArray[np.float64], mu: NDArray[np.float64], dispersion: float) -> Any:
    """Anscombe residuals of a quasi-Poisson fit (leverage left out: with one or two
    parameters over many periods it is close to 0)."""
    mu = np.maximum(mu, 1e-9)
    return 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - mu ** (1 / 2)) / np.sqrt(dispersion)


def _irls(
    design: NDArray[np.float64], y: NDArray[np.float64], prior: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Poisson GLM (log link, prior weights) by iteratively reweighted least squares;
    returns coefficients, their covariance scaled by the over-dispersion, and the
    over-dispersion (>= 1)."""
    ridge = 1e-9 * np.eye(design.shape[1])
    beta: NDArray[np.float64] = np.zeros(design.shape[1])
    beta[0] = np.log(max(float(np.average(y, weights=prior)), 0.5))
    for _ in range(25):
        mu = np.exp(design @ beta)
        z = design @ beta + (y - mu) / mu
        weighted = design * (prior * mu)[:, None]
        new = np.asarray(np.linalg.solve(design.T @ weighted + ridge, weighted.T @ z), float)
        converged = bool(np.max(np.abs(new - beta)) < 1e-8)
        beta = new
        if converged:
            break
    mu = np.exp(design @ beta)
    free = max(y.size - design.shape[1], 1)
    dispersion = max(float(np.sum(prior * (y - mu) ** 2 / mu) / free), 1.0)
    information = design.T @ (design * (prior * mu)[:, None]) + ridge
    cov = np.asarray(np.linalg.inv(information), float)
    return beta, cov * dispersion, dispersion


def _thresholds(expected: float, dispersion: float, variance: float) -> tuple[float, float, float]:
    """Farrington's upper limits on the 2/3-power scale, where the count is near normal:
    Var(y^(2/3)) ≈ (4/9) mu^(1/3) (phi + Var(mu)/mu) by the delta method."""
    expected = max(expected, 1e-6)
    spread = np.sqrt(4.0 / 9.0 * expected ** (1.0 / 3.0) * (dispersion + variance / expected))
    base = expected ** (2.0 / 3.0)
    warning = float((base + Z_WARNING * spread) ** 1.5)
    alert = float((base + Z_ALERT * spread) ** 1.5)
    return expected, warning, alert
