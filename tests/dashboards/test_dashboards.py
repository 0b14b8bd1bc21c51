"""The dashboards: who sees which page and panel, the filters, the public page's
suppression of small figures, the downloads, the report and the digest.

A test feature contributes panels with known rows, so what the dashboards do with a
panel's rows is checked apart from any feature's queries (those are tested with their
features)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from dashboards.collect import panels_for, suppress_small
from dashboards.filters import complete_months, month_start, parse, parse_month
from dashboards.present import download_rows, present
from servicedialog.app import create_app
from servicedialog.features import Feature, Panel, PanelScope
from servicedialog.permissions import Permission
from servicedialog.roles import Role
from tests.conftest import FEATURES, create_member, create_org, login, run

SEEN: list[PanelScope] = []


async def monthly(scope: PanelScope) -> list[dict[str, Any]]:
    SEEN.append(scope)
    return [
        {"month": "2026-01", "received": 40, "answered": 30, "share": 75.0},
        {"month": "2026-02", "received": 5, "answered": 5, "share": 100.0},
    ]


async def by_area(scope: PanelScope) -> list[dict[str, Any]]:
    return [
        {"area_id": 1, "name_sv": "Parkering", "name_en": "Parking", "texts": 12},
        {"area_id": 2, "name_sv": "Skola", "name_en": "School", "texts": 3},
    ]


SECRET = Permission("testpanels.secret", roles=frozenset({Role.QUALITY_MANAGER}))

TEST_PANELS = (
    Panel(
        name="testpanels.monthly",
        title="Answered on time",
        query=monthly,
        chart="line",
        x="month",
        y=("share",),
        columns=(("month", "Month"), ("received", "Received"), ("share", "Share")),
        unit="%",
        views=frozenset({"manage", "public"}),
        filters=frozenset({"unit"}),
        min_cases="received",
        link=lambda request, row, scope: f"/feedback/manage/?month={row['month']}",
    ),
    Panel(
        name="testpanels.areas",
        title="What people write about",
        query=by_area,
        chart="bar",
        x="name",
        y=("texts",),
        columns=(("name", "Problem area"), ("texts", "Texts")),
        section="problem_areas",
        permission=SECRET,
    ),
)
TEST_FEATURE = Feature(name="testpanels", panels=TEST_PANELS)


@pytest.fixture
def dash(settings) -> Any:
    with TestClient(
        create_app(settings, features=[*FEATURES, TEST_FEATURE]),
        base_url="http://testserver",
        follow_redirects=False,
    ) as client:
        SEEN.clear()
        yield client


def _sign_in(client, org, role, email=None):
    email = email or f"{role.value}@example.se"
    run(client, create_member, email, org, role)
    login(client, email)


# ---- filters ----------------------------------------------------------------------


NO_CHOICES = {"units": {}, "services": {}, "channels": {}}


def test_the_default_period_is_the_last_twelve_whole_months():
    filters = parse({}, date(2026, 12, 1), **NO_CHOICES)
    assert (filters.period, filters.start, filters.end) == (
        "12m",
        date(2025, 12, 1),
        date(2026, 11, 30),
    )
    assert filters.errors == {}
    assert parse({"period": "1m"}, date(2026, 12, 9), **NO_CHOICES).start == date(2026, 12, 1)
    this_year = parse({"period": "ytd"}, date(2026, 12, 9), **NO_CHOICES)
    assert (this_year.start, this_year.end) == (date(2026, 1, 1), date(2026, 12, 9))


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"period": "forever"}, "period"),
        ({"period": "custom", "from": "2026-13", "to": "2026-03"}, "from"),
        ({"period": "custom", "from": "2026-05", "to": "2026-03"}, "to"),
        ({"period": "custom", "from": "2000-01", "to": "2026-03"}, "to"),
        ({"period": "custom", "from": "2027-05", "to": "2027-06"}, "from"),
        ({"unit": "7"}, "unit"),
        ({"unit": "abc"}, "unit"),
        ({"channel": "pigeon"}, "channel"),
        ({"service": "9" * 40}, "service"),
    ],
)
def test_a_filter_that_cannot_be_used_is_named_and_the_rest_apply(params, error):
    filters = parse(
        params, date(2026, 12, 1), units={3: "Bygg"}, services={}, channels={"web": "Web"}
    )
    assert error in filters.errors
    assert (filters.start, filters.end) == (date(2025, 12, 1), date(2026, 11, 30))
    assert filters.unit_id is None and filters.channel is None
    for key, typed in params.items():  # the form shows what was typed
        assert filters.typed[key] == typed[:40]


def test_custom_months_and_the_query_string_round_trip():
    filters = parse(
        {"period": "custom", "from": "2025-03", "to": "2025-05", "unit": "3", "channel": "web"},
        date(2026, 12, 1),
        units={3: "Bygg"},
        services={},
        channels={"web": "Web"},
    )
    assert (filters.start, filters.end, filters.unit_id, filters.channel) == (
        date(2025, 3, 1),
        date(2025, 5, 31),
        3,
        "web",
    )
    assert filters.active == {"unit", "channel"}
    again = parse(
        dict(p.split("=") for p in filters.query().split("&")),
        date(2026, 12, 1),
        units={3: "Bygg"},
        services={},
        channels={"web": "Web"},
    )
    assert (again.start, again.end, again.unit_id) == (filters.start, filters.end, 3)


def test_months():
    assert parse_month("2026-02") == date(2026, 2, 1)
    assert parse_month("2026-2") is None and parse_month("x" * 7) is None
    assert month_start(date(2026, 1, 15), 1) == date(2025, 12, 1)


# ---- panels, suppression, presentation --------------------------------------------


def test_a_panel_is_shown_only_to_roles_holding_its_permission():
    features = [TEST_FEATURE]
    assert [p.name for p in panels_for(features, "manage", frozenset({Role.LEADERSHIP}))] == [
        "testpanels.monthly"
    ]
    assert len(panels_for(features, "manage", frozenset({Role.QUALITY_MANAGER}))) == 2
    assert [p.name for p in panels_for(features, "public", None)] == ["testpanels.monthly"]
    assert panels_for(features, "quality", frozenset({Role.QUALITY_MANAGER})) == []


def test_public_rows_resting_on_fewer_than_seven_cases_are_blanked():
    panel = TEST_PANELS[0]
    row = suppress_small(panel, {"month": "2026-02", "received": 5, "answered": 5, "share": 100.0})
    assert row == {
        "month": "2026-02",
        "received": None,
        "answered": None,
        "share": None,
        "suppressed": True,
    }
    kept = {"month": "2026-01", "received": 7, "answered": 3, "share": 42.9}
    assert suppress_small(panel, kept) == kept


def test_the_table_and_the_download_hold_what_the_chart_shows():
    scope = PanelScope(None, date(2026, 1, 1), date(2026, 2, 28), language="en")
    rows = [
        {"area_id": 1, "name_sv": "Parkering", "name_en": "Parking", "texts": 12},
        {"area_id": 2, "name_sv": "Skola", "name_en": "", "texts": 3},
    ]
    view = present(TEST_PANELS[1], rows, scope, active_filters=frozenset({"channel"}))
    assert view.table.rows == [["Parking", "12"], ["Skola", "3"]]
    assert view.ignored_filters == ["channel"]
    assert "Parking" in view.chart and "<script" not in view.chart
    header, lines = download_rows(TEST_PANELS[1], rows, "en")
    assert header == ["Problem area", "Texts"] and lines == [["Parking", 12], ["Skola", 3]]
    line = present(TEST_PANELS[0], [{"month": "2026-01", "received": 40, "share": 75.0}], scope)
    assert line.table.rows == [["Jan 2026", "40", "75\u00a0%"]]
    assert download_rows(
        TEST_PANELS[0], [{"month": date(2026, 1, 1), "received": 40, "share": 75.0}], "sv"
    )[1] == [["2026-01", 40, 75.0]]


# ---- pages and who may see them ---------------------------------------------------


def test_leadership_sees_the_overview_with_its_panels_and_links(dash):
    org = run(dash, create_org)
    _sign_in(dash, org, Role.LEADERSHIP)
    page = dash.get("/dashboards/manage/?unit=")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    ids = [s["id"] for s in soup.select(".dash-panel")]
    assert "panel-testpanels-monthly" in ids
    assert "panel-testpanels-areas" not in ids  # the QM-only panel
    links = [a["href"] for a in soup.select("#panel-testpanels-monthly a[data-drilldown]")]
    assert links == ["/feedback/manage/?month=2026-01", "/feedback/manage/?month=2026-02"]
    # the figure for five cases is shown to staff (suppression is for the public)
    assert "100\u00a0%" in soup.select_one("#panel-testpanels-monthly table").text
    assert SEEN[-1].organisation.id == org.id and SEEN[-1].public is False


def test_the_filters_reach_the_panels_and_a_bad_one_is_explained(dash):
    org = run(dash, create_org)
    _sign_in(dash, org, Role.QUALITY_MANAGER)
    page = dash.get("/dashboards/manage/?period=custom&from=2026-02&to=2026-01&unit=99")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("#error-summary") is not None
    assert soup.select_one("#f-from")["value"] == "2026-02"  # kept as typed
    assert soup.select_one("#f-to")["aria-invalid"] == "true"
    assert "panel-testpanels-areas" in page.text  # the QM sees the QM-only panel
    scope = SEEN[-1]
    assert scope.unit_id is None and (scope.start, scope.end) == complete_months(scope.today, 12)


@pytest.mark.parametrize("role", [Role.HANDLER, Role.CONTACT_CENTRE, Role.ADMIN])
def test_roles_without_the_overview_are_refused(dash, role):
    org = run(dash, create_org)
    _sign_in(dash, org, role)
    assert dash.get("/dashboards/manage/").status_code == 403
    assert dash.get("/dashboards/manage/report").status_code == 403
    assert dash.get("/dashboards/manage/panel/testpanels/monthly.csv").status_code == 403
    assert dash.get("/dashboards/quality/").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(dash):
    response = dash.get("/dashboards/manage/", follow_redirects=False)
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


def test_another_organisation_is_refused_unless_one_has_a_role_there(dash):
    org = run(dash, create_org)
    other = run(dash, create_org, "annan")
    _sign_in(dash, org, Role.LEADERSHIP)
    page = dash.get("/dashboards/manage/?org=annan")
    assert page.status_code == 200 and SEEN[-1].organisation.id == org.id
    assert "role" in page.text or "roll" in page.text  # the notice
    run(dash, create_member, "leadership@example.se", other, Role.HANDLER)
    login(dash, "leadership@example.se")
    assert dash.get("/dashboards/manage/?org=annan").status_code == 403  # a handler there


def test_a_download_holds_the_panel_rows_and_refuses_what_the_viewer_may_not_see(dash):
    org = run(dash, create_org)
    _sign_in(dash, org, Role.LEADERSHIP)
    response = dash.get("/dashboards/manage/panel/testpanels/monthly.csv?period=3m")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0] == ["Månad", "Mottagna", "Andel"] or lines[0][0] in ("Month", "Månad")
    assert lines[1:] == [["2026-01", "40", "75.0"], ["2026-02", "5", "100.0"]]
    xlsx = dash.get("/dashboards/manage/panel/testpanels/monthly.xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "2026-01" in strings and "<v>40</v>" in sheet
    for url in (
        "/dashboards/manage/panel/testpanels/areas.csv",  # a QM-only panel
        "/dashboards/manage/panel/testpanels/nothing.csv",
        "/dashboards/manage/panel/testpanels/monthly.exe",
        "/dashboards/manage/panel/testpanels/monthly.csv?view=public",
    ):
        assert dash.get(url).status_code == 404, url


def test_the_report_is_a_page_and_a_pdf(dash):
    org = run(dash, create_org)
    _sign_in(dash, org, Role.LEADERSHIP)
    page = dash.get("/dashboards/manage/report?period=ytd")
    assert page.status_code == 200 and "panel-testpanels-monthly" in page.text
    pdf = dash.get("/dashboards/manage/report.pdf?period=ytd")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert dash.get("/dashboards/manage/report.doc").status_code == 404


def test_the_public_page_suppresses_small_figures_and_needs_no_sign_in(dash):
    run(dash, create_org)
    page = dash.get("/dashboards/exempelkommun/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    table = soup.select_one("#panel-testpanels-monthly table")
    cells = [[c.text for c in row.select("th, td")] for row in table.select("tbody tr")]
    assert cells[1][1:] == ["–", "–"]  # five cases: no figures
    assert cells[0][1] == "40"
    assert "panel-testpanels-areas" not in page.text  # a panel with a permission
    assert not soup.select("a[data-drilldown]")  # no links into staff lists
    assert SEEN[-1].public is True
    assert dash.get("/dashboards/nowhere/").status_code == 404


def test_the_public_page_is_cached(dash):
    run(dash, create_org)
    dash.get("/dashboards/exempelkommun/")
    count = len(SEEN)
    dash.get("/dashboards/exempelkommun/")
    assert len(SEEN) == count


def test_the_leadership_digest_goes_to_active_leaders_through_the_outbox(dash):
    from dashboards.digest import weekly_digest
    from servicedialog.models import OutboxMessage

    org = run(dash, create_org)
    run(dash, create_member, "chef@example.se", org, Role.LEADERSHIP)
    run(dash, create_member, "qm@example.se", org, Role.QUALITY_MANAGER)
    settings = dash.app.state.settings
    assert "1 leadership digest" in run(dash, weekly_digest, settings)
    messages = run(dash, OutboxMessage.all)
    assert [m.to_address for m in messages] == ["chef@example.se"]
    assert "/dashboards/manage/?org=exempelkommun" in messages[0].body_text


def test_a_worker_keeps_a_panels_rows_for_the_same_scope_when_told(settings, monkeypatch):
    monkeypatch.setenv("DASHBOARDS_CACHE_SECONDS", "30")
    with TestClient(
        create_app(settings, features=[*FEATURES, TEST_FEATURE]),
        base_url="http://testserver",
        follow_redirects=False,
    ) as client:
        SEEN.clear()
        org = run(client, create_org)
        _sign_in(client, org, Role.LEADERSHIP)
        client.get("/dashboards/manage/")
        client.get("/dashboards/manage/")
        assert len(SEEN) == 1  # the second page read the kept rows
        client.get("/dashboards/manage/?period=24m")
        assert len(SEEN) == 2  # another period: queried
