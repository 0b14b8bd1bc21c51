"""Public commitment pages and open data."""

from __future__ import annotations

import csv
import io
from datetime import date

from bs4 import BeautifulSoup

from commitments.imports import import_cases
from commitments.models import Commitment
from commitments.queries import recompute_organisation
from commitments.services import import_catalogue
from commitments.views.public import OPEN_DATA_COLUMNS
from tests.commitments.test_recompute import CATALOGUE, csv_rows
from tests.conftest import run

DRAFT = {
    "services": [
        {
            "code": "EPOST",
            "name": {"sv": "E-post"},
            "commitments": [
                {
                    "key": "intern",
                    "promise": {"sv": "Utkast som inte ska synas."},
                    "unit": "working_days",
                    "threshold": 5,
                }
            ],
        }
    ]
}


def setup_data(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    run(client, import_cases, org, io.StringIO(csv_rows()))
    run(client, recompute_organisation, org, date(2026, 5, 1))


def test_catalogue_shows_the_latest_period_honestly(client, org):
    setup_data(client, org)
    page = BeautifulSoup(client.get(f"/commitments/{org.slug}/").text, "html.parser")
    card = page.select_one(".commitment-list .card")
    assert card.h2.text.strip() == "Svar inom 2 arbetsdagar."
    # April has 3 cases: below the minimum, so no percentage is shown.
    assert "för få ärenden (3)" in card.text
    assert "%" not in card.select_one("p:not(.service-name)").text


def test_detail_page_has_the_history_table(client, org):
    setup_data(client, org)
    commitment = run(client, Commitment.first)
    page = BeautifulSoup(client.get(f"/commitments/{org.slug}/{commitment.id}").text, "html.parser")
    rows = [[c.text.strip() for c in tr.select("th, td")] for tr in page.select("tbody tr")]
    assert rows[1][1:5] == ["15", "12", "80,0\u00a0%", "Ja"]  # the sign never wraps alone
    assert rows[0][3] == "För få ärenden"


def test_detail_page_embeds_the_chart_data_for_measured_periods(client, org):
    setup_data(client, org)
    commitment = run(client, Commitment.first)
    page = BeautifulSoup(client.get(f"/commitments/{org.slug}/{commitment.id}").text, "html.parser")
    svg = page.select_one("#history-chart svg")
    tips = [t.text for t in svg.select("circle title")]
    # April had too few cases: a gap rather than a misleading dot.
    assert len(tips) == len(page.select("tbody tr")) - 1 and any("80" in t for t in tips)
    assert page.select("script") == []  # drawn on the server: no chart library to load


def test_service_page_lists_its_published_promises_only(client, org):
    setup_data(client, org)
    run(client, import_catalogue, org, DRAFT)

    async def make_draft():
        await Commitment.filter(key="intern").update(status="draft")

    run(client, make_draft)
    catalogue = BeautifulSoup(client.get(f"/commitments/{org.slug}/").text, "html.parser")
    link = catalogue.select_one(".commitment-list .service-name a")["href"]
    page = BeautifulSoup(client.get(link).text, "html.parser")
    assert page.h1.text.strip() == catalogue.select_one(".service-name a").text.strip()
    promises = [h.text.strip() for h in page.select(".commitment-list h2")]
    assert promises == ["Svar inom 2 arbetsdagar."]
    assert page.select(".commitment-list .service-name") == []
    other = BeautifulSoup(client.get(f"/commitments/{org.slug}/services/EPOST").text, "html.parser")
    assert other.h1.text.strip() == "E-post"
    assert client.get(f"/commitments/{org.slug}/services/NOPE").status_code == 404


def test_draft_commitments_are_not_public(client, org):
    setup_data(client, org)
    run(client, import_catalogue, org, DRAFT)

    async def make_draft():
        await Commitment.filter(key="intern").update(status="draft")
        return await Commitment.get(key="intern")

    draft = run(client, make_draft)
    assert "Utkast som inte ska synas" not in client.get(f"/commitments/{org.slug}/").text
    assert client.get(f"/commitments/{org.slug}/{draft.id}").status_code == 404


def test_open_data_csv_and_json(client, org):
    setup_data(client, org)
    response = client.get(f"/commitments/{org.slug}/open-data.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0].keys()) == OPEN_DATA_COLUMNS
    assert [(r["period_start"], r["total_volume"], r["target_met"]) for r in rows] == [
        ("2026-03-01", "15", "True"),
        ("2026-04-01", "3", ""),
    ]
    data = client.get(f"/commitments/{org.slug}/open-data.json").json()
    assert data[0]["performance"] == 0.8 and data[1]["performance"] is None


def test_unknown_organisation_is_not_found(client):
    assert client.get("/commitments/finns-inte/").status_code == 404
