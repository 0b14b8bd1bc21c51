"""The JSON API: API keys, catalogue, case data, fulfilment, and its OpenAPI description."""

from __future__ import annotations

from bs4 import BeautifulSoup
from click.testing import CliRunner
from openapi_spec_validator import validate

from commitments.models import CaseRecord
from servicedialog.apikeys import create_key
from servicedialog.cli import main
from servicedialog.roles import Role
from tests.commitments.test_recompute import CATALOGUE
from tests.conftest import post_form, run


def key_for(client, org):
    _record, key = run(client, create_key, org, "test system")
    return {"Authorization": f"Bearer {key}"}


def test_openapi_document_is_valid_and_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    assert {"/commitments/catalogue", "/commitments/cases", "/commitments/fulfilment"} <= set(
        spec["paths"]
    )


def test_catalogue_put_and_get(client, org):
    headers = key_for(client, org)
    response = client.put("/api/v1/commitments/catalogue", json=CATALOGUE, headers=headers)
    assert response.status_code == 200
    assert response.json()["versions_created"] == 1
    again = client.put("/api/v1/commitments/catalogue", json=CATALOGUE, headers=headers)
    assert again.json() == {
        "services_created": 0,
        "services_updated": 0,
        "commitments_created": 0,
        "versions_created": 0,
    }
    exported = client.get("/api/v1/commitments/catalogue", headers=headers).json()
    assert exported["services"][0]["code"] == "EPOST"


def test_bad_catalogue_is_a_400_naming_the_place(client, org):
    headers = key_for(client, org)
    response = client.put("/api/v1/commitments/catalogue", json={"services": [{}]}, headers=headers)
    assert response.status_code == 400
    assert "services[0].code" in response.json()["detail"]
    response = client.put("/api/v1/commitments/catalogue", content=b"{nope", headers=headers)
    assert response.status_code == 400


def test_cases_are_imported_and_rejections_explained(client, org):
    headers = key_for(client, org)
    client.put("/api/v1/commitments/catalogue", json=CATALOGUE, headers=headers)
    response = client.post(
        "/api/v1/commitments/cases",
        headers=headers,
        json={
            "cases": [
                {
                    "service_code": "EPOST",
                    "case_ref": "A1",
                    "received_at": "2026-03-02T09:00:00",
                    "completed_at": "2026-03-03T09:00:00",
                    "pauses": [["2026-03-02", "2026-03-02"]],
                },
                {"service_code": "NOPE", "case_ref": "A2", "received_at": "2026-03-02"},
                {"service_code": "EPOST", "case_ref": "A3", "received_at": "2026-03-02"},
            ]
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "imported": 2,
        "rejected": [{"index": 1, "reason": "unknown service_code NOPE"}],
    }
    assert run(client, CaseRecord.all().count) == 2
    rows = client.get("/api/v1/commitments/fulfilment", headers=headers).json()
    assert rows[0]["total_volume"] >= 1


def test_cases_body_must_be_an_object_with_a_list(client, org):
    headers = key_for(client, org)
    response = client.post("/api/v1/commitments/cases", json=[1, 2], headers=headers)
    assert response.status_code == 400


def test_a_key_only_reaches_its_own_organisation(client, org):
    from tests.conftest import create_org

    other = run(client, create_org, "annan")
    client.put("/api/v1/commitments/catalogue", json=CATALOGUE, headers=key_for(client, org))
    exported = client.get("/api/v1/commitments/catalogue", headers=key_for(client, other)).json()
    assert exported == {"services": []}


def test_admin_creates_shows_once_and_revokes_a_key(client, member, org):
    member(Role.ADMIN)
    response = post_form(client, "/admin/api-keys", {"name": "Ärendesystemet"})
    assert response.status_code == 200
    key = BeautifulSoup(response.text, "html.parser").select_one("code.secret").text
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/commitments/fulfilment", headers=headers).status_code == 200
    listing = client.get("/admin/api-keys").text
    assert key not in listing and key[:10] in listing
    form = BeautifulSoup(listing, "html.parser").select_one("form[action$=revoke]")
    post_form(client, form["action"])
    assert client.get("/api/v1/commitments/fulfilment", headers=headers).status_code == 401


def test_api_key_from_the_command_line(tmp_path, monkeypatch, client, org, settings):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)
    result = CliRunner().invoke(main, ["api-keys", "create", "--org", org.slug, "--name", "x"])
    assert result.exit_code == 0, result.output
    key = result.output.split(": ", 1)[1].split()[0]
    response = client.get(
        "/api/v1/commitments/fulfilment", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
