"""A locked or read-only database is answered with 503, a Retry-After and the person's own
words on the page again (every public form), and the log says why. Nothing half-written
stays behind."""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import pytest
from starlette.testclient import TestClient

from servicedialog.app import create_app
from servicedialog.roles import Role
from tests.conftest import (
    FEATURES,
    PASSWORD,
    TEST_DATABASE_URL,
    csrf_token,
    run,
    writers_lock_held,
)

pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite's locks and read-only mode (the PostgreSQL pass)"
)
WORDS = "Gatlampan på Storgatan 4 har varit trasig i tre veckor nu."


def _path(settings) -> str:
    return settings.database_url.removeprefix("sqlite://").split("?")[0]


@contextmanager
def _app(settings, pragma: str) -> Iterator[TestClient]:
    url = f"{settings.database_url}?{pragma}"
    app = create_app(dataclasses.replace(settings, database_url=url), features=FEATURES)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


@contextmanager
def _locked(settings) -> Iterator[None]:
    """Another process holds the write lock for as long as the block runs."""
    holder = sqlite3.connect(_path(settings), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def _seed():
    from complaints import services
    from complaints.services import NewFeedback
    from complaints.states import Kind
    from tests.conftest import create_member, create_org

    org = await create_org()
    await create_member("handler@example.se", org, Role.HANDLER)
    registered = await services.register(org, NewFeedback(kind=Kind.COMPLAINT, text="Förra veckan"))
    return org, registered


@pytest.fixture
def seeded(settings):
    """An organisation, a handler and one record, made by an app of its own (two apps
    cannot run in one test)."""
    with _app(settings, "busy_timeout=10000") as seeding:
        return run(seeding, _seed)


def _count(settings, table: str) -> int:
    with sqlite3.connect(_path(settings)) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _assert_kept(response, words=WORDS):
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert words in response.text  # in the form again, as typed
    assert "Vänta en minut" in response.text  # the notice, in the person's language


@contextmanager
def _writers_locked(settings) -> Iterator[None]:
    """Another process holds servicedialog.writes's lock file for as long as the block runs."""
    with writers_lock_held(_path(settings)):
        yield


@pytest.mark.parametrize(
    ("pragma", "held"),
    [("busy_timeout=100", _locked), ("busy_timeout=100", _writers_locked), ("query_only=1", None)],
    ids=["locked", "writers-lock-held", "read-only"],
)
def test_the_public_form_keeps_what_the_person_typed(settings, seeded, pragma, held, caplog):
    org, _registered = seeded
    before = _count(settings, "feedback")
    with _app(settings, pragma) as public, caplog.at_level(logging.ERROR, "servicedialog.errors"):
        token = csrf_token(public)
        form = {"csrftoken": token, "kind": "complaint", "text": WORDS, "language": "sv"}
        with held(settings) if held else nullcontext():
            response = public.post(f"/feedback/{org.slug}/", data=form)
    _assert_kept(response)
    assert "database unavailable" in caplog.text
    if held is not None:
        assert "database is locked" in caplog.text
    assert _count(settings, "feedback") == before
    assert _count(settings, "feedback_counter") <= 1  # the number was not taken either


def test_the_tracking_page_keeps_added_information(settings, seeded):
    _org, registered = seeded
    with _app(settings, "busy_timeout=100") as public:
        token = csrf_token(public)
        with _locked(settings):
            response = public.post(
                f"/feedback/track/{registered.token}/info", data={"csrftoken": token, "text": WORDS}
            )
    _assert_kept(response)


def test_sign_in_answers_503_and_keeps_the_address(settings, seeded):
    with _app(settings, "query_only=1") as public:
        token = csrf_token(public)
        response = public.post(
            "/login",
            data={"csrftoken": token, "email": "handler@example.se", "password": PASSWORD},
        )
    assert response.status_code == 503 and "handler@example.se" in response.text
    assert PASSWORD not in response.text


def test_open311_answers_503_in_its_own_format(settings, seeded):
    from commitments.services import import_catalogue
    from servicedialog.apikeys import create_key

    org, _registered = seeded
    run_catalogue = {"services": [{"code": "GATA", "name": {"sv": "Gator", "en": "Streets"}}]}
    with _app(settings, "busy_timeout=100") as app_client:
        run(app_client, import_catalogue, org, run_catalogue)
        _record, key = run(app_client, create_key, org, "app")
        with _locked(settings):
            response = app_client.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": key,
                    "service_code": "GATA",
                    "address_string": "Storgatan 4",
                    "description": WORDS,
                    "attribute[kind]": "complaint",
                },
            )
    assert response.status_code == 503, response.text
    assert response.json()[0]["code"] == 503 and response.headers["retry-after"]


def test_a_staff_form_shows_the_typed_text_back(settings, seeded):
    _org, registered = seeded
    with _app(settings, "busy_timeout=100") as staff:
        token = csrf_token(staff)
        staff.post(
            "/login",
            data={"csrftoken": token, "email": "handler@example.se", "password": PASSWORD},
        )
        page = staff.get(f"/feedback/manage/{registered.id}").text
        token = re.search(r'name="csrftoken" value="([^"]+)"', page).group(1)
        with _locked(settings):
            response = staff.post(
                f"/feedback/manage/{registered.id}/reply",
                data={"csrftoken": token, "body": WORDS},
            )
    assert response.status_code == 503
    assert WORDS in response.text and response.headers["retry-after"]
