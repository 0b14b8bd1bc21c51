"""``servicedialog classifier train`` and ``predict`` on an organisation, and splitting an
area with the model's suggestions."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from problem_areas.models import ClassifierModel, Label, LabelChange, ProblemArea
from problem_areas.splitting import suggestions
from servicedialog.cli import main
from servicedialog.models import AuditEvent
from servicedialog.roles import Role
from tests.conftest import post_form, run
from tests.problem_areas.conftest import demo_rows, labelled


def _cli_env(monkeypatch, tmp_path, settings) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)


def test_train_and_predict_from_the_command_line(tmp_path, monkeypatch, client, org, settings):
    _cli_env(monkeypatch, tmp_path, settings)
    few = CliRunner().invoke(main, ["classifier", "train", "--org", org.slug])
    assert few.exit_code == 1 and "Too few labels" in few.output
    run(client, labelled, org, demo_rows(60))
    trained = CliRunner().invoke(main, ["classifier", "train", "--org", org.slug])
    assert trained.exit_code == 0, trained.output
    assert "v1: active · 720 texts · macro-F1 0." in trained.output
    assert run(client, ClassifierModel.filter(organisation_id=org.id).count) == 1

    texts = tmp_path / "texts.csv"
    texts.write_text(
        "id,body\n1,Snön är inte plogad på min gata\n"
        "2,Soptunnan har inte tömts på tre veckor. Mitt nummer: 070-123 45 67\n",
        encoding="utf-8",
    )
    as_csv = CliRunner().invoke(
        main, ["classifier", "predict", "--org", org.slug, str(texts), "--text-col", "body"]
    )
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [row["area"] for row in rows] == ["gata_park", "avfall"]
    assert "070-123" not in rows[1]["text"] and 0 < float(rows[0]["confidence"]) <= 1
    as_json = CliRunner().invoke(
        main,
        [
            "classifier",
            "predict",
            "--org",
            org.slug,
            str(texts),
            "--text-col",
            "body",
            "--format",
            "json",
        ],
    )
    assert [row["area"] for row in json.loads(as_json.output)] == ["gata_park", "avfall"]
    wrong = CliRunner().invoke(main, ["classifier", "predict", "--org", org.slug, str(texts)])
    assert wrong.exit_code == 2 and "no column 'text'" in wrong.output
    unknown = CliRunner().invoke(
        main, ["classifier", "predict", "--org", "nope", str(texts), "--text-col", "body"]
    )
    assert unknown.exit_code != 0 and "nope" in unknown.output


def test_an_area_is_split_with_the_models_suggestions(client, org, member):
    rows = [(text, "gata_park") for text, code in demo_rows(20) if code in ("gata_park", "avfall")]
    rows += [(text, "gata_park") for text, code in demo_rows(20) if code == "avfall"]
    run(client, labelled, org, rows)
    areas = {a.code: a for a in run(client, ProblemArea.filter, organisation_id=org.id)}
    wide, streets, waste = areas["gata_park"], areas["gata_park"], areas["avfall"]
    snow = run(
        client,
        ProblemArea.create,
        organisation=org,
        code="sno",
        name_sv="Snöröjning",
        description_sv="Snö, is, plogning och sandning",
    )
    labels = list(run(client, Label.filter, area_id=wide.id))
    suggested = run(client, suggestions, org.id, labels, [snow, waste])
    assert set(suggested) == {label.id for label in labels}
    about_waste = [
        label for label in labels if "sop" in label.text.lower() or "tunn" in label.text.lower()
    ]
    assert about_waste and all(suggested[label.id][0] == waste.id for label in about_waste[:3])

    member(Role.QUALITY_MANAGER)
    url = f"/problem-areas/manage/{wide.id}/split?into={snow.id}&into={waste.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Föreslaget" in page.text
    moved = post_form(
        client,
        url,
        {
            f"label-{about_waste[0].id}": str(waste.id),
            f"label-{labels[-1].id}": str(snow.id),
            f"label-{labels[-2].id}": str(streets.id + 10_000),
        },
    )
    assert moved.status_code == 303
    assert run(client, Label.get, id=about_waste[0].id).area_id == waste.id
    assert run(client, Label.get, id=labels[-1].id).area_id == snow.id
    assert run(client, Label.get, id=labels[-2].id).area_id == wide.id  # not a chosen area
    kinds = run(
        client, LabelChange.filter(label_id=about_waste[0].id).values_list, "kind", flat=True
    )
    assert "split" in kinds
    assert run(client, AuditEvent.filter(action="problem_area.split").count) == 1
