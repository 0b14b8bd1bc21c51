"""The Jinja2 environment: one for the app, translations taken from the request."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jinja2
from jinja2.bccache import Bucket
from markupsafe import escape
from starlette.requests import Request
from starlette.templating import Jinja2Templates

import templates as templates_package
from servicedialog.charts import PLOTLY_JS_PATH, PLOTLY_MAPLIBRE_CSS_ID
from servicedialog.i18n import LANGUAGE_NAMES, Formatter, plural_count, translations
from servicedialog.roles import ROLE_LABELS

TEMPLATE_DIR = Path(templates_package.__file__).parent
STATIC_DIR = Path(__file__).parent / "static"


def _translations_of(context: Any) -> Any:
    request: Request = context["request"]
    return translations(request.state.language)


@jinja2.pass_context
def _gettext(context: Any, message: str) -> str:
    return str(_translations_of(context).gettext(message))


@jinja2.pass_context
def _ngettext(context: Any, singular: str, plural: str, n: int) -> str:
    return str(_translations_of(context).ngettext(singular, plural, n))


@jinja2.pass_context
def _amount(context: Any, n: float | None, forms: tuple[str, str], decimals: int = 0) -> str:
    """``n`` with a word in the right number: amount(10, ("%(num)s week", "%(num)s weeks"))
    gives "10 veckor", and 1 gives "1 vecka"."""
    if n is None:
        return "–"
    text = _ngettext(context, forms[0], forms[1], plural_count(round(n, decimals)))
    return text % {"num": context["fmt"].number(n, decimals)}


@jinja2.pass_context
def _path_for(context: Any, name: str, /, **params: Any) -> str:
    """A site-relative URL: right behind any reverse proxy, whatever its host name.

    Memoised per app: the route table never changes after create_app, and Starlette's
    lookup walks every route (the layout alone asks for seven paths per page)."""
    app = context["request"].app
    cache: dict[Any, str] = app.state.path_cache
    key = (name, tuple(sorted(params.items()))) if params else name
    path = cache.get(key)
    if path is None:
        path = cache[key] = str(app.url_path_for(name, **params))
    return path


@jinja2.pass_context
def _static_url(context: Any, path: str) -> str:
    """The URL of a static file with a fingerprint of its content (``?v=…``): browsers
    keep static files a day, and a changed file must reach them at once (a fixed script
    is a security fix)."""
    cache: dict[Any, str] = context["request"].app.state.path_cache
    key = ("static", path)
    url = cache.get(key)
    if url is None:
        base = _path_for(context, "static", path=path)
        url = cache[key] = f"{base}?v={_fingerprint(path)}"
    return url


@lru_cache(maxsize=256)
def _fingerprint(path: str) -> str:
    target = (STATIC_DIR / path).resolve()
    if STATIC_DIR.resolve() not in target.parents or not target.is_file():
        return "0"
    return hashlib.sha256(target.read_bytes()).hexdigest()[:12]


class LazyCsrfToken:
    """Asks for the CSRF token only when a template prints it, so pages without a form
    set no cookie and stay cacheable."""

    __slots__ = ("_scope",)

    def __init__(self, scope: Any) -> None:
        self._scope = scope

    def __str__(self) -> str:
        getter = self._scope.get("csrftoken")
        return str(getter()) if getter else ""

    def __html__(self) -> str:
        return str(escape(str(self)))


@lru_cache(maxsize=16)
def formatter(language: str, time_zone: str) -> Formatter:
    return Formatter(language, time_zone)


@jinja2.pass_context
def _slot(context: Any, name: str, /, **values: Any) -> list[dict[str, str]]:
    """The links installed features put into the slot ``name`` of this page, for
    ``values`` (e.g. ``org`` and ``service``): dicts of label, href and style. Empty when
    no installed feature fills the slot, so a page renders without the others."""
    links = context["request"].app.state.slots.get(name, ())
    result = []
    for link in links:
        href = _path_for(context, link.endpoint, **link.params(values))
        query = link.query(values)
        if query:
            href += "?" + urlencode(query)
        result.append({"label": _gettext(context, link.label), "href": href, "style": link.style})
    return result


@jinja2.pass_context
def _can(context: Any, name: str) -> bool:
    """Whether the signed-in person holds the named permission (for some records: the
    view checks the record itself)."""
    permission = context["request"].app.state.permissions[name]  # a typo fails loudly
    return bool(permission.held_by(context.get("current_roles") or frozenset()))


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every environment of the process.

    Compiling is most of the cost of loading a template (about 0.3 s for the 55 pages that
    :func:`warm_templates` loads at every start). A server process builds one app, so it
    compiles each template once anyway; the test suite builds an app for every test, and
    with this cache it compiles each template once per process too. Sharing is safe because
    every environment is made by :func:`build_templates` with the same options (code
    compiled under other options could differ); a bucket is keyed by the template's name
    and file, and its code is used only while the source is unchanged (Jinja compares a
    checksum of the source)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


_BYTECODE_CACHE = _MemoryBytecodeCache()


def build_templates(extra_dirs: Sequence[Path] = ()) -> Jinja2Templates:
    """The page templates: the project's templates/ folder, then each feature's own."""
    env = jinja2.Environment(
        bytecode_cache=_BYTECODE_CACHE,
        loader=jinja2.FileSystemLoader([TEMPLATE_DIR, *extra_dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["path_for"] = _path_for
    env.globals["slot"] = _slot
    env.globals["can"] = _can
    env.globals["amount"] = _amount
    env.globals["static_url"] = _static_url
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["PLOTLY_JS"] = PLOTLY_JS_PATH
    env.filters["todate"] = date.fromisoformat
    env.globals["PLOTLY_MAPLIBRE_CSS_ID"] = PLOTLY_MAPLIBRE_CSS_ID
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    return Jinja2Templates(env=env, context_processors=[_request_context])


def warm_templates(templates: Jinja2Templates) -> int:
    """Load (compile and cache) every page template; returns how many."""
    loader = templates.env.loader
    folders = [Path(p) for p in getattr(loader, "searchpath", [TEMPLATE_DIR])]
    names = [
        str(path.relative_to(folder))
        for folder in folders
        for path in folder.rglob("*.html")
        if not path.name.startswith("_") and "_macros" not in path.parts
    ]
    for name in names:
        templates.env.get_template(name)
    return len(names)


def _today(time_zone: str) -> date:
    return datetime.now(ZoneInfo(time_zone)).date()


def _request_context(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    language: str = request.state.language
    return {
        "lang": language,
        "fmt": formatter(language, settings.time_zone),
        "csp_nonce": request.state.csp_nonce,
        "csrf_token": LazyCsrfToken(request.scope),
        "current_user": getattr(request.state, "user", None),
        "current_org": getattr(request.state, "organisation", None),
        "current_roles": getattr(request.state, "roles", frozenset()),
        "nav": request.app.state.nav,
        "messages": pop_flashes(request),
        "settings": settings,
        # The day in the installation's time zone (a period that ends today is running).
        "today": _today(settings.time_zone),
    }


def flash(request: Request, message: str, category: str = "success", **values: str) -> None:
    """Queue a message (an English msgid, with its %(name)s values) for the next page the
    user sees; it is translated there, in the language of that page."""
    # Reassign rather than mutate: the session middleware saves only on assignment.
    request.session["_flashes"] = [
        *request.session.get("_flashes", []),
        [category, str(message), values],
    ]


def pop_flashes(request: Request) -> list[tuple[str, str, dict[str, str]]]:
    if "session" not in request.scope:
        return []
    return [
        (item[0], item[1], item[2] if len(item) > 2 else {})
        for item in request.session.pop("_flashes", [])
    ]
