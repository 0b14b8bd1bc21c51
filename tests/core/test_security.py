from __future__ import annotations

import re

from servicedialog.roles import Role
from tests.conftest import PASSWORD, post_form


def test_state_changing_request_without_csrf_token_is_refused(client, member):
    member(Role.ADMIN)
    response = client.post(
        "/admin/units", data={"code": "vatten", "name_sv": "Vatten", "name_en": "Water"}
    )
    assert response.status_code == 403
    assert "Formuläret var för gammalt" in response.text
    assert "Vatten" not in client.get("/admin/units").text


def test_forged_csrf_token_is_refused(client, member):
    member(Role.ADMIN)
    response = client.post(
        "/admin/units", data={"csrftoken": "forged", "code": "bygg", "name_sv": "B", "name_en": "B"}
    )
    assert response.status_code == 403


def test_login_form_is_protected_even_without_cookies(client, member):
    member(Role.HANDLER, sign_in=False)
    client.cookies.clear()
    response = client.post("/login", data={"email": "handler@example.se", "password": PASSWORD})
    assert response.status_code == 403


def test_valid_csrf_token_is_accepted(client, member):
    member(Role.ADMIN)
    response = post_form(client, "/admin/units", {"code": "bygg", "name_sv": "B", "name_en": "B"})
    assert response.status_code == 303


def test_security_headers_with_a_fresh_nonce_per_request(client):
    first = client.get("/")
    second = client.get("/")
    csp = first.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    nonce_1 = re.search(r"'nonce-([^']+)'", csp).group(1)
    nonce_2 = re.search(r"'nonce-([^']+)'", second.headers["content-security-policy"]).group(1)
    assert nonce_1 != nonce_2
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert first.headers["x-frame-options"] == "DENY"
    assert first.headers["x-request-id"]


def test_error_pages_carry_security_headers_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_pages_have_no_inline_scripts_or_styles(client, member):
    member(Role.ADMIN)
    for path in (
        "/",
        "/login",
        "/staff/",
        "/admin/",
        "/admin/units",
        "/admin/users",
        "/admin/audit",
    ):
        html = client.get(path).text
        assert "<script" not in html, path
        assert " style=" not in html, path
        assert "<style" not in html, path


def test_multipart_form_needs_the_token_before_any_file(client, member):
    from tests.conftest import csrf_token

    member(Role.ADMIN)
    token = csrf_token(client)
    # Token first: accepted (the unit form ignores the file).
    ok = client.post(
        "/admin/units",
        data={"csrftoken": token, "code": "mp", "name_sv": "M", "name_en": "M"},
        files={"extra": ("a.txt", b"x", "text/plain")},
    )
    assert ok.status_code == 303
    # No token at all in a multipart body: refused.
    refused = client.post(
        "/admin/units",
        data={"code": "mp2", "name_sv": "M", "name_en": "M"},
        files={"extra": ("a.txt", b"x", "text/plain")},
    )
    assert refused.status_code == 403


def test_token_in_header_is_accepted_and_an_authorization_header_exempts_nothing(client, member):
    from tests.conftest import csrf_token

    member(Role.ADMIN)
    token = csrf_token(client)
    response = client.post(
        "/admin/units",
        headers={"X-CSRFToken": token},
        data={"code": "hdr", "name_sv": "H", "name_en": "H"},
    )
    assert response.status_code == 303
    # An Authorization header does not make a cookie-authenticated request an API call.
    for value in ("Bearer x", "Bearer sd_whatever", "Basic eDp5"):
        response = client.post("/logout", headers={"Authorization": value})
        assert response.status_code == 403, value
    assert client.get("/staff/").status_code == 200  # still signed in


def test_token_from_another_secret_is_refused(client, member):
    from itsdangerous import URLSafeSerializer

    member(Role.ADMIN)
    forged = URLSafeSerializer("another-secret", salt="csrftoken").dumps("abc")
    client.cookies.set("csrftoken", forged, domain="testserver.local")
    response = client.post(
        "/admin/units", data={"csrftoken": forged, "code": "f", "name_sv": "F", "name_en": "F"}
    )
    assert response.status_code == 403
