"""Service packages as code: import, export, all-or-nothing checks and the command line."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from commitments import demo
from commitments.models import PackageQuestion, PackageStep, ServicePackage
from commitments.package_files import export_packages, import_packages
from commitments.services import CatalogueError
from servicedialog import demo as core_demo
from servicedialog.cli import main
from tests.conftest import run


def exported(client):
    return run(client, export_packages)


def counts():
    async def work():
        return (
            await ServicePackage.all().count(),
            await PackageQuestion.all().count(),
            await PackageStep.all().count(),
        )

    return work


def test_export_then_import_changes_nothing(client, org):
    run(client, core_demo.seed, features=False)
    run(client, demo.seed, org, cases=False)
    data = exported(client)
    assert [p["slug"] for p in data["packages"]] == ["oppna-restaurang", "produktionsanlaggning"]
    restaurant = data["packages"][0]
    assert restaurant["steps"][0] == {
        "organisation": "bolagsverket",
        "service": "AB",
        "when": "bolag",
    }
    before = run(client, counts())
    report = run(client, import_packages, data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert run(client, counts()) == before


def test_a_change_updates_the_package_and_the_guide(client, org):
    run(client, core_demo.seed, features=False)
    run(client, demo.seed, org, cases=False)
    data = exported(client)
    restaurant = data["packages"][0]
    restaurant["questions"].append(
        {"key": "uteservering", "text": {"sv": "Ska du ha uteservering?"}}
    )
    restaurant["steps"].append(
        {"organisation": "exempelkommun", "service": "SKYLT", "when": "uteservering"}
    )
    report = run(client, import_packages, data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert exported(client)["packages"][0]["steps"][-1]["when"] == "uteservering"
    page = client.get("/commitments/packages/oppna-restaurang").text
    assert "Ska du ha uteservering?" in page


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["packages"][0].update(slug="Fel Slug"), "packages[0].slug"),
        (
            lambda d: d["packages"][0].update(owner="finns-inte"),
            "packages[0].owner: no organisation",
        ),
        (
            lambda d: d["packages"][1]["steps"][0].update(service="NOPE"),
            "packages[1].steps[0]: bolagsverket has no service 'NOPE'",
        ),
        (
            lambda d: d["packages"][0]["steps"][0].update(when="okand"),
            "packages[0].steps[0].when: no question with key 'okand'",
        ),
        (lambda d: d["packages"][0].update(steps=[]), "packages[0].steps: a package needs"),
        (lambda d: d["packages"][0]["name"].pop("sv"), "packages[0].name.sv is required"),
    ],
)
def test_a_broken_file_is_refused_whole_naming_the_place(client, org, mutate, message):
    run(client, core_demo.seed, features=False)
    run(client, demo.seed, org, cases=False)
    data = exported(client)
    good = copy.deepcopy(data)
    data["packages"][0]["name"]["sv"] = "Ändrat namn"  # a valid change that must not land
    mutate(data)
    with pytest.raises(CatalogueError) as error:
        run(client, import_packages, data)
    assert message in str(error.value)
    assert exported(client) == good


def test_packages_command_line(tmp_path, monkeypatch, client, org, settings):
    run(client, core_demo.seed, features=False)
    run(client, demo.seed, org, cases=False)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)
    runner = CliRunner()
    out = tmp_path / "packages.json"
    result = runner.invoke(main, ["packages", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    data["packages"][0]["slug"] = "ny-restaurang"
    out.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(main, ["packages", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "packages: 1 created, 0 updated, 1 unchanged" in result.output
    out.write_text('{"packages": [{"slug": "xy"}]}', encoding="utf-8")
    broken = runner.invoke(main, ["packages", "import", str(out)])
    assert broken.exit_code == 1 and "packages[0].owner" in broken.output
