"""The staff roles, in one place. A membership gives a user one role in one organisation."""

from __future__ import annotations

from enum import StrEnum

from servicedialog.i18n import lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_MANAGER = "quality_manager"
    HANDLER = "handler"
    CONTACT_CENTRE = "contact_centre"
    LEADERSHIP = "leadership"


# English msgids, marked for extraction; templates translate them with gettext.
ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: _("Administrator"),
    Role.QUALITY_MANAGER: _("Quality manager"),
    Role.HANDLER: _("Handler"),
    Role.CONTACT_CENTRE: _("Contact centre"),
    Role.LEADERSHIP: _("Leadership"),
}

ALL_ROLES = frozenset(Role)
