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
class Panel:
    """A dashboard panel a feature offers (``dashboards/`` collects them): a metric with
    its query, how to chart it, and where a click leads.

    ``query(organisation, start, end)`` returns rows (dicts) aggregated in SQL; ``chart``
    names the chart kind the dashboards draw (``"line"``, ``"bar"`` …) with ``x`` and ``y``
    the row keys; ``columns`` are the data table's (key, English msgid) pairs; ``drilldown``
    is the route name that lists the records behind a row, with ``drilldown_params``
    mapping a row to its parameters. ``permission`` says who may see it."""

    name: str  # "<feature>.<metric>"
    title: str  # an English msgid
    query: Callable[[Any, Any, Any], Awaitable[list[dict[str, Any]]]]
    chart: str
    x: str
    y: str
    columns: Sequence[tuple[str, str]] = ()
    drilldown: str | None = None
    drilldown_params: Callable[[Mapping[str, Any]], dict[str, Any]] = lambda row: {}
    permission: Permission | None = None


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
