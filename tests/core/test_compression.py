"""Text answers are gzip-compressed for slow networks, except pages that carry a CSRF token
(a secret beside text a visitor can choose must not be compressed: BREACH)."""

from __future__ import annotations

import gzip

from servicedialog.roles import Role

GZIP = {"Accept-Encoding": "gzip"}


def test_stylesheets_and_public_pages_are_compressed(client, org):
    css = client.get("/static/css/app.css", headers=GZIP)
    assert css.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in css.headers["vary"].lower()
    assert b"--primary" in css.content  # decoded by the client, whole
    page = client.get(f"/commitments/{org.slug}/", headers=GZIP)
    assert page.headers["content-encoding"] == "gzip"


def test_pages_with_a_csrf_token_are_not_compressed(client, org, member):
    form = client.get(f"/feedback/{org.slug}/", headers=GZIP)
    assert "csrftoken" in form.text and "content-encoding" not in form.headers
    member(Role.HANDLER)
    staff = client.get("/staff/", headers=GZIP)  # the sign-out form carries one
    assert "content-encoding" not in staff.headers


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client, org):
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers


def test_small_answers_and_already_encoded_ones_are_left_alone(client):
    from servicedialog.charts import PLOTLY_JS_PATH

    assert "content-encoding" not in client.get("/healthz", headers=GZIP).headers
    plotly = client.get(PLOTLY_JS_PATH, headers=GZIP)
    assert plotly.headers["content-encoding"] == "gzip"
    assert gzip.compress(b"x")  # (plotly.js is compressed once, by its own route)
