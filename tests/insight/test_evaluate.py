"""Reports, cross-validation, the baseline and the comparison of two reports."""

from __future__ import annotations

import json

import pytest

from insight import evaluate as ev

Feedback = tuple[list[str], list[str]]


def test_report_scores_and_confusion() -> None:
    result = ev.report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert result.accuracy == 0.75
    assert result.per_label["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "support": 2.0,
    }
    assert result.confusion_labels == ["a", "b"]
    assert result.confusion == [[1, 1], [0, 2]]
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert json.loads(json.dumps(result.as_dict())) == result.as_dict()


def test_report_with_a_label_never_predicted_scores_zero_without_warning() -> None:
    result = ev.report(["a", "b"], ["a", "a"])
    assert result.per_label["b"]["f1"] == 0.0


def test_cross_validate_with_rare_labels(feedback: Feedback) -> None:
    texts, labels = feedback
    result = ev.cross_validate(
        texts + ["ensam", "två av", "två av dem"], labels + ["x", "y", "y"], k=5
    )
    assert result.accuracy > 0.5
    assert "x" not in result.per_label or result.per_label["x"]["support"] == 0


def test_cross_validate_with_too_little_data_gives_an_empty_report() -> None:
    assert ev.cross_validate(["a", "b"], ["x", "y"], k=5).confusion == []


def test_baseline_on_a_split_and_in_cv(feedback: Feedback) -> None:
    texts, labels = feedback
    split, seconds, per_second = ev.baseline(texts, labels, texts, labels)
    assert split.accuracy == 1.0 and seconds >= 0 and per_second > 0
    cv, _, _ = ev.baseline(texts, labels, k=3)
    assert sum(row["support"] for row in cv.per_label.values()) == len(texts)


def test_compare_gives_macro_and_per_label_deltas() -> None:
    old = ev.report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    new = ev.report(["a", "a", "b", "c"], ["a", "a", "b", "b"])
    delta = ev.compare(old, new.as_dict())
    assert delta["accuracy_delta"] == pytest.approx(0.0)
    assert delta["macro_f1_delta"] == pytest.approx(new.macro_f1 - old.macro_f1)
    assert delta["per_label"]["a"]["recall_delta"] == pytest.approx(0.5)
    assert delta["per_label"]["c"]["f1_old"] is None
    assert delta["per_label"]["c"]["f1_delta"] is None
