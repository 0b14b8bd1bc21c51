"""Sessions end on the server: at sign-out (a copied cookie too), after their lifetime,
after being idle, at a password change elsewhere and when the account is deactivated. The
CSRF token belongs to one session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from servicedialog.models import StaffSession, User
from servicedialog.roles import Role
from tests.conftest import PASSWORD, csrf_token, login, post_form, run


def _signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def test_a_copied_cookie_stops_working_at_sign_out(client, member):
    member(Role.HANDLER)
    copied = dict(client.cookies)
    assert post_form(client, "/logout").status_code == 303
    for name, value in copied.items():
        client.cookies.set(name, value, domain="testserver.local")
    assert client.get("/feedback/manage/").status_code == 303  # to the login page
    assert client.get("/feedback/manage/export.csv").status_code == 303
    assert not _signed_in(client)


async def _age(user_id: int, **moments: datetime) -> None:
    await StaffSession.filter(user_id=user_id).update(**moments)


def test_a_session_ends_after_its_lifetime_from_sign_in(client, member, settings):
    user = member(Role.HANDLER)
    started = datetime.now(UTC) - timedelta(seconds=settings.session_max_age_seconds + 1)
    run(client, _age, user.id, created_at=started)  # in use all along: last seen just now
    assert not _signed_in(client)
    assert run(client, StaffSession.filter(user_id=user.id, ended_at=None).count) == 0


def test_a_session_ends_when_idle(client, member, settings):
    user = member(Role.HANDLER)
    idle = datetime.now(UTC) - timedelta(seconds=settings.session_idle_seconds + 1)
    run(client, _age, user.id, last_seen_at=idle)
    assert not _signed_in(client)


def test_use_keeps_a_session_alive(client, member, settings):
    user = member(Role.HANDLER)
    almost = datetime.now(UTC) - timedelta(seconds=settings.session_idle_seconds - 30)
    run(client, _age, user.id, last_seen_at=almost)
    assert _signed_in(client)  # seen now: the idle time starts again
    seen = run(client, StaffSession.get, user_id=user.id, ended_at=None).last_seen_at
    assert datetime.now(UTC) - seen < timedelta(seconds=5)


def test_deactivating_an_account_ends_its_sessions(client, member):
    user = member(Role.HANDLER)

    async def deactivate():
        await User.filter(id=user.id).update(is_active=False)

    run(client, deactivate)
    assert not _signed_in(client)


def test_the_csrf_token_of_one_session_is_refused_in_another(client, member):
    member(Role.ADMIN)
    token = csrf_token(client)
    mine = client.cookies["sd_session"]
    # Another person's session in the same browser (or a token planted from elsewhere).
    client.cookies.delete("sd_session")
    member(Role.ADMIN, email="other@example.se")
    client.cookies.set("csrftoken", token, domain="testserver.local")
    response = client.post(
        "/admin/units", data={"csrftoken": token, "code": "x1", "name_sv": "X", "name_en": "X"}
    )
    assert response.status_code == 403
    # The token from before signing in is spent by signing in, too.
    client.cookies.clear()
    client.get("/login")
    before = client.cookies["csrftoken"]
    post_form(client, "/login", {"email": "other@example.se", "password": PASSWORD})
    response = client.post(
        "/admin/units", data={"csrftoken": before, "code": "x2", "name_sv": "X", "name_en": "X"}
    )
    assert response.status_code == 403
    # A page after signing in gives the session its own token, which works.
    client.get("/admin/units")
    assert client.cookies["csrftoken"] != before
    assert (
        post_form(
            client, "/admin/units", {"code": "x3", "name_sv": "X", "name_en": "X"}
        ).status_code
        == 303
    )
    assert mine != client.cookies["sd_session"]


def test_password_change_ends_every_other_session_on_the_server(client, member):
    user = member(Role.HANDLER)
    client.cookies.clear()  # another device: the first session lives on there
    login(client, user.email)
    assert run(client, StaffSession.filter(user_id=user.id, ended_at=None).count) == 2
    post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm_password": "a brand new secret",
        },
    )
    assert run(client, StaffSession.filter(user_id=user.id, ended_at=None).count) == 1
    assert _signed_in(client)
