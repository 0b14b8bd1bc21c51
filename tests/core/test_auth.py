from __future__ import annotations

from bs4 import BeautifulSoup

from servicedialog.auth import safe_next
from servicedialog.roles import Role
from tests.conftest import PASSWORD, login, make_settings, post_form, run


def test_login_with_right_password_signs_in_and_redirects_to_next(client, member):
    member(Role.HANDLER, sign_in=False)
    response = post_form(
        client,
        "/login?next=/account/password",
        {"email": "handler@example.se", "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/account/password"
    assert client.get("/staff/").status_code == 200


def test_wrong_password_shows_error_and_keeps_email_but_not_password(client, member):
    member(Role.HANDLER, sign_in=False)
    response = post_form(client, "/login", {"email": "handler@example.se", "password": "wrong-one"})
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#error-summary a[href='#field-password']")
    assert page.select_one("#field-email")["value"] == "handler@example.se"
    assert page.select_one("#field-password").get("value") is None
    assert page.select_one("#field-password")["aria-invalid"] == "true"
    assert client.get("/staff/").status_code == 303


def test_empty_login_form_is_a_clear_error_not_a_crash(client):
    response = post_form(client, "/login", {})
    assert response.status_code == 400
    assert "Fältet måste fyllas i." in response.text


def test_login_is_throttled_after_repeated_failures_even_with_right_password(client, member):
    member(Role.HANDLER, sign_in=False)
    for _ in range(5):
        post_form(client, "/login", {"email": "handler@example.se", "password": "nope-nope"})
    response = post_form(client, "/login", {"email": "handler@example.se", "password": PASSWORD})
    assert response.status_code == 429
    assert "För många misslyckade försök" in response.text
    assert client.get("/staff/").status_code == 303


def test_unknown_email_fails_like_a_wrong_password(client):
    response = post_form(client, "/login", {"email": "ghost@example.se", "password": "whatever12"})
    assert response.status_code == 400
    assert "E-postadressen eller lösenordet är inte rätt." in response.text


def test_inactive_user_cannot_sign_in(client, member):
    user = member(Role.HANDLER, sign_in=False)
    user.is_active = False
    run(client, user.save)
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_logout_ends_the_session(client, member):
    member(Role.HANDLER)
    response = post_form(client, "/logout")
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 303


def test_session_cookie_is_httponly_and_samesite_lax(client, member):
    member(Role.HANDLER, sign_in=False)
    response = post_form(client, "/login", {"email": "handler@example.se", "password": PASSWORD})
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("sd_session="))
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()


def test_cookies_are_secure_when_served_over_https(tmp_path):
    settings = make_settings(tmp_path, base_url="https://synpunkter.example.se")
    assert settings.secure_cookies


def test_password_change_keeps_this_session_and_ends_others(client, member):
    member(Role.HANDLER)
    elsewhere = client.cookies["sd_session"]  # a session on another device
    client.cookies.delete("sd_session")
    login(client, "handler@example.se")
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm_password": "a brand new secret",
        },
    )
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 200
    here = client.cookies["sd_session"]
    client.cookies.set("sd_session", elsewhere, domain="testserver.local")
    assert client.get("/staff/").status_code == 303
    client.cookies.set("sd_session", here, domain="testserver.local")
    post_form(client, "/logout")
    login(client, "handler@example.se", "a brand new secret")


def test_password_change_errors_keep_user_on_form_without_echoing_passwords(client, member):
    member(Role.HANDLER)
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#error-new_password")
    assert "short" not in str(page.select_one("form"))


def test_next_parameter_never_leads_to_another_site():
    assert safe_next("https://evil.example/", "/staff/") == "/staff/"
    assert safe_next("//evil.example/", "/staff/") == "/staff/"
    assert safe_next("/\\evil.example", "/staff/") == "/staff/"
    assert safe_next("/admin/units", "/staff/") == "/admin/units"


def test_passwords_are_hashed_at_argon2s_full_cost_unless_a_test_run_asks_otherwise():
    from argon2 import PasswordHasher

    from servicedialog.auth import password_hasher

    full = PasswordHasher()
    assert (full.time_cost, full.memory_cost, full.parallelism) == (3, 65536, 4)
    for environ in ({}, {"TEST_CHEAP_PASSWORD_HASHES": "1", "ENVIRONMENT": "production"}):
        hasher = password_hasher(environ)
        assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    cheap = password_hasher({"TEST_CHEAP_PASSWORD_HASHES": "1"})
    assert cheap.time_cost == 1 and cheap.memory_cost < full.memory_cost
    assert cheap.verify(cheap.hash("secret"), "secret")
