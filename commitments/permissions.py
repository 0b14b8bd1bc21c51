"""The commitments feature's named permissions (see servicedialog.permissions)."""

from __future__ import annotations

from servicedialog.permissions import Permission
from servicedialog.roles import Role

QM = Role.QUALITY_MANAGER
# The catalogue, commitments and their terms, case data, closed days.
MANAGE = Permission("commitments.manage", roles=frozenset({QM, Role.ADMIN}))
# The staff pages that show how commitments are kept (reports, cases at risk).
VIEW = Permission(
    "commitments.view", roles=frozenset({QM, Role.ADMIN, Role.HANDLER, Role.LEADERSHIP})
)

ALL = (MANAGE, VIEW)
