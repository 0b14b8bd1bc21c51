"""The "floor" of our stack: bare Starlette rendering the same page templates as the app.

``/`` renders ``core/home.html`` and ``/login`` renders ``core/login.html`` from the app's
template directory, with the same Jinja2 options and extensions, null translations and a
static context that holds what those templates read (the two demo organisations for the
start page). No database, no middleware, no sessions, no CSRF, no routing-table lookups.
Whatever the real app costs above the floor page with the same markup is what our own code
adds: middleware, sessions, CSRF, i18n, the context processor and the database.

``/base`` is the earlier, cheaper floor: a trivial child of ``base.html``.

Serve with: ``uvicorn bench.floor_app:app --workers 2 --no-access-log`` (cwd: the repo).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

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

# The app's routes, as a fixed table: the paths in the floor's markup are the app's.
PATHS = {
    "home": "/",
    "accessibility": "/accessibility",
    "login": "/login",
    "logout": "/logout",
    "password": "/account/password",
    "staff_home": "/staff/",
}


def path_for(name: str, /, **params: Any) -> str:
    """A stand-in for the app's path_for: the same paths, without a routing table."""
    if name == "static":
        return f"/static/{params['path']}"
    if name == "set_language":
        return f"/language/{params['code']}"
    return PATHS[name]


@dataclass(frozen=True)
class Organisation:
    """What core/home.html reads from an organisation (servicedialog.models.Organisation)."""

    name_sv: str
    name_en: str
    country: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_sv


# The demo's two organisations (servicedialog.demo.ORGANISATIONS), by Swedish name.
ORGANISATIONS = [
    Organisation("Exempelkommun", "Exempelkommun Municipality", "SE"),
    Organisation("Exempelstad (Esimerkkikaupunki)", "Example City (Esimerkkikaupunki)", "FI"),
]

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
    "nav": {"public": [], "staff": []},
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
