"""The core's own administration pages (organisations, units, users, API keys, outbox,
audit log) as a Feature like any other, mounted at /admin/. It is always part of the app
and not an entry point: it has no models of its own (they are the core's)."""

from __future__ import annotations

from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _
from servicedialog.orgs.permissions import ADMINISTER
from servicedialog.orgs.routes import routes
from servicedialog.permissions import STAFF

feature = Feature(
    name="admin",
    routes=routes,
    staff_nav=(NavItem(_("Administration"), "admin:overview", permission=ADMINISTER),),
    permissions=(STAFF, ADMINISTER),
)
