"""Who sees which dashboard. The panels on a dashboard carry their own feature's
permission as well: a view shows only the panels the viewer may see."""

from __future__ import annotations

from servicedialog.permissions import Permission
from servicedialog.roles import Role

# Leadership's overview, its downloads, the management-review report.
OVERVIEW = Permission(
    "dashboards.overview", roles=frozenset({Role.LEADERSHIP, Role.QUALITY_MANAGER})
)
# The quality manager's list of what needs action today.
QUALITY = Permission("dashboards.quality", roles=frozenset({Role.QUALITY_MANAGER}))

ALL = (OVERVIEW, QUALITY)
