"""Public pages, health check, error pages and the layout's accessibility basics."""

from __future__ import annotations

from bs4 import BeautifulSoup
from starlette.routing import Route
from starlette.testclient import TestClient

from servicedialog.app import create_app
from servicedialog.auth import public
from servicedialog.features import Feature, NavItem
from servicedialog.roles import Role


def test_home_lists_organisations(client, org):
    page = BeautifulSoup(client.get("/").text, "html.parser")
    assert [h.text for h in page.select(".card h3")] == ["Org exempelkommun"]


def test_layout_has_landmarks_skip_link_and_one_h1(client):
    page = BeautifulSoup(client.get("/accessibility").text, "html.parser")
    skip = page.select_one("a.skip-link")
    assert skip["href"] == "#main"
    assert page.select_one("main#main")
    assert page.select_one("header") and page.select_one("footer")
    assert len(page.select("h1")) == 1
    assert page.select_one("meta[name=viewport]")


def test_accessibility_statement_has_the_required_parts(client):
    page = BeautifulSoup(client.get("/accessibility").text, "html.parser")
    headings = [h.text for h in page.select("h2")]
    assert "Hur tillgänglig är webbplatsen?" in headings
    assert "Innehåll som inte är tillgängligt" in headings
    assert "Tillsyn" in headings
    assert "DIGG" in page.text
    assert "2018:1937" in page.text
    assert "granskades senast" in page.text


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_not_found_is_a_translated_page(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text


def test_static_assets_are_served_with_cache_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "max-age" in response.headers["cache-control"]


async def _boom(request):
    raise RuntimeError("kaboom")


async def _hello(request):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse("hello from a feature")


FEATURE = Feature(
    name="example",
    routes=[Route("/hello", public(_hello), name="hello"), Route("/boom", public(_boom))],
    staff_nav=[NavItem("Start", "example:hello", frozenset({Role.LEADERSHIP}))],
)


def test_a_feature_is_mounted_under_its_name_and_adds_navigation(settings, caplog):
    app = create_app(settings, features=[FEATURE])
    assert app.url_path_for("example:hello") == "/example/hello"
    assert FEATURE.staff_nav[0] in app.state.nav["staff"]
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/example/hello").text == "hello from a feature"
        response = client.get("/example/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.text
    assert "req-123" in response.text
    assert "kaboom" not in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert any("req-123" in record.getMessage() for record in caplog.records)


def test_requests_are_logged_as_json_lines(client, caplog):
    import json

    caplog.set_level("INFO", logger="servicedialog.access")
    client.get("/healthz", headers={"X-Request-ID": "abc"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "servicedialog.access"]
    assert {
        "request_id": "abc",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
    }.items() <= lines[-1].items()


def test_new_organisation_shows_on_the_start_page_at_once(client, member):
    from tests.conftest import post_form

    client.get("/")  # fills the cache
    member(Role.ADMIN, superuser=True)
    post_form(
        client,
        "/admin/organisations",
        {
            "slug": "nykommun",
            "name_sv": "Nykommun",
            "name_en": "New",
            "country": "SE",
            "kind": "municipality",
        },
    )
    assert "Nykommun" in client.get("/").text


def test_pages_without_forms_set_no_csrf_cookie(client):
    assert "csrftoken" not in client.get("/").headers.get("set-cookie", "")
    assert "csrftoken" in client.get("/login").headers.get("set-cookie", "")


def test_cache_expires():
    import asyncio

    from servicedialog.cache import TTLCache

    now = [0.0]
    cache = TTLCache(clock=lambda: now[0])
    calls = []

    async def load():
        calls.append(1)
        return len(calls)

    async def scenario():
        assert await cache.get_or_set("k", 30, load) == 1
        assert await cache.get_or_set("k", 30, load) == 1
        now[0] = 31
        assert await cache.get_or_set("k", 30, load) == 2
        cache.invalidate("k")
        assert await cache.get_or_set("k", 30, load) == 3

    asyncio.run(scenario())


def test_the_login_default_target_is_the_staff_home(app):
    from servicedialog.views import STAFF_HOME

    assert app.url_path_for("staff_home") == STAFF_HOME
