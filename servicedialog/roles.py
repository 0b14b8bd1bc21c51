"""The staff roles, in one place. A membership gives a user one role in one organisation."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_MANAGER = "quality_manager"
    HANDLER = "handler"
    CONTACT_CENTRE = "contact_centre"
    LEADERSHIP = "leadership"


# English msgids; templates translate them with gettext.
ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.QUALITY_MANAGER: "Quality manager",
    Role.HANDLER: "Handler",
    Role.CONTACT_CENTRE: "Contact centre",
    Role.LEADERSHIP: "Leadership",
}

ALL_ROLES = frozenset(Role)
