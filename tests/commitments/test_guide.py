"""The permit-needs guide: the answers decide the steps; measured times and lead time."""

from __future__ import annotations

import io
from datetime import date, timedelta

from bs4 import BeautifulSoup

from commitments import demo
from commitments.imports import import_cases
from commitments.queries import recompute_organisation
from servicedialog import demo as core_demo
from tests.conftest import run


def seeded(client, org):
    run(client, core_demo.seed, features=False)
    run(client, demo.seed, org, cases=False)  # the packages span three organisations


def test_guide_lists_packages_and_works_without_javascript(client, org):
    seeded(client, org)
    page = BeautifulSoup(client.get("/commitments/packages/").text, "html.parser")
    assert [a.text for a in page.select(".card h2 a")] == [
        "Bygga en produktionsanläggning",
        "Öppna restaurang",
    ]
    form = BeautifulSoup(
        client.get("/commitments/packages/oppna-restaurang").text, "html.parser"
    ).select_one("form.guide-form")
    assert form["method"] == "get"
    assert [lg.text for lg in form.select("legend")][0] == "Startar du ett nytt aktiebolag?"


def measured_building_permits(client, org):
    """Three months of building-permit cases, so the guide has a measured figure."""
    today = date.today()
    rows = [
        f"BYGG,B-{i},{today - timedelta(days=90 - i)}T09:00:00,"
        f"{today - timedelta(days=40 - i // 2)}T15:00:00,"
        for i in range(30)
    ]
    data = "service_code,case_ref,received_at,completed_at,pauses\n" + "\n".join(rows) + "\n"
    run(client, import_cases, org, io.StringIO(data))
    run(client, recompute_organisation, org, today)


def test_answers_decide_which_permits_are_listed(client, org):
    seeded(client, org)
    measured_building_permits(client, org)
    url = "/commitments/packages/oppna-restaurang?answered=1"
    none = BeautifulSoup(
        client.get(url + "&bolag=no&ombyggnad=no&alkohol=no&skylt=no").text, "html.parser"
    )
    assert [h.text for h in none.select(".guide-steps h3")] == [
        "Registrering av livsmedelsanläggning"
    ]
    every = BeautifulSoup(
        client.get(url + "&bolag=yes&ombyggnad=yes&alkohol=yes&skylt=yes").text, "html.parser"
    )
    steps = every.select(".guide-steps li")
    assert [s.h3.text for s in steps] == [
        "Registrering av aktiebolag",
        "Bygglov",
        "Registrering av livsmedelsanläggning",
        "Serveringstillstånd",
        "Skyltlov",
    ]
    assert "Från: Bolagsverket" in steps[0].text
    assert "Mätt under de senaste 12 månaderna" in steps[1].text
    assert "Uppskattad total handläggningstid" in every.text


def test_unanswered_questions_are_pointed_out_and_answers_kept(client, org):
    seeded(client, org)
    page = BeautifulSoup(
        client.get("/commitments/packages/oppna-restaurang?answered=1&alkohol=yes").text,
        "html.parser",
    )
    assert "Du lämnade några frågor obesvarade" in page.text
    assert page.select_one("#q-alkohol-yes").has_attr("checked")
    assert not page.select_one("#q-skylt-yes").has_attr("checked")


def test_nonsense_answers_are_ignored_not_an_error(client, org):
    seeded(client, org)
    response = client.get("/commitments/packages/oppna-restaurang?answered=1&alkohol=kanske")
    assert response.status_code == 200


def test_unknown_package_is_not_found(client):
    assert client.get("/commitments/packages/finns-inte").status_code == 404
