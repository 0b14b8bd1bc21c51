"""Candidate new problem areas: groups of feedback that share words, found without labels.

Method: TF-IDF of the normalised texts, then NMF. Features are words and word pairs in at
least two texts and at most half of them, without the commonest Swedish, Finnish and English
function words (so that neither typos nor "och", "på", "inte" make a topic), each word cut
to its stem by a light Swedish suffix rule (``snöröjningen`` and ``snöröjning`` are one
word; the longest of Snowball's Swedish step-1 endings, keeping at least 4 letters).
Character n-grams were tried for compounds and dropped: on short texts they join unrelated
texts through shared endings ("-ningen", "-ionen"). NMF (non-negative matrix factorisation,
nndsvd initialisation) rather than k-means because its components are lists of weighted
words, which is what a person reviews, and nndsvd makes it deterministic. Each text goes
to its strongest component, if it has at least a quarter of the weight of that
component's most typical text (a text that fits no topic is left out rather than forced
into one); a component becomes a candidate only with ``min_size`` members.

Reproducible: the texts are sorted (and duplicates collapsed) before anything is fitted,
so the same texts in any order give the same candidates; ties are broken by index.

NMF is asked for about ``sqrt(n / 2)`` topics (a common rule of thumb for clustering, capped
at ``max_candidates``); topics whose texts share their main words are then merged (the
centroid cosine of their texts at least ``MERGE``), so that a rule of thumb asking for one
topic too many does not split a coherent one. Below
``3 * min_size`` texts there is nothing to find and no candidate is returned.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from insight.text import NUMBER_TOKEN, normalise

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Snowball Swedish step 1 (https://snowballstem.org/algorithms/swedish/stemmer.html),
# longest first; applied without Snowball's R1 region, with a minimum stem length instead.
_SWEDISH_ENDINGS = """heterna hetens anden andes heten heter arnas ernas ornas arens andet
    arna erna orna ande arne aste aren ades erns ade are ern ens het ast ad en ar er or as es
    at a e"""
_ENDINGS = sorted(_SWEDISH_ENDINGS.split(), key=len, reverse=True)
MIN_STEM = 4
MERGE = 0.4
TERMS = 8
REPRESENTATIVES = 5

# Function words that would otherwise top every topic in short Swedish texts (and a few
# Finnish ones); English uses scikit-learn's list.
_FUNCTION_WORDS = """
    alla allt att av blev bli blir de dem den denna deras dess det detta dig din ditt du där
    efter ej eller en er era ert ett från för ha hade han hans har hon honom hur här i icke
    ingen inom inte jag ju kan kunde man med mellan men mig min mina mitt mot mycket ni nu när
    någon något några och om oss på samma sedan sig sin sina själv skulle som så sådan till
    under upp ut utan vad var vara varför varit varje vi vid vilka vilken vilket vår våra vårt
    än är åt över ja nej bara också ska får fick kommer sen väl igen
    ei että jos kun mutta niin on oli ole se tai tämä ovat olla sekä
"""
STOP_WORDS = frozenset(_FUNCTION_WORDS.split()) | ENGLISH_STOP_WORDS
MEMBERSHIP = 0.25  # a member has at least this share of its topic's strongest text's weight


@dataclass(frozen=True)
class Candidate:
    terms: list[str]  # top terms
    members: list[int]  # indices into the input texts
    representatives: list[int]  # up to 5 most typical members


def discover(
    texts: Sequence[str], *, max_candidates: int = 8, min_size: int = 3, seed: int = 0
) -> list[Candidate]:
    """Candidate topics among ``texts``, largest first."""
    normalised = [normalise(text) for text in texts]
    unique = sorted(set(normalised))
    if len(texts) < 3 * min_size or len(unique) < 3 or max_candidates < 1:
        return []
    words = TfidfVectorizer(analyzer=_terms, min_df=2, max_df=0.5, sublinear_tf=True)
    try:
        matrix = words.fit_transform(unique)
    except ValueError:  # no term is in two texts and at most half of them
        return []
    k = min(max_candidates, max(2, round(math.sqrt(len(unique) / 2))), matrix.shape[1])
    if k < 2 or matrix.nnz == 0:
        return []
    nmf = NMF(n_components=k, init="nndsvd", max_iter=1000, tol=1e-4, random_state=seed)
    weights = nmf.fit_transform(matrix)
    topics = _merged(matrix, weights)
    surface = _surface(unique)
    names = np.array(
        [" ".join(surface.get(w, w) for w in n.split()) for n in words.get_feature_names_out()]
    )
    return _candidates(normalised, unique, weights, nmf.components_, topics, names, min_size)


def _merged(matrix: Any, weights: NDArray[np.float64]) -> list[list[int]]:
    """Components grouped into topics: NMF asked for too many topics splits one into two
    with the same main words ("trasig gatubelysning" / "gatubelysningen lyser inte"), so the
    two closest are joined while the centroids of their texts have a cosine of ``MERGE``
    or more."""
    assigned = weights.argmax(axis=1)
    groups = [[c] for c in range(weights.shape[1])]
    while len(groups) > 1:
        centroids = np.vstack([_centroid(matrix, np.isin(assigned, g)) for g in groups])
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -1.0)
        a, b = np.unravel_index(int(similarity.argmax()), similarity.shape)
        if similarity[a, b] < MERGE:
            break
        groups[min(a, b)] += groups[max(a, b)]
        del groups[max(a, b)]
    return groups


def _centroid(matrix: Any, members: NDArray[np.bool_]) -> NDArray[np.float64]:
    if not members.any():
        return np.zeros(matrix.shape[1])
    mean = np.asarray(matrix[members].mean(axis=0)).ravel()
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def _words(text: str) -> list[str]:
    """Words without function words and numbers (``_num_``, ``_num_th``: no topic)."""
    return [w for w in _TOKEN.findall(text) if w not in STOP_WORDS and NUMBER_TOKEN not in w]


def _surface(texts: list[str]) -> dict[str, str]:
    """Each stem's commonest written form, for display: people read "pothole", not
    "pothol" (the Swedish suffix rule cuts English words too)."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in _words(text):
            forms.setdefault(stem(word), Counter())[word] += 1
    return {s: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for s, c in forms.items()}


def _terms(text: str) -> list[str]:
    """Stemmed words without function words, and pairs of neighbouring ones."""
    words = [stem(w) for w in _words(text)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _candidates(
    normalised: list[str],
    unique: list[str],
    weights: NDArray[np.float64],
    components: NDArray[np.float64],
    groups: list[list[int]],
    names: NDArray[np.str_],
    min_size: int,
) -> list[Candidate]:
    position = {text: i for i, text in enumerate(unique)}
    owner = np.empty(components.shape[0], dtype=np.int64)
    for g, group in enumerate(groups):
        owner[group] = g
    per_text = weights[[position[text] for text in normalised]]
    # a topic's weight in a text is the sum of its components' weights
    strength = np.column_stack([per_text[:, g].sum(axis=1) for g in groups])
    topic = owner[per_text.argmax(axis=1)]
    merged = np.vstack([components[g].sum(axis=0) for g in groups])
    return _collect(normalised, strength, topic, merged, names, min_size)


def _collect(
    normalised: list[str],
    strength: NDArray[np.float64],
    topic: NDArray[np.int64],
    components: NDArray[np.float64],
    names: NDArray[np.str_],
    min_size: int,
) -> list[Candidate]:
    found = []
    for component in range(components.shape[0]):
        members = [
            i for i in range(len(normalised)) if topic[i] == component and strength[i].max() > 0
        ]
        if len(members) < min_size:
            continue
        order = sorted(members, key=lambda i: (-strength[i, component], normalised[i], i))
        typical = _distinct(order, normalised)[:REPRESENTATIVES]
        best = np.argsort(-components[component], kind="stable")[:TERMS]
        terms = [str(names[i]) for i in best if components[component, i] > 0]
        found.append(Candidate(terms=terms, members=members, representatives=typical))
    return sorted(found, key=lambda c: (-len(c.members), c.terms))


def _distinct(order: list[int], normalised: list[str]) -> list[int]:
    """Representatives are different texts: the same complaint pasted twice shows once."""
    seen: set[str] = set()
    picked = []
    for i in order:
        if normalised[i] not in seen:
            seen.add(normalised[i])
            picked.append(i)
    return picked
