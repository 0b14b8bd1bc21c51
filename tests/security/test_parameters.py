"""Every path and query parameter, and every form field, with over-long, huge, negative and
malformed values, on every route: never a 5xx, and a clear 4xx in the route's own format
(Open311's error document, the API's JSON). The names come from the code: a test fails
when a parameter or field is read that these tables do not try."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from servicedialog.roles import Role
from tests.conftest import create_member, csrf_token, login, run
from tests.core.test_permissions import ROUTES, SAMPLES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / d for d in ("servicedialog", "commitments", "complaints", "problem_areas")]

BAD_VALUES = [
    "",
    "x" * 5000,
    "9" * 40,
    "-1",
    "0",
    "²",
    "١٢",
    "0001-01-01",
    "9999-12-31T23:59:59Z",
    "1e400",
    "nan",
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202eexe.pdf",
]
BAD_PATH_VALUES = ["9" * 40, "x" * 65, "-1", "0", "²", "ÅÄÖ", "..", "%00", "a.b", "x" * 33]

QUERY_PARAMETERS = {
    "action", "address_id", "address_string", "api_key", "assigned", "code", "days",
    "description", "due", "email", "end_date", "first_name", "format", "id", "identity",
    "jurisdiction_id", "kind", "last_name", "lat", "long", "media_url", "next", "org", "page",
    "phone", "q", "service_code", "service_request_id", "slug", "sort", "start_date",
    "status", "template", "token", "unit", "service", "commitment", "registered",
    # read in a loop by servicedialog.periods.date_range (the pattern below cannot see it)
    "from", "to",
    "area", "version", "view", "into",
    "open_for",  # the inbox: open longer than six months (a dashboard's drill-down)
}  # fmt: skip
FORM_FIELDS = {
    "anonymous", "answer", "attachments", "body", "body_en", "body_sv", "channel",
    "channels", "code", "comment", "commitment", "confirm_password", "consent",
    "contact_email", "contact_name", "contact_phone", "country", "current_password", "day",
    "description_en", "description_sv", "display_name", "email", "eservice_level",
    "handler", "improvement", "improvement_ref", "is_active", "kind", "language",
    "latitude", "longitude", "name", "name_en", "name_sv", "needs_en", "needs_sv",
    "new_due", "new_password", "organisation", "outcome", "password", "pause_reasons",
    "period", "place", "population", "promise_en", "promise_sv", "public_summary", "publication",
    "published_answer", "published_text", "reason", "received_on", "remedy", "remedy_en",
    "remedy_sv", "retention_class", "review_date", "roles", "root_cause", "score",
    "secret", "service", "slug", "start_event", "status", "stop_event", "target_group",
    "text", "threshold", "title", "token", "unit", "valid_from", "website", "started_on",
    "action", "as_answer", "target", "parent", "selected", "bulk_area", "filter_area", "into",
}  # fmt: skip


def _names(pattern: str) -> set[str]:
    found = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_the_tables_know_every_parameter_and_field_the_code_reads():
    read = _names(r'(?:query_params|params)(?:\.get\(|\[)"([a-z_]+)"')
    read |= _names(r'optional\((?:request\.query_params|params|form), "([a-z_]+)"')
    assert read - QUERY_PARAMETERS - FORM_FIELDS == set()
    fields = _names(r'form\.(?:get|require|choice|email|day|integer|slug)\("([a-z_]+)"')
    fields |= _names(r'getlist\("([a-z_]+)"\)')
    fields |= _names(r'_(?:positive_int|optional_date|number)\(form, "([a-z_]+)"')
    assert fields - FORM_FIELDS == set()


def _everyone(client, org):
    """One person with every role (a handler of no unit: every record) and the installation
    administrator's rights: every route lets them in."""
    run(client, create_member, "all@example.se", org, *Role, superuser=True)
    login(client, "all@example.se")


def _concrete_paths():
    for path, route in ROUTES:
        if route.path.startswith("/static") or "{path" in path:
            continue
        yield path, route


def _assert_not_server_error(response, where):
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    if response.status_code >= 400 and where[1].startswith("/open311/"):
        if where[1].endswith(".json") or "json" in where[1]:
            assert isinstance(json.loads(response.text), list), where
        else:
            assert response.text.startswith("<?xml"), where
    if response.status_code >= 400 and where[1].startswith("/api/"):
        assert "error" in response.json(), where


def test_bad_path_values_are_404_never_500(client, world):
    _everyone(client, world.org)
    for path, route in _concrete_paths():
        for name in re.findall(r"\{([a-z_]+):[a-z]+\}", path):
            for value in BAD_PATH_VALUES:
                url = re.sub(r"\{" + name + r":[a-z]+\}", value, path)
                url = re.sub(r"\{[^}:]+:([a-z]+)\}", lambda m: SAMPLES[m.group(1)], url)
                for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                    response = client.request(
                        method, url, headers={"X-CSRFToken": csrf_token(client)}
                    )
                    _assert_not_server_error(response, (method, url))


def _get_routes():
    for path, route in _concrete_paths():
        if "GET" in (route.methods or ()):
            yield re.sub(r"\{[^}:]+:([a-z]+)\}", lambda m: SAMPLES[m.group(1)], path)


def test_bad_query_values_on_every_get_route_are_never_a_server_error(client, world):
    """Every bad value in every parameter at once (a URL holds about 8 KB, so the longest
    values are cut to 150 characters here; they are tried one parameter at a time below)."""
    _everyone(client, world.org)
    for url in _get_routes():
        for value in BAD_VALUES:
            query = {name: value[:150] for name in QUERY_PARAMETERS}
            _assert_not_server_error(client.get(url, params=query), ("GET", url, repr(value)))


def test_each_query_parameter_alone_is_never_a_server_error(client, world):
    """A huge number in one parameter at a time, where no other value can stop the route
    before it reads that one (the other values are tried all at once above)."""
    _everyone(client, world.org)
    for url in _get_routes():
        for name in QUERY_PARAMETERS:
            response = client.get(url, params={name: "9" * 40})
            _assert_not_server_error(response, ("GET", url, name))


@pytest.mark.parametrize("value", BAD_VALUES, ids=[repr(v)[:20] for v in BAD_VALUES])
def test_bad_form_values_on_every_post_route_are_never_a_server_error(client, world, value):
    _everyone(client, world.org)
    form = {name: value for name in FORM_FIELDS}
    record = world.own.id
    for path, route in _concrete_paths():
        if "POST" not in (route.methods or ()) or path == "/logout":
            continue
        url = re.sub(r"\{id:id\}", str(record), path)
        url = re.sub(r"\{[^}:]+:([a-z]+)\}", lambda m: SAMPLES[m.group(1)], url)
        if "{action:word}" in path:
            url = path.replace("{id:id}", str(record))
        urls = (
            [url.replace("{action:word}", a) for a in _ACTIONS] if "{action:word}" in url else [url]
        )
        for target in urls:
            response = client.post(target, data={"csrftoken": csrf_token(client), **form})
            _assert_not_server_error(response, ("POST", target))


_ACTIONS = [
    "assign", "route", "acknowledge", "note", "reply", "pause", "resume", "extend",
    "secrecy", "publish", "unpublish", "close",
]  # fmt: skip

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b'"x"', b"{}", b'{"cases": "x"}', b'{"cases": [1, "x", null]}',
     NESTED.encode(), b'{"cases": [{"received_at": "0001-01-01", "service_code": "BYGG",'
     b' "case_ref": "a"}]}', b'{"services": [{"code": "' + b"X" * 500 + b'"}]}',
     b"\xff\xfe", b"1e400"],
)  # fmt: skip
def test_bad_api_bodies_are_400_in_json(client, world, body):
    from servicedialog.apikeys import create_key

    _record, key = run(client, create_key, world.org, "test")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for method, path in (
        ("PUT", "/api/v1/commitments/catalogue"),
        ("POST", "/api/v1/commitments/cases"),
    ):
        response = client.request(method, path, content=body, headers=headers)
        assert response.status_code in (200, 400), (path, body[:40], response.text[:200])
        assert response.headers["content-type"].startswith("application/json")
