"""How a feature package plugs into the core without the core knowing it.

A feature exposes a :class:`Feature` object and names it in ``pyproject.toml`` under
the entry-point group ``servicedialog.features``. The app factory mounts its routes under
``/<path or name>``, registers its models as a Tortoise app of the same name (with its own
migrations) and adds its navigation entries, CLI commands, templates, static files,
settings, lifespan work, permissions, dashboard panels and slot links. ``docs/development.md``
walks through adding one.

Features name the features they build on in ``requires``; :func:`ordered` puts those first
and refuses a set where one is missing, so the app does not start half-wired. A link from
one feature's page to another feature goes through a *slot* the page declares (for example
``"service.actions"``): the page renders whatever links installed features put there, and
nothing when none is installed.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from servicedialog.roles import Role

if TYPE_CHECKING:
    import click

    from servicedialog.jobs import Job
    from servicedialog.permissions import Permission

ENTRY_POINT_GROUP = "servicedialog.features"


class FeatureError(RuntimeError):
    """The installed features do not fit together (a missing dependency, a name twice)."""


@dataclass(frozen=True)
class NavItem:
    """A navigation link; shown to staff who hold ``permission`` (or one of ``roles``;
    neither: everyone)."""

    label: str  # an English msgid, translated when rendered
    endpoint: str  # a route name for url_for, e.g. "complaints:inbox"
    roles: frozenset[Role] = frozenset()
    permission: Permission | None = None

    def visible_to(self, roles: frozenset[Role]) -> bool:
        if self.permission is not None:
            return self.permission.held_by(roles)
        return not self.roles or bool(self.roles & roles)


@dataclass(frozen=True)
class SlotLink:
    """A link a feature puts into another feature's slot. ``params`` and ``query`` get the
    slot's context (e.g. ``org`` and ``service``) and give the path and query parameters."""

    label: str  # an English msgid
    endpoint: str
    params: Callable[[Mapping[str, Any]], dict[str, Any]] = lambda context: {}
    query: Callable[[Mapping[str, Any]], dict[str, Any]] = lambda context: {}
    style: str = ""  # "button" for a call to action


@dataclass(frozen=True)
class PanelScope:
    """What a dashboard asks a panel for: one organisation, a period of its local dates
    (both ends included) and the viewer's filters. A panel honours the filters it names
    in ``Panel.filters`` and ignores the others (the page says which)."""

    organisation: Any  # servicedialog.models.Organisation
    start: date
    end: date
    unit_id: int | None = None
    service_id: int | None = None
    channel: str | None = None
    language: str = "sv"
    # The public statistics page: no personal data, and figures resting on fewer than
    # PUBLIC_MIN_CASES cases are not shown.
    public: bool = False
    today: date | None = None  # the organisation's today (periods "this month" end here)


# Sweden's Insikt survey shows no figure resting on fewer than seven answers; our public
# statistics follow it.
PUBLIC_MIN_CASES = 7

PANEL_VIEWS = frozenset({"manage", "quality", "public"})
PANEL_SECTIONS = ("commitments", "feedback", "problem_areas", "channels", "improvement")
PANEL_CHARTS = frozenset({"line", "bar", "stacked", "multiples", "number", "table"})


@dataclass(frozen=True)
class Panel:
    """A dashboard panel a feature offers (``dashboards/`` collects and draws them): a
    metric, its query, how to chart it and where a click leads.

    ``query(scope)`` returns rows (dicts) aggregated in SQL or read from the feature's
    precomputed period tables, never by loading records into Python. ``x`` and ``y`` are
    row keys (``y``: one key per line, bar series or stacked part); a key ``"name"``
    shows ``name_sv``/``name_en`` by the reader's language when the rows carry those.
    Time series give ``x`` as a ``date`` (the period's first day) or a ``"YYYY-MM"``
    string. ``columns`` are the data table's and the downloads' (key, English msgid)
    pairs, so the table and the CSV hold exactly what the chart shows.

    Chart kinds: ``line`` (over periods; ``band`` a (low, high) interval around the first
    line, ``target`` a dashed target line, ``marker`` a key that is true where a change
    from the previous period is significant), ``bar`` (categories, horizontal),
    ``stacked`` (periods, the ``y`` parts stacked), ``multiples`` (one small line chart
    per value of ``group``, each with band, target and marker as for ``line``), ``number``
    (the first row's ``y`` as a headline figure, ``x`` its comparison) and ``table``.

    ``link(request, row, scope)`` gives the URL of the list of records behind a row (the
    list applies the viewer's personal-data rules), or None. ``min_cases`` names the row
    key holding the number of cases a row's figures rest on: on public pages a row with
    fewer than PUBLIC_MIN_CASES has its figures blanked."""

    name: str  # "<feature>.<metric>"
    title: str  # an English msgid
    query: Callable[[PanelScope], Awaitable[list[dict[str, Any]]]]
    chart: str
    x: str
    y: Sequence[str]
    columns: Sequence[tuple[str, str]] = ()
    section: str = "feedback"  # one of PANEL_SECTIONS: where the overview puts it
    views: frozenset[str] = frozenset({"manage"})  # of PANEL_VIEWS
    description: str = ""  # an English msgid: what is counted, and how
    unit: str = ""  # "%": shares from 0 to 100; "": counts
    group: str | None = None
    band: tuple[str, str] | None = None
    target: str | None = None
    marker: str | None = None
    filters: frozenset[str] = frozenset()  # of {"unit", "service", "channel"}
    link: Callable[[Any, Mapping[str, Any], PanelScope], str | None] | None = None
    min_cases: str | None = None
    permission: Permission | None = None  # who may see it (None: every staff role)
    order: int = 100  # within its section
    # Sentences for the report's and the digest's summary of what changed and what was
    # flagged: (rows, language) -> sentences in that language. Without it, the dashboards
    # say what they can from the chart kind (a headline figure, significant changes).
    summary: Callable[[list[dict[str, Any]], str], list[str]] | None = None


Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class Feature:
    name: str  # the Python package's name, also its Tortoise app label
    routes: Sequence[BaseRoute] = ()
    models: str | None = None  # dotted module path of the feature's Tortoise models
    migrations: str | None = None  # dotted package path of its migrations
    # The features this one builds on (their names): started first, required installed.
    requires: Sequence[str] = ()
    public_nav: Sequence[NavItem] = ()
    staff_nav: Sequence[NavItem] = ()
    # Public links shown on each organisation's card; the endpoint takes an `org` slug.
    organisation_links: Sequence[NavItem] = ()
    commands: Sequence[click.Command] = field(default_factory=tuple)
    # JSON API, mounted under /api/v1/<name>/, and its OpenAPI path items (keys relative to
    # that mount, e.g. "/services").
    api_routes: Sequence[BaseRoute] = ()
    openapi_paths: dict[str, Any] = field(default_factory=dict)
    # Called by `servicedialog demo` with each demo organisation, after the core's seed.
    seed_demo: Callable[[Any], Awaitable[None]] | None = None
    # The URL prefix, when it should differ from the name (e.g. "feedback" for complaints).
    path: str = ""
    # Path segments the feature uses beside organisation slugs under its mount (e.g.
    # "manage" in /commitments/manage/): no organisation may take them as its slug.
    reserved_segments: Sequence[str] = ()
    # The routes are a machine API of their own (e.g. Open311) that authenticates with API
    # keys, never with the session cookie: exempt from the CSRF check, like /api/.
    csrf_exempt: bool = False
    # The feature's audit log actions in words (code: English msgid), and the records its
    # events name (model name: (what it is, the route that shows it by ``id``, or None)).
    audit_actions: dict[str, str] = field(default_factory=dict)
    audit_objects: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # A panel for the staff start page: (template, context) for the signed-in person, or
    # None when the feature has nothing for their roles. The page includes the template
    # with the context as ``panel``.
    start_panel: Callable[[Any], Awaitable[tuple[str, dict[str, Any]] | None]] | None = None
    start_order: int = 100  # panels are shown in this order (the most urgent work first)
    # Error answers under the feature's mount in its own format (a standard's error
    # document): (request, status, description) -> response. Default: the HTML pages.
    error_response: Callable[[Any, int, str], Any] | None = None
    # The feature's named permissions (servicedialog.permissions), listed for the docs,
    # the permission tests and `can()` in templates.
    permissions: Sequence[Permission] = ()
    # Startup and shutdown work, entered after the database is up: ``lifespan(app)`` is an
    # async context manager (the classifier loads its model there).
    lifespan: Lifespan | None = None
    # A folder of the feature's own templates (searched after the core's) and of its
    # static files (served under /static/<name>/).
    templates: Path | None = None
    static: Path | None = None
    # A typed settings section: a dataclass whose fields are read from the environment as
    # <NAME>_<FIELD> (e.g. INSIGHT_MIN_TEXTS); app.state.feature_settings[name] holds it.
    settings: type | None = None
    # Dashboard panels the feature offers.
    panels: Sequence[Panel] = ()
    # Brings the feature's precomputed period tables (the dashboards read them) up to date:
    # ``statistics(organisation, full)``; full=True rebuilds them from the records. Called
    # by the job ``dashboards.refresh`` and by ``servicedialog dashboards refresh``.
    statistics: Callable[[Any, bool], Awaitable[None]] | None = None
    # The choices of a dashboard filter the feature owns ("service", "channel"):
    # filter name -> (organisation, language) -> [(value, label in that language)].
    dashboard_filters: Mapping[str, Callable[[Any, str], Awaitable[list[tuple[str, str]]]]] = field(
        default_factory=dict
    )
    # Links this feature puts into other features' slots: slot name -> links.
    slots: Mapping[str, Sequence[SlotLink]] = field(default_factory=dict)
    # Scheduled work (servicedialog.jobs.Job), run by `servicedialog jobs run`.
    jobs: Sequence[Job] = ()

    @property
    def mount(self) -> str:
        return "/" + (self.path or self.name)


def ordered(features: Iterable[Feature]) -> list[Feature]:
    """The features with each one after those it ``requires`` (otherwise by name); a
    missing requirement, a cycle or a name, mount or command used twice is a FeatureError."""
    by_name: dict[str, Feature] = {}
    for feature in sorted(features, key=lambda f: f.name):
        if feature.name in by_name:
            raise FeatureError(f"two features are named {feature.name!r}")
        by_name[feature.name] = feature
    result: list[Feature] = []
    visiting: set[str] = set()

    def visit(feature: Feature) -> None:
        if feature in result:
            return
        if feature.name in visiting:
            raise FeatureError(f"features require each other in a circle: {feature.name!r}")
        visiting.add(feature.name)
        for name in feature.requires:
            if name not in by_name:
                raise FeatureError(
                    f"feature {feature.name!r} requires {name!r}, which is not installed"
                )
            visit(by_name[name])
        visiting.discard(feature.name)
        result.append(feature)

    for feature in by_name.values():
        visit(feature)
    _check_unique("mount path", [f.mount for f in result])
    _check_unique("command", [command.name or "" for f in result for command in f.commands])
    return result


def _check_unique(what: str, names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FeatureError(f"two features declare the {what} {name!r}")
        seen.add(name)


def discover() -> list[Feature]:
    """Every installed feature, dependencies first."""
    return ordered(_installed())


@cache
def _installed() -> tuple[Feature, ...]:
    found = tuple(ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP))
    for feature in found:
        if not isinstance(feature, Feature):
            raise TypeError(f"entry point {feature!r} is not a servicedialog Feature")
    return found


def load_feature_settings(feature: Feature, environ: Mapping[str, str] | None = None) -> Any:
    """The feature's settings dataclass filled from ``<NAME>_<FIELD>`` environment
    variables (defaults otherwise); None when the feature has no settings."""
    if feature.settings is None:
        return None
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(feature.settings):
        key = f"{feature.name}_{spec.name}".upper()
        if key not in environ:
            continue
        raw = environ[key]
        kind = spec.type if isinstance(spec.type, type) else _BUILTINS.get(str(spec.type), str)
        try:
            values[spec.name] = _convert(kind, raw)
        except ValueError as error:
            raise FeatureError(f"{key}: {error}") from error
    return feature.settings(**values)


_BUILTINS: dict[str, type] = {"int": int, "float": float, "bool": bool, "str": str}


def _convert(kind: type, raw: str) -> Any:
    if kind is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"not a yes/no value: {raw!r}")
    return kind(raw)
