"""Registers feedback handling with the core (entry point servicedialog.features)."""

from __future__ import annotations

from typing import Any

from complaints.cli import feedback_group, retention_command
from complaints.routes import routes
from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _
from servicedialog.roles import Role


async def seed_demo(org: Any) -> None:
    from complaints.demo import seed

    await seed(org)


feature = Feature(
    name="complaints",
    path="feedback",
    routes=routes,
    organisation_links=(NavItem(_("Give feedback"), "complaints:new"),),
    staff_nav=(
        NavItem(
            _("Feedback"),
            "complaints:inbox",
            frozenset(
                {
                    Role.HANDLER,
                    Role.CONTACT_CENTRE,
                    Role.QUALITY_MANAGER,
                    Role.ADMIN,
                    Role.LEADERSHIP,
                }
            ),
        ),
    ),
    models="complaints.models",
    migrations="complaints.migrations",
    commands=(feedback_group, retention_command),
    seed_demo=seed_demo,
)
