"""Registers feedback handling with the core (entry point servicedialog.features)."""

from __future__ import annotations

from typing import Any

from complaints.cli import feedback_group, retention_command
from complaints.permissions import READ, SETTINGS
from complaints.routes import routes
from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _


async def start_panel(request: Any) -> Any:
    from complaints.start import panel

    return await panel(request)


async def seed_demo(org: Any) -> None:
    from complaints.demo import seed

    await seed(org)


feature = Feature(
    name="complaints",
    path="feedback",
    routes=routes,
    organisation_links=(NavItem(_("Give feedback"), "complaints:new"),),
    staff_nav=(
        NavItem(_("Feedback"), "complaints:inbox", READ.any_roles),
        NavItem(_("Feedback settings"), "complaints:settings", SETTINGS.any_roles),
    ),
    models="complaints.models",
    migrations="complaints.migrations",
    commands=(feedback_group, retention_command),
    seed_demo=seed_demo,
    start_panel=start_panel,
)
