"""Training and prediction on small lists: labels, probabilities, restrictions, the one- and
two-label cases, and saving with skops."""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pytest
import skops.io as sio

from insight import model as m

Feedback = tuple[list[str], list[str]]


def test_predicts_the_area_of_new_texts(feedback: Feedback) -> None:
    model = m.train(*feedback, cv=3)
    predicted = m.predict(model, ["Ett nytt hål i gatan", "Lampan är trasig", "Buller på natten"])
    assert [p.label for p in predicted] == ["väg", "belysning", "buller"]
    assert all(0 < p.runner_up_confidence <= p.confidence <= 1 for p in predicted)
    assert all(p.runner_up is not None and p.runner_up != p.label for p in predicted)


def test_probabilities_have_one_column_per_label_and_sum_to_one(feedback: Feedback) -> None:
    model = m.train(*feedback, cv=0)
    probs = m.probabilities(model, ["hål", "lampa"])
    assert model.labels == ("belysning", "buller", "väg")
    assert probs.shape == (2, 3)
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_allowed_restricts_and_renormalises(feedback: Feedback) -> None:
    model = m.train(*feedback, cv=0)
    full = m.probabilities(model, ["Stort hål i gatan"])[0]
    (restricted,) = m.predict(
        model, ["Stort hål i gatan"], allowed={"belysning", "buller", "okänd"}
    )
    assert restricted.label in {"belysning", "buller"}
    assert restricted.runner_up in {"belysning", "buller"}
    assert restricted.confidence + restricted.runner_up_confidence == pytest.approx(1.0)
    expected = max(full[0], full[1]) / (full[0] + full[1])
    assert restricted.confidence == pytest.approx(expected)


def test_allowed_with_one_known_label_has_no_runner_up(feedback: Feedback) -> None:
    model = m.train(*feedback, cv=0)
    (only,) = m.predict(model, ["Stort hål i gatan"], allowed=["buller"])
    assert (only.label, only.confidence, only.runner_up) == ("buller", pytest.approx(1.0), None)


def test_allowed_without_any_known_label_is_an_error(feedback: Feedback) -> None:
    model = m.train(*feedback, cv=0)
    with pytest.raises(ValueError, match="allowed"):
        m.predict(model, ["hål"], allowed=["okänd"])


def test_one_label_always_predicts_it_with_full_confidence() -> None:
    model = m.train(["ett", "två", "tre"], ["väg"] * 3)
    assert m.predict(model, ["vad som helst", ""]) == [m.Prediction("väg", 1.0, None, 0.0)] * 2
    assert model.metrics == {}
    assert m.loads(m.dumps(model)).labels == ("väg",)


def test_two_labels(feedback: Feedback) -> None:
    texts, labels = feedback
    model = m.train(texts[:12], labels[:12], cv=3)
    predicted = m.predict(model, ["hål i vägen", "trasig lampa"])
    assert [p.label for p in predicted] == ["väg", "belysning"]
    assert [p.runner_up for p in predicted] == ["belysning", "väg"]
    assert model.metrics["folds"] == 3


def test_metrics_are_cross_validated_and_rare_labels_do_not_crash(feedback: Feedback) -> None:
    texts, labels = feedback
    model = m.train(texts + ["Hunden skäller"], labels + ["djur"], cv=5)
    assert model.metrics["scored"] == len(texts)  # the one-member label is trained, not scored
    assert set(model.metrics["per_label"]) <= {"väg", "belysning", "buller"}
    assert m.predict(model, ["Hunden skäller"])[0].label == "djur"


def test_weights_change_what_is_learned(feedback: Feedback) -> None:
    texts, labels = feedback
    text = "Lampan vid vägen"
    heavy = m.train(texts + [text] * 3, labels + ["väg"] * 3, weights=[1.0] * 18 + [5.0] * 3, cv=0)
    light = m.train(texts + [text] * 3, labels + ["väg"] * 3, weights=[1.0] * 18 + [0.01] * 3, cv=0)
    assert m.probabilities(heavy, [text])[0][2] > m.probabilities(light, [text])[0][2]


def test_bookkeeping(feedback: Feedback) -> None:
    texts, labels = feedback
    steps: list[float] = []
    model = m.train(texts, labels, cv=3, progress=lambda fraction, message: steps.append(fraction))
    assert steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps)
    assert model.training_size == 18
    assert model.data_hash == m.data_hash(texts[::-1], labels[::-1], [1.0] * 18)
    assert model.data_hash != m.data_hash(texts, labels[1:] + labels[:1], [1.0] * 18)
    assert model.trained_at.endswith("+00:00")
    assert set(model.versions) >= {"sklearn", "numpy", "python"}
    assert json.dumps(model.settings.as_dict())


def test_top_terms_are_words_of_each_area(feedback: Feedback) -> None:
    model = m.train(*feedback, cv=0)
    terms = m.top_terms(model, 5)
    assert set(terms) == {"väg", "belysning", "buller"}
    assert "hål" in terms["väg"]
    assert all(len(words) <= 5 and all(" " not in w or len(w.split()) == 2 for w in words)
               for words in terms.values())  # fmt: skip


@pytest.mark.parametrize("settings", [m.Settings(), m.Settings(char_weight=0.5)])
def test_dumps_loads_round_trip_gives_identical_predictions(
    feedback: Feedback, settings: m.Settings
) -> None:
    model = m.train(*feedback, cv=3, settings=settings)
    loaded = m.loads(m.dumps(model))
    texts = ["hål i gatan", "lampa", "buller", "något helt annat"]
    assert m.predict(loaded, texts) == m.predict(model, texts)
    assert (loaded.labels, loaded.settings, loaded.metrics) == (
        model.labels,
        model.settings,
        model.metrics,
    )
    assert (loaded.data_hash, loaded.trained_at) == (model.data_hash, model.trained_at)


class Payload:
    """Stands for any type outside the allow-list."""


def test_loads_refuses_untrusted_types() -> None:
    data = sio.dumps({"meta": "{}", "payload": Payload()})
    with pytest.raises(ValueError, match="untrusted"):
        m.loads(data)


def test_loads_refuses_what_is_not_a_skops_file() -> None:
    with pytest.raises(ValueError):
        m.loads(b"\x80\x04 certainly not a model")
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    with pytest.raises(ValueError):
        m.loads(buffer.getvalue())


def test_retired_labels_are_those_silent_far_longer_than_their_rate_allows() -> None:
    days = list(range(0, 300, 3)) + list(range(0, 100, 10)) + [299, 150]
    labels = ["weekly"] * 100 + ["stopped"] * 10 + ["rare", "rare"]
    # "stopped": 10 in 90 days, then silent for 209 days (about 23 due): retired.
    # "rare": 2 in 149 days, silent for 0 days: in use.
    assert m.retired(labels, days) == {"stopped"}


def test_settings_survive_a_round_trip_through_a_dict() -> None:
    settings = m.Settings(word_ngrams=(1, 3), c=0.7, char_weight=0.4)
    assert m.Settings.from_dict(json.loads(json.dumps(dataclasses.asdict(settings)))) == settings
    assert m.Settings.from_dict({"c": 2.0, "unknown": 1}) == m.Settings(c=2.0)


def test_large_training_sets_use_fewer_folds(feedback: Feedback) -> None:
    settings = m.Settings(large_rows=10, large_folds=2)
    assert m.train(*feedback, cv=5, settings=settings).metrics["folds"] == 2
    assert m.train(*feedback, cv=5).metrics["folds"] == 5
