"""Translations: both catalogues complete, the language switch works without JavaScript,
and dates and numbers follow the language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from servicedialog.i18n import Formatter, negotiate, po_path

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = (ROOT / "babel.cfg").read_text()
# The sources the catalogues are extracted from: the same list as scripts/catalogues.py.
METHODS = [
    (line[1:-1].split(":")[1].strip(), line[1:-1].split(":")[0])
    for line in BABEL_CFG.splitlines()
    if line.startswith("[") and ":" in line
]


def test_every_features_package_is_extracted():
    """A feature whose strings are not extracted shows English on Swedish pages."""
    from tests.conftest import FEATURES

    packages = {f.models.split(".")[0] for f in FEATURES if f.models} | {
        route.endpoint.__module__.split(".")[0]
        for f in FEATURES
        for route in f.routes
        if hasattr(route, "endpoint")
    }
    extracted = {pattern.split("/")[0] for pattern, _method in METHODS}
    assert packages <= extracted, packages - extracted


def source_messages() -> set[object]:
    found: set[object] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "lazy": None},
        options_map={
            "templates/**.html": {
                "extensions": "jinja2.ext.i18n",
                "trim_blocks": "True",
                "lstrip_blocks": "True",
            }
        },
        directory_filter=lambda path: not Path(path).name.startswith(".") and "venv" not in path,
    ):
        found.add(message)
    return found


@pytest.fixture(scope="module")
def messages() -> set[object]:
    found = source_messages()
    assert len(found) > 100
    return found


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_message_is_translated(messages, language):
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message in messages:
        key = message if isinstance(message, str) else message[0]
        entry = catalog.get(key)
        if (
            entry is None
            or entry.fuzzy
            or not entry.string
            or (isinstance(entry.string, tuple) and not all(entry.string))
        ):
            missing.append(message)
    assert missing == [], f"untranslated in {language}: run scripts/catalogues.py and translate"


def test_swedish_is_the_default(client):
    page = BeautifulSoup(client.get("/login").text, "html.parser")
    assert page.html["lang"] == "sv"
    assert page.h1.text == "Inloggning för medarbetare"


def test_language_switch_is_a_plain_link_that_sets_a_cookie(client):
    page = BeautifulSoup(client.get("/login").text, "html.parser")
    link = page.select_one("a.lang-switch")
    assert link["lang"] == "en"
    response = client.get(link["href"])
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    page = BeautifulSoup(client.get("/login").text, "html.parser")
    assert page.html["lang"] == "en"
    assert page.h1.text == "Staff sign-in"
    assert page.select_one("a.lang-switch")["lang"] == "sv"


def test_language_switch_keeps_the_query_string(client):
    response = client.get("/language/en?next=" + "/admin/audit%3Fpage%3D2")
    assert response.headers["location"] == "/admin/audit?page=2"


def test_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["location"] == "/"


def test_browser_language_is_used_when_no_choice_was_made():
    assert negotiate(None, "en-GB,en;q=0.9,sv;q=0.5", "sv") == "en"
    assert negotiate(None, "de-DE", "sv") == "sv"
    assert negotiate("sv", "en-GB", "sv") == "sv"
    assert negotiate("xx", None, "en") == "en"


def test_dates_and_numbers_follow_the_language():
    moment = datetime(2026, 6, 19, 10, 30, tzinfo=UTC)  # midsummer eve, 12:30 in Stockholm
    sv = Formatter("sv", "Europe/Stockholm")
    en = Formatter("en", "Europe/Stockholm")
    assert sv.date(moment, "long") == "19 juni 2026"
    assert en.date(moment, "long") == "19 June 2026"
    assert "12:30" in sv.datetime(moment, "short")
    assert sv.number(1234567.5, 1) == "1\xa0234\xa0567,5"
    assert en.number(1234567.5, 1) == "1,234,567.5"
