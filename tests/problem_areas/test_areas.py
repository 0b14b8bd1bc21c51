"""The problem areas feedback is grouped into: a quality manager keeps the list; names are
unique within the organisation; a retired area is kept but no longer offered."""

from __future__ import annotations

from bs4 import BeautifulSoup

from problem_areas.models import ProblemArea
from problem_areas.services import active_areas, save_area
from servicedialog.orgs.services import DomainError
from servicedialog.roles import Role
from tests.conftest import create_org, post_form, run


def test_a_quality_manager_adds_renames_and_retires_an_area(client, org, member):
    member(Role.QUALITY_MANAGER)
    added = post_form(
        client,
        "/problem-areas/manage/",
        {"name_sv": "Långa köer", "name_en": "Long queues", "description_sv": "I receptionen"},
    )
    assert added.status_code == 303
    area = run(client, ProblemArea.get, name_sv="Långa köer")
    assert (area.name_en, area.description_sv, area.active) == (
        "Long queues",
        "I receptionen",
        True,
    )
    renamed = post_form(
        client, f"/problem-areas/manage/{area.id}", {"name_sv": "Köer", "name_en": "Queues"}
    )
    assert renamed.status_code == 303
    assert run(client, ProblemArea.get, id=area.id).name_sv == "Köer"
    retired = post_form(client, f"/problem-areas/manage/{area.id}/active", {"active": "0"})
    assert retired.status_code == 303
    assert run(client, ProblemArea.get, id=area.id).active is False
    assert run(client, active_areas, org) == []  # kept, but no longer offered


def test_a_name_used_twice_is_refused_with_the_typed_text_kept(client, org, member):
    run(client, save_area, org, "Avgifter", "Fees")
    member(Role.QUALITY_MANAGER)
    response = post_form(
        client, "/problem-areas/manage/", {"name_sv": "Avgifter", "name_en": "Charges"}
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert "redan" in page.select_one(".error-summary").text
    assert page.select_one("#field-name_en")["value"] == "Charges"
    assert run(client, ProblemArea.all().count) == 1
    # Another organisation may use the same name.
    other = run(client, create_org, "annan")
    assert run(client, save_area, other, "Avgifter", "Fees").organisation_id == other.id


def test_the_same_name_is_refused_by_the_service_too(client, org):
    run(client, save_area, org, "Bemötande", "Treatment")
    try:
        run(client, save_area, org, "Bemötande", "Again")
    except DomainError as error:
        assert error.field == "name_sv"
    else:
        raise AssertionError("a second area with the same name was saved")
