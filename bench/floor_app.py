"""The "floor" of our stack: bare Starlette rendering the same base template as the app.

Same template files, same Jinja2 options and extensions, no database, no middleware, no
sessions. Whatever the real app costs above this is what our own code adds.

Serve with: ``uvicorn bench.floor_app:app --workers 2 --no-access-log`` (cwd: the repo).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"

CHILD = """{% extends "base.html" %}
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
page = env.from_string(CHILD)


def path_for(name: str, /, **params: Any) -> str:
    """A stand-in for url_path_for: a site-relative path, without a routing table."""
    if name == "static":
        return f"/static/{params['path']}"
    return "/" + name.replace(":", "/")


STATIC_CONTEXT: dict[str, Any] = {
    "lang": "sv",
    "path_for": path_for,
    "LANGUAGE_NAMES": {"sv": "Svenska", "en": "English"},
    "current_user": None,
    "nav": {"public": [], "staff": []},
    "messages": [],
    "csrf_token": "",
    "current_roles": frozenset(),
}


async def home(request: Request) -> HTMLResponse:
    return HTMLResponse(page.render(STATIC_CONTEXT, request=request))


app = Starlette(routes=[Route("/", home)])
