"""Which panels a view shows to whom, and their rows.

The panels come from the installed features (``Feature.panels``): the dashboards know no
feature's models. A panel is shown when the view is among its ``views`` and the viewer's
roles hold its ``permission``; its rows come from its own query, in SQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from servicedialog.features import PANEL_SECTIONS, PUBLIC_MIN_CASES, Feature, Panel, PanelScope
from servicedialog.roles import Role


def panels_for(
    features: Iterable[Feature], view: str, roles: frozenset[Role] | None
) -> list[Panel]:
    """The panels of ``view`` that ``roles`` may see (None: the public, who see only
    panels without a permission), by section and order."""
    found = [
        panel
        for feature in features
        for panel in feature.panels
        if view in panel.views
        and (
            (roles is None and panel.permission is None)
            or (roles is not None and (panel.permission is None or panel.permission.held_by(roles)))
        )
    ]
    return sorted(found, key=lambda p: (_section_index(p.section), p.order, p.name))


def _section_index(section: str) -> int:
    return PANEL_SECTIONS.index(section) if section in PANEL_SECTIONS else len(PANEL_SECTIONS)


@dataclass(frozen=True)
class Result:
    panel: Panel
    rows: list[dict[str, Any]]
    seconds: float  # the query's own time (the benchmark compares the page with it)


async def run(
    panels: Sequence[Panel], scope: PanelScope, cache: Any = None, seconds: float = 0.0
) -> list[Result]:
    """Each panel's rows, one query after the other (one database connection per worker
    on SQLite: running them together would not make them faster).

    With a ``cache`` (the app's TTLCache) and ``seconds`` > 0 a panel's rows for the same
    scope are kept that long in the worker: the figures come from period tables that are
    brought up to date once a minute, so a leadership team opening the page together costs
    the database one set of queries. The rows hold no links: those are made per viewer."""
    results = []
    for panel in panels:
        began = time.perf_counter()
        if cache is not None and seconds > 0:
            rows = await cache.get_or_set(_key(panel, scope), seconds, _loader(panel, scope))
        else:
            rows = await _rows(panel, scope)
        results.append(Result(panel, rows, time.perf_counter() - began))
    return results


async def _rows(panel: Panel, scope: PanelScope) -> list[dict[str, Any]]:
    rows = await panel.query(scope)
    if scope.public:
        rows = [suppress_small(panel, row) for row in rows]
    return rows


def _loader(panel: Panel, scope: PanelScope) -> Any:
    async def load() -> list[dict[str, Any]]:
        return await _rows(panel, scope)

    return load


def _key(panel: Panel, scope: PanelScope) -> str:
    return (
        f"dashboards:rows:{scope.organisation.id}:{panel.name}:{scope.start}:{scope.end}:"
        f"{scope.unit_id}:{scope.service_id}:{scope.channel}:{scope.language}:{scope.public}:"
        f"{scope.today}"
    )


def suppress_small(panel: Panel, row: dict[str, Any]) -> dict[str, Any]:
    """A public row's figures blanked when they rest on fewer than PUBLIC_MIN_CASES cases
    (its counts of cases too: a count of 3 tells as much as a share of 3)."""
    if panel.min_cases is None:
        return row
    cases = row.get(panel.min_cases)
    if cases is None or cases >= PUBLIC_MIN_CASES:
        return row
    keep = {panel.x, panel.group or panel.x}
    return {
        key: (
            value
            if key in keep or not isinstance(value, int | float) or isinstance(value, bool)
            else None
        )
        for key, value in row.items()
    } | {"suppressed": True}


def find(features: Iterable[Feature], name: str) -> Panel | None:
    return next((p for f in features for p in f.panels if p.name == name), None)
