"""``evaluate`` on small temporary CSV files: the JSON keys, and clear errors (exit 2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from insight.cli import evaluate

Feedback = tuple[list[str], list[str]]
KEYS = {"accuracy", "macro_f1", "train_seconds", "predict_per_second"}
BASELINE_KEYS = {"baseline_accuracy", "baseline_macro_f1"}


def _write(path: Path, texts: list[str], labels: list[str], dated: bool = True) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "label", "text"] if dated else ["label", "text"])
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            day = f"2026-01-{i % 28 + 1:02d}"
            writer.writerow([day, label, text] if dated else [label, text])
    return path


@pytest.fixture
def files(tmp_path: Path, feedback: Feedback) -> tuple[Path, Path]:
    texts, labels = feedback
    train = _write(tmp_path / "train.csv", texts, labels)
    test = _write(tmp_path / "test.csv", texts[::2], labels[::2], dated=False)
    return train, test


def test_json_on_a_split(files: tuple[Path, Path]) -> None:
    train, test = files
    result = CliRunner().invoke(evaluate, ["--train", str(train), "--test", str(test), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= KEYS | BASELINE_KEYS
    assert data["n_test"] == 9 and 0 <= data["macro_f1"] <= 1


def test_json_in_cross_validation(files: tuple[Path, Path]) -> None:
    train, _ = files
    result = CliRunner().invoke(evaluate, ["--train", str(train), "--cv", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.output)) >= KEYS | BASELINE_KEYS


def test_text_output_names_both_models(files: tuple[Path, Path]) -> None:
    train, _ = files
    result = CliRunner().invoke(evaluate, ["--train", str(train), "--cv", "3"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "baseline" in result.output


def test_a_missing_column_is_a_usage_error(files: tuple[Path, Path]) -> None:
    train, test = files
    result = CliRunner().invoke(
        evaluate, ["--train", str(train), "--test", str(test), "--label-col", "area"]
    )
    assert result.exit_code == 2
    assert "no column 'area'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "arguments",
    [
        ["--train", "/nonexistent.csv", "--cv", "3"],
        ["--train", "{train}"],
        ["--train", "{train}", "--cv", "1"],
        ["--train", "{train}", "--test", "{train}", "--cv", "3"],
        ["--train", "{binary}", "--cv", "3"],
        ["--train", "{empty}", "--cv", "3"],
    ],
)
def test_bad_invocations_exit_2(
    files: tuple[Path, Path], tmp_path: Path, arguments: list[str]
) -> None:
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    empty = _write(tmp_path / "empty.csv", [], [])
    names = {"train": str(files[0]), "binary": str(binary), "empty": str(empty)}
    result = CliRunner().invoke(evaluate, [a.format(**names) for a in arguments])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
