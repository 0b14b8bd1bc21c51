"""The review queue: least confident first, near-duplicates skipped."""

from __future__ import annotations

import pytest

from insight.review import diverse


def test_least_confident_first_and_near_duplicates_skipped() -> None:
    texts = ["Hål i gatan!", "hål i gatan", "Hål i gatan.", "Trasig lampa", "Buller", "Hål i vägen"]
    chosen = diverse(texts, [0.2, 0.1, 0.3, 0.5, 0.4, 0.6], 4)
    assert chosen == [1, 4, 3, 5]


def test_similarity_one_keeps_everything_but_exact_copies() -> None:
    texts = ["hål i gatan", "hål i gatan", "hål i gatorna"]
    assert diverse(texts, [0.1, 0.2, 0.3], 3, similarity=1.0 - 1e-9) == [0, 2]


def test_edge_cases() -> None:
    assert diverse([], [], 3) == []
    assert diverse(["a", "b"], [0.5, 0.4], 0) == []
    assert diverse(["!", "?"], [0.5, 0.4], 2) == [1, 0]
    with pytest.raises(ValueError):
        diverse(["a"], [], 1)
