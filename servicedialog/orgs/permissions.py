"""The core's named permissions for administration (see servicedialog.permissions)."""

from __future__ import annotations

from servicedialog.permissions import Permission
from servicedialog.roles import Role

# Units, users and memberships, settings, API keys, the outbox and the audit log of the
# administrator's organisation. The installation's superuser manages organisations.
ADMINISTER = Permission("core.administer", roles=frozenset({Role.ADMIN}))
