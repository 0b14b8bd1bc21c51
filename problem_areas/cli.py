"""``servicedialog classifier``: evaluate the classifier on labelled files, train an
organisation's model, and classify the rows of a CSV with it."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from servicedialog.cli import run_with_db, settings_or_exit


@click.group("classifier")
def classifier_group() -> None:
    """The text classifier that groups feedback into problem areas."""


def _attach_evaluate() -> None:
    from insight.cli import evaluate

    classifier_group.add_command(evaluate, "evaluate")


_attach_evaluate()


async def _organisation(slug: str) -> Any:
    from servicedialog.models import Organisation

    organisation = await Organisation.get_or_none(slug=slug)
    if organisation is None:
        raise click.BadParameter(f"no organisation with the slug {slug!r}", param_hint="--org")
    return organisation


@classifier_group.command("train")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
def train_command(slug: str) -> None:
    """Train the organisation's model on the labels people set; it becomes active only
    if its cross-validated macro-F1 is not worse than the active model's."""
    from problem_areas.training import retrain
    from servicedialog.orgs.services import DomainError

    settings = settings_or_exit()
    with click.progressbar(length=100, label="Training", file=sys.stderr) as bar:
        done = [0]

        def progress(fraction: float, _message: str) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                bar.update(step)
                done[0] += step

        async def work() -> Any:
            return await retrain(await _organisation(slug), progress=progress)

        try:
            row = run_with_db(settings, work)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        bar.update(100 - done[0])
    f1 = row.metrics.get("macro_f1", 0.0)
    click.echo(
        f"{row.version}: {row.status} · {row.training_size} texts · macro-F1 {f1:.3f}"
        + (f" · {row.reason}" if row.reason else "")
    )


@classifier_group.command("predict")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-col", default="text", show_default=True, help="The column of the texts.")
@click.option(
    "--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
def predict_command(slug: str, file: Path, text_col: str, output: str) -> None:
    """Classify each row of a CSV file with the organisation's active model: prints
    text, area (the area's code) and confidence."""
    from insight.model import predict
    from insight.text import redact
    from problem_areas.classify import active_model, code_map

    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if text_col not in (reader.fieldnames or []):
                columns = ", ".join(reader.fieldnames or [])
                raise click.BadParameter(
                    f"{file} has no column {text_col!r} (it has: {columns})",
                    param_hint="--text-col",
                )
            texts = [row[text_col] or "" for row in reader]
    except UnicodeDecodeError as error:
        raise click.BadParameter(f"{file} is not UTF-8 text", param_hint="FILE") from error
    settings = settings_or_exit()

    async def work() -> tuple[str, Any, dict[str, Any]]:
        organisation = await _organisation(slug)
        version, model = await active_model(organisation.id)
        return version, model, await code_map(organisation.id)

    _version, model, codes = run_with_db(settings, work)
    allowed = set(codes) & set(model.labels)
    predictions = predict(model, texts, allowed=allowed) if allowed and texts else []
    rows = [
        {"text": redact(text), "area": codes[p.label].code, "confidence": round(p.confidence, 4)}
        for text, p in zip(texts, predictions, strict=True)
    ]
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=["text", "area", "confidence"])
    writer.writeheader()
    writer.writerows(rows)
