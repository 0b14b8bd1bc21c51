"""The "floor" of our stack: bare Starlette rendering the same page templates as the app.

``/`` renders ``core/home.html`` and ``/login`` renders ``core/login.html`` from the app's
template directory, with the same Jinja2 options and extensions, null translations and a
static context that holds what those templates read (the two demo organisations for the
start page, the app's navigation). No database, no middleware, no sessions, no CSRF; paths
come from a dict.
Whatever the real app costs above the floor page with the same markup is what our own code
adds: middleware, sessions, CSRF, i18n, the context processor and the database.

``/base`` is the earlier, cheaper floor: a trivial child of ``base.html``.

Serve with: ``uvicorn bench.floor_app:app --workers 2 --no-access-log`` (cwd: the repo).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from servicedialog.app import create_app
from servicedialog.i18n import LANGUAGE_NAMES, Formatter
from servicedialog.roles import ROLE_LABELS
from servicedialog.settings import Settings

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"

BASE_CHILD = """{% extends "base.html" %}
{% block title %}{{ _("Welcome") }}{% endblock %}
{% block content %}<h1>{{ _("Servicedialog") }}</h1>{% endblock %}
"""

# The same options as servicedialog.templating.build_templates.
env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=jinja2.select_autoescape(["html", "xml"]),
    extensions=["jinja2.ext.i18n"],
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]

# The app's route table and navigation, borrowed once at import: the floor's markup has the
# app's paths and links (also those of features added later). create_app connects to no
# database; the app object only answers path look-ups, memoised, and is never served.
_APP = create_app(Settings(log_level="WARNING"))
_PATHS: dict[tuple[Any, ...], str] = {}


def path_for(name: str, /, **params: Any) -> str:
    """The app's path for ``name``, looked up once and then read from a dict."""
    key = (name, *params.items())
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = str(_APP.url_path_for(name, **params))
    return path


@dataclass(frozen=True)
class Organisation:
    """What core/home.html reads from an organisation (servicedialog.models.Organisation)."""

    slug: str
    name_sv: str
    name_en: str
    country: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_sv


# The demo's organisations, by Swedish name: load_pages.py reads them from the seeded
# database and passes them in BENCH_ORGANISATIONS (a JSON list of objects with the fields
# above); without it, the core demo's two.
DEFAULT_ORGANISATIONS = [
    Organisation("exempelkommun", "Exempelkommun", "Exempelkommun Municipality", "SE"),
    Organisation(
        "esimerkkikaupunki",
        "Exempelstad (Esimerkkikaupunki)",
        "Example City (Esimerkkikaupunki)",
        "FI",
    ),
]


def organisations_from(raw: str | None) -> list[Organisation]:
    if not raw:
        return DEFAULT_ORGANISATIONS
    return [Organisation(**fields) for fields in json.loads(raw)]


ORGANISATIONS = organisations_from(os.environ.get("BENCH_ORGANISATIONS"))

# What servicedialog.templating._request_context and the environment's globals provide for
# an anonymous visitor, fixed.
STATIC_CONTEXT: dict[str, Any] = {
    "lang": "sv",
    "fmt": Formatter("sv", "Europe/Stockholm"),
    "csp_nonce": "floor-nonce",
    "csrf_token": "floor-csrf-token",
    "current_user": None,
    "current_org": None,
    "current_roles": frozenset(),
    "nav": _APP.state.nav,
    "messages": [],
    "settings": Settings(),
    "LANGUAGE_NAMES": LANGUAGE_NAMES,
    "ROLE_LABELS": ROLE_LABELS,
    "path_for": path_for,
}

HOME = env.get_template("core/home.html")
LOGIN = env.get_template("core/login.html")
BASE = env.from_string(BASE_CHILD)


async def home(request: Request) -> HTMLResponse:
    return HTMLResponse(HOME.render(STATIC_CONTEXT, request=request, organisations=ORGANISATIONS))


async def login(request: Request) -> HTMLResponse:
    return HTMLResponse(LOGIN.render(STATIC_CONTEXT, request=request, form=None, next="/staff/"))


async def base(request: Request) -> HTMLResponse:
    return HTMLResponse(BASE.render(STATIC_CONTEXT, request=request))


app = Starlette(routes=[Route("/", home), Route("/login", login), Route("/base", base)])
