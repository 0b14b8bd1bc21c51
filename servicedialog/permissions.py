"""Named permissions: what a role may do, declared once per feature and checked by name.

A :class:`Permission` lists the roles that hold it in the whole organisation and the roles
that hold it only for the records in their *scope* (a handler: the records of their unit,
and those assigned to them). Routes are guarded with :func:`requires`, which lets through
every role that holds the permission at all; the view then asks the feature's access
object whether it holds it for the record at hand (see ``complaints/permissions.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from servicedialog.auth import Endpoint, requires_role
from servicedialog.roles import Role


@dataclass(frozen=True)
class Permission:
    name: str  # "<feature>.<verb>", e.g. "complaints.handle"
    roles: frozenset[Role] = frozenset()  # hold it for every record of the organisation
    scoped: frozenset[Role] = frozenset()  # hold it for the records in their scope only

    @property
    def any_roles(self) -> frozenset[Role]:
        return self.roles | self.scoped

    def held_by(self, roles: frozenset[Role]) -> bool:
        """Whether ``roles`` give this permission for at least some records."""
        return bool(self.any_roles & roles)


def requires(permission: Permission) -> Callable[[Endpoint], Endpoint]:
    """Guard a route: the signed-in user must hold ``permission`` for some records."""
    decorator = requires_role(*permission.any_roles)

    def wrap(endpoint: Endpoint) -> Endpoint:
        guarded = decorator(endpoint)
        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded

    return wrap
