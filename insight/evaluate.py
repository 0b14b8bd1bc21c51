"""How good is a classifier: one report shape for a test split, for cross-validation and for the
plain baseline, and the change between two reports (the "against the previous version" view).

Macro-F1 is the headline figure rather than accuracy: problem areas are imbalanced, and a
model that never suggests the small areas would look fine on accuracy while being useless
for exactly the areas that need attention."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.svm import LinearSVC

from insight import model as _model


@dataclass
class Report:
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float]]  # label -> {precision, recall, f1, support}
    confusion_labels: list[str]
    confusion: list[list[int]]  # rows = true, cols = predicted

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__})


def report(true: Sequence[str], predicted: Sequence[str]) -> Report:
    """Scores over the labels that occur in ``true`` or ``predicted`` (as scikit-learn's macro
    average does); a label never predicted scores 0 without a warning (zero_division=0)."""
    labels = sorted(set(true) | set(predicted))
    if not labels:
        return Report(0.0, 0.0, {}, [], [])
    precision, recall, f1, support = precision_recall_fscore_support(
        list(true), list(predicted), labels=labels, zero_division=0
    )
    per_label = {
        label: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": float(support[i]),
        }
        for i, label in enumerate(labels)
    }
    matrix = confusion_matrix(list(true), list(predicted), labels=labels)
    return Report(
        accuracy=float(accuracy_score(list(true), list(predicted))),
        macro_f1=float(np.mean(f1)),
        per_label=per_label,
        confusion_labels=labels,
        confusion=[[int(v) for v in row] for row in matrix],
    )


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    k: int = 5,
    settings: _model.Settings | None = None,
    seed: int = 0,
    weights: Sequence[float] | None = None,
) -> Report:
    """Stratified K-fold (shuffled with ``seed``) with our model; labels with fewer members
    than folds are trained on in every fold but not scored (see :func:`insight.model.train`)."""
    fitted = _model.train(texts, labels, weights=weights, settings=settings, cv=k, seed=seed)
    if not fitted.metrics:
        return Report(0.0, 0.0, {}, [], [])
    return Report.from_dict(fitted.metrics)


def baseline_fit(texts: Sequence[str], labels: Sequence[str]) -> Any:
    """The plain baseline: scikit-learn's ``TfidfVectorizer()`` + ``LinearSVC()`` with default
    settings, on the raw texts, as the data README's reference figures were measured."""
    vectorizer = TfidfVectorizer()
    classifier = LinearSVC()
    classifier.fit(vectorizer.fit_transform(list(texts)), list(labels))
    return vectorizer, classifier


def baseline_predict(fitted: Any, texts: Sequence[str]) -> list[str]:
    vectorizer, classifier = fitted
    return [str(label) for label in classifier.predict(vectorizer.transform(list(texts)))]


def baseline(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str] | None = None,
    test_labels: Sequence[str] | None = None,
    *,
    k: int = 5,
    seed: int = 0,
) -> tuple[Report, float, float]:
    """The baseline's report, training seconds (one fit on all of ``train_texts``) and
    predictions per second (prediction alone): on the test split when given, else
    stratified K-fold with the same folds as :func:`cross_validate`."""
    started = time.perf_counter()
    fitted = baseline_fit(train_texts, train_labels)
    train_seconds = time.perf_counter() - started
    if test_texts is not None and test_labels is not None:
        started = time.perf_counter()
        predicted = baseline_predict(fitted, test_texts)
        per_second = len(test_texts) / max(time.perf_counter() - started, 1e-9)
        return report(test_labels, predicted), train_seconds, per_second
    true: list[str] = []
    predicted = []
    predicting = 0.0
    for train_index, test_index in _model.folds(train_labels, k, seed):
        fitted = baseline_fit(
            [train_texts[i] for i in train_index], [train_labels[i] for i in train_index]
        )
        started = time.perf_counter()
        predicted += baseline_predict(fitted, [train_texts[i] for i in test_index])
        predicting += time.perf_counter() - started
        true += [train_labels[i] for i in test_index]
    return report(true, predicted), train_seconds, len(true) / max(predicting, 1e-9)


def _as_dict(value: Report | dict[str, Any]) -> dict[str, Any]:
    return value.as_dict() if isinstance(value, Report) else value


def compare(old: Report | dict[str, Any], new: Report | dict[str, Any]) -> dict[str, Any]:
    """Deltas new − old: accuracy, macro-F1 and per label (f1, precision, recall; support as
    is). A label only one side knows has ``None`` for the other side's figures."""
    before, after = _as_dict(old), _as_dict(new)
    per_label: dict[str, dict[str, float | None]] = {}
    for label in sorted(set(before.get("per_label", {})) | set(after.get("per_label", {}))):
        was = before.get("per_label", {}).get(label)
        now = after.get("per_label", {}).get(label)
        row: dict[str, float | None] = {}
        for key in ("f1", "precision", "recall"):
            row[f"{key}_old"] = None if was is None else was[key]
            row[f"{key}_new"] = None if now is None else now[key]
            row[f"{key}_delta"] = None if was is None or now is None else now[key] - was[key]
        row["support_new"] = None if now is None else now["support"]
        per_label[label] = row
    return {
        "accuracy_old": before.get("accuracy"),
        "accuracy_new": after.get("accuracy"),
        "accuracy_delta": _delta(before.get("accuracy"), after.get("accuracy")),
        "macro_f1_old": before.get("macro_f1"),
        "macro_f1_new": after.get("macro_f1"),
        "macro_f1_delta": _delta(before.get("macro_f1"), after.get("macro_f1")),
        "per_label": per_label,
    }


def _delta(old: float | None, new: float | None) -> float | None:
    return None if old is None or new is None else float(new) - float(old)
