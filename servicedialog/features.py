"""How a feature package plugs into the core without the core knowing it.

A feature exposes a :class:`Feature` object and names it in ``pyproject.toml`` under
the entry-point group ``servicedialog.features``. The app factory mounts its routes under
``/<path or name>``, registers its models as a Tortoise app of the same name (with its own
migrations) and adds its navigation entries and CLI commands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from servicedialog.roles import Role

if TYPE_CHECKING:
    import click

ENTRY_POINT_GROUP = "servicedialog.features"


@dataclass(frozen=True)
class NavItem:
    """A navigation link; shown to staff who hold one of ``roles`` (empty: everyone)."""

    label: str  # an English msgid, translated when rendered
    endpoint: str  # a route name for url_for, e.g. "complaints:inbox"
    roles: frozenset[Role] = frozenset()

    def visible_to(self, roles: frozenset[Role]) -> bool:
        return not self.roles or bool(self.roles & roles)


@dataclass(frozen=True)
class Feature:
    name: str  # the Python package's name, also its Tortoise app label
    routes: Sequence[BaseRoute] = ()
    models: str | None = None  # dotted module path of the feature's Tortoise models
    migrations: str | None = None  # dotted package path of its migrations
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

    @property
    def mount(self) -> str:
        return "/" + (self.path or self.name)


def discover() -> list[Feature]:
    """Every installed feature, in a stable order."""
    found = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    for feature in found:
        if not isinstance(feature, Feature):
            raise TypeError(f"entry point {feature!r} is not a servicedialog Feature")
    return sorted(found, key=lambda f: f.name)
