"""Every route declares who may use it; staff routes refuse anonymous users and wrong roles."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Mount, Route

from servicedialog.app import create_app
from servicedialog.roles import Role
from servicedialog.settings import Settings
from tests.conftest import FEATURES, create_member, create_org, login, post_form, run


def walk(routes, prefix=""):
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            yield from walk(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


ROUTES = list(
    walk(
        create_app(
            Settings(database_url="sqlite://:memory:", secret_key="k" * 40), features=FEATURES
        ).routes
    )
)
PROTECTED = [(path, route) for path, route in ROUTES if hasattr(route.endpoint, "required_roles")]


SAMPLES = {"id": "1", "slug": "exempelkommun", "code": "BYGG", "token": "abc", "word": "json"}


def concrete(path: str) -> str:
    """The path with a value of the right shape for each parameter."""
    return re.sub(r"\{[^}:]+:([a-z]+)\}", lambda m: SAMPLES[m.group(1)], path)


def test_every_route_is_declared_public_or_protected():
    undeclared = [
        path
        for path, route in ROUTES
        if not getattr(route.endpoint, "public", False)
        and not hasattr(route.endpoint, "required_roles")
        and not getattr(route.endpoint, "requires_api_key", False)
    ]
    assert undeclared == []


API_ROUTES = [(p, r) for p, r in ROUTES if getattr(r.endpoint, "requires_api_key", False)]


@pytest.mark.parametrize("path,route", API_ROUTES, ids=[p for p, _ in API_ROUTES])
def test_api_routes_refuse_requests_without_a_valid_key(client, path, route):
    # 401 for our own APIs; a standard API may answer otherwise (Open311: 403, its format).
    status = route.endpoint.refused_status
    for method in sorted(route.methods - {"HEAD"}):
        for headers in ({}, {"Authorization": "Bearer sd_not-a-real-key"}):
            response = client.request(method, concrete(path), headers=headers)
            assert response.status_code == status, (method, path)
            if status == 401:
                assert response.json()["error"] == 401
            else:
                assert str(status) in response.text


def test_there_are_protected_routes_to_check():
    assert len(PROTECTED) >= 10


@pytest.mark.parametrize("path,route", PROTECTED, ids=[p for p, _ in PROTECTED])
def test_anonymous_user_is_sent_to_login(client, path, route):
    for method in sorted(route.methods - {"HEAD"}):
        if method == "GET":
            response = client.get(concrete(path))
        else:
            response = post_form(client, concrete(path), {})
        assert response.status_code == 303, (method, path)
        assert response.headers["location"].startswith("/login?next=")


CASES = [
    (path, route, role)
    for path, route in PROTECTED
    for role in Role
    if getattr(route.endpoint, "requires_superuser", False)
    or role not in route.endpoint.required_roles
]


@pytest.mark.parametrize("path,route,role", CASES, ids=[f"{p}-{r.value}" for p, _, r in CASES])
def test_wrong_role_is_refused(client, path, route, role):
    org = run(client, create_org)
    run(client, create_member, "someone@example.se", org, role)
    login(client, "someone@example.se")
    for method in sorted(route.methods - {"HEAD"}):
        if method == "GET":
            response = client.get(concrete(path))
        else:
            response = post_form(client, concrete(path), {})
        assert response.status_code == 403, (method, path, role)


def test_admin_of_one_organisation_cannot_see_another_organisations_user(client, member):
    member(Role.ADMIN)
    other = run(client, create_org, "annan-kommun")
    stranger = run(client, create_member, "stranger@example.se", other, Role.HANDLER)
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
