"""An organisation's administrator manages memberships of their own organisation only: never
another person's account, and never events of other organisations or of no organisation."""

from __future__ import annotations

from bs4 import BeautifulSoup

from servicedialog.models import AuditEvent, Membership, OutboxMessage, User
from servicedialog.roles import Role
from tests.conftest import create_member, create_org, login, post_form, run


def _setup(client):
    home = run(client, create_org, "exempelkommun")
    finnish = run(client, create_org, "esimerkki", "FI")
    root = run(client, create_member, "root@example.se", home, Role.ADMIN, superuser=True)
    run(client, create_member, "admin@esimerkki.fi", finnish, Role.ADMIN)
    login(client, "root@example.se")  # the superuser's sign-in: an event of no organisation
    post_form(client, "/admin/units", {"code": "bygg", "name_sv": "Bygg", "name_en": "B"})
    client.cookies.clear()
    login(client, "admin@esimerkki.fi")
    return home, finnish, root


def test_adding_an_existing_person_adds_a_membership_and_tells_them(client):
    _home, finnish, root = _setup(client)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "email": "root@example.se",
            "display_name": "Taken Over",
            "password": "a new password 123",
            "roles": ["leadership"],
        },
    )
    assert response.status_code == 200
    account = run(client, User.get, id=root.id)
    assert account.display_name == root.display_name and account.is_active
    assert account.password_hash == root.password_hash
    roles = run(
        client,
        Membership.filter(user_id=root.id, organisation_id=finnish.id).values_list,
        "role",
        flat=True,
    )
    assert list(roles) == ["leadership"]
    told = run(client, OutboxMessage.filter(to_address="root@example.se").first)
    assert told is not None and finnish.name_sv in told.body_text


def test_editing_a_member_never_changes_their_account(client):
    home, finnish, root = _setup(client)
    run(client, create_member, "root@example.se", finnish, Role.LEADERSHIP)
    response = post_form(
        client,
        f"/admin/users/{root.id}",
        {"roles": ["leadership"], "display_name": "Evil", "is_active": ""},
    )
    assert response.status_code == 303
    account = run(client, User.get, id=root.id)
    assert account.is_active and account.display_name != "Evil" and account.is_superuser
    form = BeautifulSoup(client.get(f"/admin/users/{root.id}").text, "html.parser")
    assert form.select_one("#field-is_active") is None
    assert form.select_one("#field-display_name") is None


def test_removing_a_member_ends_only_that_membership(client):
    home, finnish, root = _setup(client)
    run(client, create_member, "root@example.se", finnish, Role.LEADERSHIP)
    assert post_form(client, f"/admin/users/{root.id}/remove").status_code == 303
    left = run(client, Membership.filter(user_id=root.id).values_list, "organisation_id", flat=True)
    assert list(left) == [home.id]
    assert run(client, User.get, id=root.id).is_active
    # Once removed, the person is not theirs to open any more.
    assert client.get(f"/admin/users/{root.id}").status_code == 404


def test_the_audit_log_shows_only_the_organisations_own_events(client):
    _setup(client)
    post_form(client, "/admin/units", {"code": "rakennus", "name_sv": "R", "name_en": "R"})
    page = BeautifulSoup(client.get("/admin/audit").text, "html.parser")
    assert [r.select("td")[2].text for r in page.select("tbody tr")] == ["Skapade en enhet"]
    actors = [row.select("td")[1].text for row in page.select("tbody tr")]
    assert actors == ["admin@esimerkki.fi"]
    everything = run(client, AuditEvent.filter(actor_email="root@example.se").count)
    assert everything >= 2  # they exist: they are just not shown here


def test_the_person_sees_their_own_sign_ins(client):
    _setup(client)
    page = client.get("/account/").text
    assert "loggade in" in page


def test_an_administrator_cannot_remove_themselves_or_reach_another_org(client):
    _home, _finnish, root = _setup(client)
    me = run(client, User.get, email="admin@esimerkki.fi")
    response = post_form(client, f"/admin/users/{me.id}/remove")
    assert response.status_code == 303
    assert run(client, Membership.filter(user_id=me.id).count) == 1
    for path in (f"/admin/users/{root.id}", f"/admin/users/{root.id}/remove"):
        method = client.get if not path.endswith("remove") else None
        response = method(path) if method else post_form(client, path)
        assert response.status_code == 404, path
