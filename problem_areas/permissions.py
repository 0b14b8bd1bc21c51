"""The problem areas' named permissions (see servicedialog.permissions)."""

from __future__ import annotations

from servicedialog.permissions import Permission
from servicedialog.roles import Role

# The list of problem areas feedback is grouped into: add, change, retire.
MANAGE = Permission("problem_areas.manage", roles=frozenset({Role.QUALITY_MANAGER, Role.ADMIN}))


# The review queue: confirm and correct what the model said, and train it.
REVIEW = Permission("problem_areas.review", roles=frozenset({Role.QUALITY_MANAGER, Role.ADMIN}))
# What people write about, in figures: the dashboards' problem-area panels (counts only).
# Leadership reads them beside quality managers and administrators; the texts behind a
# figure stay with REVIEW (the panels link to them only for those who hold it).
READ = Permission(
    "problem_areas.read",
    roles=frozenset({Role.QUALITY_MANAGER, Role.ADMIN, Role.LEADERSHIP}),
)
ALL = (MANAGE, REVIEW, READ)
