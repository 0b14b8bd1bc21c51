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
from servicedialog.roles import ALL_ROLES, Role


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


# Every staff role: the start page, one's own account, switching organisation.
STAFF = Permission("core.staff", roles=ALL_ROLES)


def requires(*permissions: Permission) -> Callable[[Endpoint], Endpoint]:
    """Guard a route: the signed-in user must hold one of ``permissions`` for some records
    (a route with several actions, each its own permission, names them all; the view
    checks the one the request asks for)."""
    decorator = requires_role(*frozenset().union(*(p.any_roles for p in permissions)))

    def wrap(endpoint: Endpoint) -> Endpoint:
        guarded = decorator(endpoint)
        guarded.permissions = permissions  # type: ignore[attr-defined]
        return guarded

    return wrap
