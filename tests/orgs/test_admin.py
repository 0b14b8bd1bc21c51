"""Administration: units, users and roles, organisations, audit log."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from servicedialog.models import AppendOnlyError, AuditEvent, Membership, Unit, User
from servicedialog.roles import Role
from tests.conftest import create_member, login, post_form, run


def test_admin_creates_a_unit(client, member, org):
    member(Role.ADMIN)
    response = post_form(
        client, "/admin/units", {"code": "bygg", "name_sv": "Bygg", "name_en": "Building"}
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Enheten är skapad." in page
    assert run(client, Unit.filter(organisation_id=org.id, code="bygg").count) == 1


def test_invalid_unit_keeps_what_was_typed_and_stores_nothing(client, member, org):
    member(Role.ADMIN)
    response = post_form(
        client, "/admin/units", {"code": "Bygg Lov!", "name_sv": "Bygglov", "name_en": ""}
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.title.text.startswith("Fel:")
    assert {a["href"] for a in page.select("#error-summary a")} == {"#field-code", "#field-name_en"}
    assert page.select_one("#field-code")["value"] == "Bygg Lov!"
    assert page.select_one("#field-name_sv")["value"] == "Bygglov"
    assert run(client, Unit.all().count) == 0


def test_duplicate_unit_code_is_a_field_error(client, member, org):
    member(Role.ADMIN)
    data = {"code": "bygg", "name_sv": "Bygg", "name_en": "Building"}
    post_form(client, "/admin/units", data)
    response = post_form(client, "/admin/units", data)
    assert response.status_code == 400
    assert "Det finns redan en enhet med den koden." in response.text


def test_admin_renames_a_unit_but_not_its_code(client, member, org):
    member(Role.ADMIN)
    post_form(client, "/admin/units", {"code": "bygg", "name_sv": "Bygg", "name_en": "Building"})
    unit = run(client, Unit.get, code="bygg")
    response = post_form(
        client,
        f"/admin/units/{unit.id}",
        {"code": "other", "name_sv": "Samhällsbyggnad", "name_en": "Planning"},
    )
    assert response.status_code == 303
    unit = run(client, Unit.get, id=unit.id)
    assert (unit.code, unit.name_sv) == ("bygg", "Samhällsbyggnad")


def test_admin_adds_a_user_with_a_generated_password_shown_once(client, member, org):
    member(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "email": "New.Person@Example.se",
            "display_name": "New Person",
            "roles": ["handler", "contact_centre"],
        },
    )
    assert response.status_code == 200
    password = BeautifulSoup(response.text, "html.parser").select_one("code.secret").text
    assert len(password) >= 16
    roles = run(
        client,
        Membership.filter(user__email="new.person@example.se").values_list,
        "role",
        flat=True,
    )
    assert sorted(roles) == ["contact_centre", "handler"]
    post_form(client, "/logout")
    login(client, "new.person@example.se", password)
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/").status_code == 403


def test_user_form_without_roles_is_refused_and_creates_nobody(client, member):
    member(Role.ADMIN)
    response = post_form(client, "/admin/users/new", {"email": "x@example.se"})
    assert response.status_code == 400
    assert "Välj minst en roll." in response.text
    assert run(client, User.filter(email="x@example.se").exists) is False


def test_admin_changes_roles_but_not_the_account(client, member, org):
    member(Role.ADMIN)
    post_form(
        client,
        "/admin/users/new",
        {"email": "h@example.se", "roles": ["handler"], "password": "long enough pw"},
    )
    user = run(client, User.get, email="h@example.se")
    response = post_form(
        client, f"/admin/users/{user.id}", {"roles": ["leadership"], "display_name": "Hacked"}
    )
    assert response.status_code == 303
    user = run(client, User.get, id=user.id)
    assert user.is_active is True and user.display_name != "Hacked"
    roles = run(client, Membership.filter(user_id=user.id).values_list, "role", flat=True)
    assert list(roles) == ["leadership"]


def test_installation_administrator_deactivates_an_account(client, member, org):
    member(Role.ADMIN, superuser=True)
    target = run(client, create_member, "h@example.se", org, Role.HANDLER)
    response = post_form(client, f"/admin/users/{target.id}", {"roles": ["handler"]})
    assert response.status_code == 303
    assert run(client, User.get, id=target.id).is_active is False


def test_admin_cannot_remove_own_admin_role(client, member):
    admin = member(Role.ADMIN)
    response = post_form(
        client, f"/admin/users/{admin.id}", {"roles": ["handler"], "is_active": "on"}
    )
    assert response.status_code == 400
    assert "Du kan inte ta bort din egen roll som administratör." in response.text


def test_only_an_installation_administrator_creates_organisations(client, member):
    member(Role.ADMIN)
    assert client.get("/admin/organisations").status_code == 403
    post_form(client, "/logout")
    member(Role.ADMIN, email="root@example.se", superuser=True)
    response = post_form(
        client,
        "/admin/organisations",
        {
            "slug": "grannkommun",
            "name_sv": "Grannkommun",
            "name_en": "Neighbour",
            "country": "FI",
            "kind": "region",
        },
    )
    assert response.status_code == 303
    assert "Grannkommun" in client.get("/admin/organisations").text


@pytest.mark.parametrize("slug", ["", "A", "has space", "x" * 70, "manage"])
def test_bad_organisation_short_name_is_refused(client, member, slug):
    member(Role.ADMIN, superuser=True)
    response = post_form(
        client,
        "/admin/organisations",
        {
            "slug": slug,
            "name_sv": "N",
            "name_en": "N",
            "country": "SE",
            "kind": "municipality",
        },
    )
    assert response.status_code == 400
    assert BeautifulSoup(response.text, "html.parser").select_one("#error-slug")


def test_audit_log_records_who_did_what_from_where(client, member, org):
    member(Role.ADMIN)
    post_form(client, "/admin/units", {"code": "bygg", "name_sv": "Bygg", "name_en": "B"})
    events = run(client, AuditEvent.filter(action="unit.created").all)
    assert len(events) == 1
    assert events[0].actor_email == "admin@example.se"
    assert events[0].organisation_id == org.id
    assert events[0].ip == "testclient"
    page = BeautifulSoup(client.get("/admin/audit").text, "html.parser")
    actions = [row.select("td")[2].text for row in page.select("tbody tr")]
    # In words, in the reader's language. Sign-ins belong to no organisation: the person and
    # the installation's administrators see them, an organisation's administrator does not.
    assert "Skapade en enhet" in actions and "Loggade in" not in actions
    record = page.select("tbody tr")[0].select("td")[3].select_one("a")
    assert (
        record.text.startswith("Enhet") and record["href"] == f"/admin/units/{events[0].object_id}"
    )
    filtered = BeautifulSoup(client.get("/admin/audit?action=unit.created").text, "html.parser")
    assert {row.select("td")[2].text for row in filtered.select("tbody tr")} == {"Skapade en enhet"}
    choices = [o.text for o in filtered.select("#action option")]
    assert "Skapade en enhet" in choices and "Exporterade synpunkter" in choices


def test_audit_events_cannot_be_changed_or_deleted(client, member):
    member(Role.ADMIN)
    event = run(client, AuditEvent.first)
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        run(client, event.save)
    with pytest.raises(AppendOnlyError):
        run(client, event.delete)


def test_audit_log_paginates(client, member, org):
    from servicedialog import audit

    member(Role.ADMIN)

    async def many():
        for i in range(60):
            await audit.record("unit.updated", organisation=org, n=i)

    run(client, many)
    first = client.get("/admin/audit?action=unit.updated").text
    assert "Sida 1 av 2" in first
    link = BeautifulSoup(first, "html.parser").select_one("a[rel=next]")["href"]
    assert re.fullmatch(r"\?action=unit.updated&page=2", link)
    second = BeautifulSoup(client.get("/admin/audit" + link).text, "html.parser")
    assert len(second.select("tbody tr")) == 10


def test_staff_can_switch_between_their_organisations(client, member, org):
    from tests.conftest import create_member, create_org

    other = run(client, create_org, "annan")
    run(client, create_member, "leadership@example.se", other, Role.ADMIN)
    member(Role.LEADERSHIP)
    post_form(client, "/staff/organisation", {"organisation": str(org.id)})
    assert client.get("/admin/").status_code == 403
    post_form(client, "/staff/organisation", {"organisation": str(other.id)})
    assert client.get("/admin/").status_code == 200


def test_switching_to_an_organisation_without_membership_changes_nothing(client, member, org):
    from tests.conftest import create_org

    stranger_org = run(client, create_org, "annan")
    member(Role.ADMIN)
    post_form(client, "/staff/organisation", {"organisation": str(stranger_org.id)})
    page = BeautifulSoup(client.get("/admin/").text, "html.parser")
    assert "Org exempelkommun" in page.h1.text


def test_admin_renames_the_organisation_and_the_start_page_follows(client, member, org):
    member(Role.ADMIN)
    client.get("/")
    response = post_form(
        client, "/admin/organisation", {"name_sv": "Nya Exempelkommun", "name_en": "New Example"}
    )
    assert response.status_code == 303
    assert "Nya Exempelkommun" in client.get("/").text
    client.get("/language/en")
    assert "New Example" in client.get("/").text


def test_organisation_name_cannot_be_emptied(client, member, org):
    member(Role.ADMIN)
    response = post_form(client, "/admin/organisation", {"name_sv": "", "name_en": "X"})
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#field-name_en")["value"] == "X"
    assert run(client, type(org).get, id=org.id).name_sv == org.name_sv


@pytest.mark.parametrize("typed", ["many", "-5", "0", "100000001", "4 000"])
def test_the_population_must_be_a_whole_number_and_nothing_is_saved_otherwise(
    client, member, org, typed
):
    member(Role.ADMIN)
    response = post_form(
        client, "/admin/organisation", {"name_sv": "Ändrat", "name_en": "X", "population": typed}
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#field-population")["value"] == typed
    assert "heltal" in page.text
    stored = run(client, type(org).get, id=org.id)
    assert (stored.name_sv, stored.population) == (org.name_sv, None)


def test_the_population_is_saved_and_can_be_removed(client, member, org):
    member(Role.ADMIN)
    data = {"name_sv": "E", "name_en": "E", "population": "48500"}
    assert post_form(client, "/admin/organisation", data).status_code == 303
    assert run(client, type(org).get, id=org.id).population == 48500
    assert post_form(client, "/admin/organisation", {**data, "population": ""}).status_code == 303
    assert run(client, type(org).get, id=org.id).population is None
