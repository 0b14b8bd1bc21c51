"""``evaluate``: our classifier against the plain baseline on a CSV file, in one run.

The app attaches :data:`evaluate` as ``servicedialog classifier evaluate``; on its own it is
``python -m insight.cli evaluate``. Two modes:

- ``--train FILE --test FILE``: fit on one file, score on the other (a time split);
- ``--train FILE --cv K``: stratified K-fold on one file (shuffled, seed 0).

``train_seconds`` is what the app's ``train`` costs: the cross-validation whose metrics it
stores (5 folds, or K; at most 3 from 10,000 texts on), plus the final fit;
``baseline_train_seconds`` is one fit.

Nothing is tuned on the test file. With a test file, the training file's date column (if
it has one, ``--date-col``) tells which labels have gone out of use
(:func:`insight.model.retired`); those are left out of our predictions, as the app leaves
out retired problem areas. The figures without that step are printed too
(``text_only_*``), and the baseline never uses dates.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from insight import evaluate as ev
from insight import model as mdl


@dataclass
class Table:
    texts: list[str]
    labels: list[str]
    dates: list[str] | None


def read_table(path: Path, text_col: str, label_col: str, date_col: str) -> Table:
    """The labelled rows of a CSV file (rows without a label are skipped); a clear usage
    error, never a traceback, for files that cannot be read or lack a column."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise click.BadParameter(f"cannot read {path}: {error}") from error
    for column in (text_col, label_col):
        if column not in columns:
            found = ", ".join(columns) or "none"
            raise click.BadParameter(f"{path} has no column {column!r} (columns: {found})")
    rows = [row for row in rows if (row.get(label_col) or "").strip()]
    if not rows:
        raise click.BadParameter(f"{path} has no labelled rows")
    texts = [row.get(text_col) or "" for row in rows]
    labels = [(row.get(label_col) or "").strip() for row in rows]
    dates = [row.get(date_col) or "" for row in rows] if date_col in columns else None
    return Table(texts, labels, dates)


def _days(values: Sequence[str]) -> list[int] | None:
    try:
        return [date.fromisoformat(value[:10]).toordinal() for value in values]
    except ValueError:
        return None  # not ISO dates: no retirement step


def _throughput(model: mdl.Model, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    mdl.predict(model, texts)
    return len(texts) / max(time.perf_counter() - started, 1e-9)


def split_run(train: Table, test: Table, k: int) -> dict[str, Any]:
    started = time.perf_counter()
    model = mdl.train(train.texts, train.labels, cv=k)
    result: dict[str, Any] = {"mode": "split", "train_seconds": time.perf_counter() - started}
    days = _days(train.dates) if train.dates else None
    retired = sorted(mdl.retired(train.labels, days)) if days else []
    allowed = [label for label in model.labels if label not in retired] or None
    started = time.perf_counter()
    predictions = mdl.predict(model, test.texts, allowed=allowed)
    result["predict_per_second"] = len(test.texts) / max(time.perf_counter() - started, 1e-9)
    ours = ev.report(test.labels, [p.label for p in predictions])
    text_only = ev.report(test.labels, [p.label for p in mdl.predict(model, test.texts)])
    result |= {"accuracy": ours.accuracy, "macro_f1": ours.macro_f1, "retired_labels": retired}
    result |= {"text_only_accuracy": text_only.accuracy, "text_only_macro_f1": text_only.macro_f1}
    result["cv_macro_f1"] = model.metrics.get("macro_f1")
    base, seconds, per_second = ev.baseline(train.texts, train.labels, test.texts, test.labels)
    result |= _baseline_keys(base, seconds, per_second)
    result |= {"n_train": len(train.texts), "n_test": len(test.texts)}
    result["per_label"] = ours.per_label
    return result


def cv_run(table: Table, k: int) -> dict[str, Any]:
    started = time.perf_counter()
    model = mdl.train(table.texts, table.labels, cv=k, seed=0)
    result: dict[str, Any] = {"mode": f"cv{k}", "train_seconds": time.perf_counter() - started}
    result["predict_per_second"] = _throughput(model, table.texts)
    result["accuracy"] = model.metrics.get("accuracy", 0.0)
    result["macro_f1"] = model.metrics.get("macro_f1", 0.0)
    base, seconds, per_second = ev.baseline(table.texts, table.labels, k=k, seed=0)
    result |= _baseline_keys(base, seconds, per_second)
    result |= {"n_train": len(table.texts), "folds": model.metrics.get("folds", 0)}
    result["per_label"] = model.metrics.get("per_label", {})
    return result


def _baseline_keys(base: ev.Report, seconds: float, per_second: float) -> dict[str, Any]:
    return {
        "baseline_accuracy": base.accuracy,
        "baseline_macro_f1": base.macro_f1,
        "baseline_train_seconds": seconds,
        "baseline_predict_per_second": per_second,
    }


def _print_text(result: dict[str, Any]) -> None:
    click.echo(f"mode: {result['mode']}, training rows: {result['n_train']}")
    rows = [
        ("accuracy", result["accuracy"], result["baseline_accuracy"], "{:.4f}"),
        ("macro-F1", result["macro_f1"], result["baseline_macro_f1"], "{:.4f}"),
        ("train seconds", result["train_seconds"], result["baseline_train_seconds"], "{:.1f}"),
        ("texts/s", result["predict_per_second"], result["baseline_predict_per_second"], "{:.0f}"),
    ]
    click.echo(f"{'':16}{'ours':>12}{'baseline':>12}")
    for name, ours, base, form in rows:
        click.echo(f"{name:16}{form.format(ours):>12}{form.format(base):>12}")
    if "text_only_macro_f1" in result:
        click.echo(f"without retired labels {result['retired_labels']}: "
                   f"macro-F1 {result['text_only_macro_f1']:.4f}")  # fmt: skip


CSV_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("evaluate")
@click.option("--train", "train_file", required=True, type=CSV_FILE, help="CSV file to train on.")
@click.option("--test", "test_file", type=CSV_FILE, help="CSV file to score on (never tuned on).")
@click.option(
    "--cv", "folds", type=click.IntRange(min=2), help="Stratified K-fold on --train instead."
)
@click.option("--text-col", default="text", show_default=True)
@click.option("--label-col", default="label", show_default=True)
@click.option(
    "--date-col",
    default="date",
    show_default=True,
    help="Column of training dates, to leave out retired labels ('' for none).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(
    train_file: Path,
    test_file: Path | None,
    folds: int | None,
    text_col: str,
    label_col: str,
    date_col: str,
    as_json: bool,
) -> None:
    """Accuracy, macro-F1, training time and prediction throughput of our classifier and of
    the plain baseline (TfidfVectorizer + LinearSVC, default settings), in the same run."""
    if (test_file is None) == (folds is None):
        raise click.UsageError("give either --test FILE or --cv K")
    train = read_table(train_file, text_col, label_col, date_col)
    if test_file is not None:
        test = read_table(test_file, text_col, label_col, date_col)
        result = split_run(train, test, k=5)
    else:
        assert folds is not None
        result = cv_run(train, folds)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print_text(result)


@click.group()
def main() -> None:
    """The insight package's commands."""


main.add_command(evaluate)

if __name__ == "__main__":
    sys.exit(main())
