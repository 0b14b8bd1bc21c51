"""Registers the problem-area list with the core (entry point servicedialog.features)."""

from __future__ import annotations

from typing import Any

from problem_areas.permissions import ALL, MANAGE
from problem_areas.routes import routes
from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _


async def seed_demo(org: Any) -> None:
    from problem_areas.services import seed_demo as seed

    await seed(org)


feature = Feature(
    name="problem_areas",
    permissions=ALL,
    path="problem-areas",
    routes=routes,
    staff_nav=(NavItem(_("Problem areas"), "problem_areas:list", permission=MANAGE),),
    models="problem_areas.models",
    migrations="problem_areas.migrations",
    seed_demo=seed_demo,
    audit_actions={
        "problem_area.created": _("Added a problem area"),
        "problem_area.changed": _("Changed a problem area"),
        "problem_area.retired": _("Retired a problem area"),
    },
    audit_objects={"ProblemArea": (_("Problem area"), "problem_areas:edit")},
)
