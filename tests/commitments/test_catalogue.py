"""Catalogue as code: import, idempotency, versioning, export round trip, clear errors."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from commitments.models import Commitment, CommitmentVersion, Service
from commitments.services import CatalogueError, export_catalogue, import_catalogue
from commitments.states import CommitmentStatus
from servicedialog.cli import main
from tests.conftest import run

CATALOGUE = {
    "services": [
        {
            "code": "BYGG",
            "name": {"sv": "Bygglov", "en": "Building permit"},
            "channels": ["web", "letter"],
            "eservice_level": "transaction",
            "commitments": [
                {
                    "promise": {
                        "sv": "Vi fattar beslut inom 10 veckor.",
                        "en": "We decide within 10 weeks.",
                    },
                    "unit": "weeks",
                    "threshold": 10,
                    "target_share": 0.9,
                    "period": "month",
                },
                {
                    "key": "kvittens",
                    "promise": {"sv": "Du får en bekräftelse inom 2 arbetsdagar."},
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.95,
                    "period": "quarter",
                    "pause_reasons": ["Kompletteringar saknas"],
                },
            ],
        },
        {
            "code": "EPOST",
            "name": {"sv": "E-post", "en": "E-mail"},
            "commitments": [
                {
                    "promise": {"sv": "Svar inom 2 arbetsdagar."},
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.9,
                    "period": "month",
                }
            ],
        },
    ]
}


def counts():
    async def count():
        return (
            await Service.all().count(),
            await Commitment.all().count(),
            await CommitmentVersion.all().count(),
        )

    return count


def test_import_creates_published_commitments(client, org):
    report = run(client, import_catalogue, org, CATALOGUE)
    assert (report.services_created, report.commitments_created, report.versions_created) == (
        2,
        3,
        3,
    )
    assert run(client, counts()) == (2, 3, 3)
    statuses = run(client, Commitment.all().values_list, "status", flat=True)
    assert set(statuses) == {CommitmentStatus.PUBLISHED}


def test_importing_the_same_file_twice_changes_nothing(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    report = run(client, import_catalogue, org, CATALOGUE)
    assert not report.changed
    assert run(client, counts()) == (2, 3, 3)


def test_a_changed_target_makes_a_new_version_and_keeps_the_old(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    changed = copy.deepcopy(CATALOGUE)
    changed["services"][0]["commitments"][0]["threshold"] = 8
    report = run(client, import_catalogue, org, changed)
    assert (report.commitments_created, report.versions_created) == (0, 1)
    thresholds = run(
        client,
        CommitmentVersion.filter(commitment__key="1", commitment__service__code="BYGG")
        .order_by("version")
        .values_list,
        "threshold",
        flat=True,
    )
    assert list(thresholds) == [10, 8]


def test_export_imports_back_without_changes(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    exported = run(client, export_catalogue, org)
    assert [s["code"] for s in exported["services"]] == ["BYGG", "EPOST"]
    assert exported["services"][0]["commitments"][1]["pause_reasons"] == ["Kompletteringar saknas"]
    assert not run(client, import_catalogue, org, json.loads(json.dumps(exported))).changed


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda c: c.pop("services"), 'must be {"services"'),
        (lambda c: c["services"][0].pop("code"), "services[0].code"),
        (
            lambda c: c["services"][0]["commitments"][0].update(unit="fortnights"),
            "services[0].commitments[0].unit must be one of",
        ),
        (
            lambda c: c["services"][0]["commitments"][0].update(threshold=0),
            "services[0].commitments[0].threshold",
        ),
        (
            lambda c: c["services"][0]["commitments"][0].update(target_share=90),
            "target_share must be a share",
        ),
        (lambda c: c["services"][1].update(code="BYGG"), "each code must be unique"),
        (
            lambda c: c["services"][0]["commitments"][0].update(promise={"en": "only English"}),
            "promise.sv is required",
        ),
        (lambda c: c["services"][0].update(unit="nope"), "no unit with code 'nope'"),
    ],
)
def test_bad_files_are_refused_whole_with_the_place_named(client, org, mutate, message):
    bad = copy.deepcopy(CATALOGUE)
    mutate(bad)
    with pytest.raises(CatalogueError, match=message.replace("[", r"\[").replace("(", r"\(")):
        run(client, import_catalogue, org, bad)
    assert run(client, counts()) == (0, 0, 0)


def test_catalogue_command_line(tmp_path, monkeypatch, client, org, settings):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(CATALOGUE), encoding="utf-8")
    runner = CliRunner()
    args = ["catalogue", "import", str(path), "--org", org.slug]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "versions: 3 created" in first.output
    assert runner.invoke(main, args).output.strip() == "catalogue unchanged"
    exported = runner.invoke(main, ["catalogue", "export", "--org", org.slug])
    assert json.loads(exported.output)["services"][1]["code"] == "EPOST"
    path.write_text("{not json", encoding="utf-8")
    broken = runner.invoke(main, args)
    assert broken.exit_code == 1 and "is not valid JSON" in broken.output
