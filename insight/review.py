"""Which suggestions should a person check first: the ones the model is least sure of, but not
ten copies of the same text (uncertainty sampling with a diversity filter, as in active
learning: a near-duplicate teaches the model nothing its twin did not)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer

from insight.text import normalise

# "gatan!" and "gatan" are the same word to a reader; char_wb would see different n-grams
_PUNCTUATION = re.compile(r"[^\w\s]+")


def diverse(
    texts: Sequence[str], confidences: Sequence[float], n: int, *, similarity: float = 0.8
) -> list[int]:
    """Up to ``n`` indices, least confident first, skipping any text whose cosine similarity
    (TF-IDF of character 3–5-grams within words, so a changed word ending or a typo still
    counts as the same text) to one already chosen is ``similarity`` or more."""
    if len(texts) != len(confidences):
        raise ValueError(f"{len(texts)} texts but {len(confidences)} confidences")
    if n <= 0 or not texts:
        return []
    order = sorted(range(len(texts)), key=lambda i: (confidences[i], i))
    vectors = _vectors([_PUNCTUATION.sub(" ", normalise(text)) for text in texts])
    chosen: list[int] = []
    for i in order:
        if vectors is not None and chosen and _closest(vectors, chosen, i) >= similarity:
            continue
        chosen.append(i)
        if len(chosen) == n:
            break
    return chosen


def _closest(vectors: Any, chosen: list[int], i: int) -> float:
    return float((vectors[chosen] @ vectors[i].T).max())


def _vectors(normalised: list[str]) -> Any:
    """l2-normalised rows, so a dot product is the cosine; None when no text has a term."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        return vectorizer.fit_transform(normalised).tocsr()
    except ValueError:  # empty vocabulary: every text is empty or punctuation
        return None
