"""The fast number writer of the charts and dashboards writes exactly what babel writes."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from servicedialog.chart_tables import LOCALES, number_format

EDGES = [
    0,
    0.0,
    -0.0,
    0.04,
    0.05,
    0.05000001,
    0.15,
    0.25,
    -0.04,
    -0.05,
    1,
    -1,
    999.95,
    1234.55,
    -1234.55,
    1_000_000,
    12.345,
    99.99,
    100,
    2_147_483_647,
    -7.25,
    1e-9,
    0.1 + 0.2,
]


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_the_same_as_babel(language):
    rng = random.Random(13)
    values = EDGES + [rng.uniform(-1e6, 1e6) for _ in range(2000)]
    values += [round(rng.uniform(-500, 500), 2) for _ in range(2000)]
    values += [rng.randint(-(10**7), 10**7) for _ in range(500)]
    write = number_format(language)
    locale = LOCALES[language]
    wrong = [
        (v, write(v), format_decimal(v, "#,##0.#", locale=locale))
        for v in values
        if write(v) != format_decimal(v, "#,##0.#", locale=locale)
    ]
    assert wrong == []
