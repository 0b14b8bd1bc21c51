"""The built-in starter model, trained on the demo taxonomy's texts, on citizen feedback it
has never seen: ``data/holdout_feedback.csv`` was written by someone who never saw the
training texts, and is used for nothing else than this check (see its README)."""

from __future__ import annotations

import csv
from pathlib import Path

from sklearn.metrics import f1_score

from insight.model import predict
from problem_areas.classify import starter_model, starter_rows

HOLDOUT = Path(__file__).parent / "data" / "holdout_feedback.csv"
TEN_AREAS = [
    "handlaggningstid",
    "arendestatus",
    "tillganglighet_kontakt",
    "bemotande",
    "information_blanketter",
    "beslut_avgifter",
    "e_tjanster",
    "fysisk_tillganglighet",
    "gata_park",
    "avfall",
]


def test_the_starter_model_knows_the_ten_areas_on_texts_it_has_never_seen():
    with HOLDOUT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    training_texts = set(starter_rows()[0])
    assert not training_texts & {row["text"] for row in rows}  # never trained on
    predicted = [p.label for p in predict(starter_model(), [row["text"] for row in rows])]
    truth = [row["area"] for row in rows]
    macro_f1 = f1_score(truth, predicted, labels=TEN_AREAS, average="macro", zero_division=0)
    english = [i for i, row in enumerate(rows) if row["language"] == "en"]
    english_f1 = f1_score(
        [truth[i] for i in english],
        [predicted[i] for i in english],
        labels=TEN_AREAS,
        average="macro",
        zero_division=0,
    )
    assert macro_f1 >= 0.70, macro_f1
    assert english_f1 >= 0.60, english_f1  # English is a sixth of the training texts


def test_the_starter_model_has_every_area_of_the_demo_taxonomy():
    from problem_areas.starter.demo_texts import AREAS

    assert set(TEN_AREAS) <= set(starter_model().labels) == set(AREAS)
