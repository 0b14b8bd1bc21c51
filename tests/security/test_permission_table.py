"""Who may use each staff route, written out here as a table rather than read from the
code: the named permission each route requires, the roles that hold each permission, and
over HTTP, in both directions, every role against every route (refused: 403; let through:
anything else). Records of another unit and another organisation: test_feedback_access.py
and test_route_access.py."""

from __future__ import annotations

import pytest

from servicedialog.roles import Role
from tests.conftest import create_member, login, post_form, run
from tests.core.test_permissions import PROTECTED, concrete

A, QM, H, CC, L = "admin", "quality_manager", "handler", "contact_centre", "leadership"
EVERYONE = {A, QM, H, CC, L}

# permission: (roles holding it for every record, roles holding it for their scope only)
PERMISSION_ROLES = {
    "core.staff": (EVERYONE, set()),
    "core.administer": ({A}, set()),
    "commitments.view": ({QM, A, H, L}, set()),
    "commitments.manage": ({QM, A}, set()),
    "problem_areas.manage": ({QM, A}, set()),
    "problem_areas.review": ({QM, A}, set()),
    "problem_areas.read": ({QM, A, L}, set()),
    "complaints.read": ({QM, CC, L}, {H}),
    "complaints.register": ({CC, H}, set()),
    "complaints.export": ({QM, L}, {H}),
    "complaints.templates": ({QM, A}, set()),
    "complaints.settings": ({A}, set()),
    "complaints.handle": (set(), {H}),
    "complaints.route": ({QM}, {H}),
    "complaints.disclose": ({QM}, {H}),
    "complaints.content": (set(), {H}),
    "dashboards.overview": ({QM, L}, set()),
    "dashboards.quality": ({QM}, set()),
    "dashboards.mail": ({QM, A}, set()),
}

ADMIN = "core.administer"
CM, CV = "commitments.manage", "commitments.view"
ROUTE_PERMISSIONS = {
    "/staff/": ["core.staff"],
    "/staff/organisation": ["core.staff"],
    "/account/": ["core.staff"],
    "/account/password": ["core.staff"],
    "/admin/": [ADMIN],
    "/admin/organisation": [ADMIN],
    "/admin/units": [ADMIN],
    "/admin/units/{id:id}": [ADMIN],
    "/admin/users": [ADMIN],
    "/admin/users/new": [ADMIN],
    "/admin/users/{id:id}": [ADMIN],
    "/admin/users/{id:id}/remove": [ADMIN],
    "/admin/audit": [ADMIN],
    "/admin/api-keys": [ADMIN],
    "/admin/api-keys/{id:id}/revoke": [ADMIN],
    "/admin/outbox": [ADMIN],
    "/admin/outbox/{id:id}": [ADMIN],
    "/admin/outbox/{id:id}/send-again": [ADMIN],
    "/commitments/manage/": [CV],
    "/commitments/manage/at-risk": [CV],
    "/commitments/manage/closed-days": [CM],
    "/commitments/manage/closed-days/{id:id}/delete": [CM],
    "/commitments/manage/services": [CM],
    "/commitments/manage/services/{id:id}": [CM],
    "/commitments/manage/services/{id:id}/edit": [CM],
    "/commitments/manage/services/{id:id}/commitments": [CM],
    "/commitments/manage/commitments/{id:id}": [CM],
    "/commitments/manage/commitments/{id:id}/status": [CM],
    "/commitments/manage/upload": [CM],
    "/commitments/manage/upload/confirm": [CM],
    "/problem-areas/manage/": ["problem_areas.manage"],
    "/problem-areas/manage/{id:id}": ["problem_areas.manage"],
    "/problem-areas/manage/{id:id}/active": ["problem_areas.manage"],
    "/problem-areas/manage/{id:id}/merge": ["problem_areas.manage"],
    "/problem-areas/manage/{id:id}/split": ["problem_areas.manage"],
    "/problem-areas/discovery/": ["problem_areas.manage"],
    "/problem-areas/discovery/run": ["problem_areas.manage"],
    "/problem-areas/discovery/{id:id}/accept": ["problem_areas.manage"],
    "/problem-areas/discovery/{id:id}/dismiss": ["problem_areas.manage"],
    "/problem-areas/review/": ["problem_areas.review"],
    "/problem-areas/model/": ["problem_areas.review"],
    "/problem-areas/model/train": ["problem_areas.review"],
    "/problem-areas/emerging/": ["problem_areas.review"],
    "/problem-areas/texts/": ["problem_areas.review"],
    "/feedback/manage/": ["complaints.read"],
    "/feedback/manage/register": ["complaints.register"],
    "/feedback/manage/export.csv": ["complaints.export"],
    "/feedback/manage/templates": ["complaints.templates"],
    "/feedback/manage/settings": ["complaints.settings"],
    "/feedback/manage/templates/{id:id}/delete": ["complaints.templates"],
    "/feedback/manage/{id:id}": ["complaints.read"],
    "/feedback/manage/{id:id}/{action:word}": [
        "complaints.handle",
        "complaints.route",
        "complaints.disclose",
    ],
    "/feedback/manage/attachments/{id:id}": ["complaints.read"],
    "/dashboards/manage/": ["dashboards.overview"],
    "/dashboards/manage/report": ["dashboards.overview"],
    "/dashboards/manage/report.{format:word}": ["dashboards.overview"],
    "/dashboards/manage/panel/{feature:word}/{metric:word}.{format:word}": [
        "dashboards.overview"
    ],
    "/dashboards/quality/": ["dashboards.quality"],
}
SUPERUSER_ONLY = {"/admin/organisations"}


def allowed_roles(path: str) -> set[str]:
    return set().union(*(set().union(*PERMISSION_ROLES[p]) for p in ROUTE_PERMISSIONS[path]))


def declared(route):
    return getattr(route.endpoint, "permissions", None)


def test_every_staff_route_requires_the_permission_in_the_table():
    found = {
        path: [p.name for p in declared(route)] for path, route in PROTECTED if declared(route)
    }
    assert found == ROUTE_PERMISSIONS
    assert {path for path, route in PROTECTED if not declared(route)} == SUPERUSER_ONLY


def test_every_permission_is_held_by_the_roles_in_the_table(app):
    permissions = app.state.permissions
    in_code = {
        name: ({r.value for r in p.roles}, {r.value for r in p.scoped})
        for name, p in permissions.items()
    }
    assert in_code == PERMISSION_ROLES


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_or_let_through_as_the_table_says(client, world, role):
    """Routes without an id (those with one are in the object-level tests)."""
    run(client, create_member, "me@example.se", world.org, role, unit=world.bygg)
    login(client, "me@example.se")
    wrong = []
    for path, route in PROTECTED:
        if "{id:id}" in path or path in SUPERUSER_ONLY:
            continue
        expected_refused = role.value not in allowed_roles(path)
        for method in sorted(route.methods - {"HEAD"}):
            if method == "GET":
                response = client.get(concrete(path))
            else:
                response = post_form(client, concrete(path), {"body": "x", "name_sv": "x"})
            if (response.status_code == 403) != expected_refused:
                wrong.append((method, path, response.status_code))
    assert wrong == []
