"""A record of another organisation is never found by its id (404), whoever asks, on
every staff route with an id; the superuser's pages let the installation admin through.
Who gets through each route by role: test_permission_table.py."""

from __future__ import annotations

import pytest

from servicedialog.roles import Role
from tests.conftest import create_member, login, post_form, run
from tests.core.test_permissions import PROTECTED

# The kind of object each id in a staff path names (a test fails for a path not listed).
ID_KINDS = {
    "/admin/units/{id:id}": "unit",
    "/admin/users/{id:id}": "user",
    "/admin/users/{id:id}/remove": "user",
    "/admin/api-keys/{id:id}/revoke": "api_key",
    "/admin/outbox/{id:id}": "outbox",
    "/admin/outbox/{id:id}/send-again": "outbox",
    "/commitments/manage/closed-days/{id:id}/delete": "closed_day",
    "/commitments/manage/services/{id:id}": "service",
    "/commitments/manage/services/{id:id}/edit": "service",
    "/commitments/manage/services/{id:id}/commitments": "service",
    "/commitments/manage/commitments/{id:id}": "commitment",
    "/commitments/manage/commitments/{id:id}/status": "commitment",
    "/feedback/manage/templates/{id:id}/delete": "template",
    "/feedback/manage/{id:id}": "feedback",
    "/feedback/manage/{id:id}/{action:word}": "feedback",
    "/feedback/manage/attachments/{id:id}": "attachment",
    "/problem-areas/manage/{id:id}": "problem_area",
    "/problem-areas/manage/{id:id}/active": "problem_area",
    "/problem-areas/manage/{id:id}/merge": "problem_area",
    "/problem-areas/manage/{id:id}/split": "problem_area",
    "/problem-areas/discovery/{id:id}/accept": "candidate",
    "/problem-areas/discovery/{id:id}/dismiss": "candidate",
}
WITH_ID = [(p, r) for p, r in PROTECTED if "{id:id}" in p]
ACTIONS = ["assign", "reply", "secrecy"]


def test_every_path_with_an_id_names_its_kind():
    assert {p for p, _ in WITH_ID} == set(ID_KINDS)


def _call(client, method, path):
    if method == "GET":
        return client.get(path)
    return post_form(client, path, {"body": "x", "name_sv": "x", "status": "published"})


def _paths(path, object_id):
    base = path.replace("{id:id}", str(object_id))
    if "{action:word}" in base:
        return [base.replace("{action:word}", action) for action in ACTIONS]
    return [base]


@pytest.mark.parametrize("role", list(Role))
def test_another_organisations_records_are_not_found_by_id(client, world, role):
    run(client, create_member, "both@example.se", world.org, role, superuser=False)
    login(client, "both@example.se")
    leaks = []
    for path, route in WITH_ID:
        if role not in route.endpoint.required_roles:
            continue
        object_id = world.foreign[ID_KINDS[path]]
        for method in sorted(route.methods - {"HEAD"}):
            for url in _paths(path, object_id):
                status = _call(client, method, url).status_code
                if status not in (403, 404):
                    leaks.append((method, url, status))
    assert leaks == [], leaks


def test_superuser_routes_let_the_installation_administrator_through(client, world):
    run(client, create_member, "root@example.se", world.org, Role.ADMIN, superuser=True)
    login(client, "root@example.se")
    assert client.get("/admin/organisations").status_code == 200
