"""Staff pages of the commitments feature: overview, deadlines, closed days, CSV upload."""

from __future__ import annotations

import io
from datetime import date, timedelta

from bs4 import BeautifulSoup

from commitments.imports import import_cases
from commitments.models import CaseRecord
from commitments.services import import_catalogue
from servicedialog.models import ClosedDay
from servicedialog.roles import Role
from tests.commitments.test_recompute import CATALOGUE
from tests.conftest import csrf_token, post_form, run

HEADER = "service_code,case_ref,received_at,completed_at,pauses\n"


def test_overview_lists_commitments_for_quality_managers(client, member, org):
    run(client, import_catalogue, org, CATALOGUE)
    member(Role.QUALITY_MANAGER)
    page = BeautifulSoup(client.get("/commitments/manage/").text, "html.parser")
    assert "Svar inom 2 arbetsdagar." in page.select_one("tbody").text
    assert page.select_one("a[href='/commitments/manage/upload']")


def test_handlers_see_deadlines_but_cannot_import(client, member, org):
    member(Role.HANDLER)
    assert client.get("/commitments/manage/at-risk").status_code == 200
    assert client.get("/commitments/manage/upload").status_code == 403


def test_deadline_lists_show_cases_at_risk_and_past_due(client, member, org):
    run(client, import_catalogue, org, CATALOGUE)
    today = date.today()
    old = today - timedelta(days=200)
    rows = (
        HEADER
        + f"EPOST,LATE,{old.isoformat()}T09:00:00,,\nEPOST,NEW,{today.isoformat()}T09:00:00,,\n"
    )
    run(client, import_cases, org, io.StringIO(rows))
    member(Role.HANDLER)
    page = BeautifulSoup(client.get("/commitments/manage/at-risk?days=5").text, "html.parser")
    tables = page.select("table")
    assert [th.text for th in tables[0].select("tbody th")] == ["NEW"]
    assert [th.text for th in tables[1].select("tbody th")] == ["LATE"]
    assert "Öppet mer än 6 månader" in tables[1].text


def test_closed_day_is_added_validated_and_removed(client, member, org):
    member(Role.ADMIN)
    response = post_form(
        client, "/commitments/manage/closed-days", {"day": "2026-12-23", "reason": "Klämdag"}
    )
    assert response.status_code == 303
    bad = post_form(client, "/commitments/manage/closed-days", {"day": "23/12", "reason": "X"})
    assert bad.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in bad.text
    assert BeautifulSoup(bad.text, "html.parser").select_one("#field-reason")["value"] == "X"
    closed = run(client, ClosedDay.get, day=date(2026, 12, 23))
    post_form(client, f"/commitments/manage/closed-days/{closed.id}/delete")
    assert run(client, ClosedDay.all().count) == 0


def test_upload_shows_a_preview_and_imports_on_confirmation(client, member, org):
    run(client, import_catalogue, org, CATALOGUE)
    member(Role.QUALITY_MANAGER)
    content = HEADER + "EPOST,A,2026-03-02,2026-03-03,\nNOPE,B,2026-03-02,,\n"
    response = client.post(
        "/commitments/manage/upload",
        data={"csrftoken": csrf_token(client)},
        files={"file": ("cases.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert "okänd service_code NOPE" in page.select_one("tbody").text
    assert run(client, CaseRecord.all().count) == 0  # nothing saved yet
    token = page.select_one("input[name=token]")["value"]
    report = post_form(client, "/commitments/manage/upload/confirm", {"token": token})
    assert report.status_code == 200
    assert "1 ärende importerat, 1 rad avvisad" in report.text  # in the singular
    assert "Rad 3:" in report.text
    assert run(client, CaseRecord.all().count) == 1
    again = post_form(client, "/commitments/manage/upload/confirm", {"token": token})
    assert again.status_code == 400


def test_upload_without_a_file_or_with_a_wrong_header_is_a_clear_error(client, member, org):
    member(Role.QUALITY_MANAGER)
    response = post_form(client, "/commitments/manage/upload", {})
    assert response.status_code == 400
    assert "Välj en CSV-fil." in response.text
    response = client.post(
        "/commitments/manage/upload",
        data={"csrftoken": csrf_token(client)},
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert response.status_code == 400
    assert "Första raden måste namnge kolumnerna" in response.text


def test_confirm_with_a_forged_token_is_refused(client, member, org):
    member(Role.QUALITY_MANAGER)
    response = post_form(
        client, "/commitments/manage/upload/confirm", {"token": "../../etc/passwd"}
    )
    assert response.status_code == 400
