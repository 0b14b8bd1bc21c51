"""The problem-area classifier: which area does a piece of feedback belong to, and how sure are
we.

Features (computed from :func:`insight.text.normalise`, so personal data never becomes a
feature of a stored model):

- **word 1–2-grams**, TF-IDF with sublinear tf: words carry the topic, bigrams catch the
  phrases ("trasig lampa", "grov misshandel"); sublinear tf stops a word repeated in a long
  complaint from outweighing the rest. These are also what :func:`top_terms` shows.
- **character n-grams within words** (``char_wb`` 2–5), optional (``char_weight`` > 0):
  they match parts of Swedish and Finnish compounds ("gatubelysning" / "belysningen") and
  misspellings. They are hashed (``HashingVectorizer``), so they need no vocabulary and the
  model's size is bounded by ``char_features``; the IDF is fitted per training set. Off by
  default: on the police time split they added 0.006 macro-F1 for about 7 times the SVM's
  training time (a text has some 2,000 character n-grams against 150 words), and on NYC 311
  they cost 0.005–0.01.

Classifier: a linear SVM (``LinearSVC``) with ``class_weight="balanced"``, so a small area
is not swallowed by the large ones (macro-F1 is what we optimise; balanced classes gave
+0.006 in 5-fold CV on the police training data and +0.06 on NYC 311); per-sample weights
(the app weighs recent decisions more) multiply the class weights.

Probabilities: a softmax over the SVM's scores with one temperature, fitted by minimising
the log loss of the *out-of-fold* scores of the cross-validation that :func:`train` runs
anyway for its metrics (temperature scaling, Guo et al. 2017, "On calibration of modern
neural networks"). This costs nothing beyond the CV, unlike ``CalibratedClassifierCV``,
which would fit the SVM again per fold. Without CV (``cv=0``), or with fewer than
``MIN_CALIBRATION`` scored texts, the temperature is ``Settings.temperature``.

Training cost: the texts are tokenised once (:class:`Counts`); each fold and the final fit
select their own vocabulary and IDF from those counts, exactly as a vectorizer fitted on
that part would, and the folds run in two threads (liblinear releases the GIL). From
``Settings.large_rows`` texts on, at most ``Settings.large_folds`` (3) folds are used,
whatever ``cv`` asks: on the 15,000 police texts 5-fold CV plus the final fit took 20 s on
an idle 2-core machine but 37–66 s while another test suite shared it; 3 folds halve the
CV's share.

The fitted model is kept as plain arrays (``coef`` as float32, Fortran order) plus the
vectorizers' settings, vocabulary and IDF, so the skops file holds only numpy arrays and
one JSON string, and loading it trusts nothing beyond numpy.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias

import numpy as np
import scipy
import sklearn
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sklearn.utils.parallel import Parallel, delayed

from insight.text import normalise

Progress = Callable[[float, str], None]
Matrix: TypeAlias = Any  # a scipy.sparse CSR matrix (scipy has no type stubs)
MIN_CALIBRATION = 50  # fewer out-of-fold rows fit a temperature to noise: use the default
EMPTY = "_empty_"  # the one term of a vocabulary when the texts have none
PARALLEL_FROM = 3000  # below this many texts the folds take milliseconds: no threads


@dataclass(frozen=True)
class Settings:
    """Every tunable, with the defaults chosen on the benchmarks' training data and CV."""

    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 1  # rare words matter on small data sets (NYC 311: min_df 2 costs 0.03 F1)
    word_max_features: int | None = 300_000  # bounds the model's size on large data sets
    char_weight: float = 0.0  # 0 = no character n-grams
    char_ngrams: tuple[int, int] = (2, 5)
    char_features: int = 2**18
    char_max_chars: int = 300  # character n-grams of the opening only: cost grows with length
    c: float = 0.5  # LinearSVC's C, chosen by CV on both data sets (0.3–1 are within noise)
    class_weight: str | None = "balanced"
    max_iter: int = 5000  # liblinear's default 1000 does not always converge on 50 labels
    temperature: float = 0.17  # softmax temperature without CV: fitted 0.15-0.18 on both sets
    n_jobs: int = 2  # cross-validation folds in parallel (the app's machines have 2 cores)
    # From this many texts on, cross-validation uses at most `large_folds` folds: every text
    # is still scored once, at about half the cost of 5 folds (each fold trains on 2/3 rather
    # than 4/5 of the texts, so the metrics are a shade pessimistic). This keeps training on
    # 15,000 texts under a minute even when other work shares the two cores.
    large_rows: int = 10_000
    large_folds: int = 3

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        for name in ("word_ngrams", "char_ngrams"):
            if name in known:
                known[name] = tuple(known[name])
        return cls(**known)


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float  # calibrated probability of `label`, 0..1
    runner_up: str | None
    runner_up_confidence: float


@dataclass
class Features:
    """The fitted feature extraction: word TF-IDF, and hashed character n-grams with their IDF."""

    word: TfidfVectorizer
    char: HashingVectorizer | None = None
    char_idf: TfidfTransformer | None = None
    char_weight: float = 0.0
    char_max_chars: int = 300
    columns: NDArray[np.int64] | None = None  # while training: the kept columns of Counts

    @property
    def word_count(self) -> int:
        return len(self.word.vocabulary_)

    def transform(self, normalised: Sequence[str]) -> Matrix:
        words = self.word.transform(normalised)
        if self.char is None or self.char_idf is None:
            return words.tocsr()
        chars = self.char_idf.transform(self.char_counts(normalised))
        return sparse.hstack([words, chars * self.char_weight], format="csr")

    def from_counts(self, counts: Counts, rows: NDArray[np.int64]) -> Matrix:
        """The same matrix as :meth:`transform` of those texts, from the training counts."""
        assert self.columns is not None
        word_part = _tfidf(counts.words[rows][:, self.columns], self.word.idf_)
        if counts.chars is None or self.char_idf is None:
            return word_part.tocsr()
        chars = self.char_idf.transform(counts.chars[rows])
        return sparse.hstack([word_part, chars * self.char_weight], format="csr")

    def char_counts(self, normalised: Sequence[str]) -> Matrix:
        assert self.char is not None
        return self.char.transform([t[: self.char_max_chars] for t in normalised])


@dataclass
class Model:
    labels: tuple[str, ...]
    settings: Settings
    metrics: dict[str, Any]  # cross-validated: see Report.as_dict(); {} when cv=0
    training_size: int
    data_hash: str  # sha256 over the (text, label, weight) rows, order-independent
    trained_at: str  # ISO 8601 UTC
    versions: dict[str, str]
    features: Features | None = None  # None for a one-label model
    coef: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    intercept: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    temperature: float = 1.0


# --- training ---------------------------------------------------------------------------


@dataclass
class Counts:
    """Raw counts of every training text, tokenised once: each cross-validation fold and the
    final fit select and weight columns from these instead of tokenising again (tokenising is
    most of the cost of a fold). A fold still sees only its own training part's vocabulary
    (min_df, max_features) and IDF, exactly as a vectorizer fitted on that part would."""

    words: Matrix  # texts × every word n-gram (CSR, columns in alphabetical order)
    terms: NDArray[np.str_]
    chars: Matrix | None  # texts × hashed character n-grams, or None


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    weights: Sequence[float] | None = None,
    settings: Settings | None = None,
    cv: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
) -> Model:
    """Fit the classifier on all rows; with ``cv`` >= 2, first stratified ``cv``-fold
    cross-validation for the stored metrics and the probability calibration."""
    settings = settings or Settings()
    report = progress or (lambda fraction, message: None)
    _check(texts, labels, weights)
    sample_weight = np.ones(len(texts)) if weights is None else np.asarray(weights, float)
    known = tuple(sorted(set(labels)))
    model = Model(
        labels=known,
        settings=settings,
        metrics={},
        training_size=len(texts),
        data_hash=data_hash(texts, labels, sample_weight.tolist()),
        trained_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        versions=versions(),
        temperature=settings.temperature,
    )
    if len(known) < 2:
        report(1.0, "one label: nothing to learn")
        return model
    report(0.0, "reading the texts")
    counts = count(texts, settings)
    target = np.asarray(labels, dtype=object)
    if len(texts) >= settings.large_rows:
        cv = min(cv, settings.large_folds)
    if cv >= 2:
        report(0.1, f"cross-validating ({cv} folds)")
        metrics, temperature = _cross_validate(
            counts, target, sample_weight, known, settings, cv, seed
        )
        model.metrics, model.temperature = metrics, temperature or settings.temperature
    report(0.7, "fitting on all texts")
    everything = np.arange(len(texts))
    model.features, model.coef, model.intercept = _fit(
        counts, everything, target, sample_weight, known, settings
    )
    report(1.0, "done")
    return model


def _check(texts: Sequence[str], labels: Sequence[str], weights: Sequence[float] | None) -> None:
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if weights is not None and len(weights) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(weights)} weights")
    if weights is not None and not all(w >= 0 and math.isfinite(w) for w in weights):
        raise ValueError("weights must be finite and not negative")
    if not texts:
        raise ValueError("nothing to train on")


def count(texts: Sequence[str], settings: Settings) -> Counts:
    normalised = [normalise(text) for text in texts]
    counter = CountVectorizer(**_word_options(settings), min_df=1, dtype=np.float32)
    try:
        words = counter.fit_transform(normalised).tocsr()
    except ValueError:  # no word of two letters in any text: learn from the label counts alone
        counter = CountVectorizer(**_word_options(settings), vocabulary=[EMPTY], dtype=np.float32)
        words = counter.fit_transform(normalised).tocsr()
    chars = None
    if settings.char_weight > 0:
        cut = [text[: settings.char_max_chars] for text in normalised]
        chars = _char_vectorizer(settings).transform(cut).tocsr()
    return Counts(words, counter.get_feature_names_out(), chars)


def _columns(words: Matrix, settings: Settings) -> NDArray[np.int64]:
    """The word columns a vectorizer fitted on these rows would keep (CountVectorizer's
    min_df and max_features rules), in alphabetical order."""
    df = np.bincount(words.indices, minlength=words.shape[1])
    keep = np.flatnonzero(df >= settings.word_min_df)
    limit = settings.word_max_features
    if limit is not None and keep.size > limit:
        totals = np.asarray(words[:, keep].sum(axis=0)).ravel()
        keep = np.sort(keep[np.argsort(-totals, kind="stable")[:limit]])
    if keep.size == 0:  # no word common enough: one empty column, so the scorer has a shape
        keep = np.zeros(1, dtype=np.int64)
    return keep


def _fit_features(counts: Counts, rows: NDArray[np.int64], settings: Settings) -> Features:
    """Vectorizers as if fitted on ``rows`` of the texts, without tokenising them again."""
    words = counts.words[rows]
    keep = _columns(words, settings)
    word = _word_vectorizer(settings)
    word.vocabulary_ = {str(term): i for i, term in enumerate(counts.terms[keep])}
    word.idf_ = TfidfTransformer(sublinear_tf=True).fit(words[:, keep]).idf_
    features = Features(
        word=word, char_weight=settings.char_weight, char_max_chars=settings.char_max_chars
    )
    features.columns = keep
    if counts.chars is not None:
        features.char = _char_vectorizer(settings)
        features.char_idf = TfidfTransformer(sublinear_tf=True).fit(counts.chars[rows])
    return features


def _fit(
    counts: Counts,
    rows: NDArray[np.int64],
    target: NDArray[Any],
    weight: NDArray[np.float64],
    labels: tuple[str, ...],
    settings: Settings,
) -> tuple[Features, NDArray[np.float32], NDArray[np.float64]]:
    """Features and a linear scorer over ``labels`` (rows of ``coef`` in that order; a label
    absent from this training set gets a row that never wins)."""
    features = _fit_features(counts, rows, settings)
    matrix = features.from_counts(counts, rows)
    present = sorted(set(target[rows]))
    # Fortran order: coef.T is then C-contiguous, and sparse @ coef.T needs no 40 MB copy per
    # call (30 ms for one text with 50 labels and 200,000 features)
    coef = np.zeros((len(labels), matrix.shape[1]), np.float32, order="F")
    intercept = np.full(len(labels), -1e3)
    if len(present) < 2:  # one label in this fold: it always wins
        intercept[labels.index(present[0])] = 1e3
        return features, coef, intercept
    svm = LinearSVC(
        C=settings.c, class_weight=settings.class_weight, max_iter=settings.max_iter, random_state=0
    )
    svm.fit(matrix, target[rows], sample_weight=weight[rows])
    binary = len(present) == 2  # one row of weights: the second class's side
    rows_ = np.vstack([-svm.coef_[0], svm.coef_[0]]) if binary else svm.coef_
    biases = np.array([-svm.intercept_[0], svm.intercept_[0]]) if binary else svm.intercept_
    for row, label in enumerate(svm.classes_):
        coef[labels.index(label)] = rows_[row]
        intercept[labels.index(label)] = biases[row]
    return features, coef, intercept


def _tfidf(counts: Matrix, idf: NDArray[np.float64]) -> Matrix:
    """What TfidfVectorizer does to counts (sublinear tf, IDF, l2 rows), on a copy."""
    matrix = counts.astype(np.float64, copy=True)
    matrix.data = np.log(matrix.data) + 1.0
    return normalize(matrix @ sparse.diags(idf), norm="l2", copy=False).astype(np.float32)


def _word_options(settings: Settings) -> dict[str, Any]:
    return {
        "ngram_range": settings.word_ngrams,
        "lowercase": False,  # normalise() has done it, and more
    }


def _word_vectorizer(settings: Settings) -> TfidfVectorizer:
    return TfidfVectorizer(**_word_options(settings), sublinear_tf=True, dtype=np.float32)


def _char_vectorizer(settings: Settings) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=settings.char_ngrams,
        n_features=settings.char_features,
        alternate_sign=False,  # counts stay positive, so sublinear tf (log) applies
        norm=None,
        lowercase=False,
        dtype=np.float32,
    )


# --- cross-validation -------------------------------------------------------------------


def folds(labels: Sequence[str], k: int, seed: int) -> Iterator[tuple[list[int], list[int]]]:
    """Stratified, shuffled K-fold that never fails on rare labels: the number of folds drops
    to the largest label's size when that is below ``k``, and rows of labels with fewer
    members than folds are in every training part and in no test part (they are trained on
    but not scored, and StratifiedKFold never sees them, so it has nothing to warn about)."""
    counts = Counter(labels)
    k = min(k, max(counts.values(), default=0))
    if k < 2:
        return
    scored = [i for i, label in enumerate(labels) if counts[label] >= k]
    always = [i for i, label in enumerate(labels) if counts[label] < k]
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    scored_labels = [labels[i] for i in scored]
    for train_part, test_part in splitter.split(np.zeros(len(scored)), scored_labels):
        yield sorted(always + [scored[i] for i in train_part]), [scored[i] for i in test_part]


def _cross_validate(
    counts: Counts,
    target: NDArray[Any],
    weight: NDArray[np.float64],
    labels: tuple[str, ...],
    settings: Settings,
    k: int,
    seed: int,
) -> tuple[dict[str, Any], float | None]:
    """Metrics and the calibration temperature from out-of-fold scores. Folds run in
    threads: liblinear releases the GIL, and threads share the count matrix."""
    from insight.evaluate import report  # evaluate imports this module

    splits = list(folds([str(label) for label in target], k, seed))
    if not splits:
        return {}, None
    jobs = settings.n_jobs if target.size >= PARALLEL_FROM else 1
    results = Parallel(n_jobs=min(jobs, len(splits)), prefer="threads")(
        delayed(_fold_scores)(counts, target, weight, labels, settings, train, test)
        for train, test in splits
    )
    tested = np.concatenate([np.asarray(test, dtype=np.int64) for _, test in splits])
    scores = np.vstack(results)
    true = [str(target[i]) for i in tested]
    predicted = [labels[i] for i in scores.argmax(axis=1)]
    metrics = report(true, predicted).as_dict()
    metrics["folds"] = len(splits)
    metrics["scored"] = len(true)
    if len(true) < MIN_CALIBRATION:
        return metrics, None
    return metrics, fit_temperature(scores, np.array([labels.index(t) for t in true]))


def _fold_scores(
    counts: Counts,
    target: NDArray[Any],
    weight: NDArray[np.float64],
    labels: tuple[str, ...],
    settings: Settings,
    train: list[int],
    test: list[int],
) -> NDArray[np.float64]:
    rows = np.asarray(train, dtype=np.int64)
    features, coef, intercept = _fit(counts, rows, target, weight, labels, settings)
    matrix = features.from_counts(counts, np.asarray(test, dtype=np.int64))
    return _scores(matrix, coef, intercept)


def fit_temperature(scores: NDArray[np.float64], truth: NDArray[np.int64]) -> float:
    """The softmax temperature with the least log loss on out-of-fold scores."""

    def loss(log_t: float) -> float:
        return float(-np.mean(_log_softmax(scores / math.exp(log_t))[np.arange(truth.size), truth]))

    # bounded: perfectly separated folds would otherwise drive it to 0 (certainty)
    result = minimize_scalar(loss, bounds=(math.log(0.05), math.log(5.0)), method="bounded")
    return float(math.exp(result.x))


# --- prediction -------------------------------------------------------------------------


def _scores(
    matrix: Matrix, coef: NDArray[np.float32], intercept: NDArray[np.float64]
) -> NDArray[np.float64]:
    scores: NDArray[np.float64] = np.asarray(matrix @ coef.T, dtype=np.float64) + intercept
    return scores


def _log_softmax(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    shifted: NDArray[np.float64] = scores - scores.max(axis=1, keepdims=True)
    result: NDArray[np.float64] = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return result


def probabilities(model: Model, texts: Sequence[str]) -> NDArray[np.float64]:
    """Calibrated probabilities, shape (len(texts), len(model.labels)), rows sum to 1."""
    if model.features is None:
        return np.ones((len(texts), len(model.labels)))
    if not texts:
        return np.zeros((0, len(model.labels)))
    matrix = model.features.transform([normalise(text) for text in texts])
    return np.exp(_log_softmax(_scores(matrix, model.coef, model.intercept) / model.temperature))


def predict(
    model: Model, texts: Sequence[str], *, allowed: Collection[str] | None = None
) -> list[Prediction]:
    """The most probable label per text and the runner-up. ``allowed`` restricts the choice
    (retired areas are never suggested) and renormalises the probabilities over it; labels
    the model does not know are ignored. Raises ValueError when it allows none it knows."""
    probs = probabilities(model, texts)
    if allowed is not None:
        mask = np.isin(np.array(model.labels, dtype=object), list(set(allowed)))
        if not mask.any():
            raise ValueError("none of the allowed labels is known to the model")
        probs = probs * mask
        total = probs.sum(axis=1, keepdims=True)
        # all the mass on disallowed labels (underflow): spread it evenly over the allowed
        probs = np.where(total > 0, probs / np.maximum(total, 1e-300), mask / mask.sum())
    return [_prediction(model.labels, row) for row in probs]


def _prediction(labels: tuple[str, ...], row: NDArray[np.float64]) -> Prediction:
    """Best and second best; no runner-up when only one label has any probability left."""
    order = np.argsort(-row, kind="stable")
    best = int(order[0])
    if len(labels) < 2 or row[order[1]] <= 0:
        return Prediction(labels[best], float(row[best]), None, 0.0)
    second = int(order[1])
    return Prediction(labels[best], float(row[best]), labels[second], float(row[second]))


def top_terms(model: Model, n: int = 10) -> dict[str, list[str]]:
    """The word features (unigrams and bigrams, not character n-grams) with the largest
    positive weight per label: what a person reads as "why this area"."""
    if model.features is None:
        return {label: [] for label in model.labels}
    names = model.features.word.get_feature_names_out()
    words = model.coef[:, : model.features.word_count]
    terms: dict[str, list[str]] = {}
    for row, label in enumerate(model.labels):
        weights = words[row]
        best = np.argsort(-weights, kind="stable")[:n]
        terms[label] = [str(names[i]) for i in best if weights[i] > 0]
    return terms


# --- bookkeeping ------------------------------------------------------------------------


def data_hash(texts: Sequence[str], labels: Sequence[str], weights: Sequence[float]) -> str:
    """sha256 over the sorted digests of the (text, label, weight) rows: the same data in
    any order gives the same hash, and any changed row changes it."""
    rows = sorted(
        hashlib.sha256(f"{text}\x1f{label}\x1f{float(weight)!r}".encode()).digest()
        for text, label, weight in zip(texts, labels, weights, strict=True)
    )
    return hashlib.sha256(b"".join(rows)).hexdigest()


def versions() -> dict[str, str]:
    return {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def retired(labels: Sequence[str], days: Sequence[int], *, missing: float = 7.0) -> set[str]:
    """Labels that have gone out of use, judged from their dates (day numbers) alone: no row
    since a gap in which, at the label's own rate, about ``missing`` rows were due (the
    chance of such a gap by luck is e^-7, under 0.1 %). The app knows its retired areas; this
    is for data without that knowledge, such as a time-split benchmark file."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for label, day in zip(labels, days, strict=True):
        first[label] = min(first.get(label, day), day)
        last[label] = max(last.get(label, day), day)
    end = max(days, default=0)
    counts = Counter(labels)
    return {
        label
        for label in counts
        if counts[label] / max(last[label] - first[label], 30) * (end - last[label]) > missing
    }


# --- persistence ------------------------------------------------------------------------

TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "insight.")
FORMAT = 1


def dumps(model: Model) -> bytes:
    """The model as a skops file (never pickle: loading a pickle runs whatever it names).
    Our own metadata goes in as one JSON string, so the file holds only built-in,
    scikit-learn, numpy and scipy types."""
    meta = {
        "format": FORMAT,
        "labels": list(model.labels),
        "settings": model.settings.as_dict(),
        "metrics": model.metrics,
        "training_size": model.training_size,
        "data_hash": model.data_hash,
        "trained_at": model.trained_at,
        "versions": model.versions,
        "temperature": model.temperature,
    }
    state: dict[str, Any] = {
        "meta": json.dumps(meta),
        "coef": model.coef,
        "intercept": model.intercept,
    }
    if model.features is not None:
        word = model.features.word
        # the vocabulary as one UTF-8 array, in column order: skops stores a dict item by item
        # (minutes for 200,000 terms) and a numpy str array at its longest term's width
        terms = sorted(word.vocabulary_, key=word.vocabulary_.__getitem__)
        state["word_terms"] = np.frombuffer("\n".join(terms).encode(), dtype=np.uint8)
        state["word_idf"] = np.asarray(word.idf_)
        if model.features.char_idf is not None:
            state["char_idf"] = np.asarray(model.features.char_idf.idf_)
    data: bytes = _skops().dumps(state)
    return data


def _skops() -> Any:
    """skops.io, imported on first use: importing it walks every scikit-learn estimator to
    build its list of trusted types (seconds), which the app should not pay at start-up."""
    import skops.io

    return skops.io


def untrusted(data: bytes) -> list[str]:
    """Types in a skops file outside scikit-learn, numpy, scipy and this package."""
    try:
        names = _skops().get_untrusted_types(data=data)
    except Exception as error:  # a corrupt or foreign file: skops raises many kinds
        raise ValueError(f"not a skops model file: {error}") from error
    return [name for name in names if not name.startswith(TRUSTED_PREFIXES)]


def loads(data: bytes) -> Model:
    """A model from :func:`dumps`. Raises ValueError for a file naming any type outside the
    allow-list (scikit-learn, numpy, scipy, ours) or that is not such a file at all."""
    refused = untrusted(data)
    if refused:
        raise ValueError(f"refusing to load untrusted types: {', '.join(refused)}")
    try:
        sio = _skops()
        state = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
        meta = json.loads(state["meta"])
    except Exception as error:
        raise ValueError(f"not a model file: {error}") from error
    return _from_state(state, meta)


def _from_state(state: dict[str, Any], meta: dict[str, Any]) -> Model:
    settings = Settings.from_dict(meta["settings"])
    features = None
    if state.get("word_terms") is not None:
        features = _features_from_state(state, settings)
    return Model(
        labels=tuple(meta["labels"]),
        settings=settings,
        metrics=meta["metrics"],
        training_size=int(meta["training_size"]),
        data_hash=str(meta["data_hash"]),
        trained_at=str(meta["trained_at"]),
        versions=dict(meta["versions"]),
        features=features,
        coef=np.asfortranarray(state["coef"], dtype=np.float32),
        intercept=np.asarray(state["intercept"], dtype=np.float64),
        temperature=float(meta["temperature"]),
    )


def _features_from_state(state: dict[str, Any], settings: Settings) -> Features:
    """The fitted vectorizers rebuilt from their settings, vocabulary and IDF arrays."""
    word = _word_vectorizer(settings)
    terms = np.asarray(state["word_terms"], dtype=np.uint8).tobytes().decode().split("\n")
    word.vocabulary_ = {term: i for i, term in enumerate(terms)}
    word.idf_ = np.asarray(state["word_idf"], dtype=np.float64)
    features = Features(
        word=word, char_weight=settings.char_weight, char_max_chars=settings.char_max_chars
    )
    if state.get("char_idf") is not None:
        features.char = _char_vectorizer(settings)
        features.char_idf = TfidfTransformer(sublinear_tf=True)
        features.char_idf.idf_ = np.asarray(state["char_idf"], dtype=np.float64)
    return features
