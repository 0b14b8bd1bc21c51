"""Quality managers manage services and commitments: drafts, publishing, versions."""

from __future__ import annotations

from bs4 import BeautifulSoup

from commitments.models import Commitment, CommitmentVersion, Service
from servicedialog.roles import Role
from tests.conftest import post_form, run

TERMS = {
    "promise_sv": "Vi svarar inom 3 arbetsdagar.",
    "promise_en": "We answer within 3 working days.",
    "kind": "timeliness",
    "threshold": "3",
    "unit": "working_days",
    "target_percent": "90",
    "period": "month",
    "pause_reasons": "Väntar på svar\nVäntar på yttrande",
}


def make_service(client):
    response = post_form(
        client,
        "/commitments/manage/services",
        {
            "code": "tel",
            "name_sv": "Telefon",
            "name_en": "Phone",
            "eservice_level": "information",
            "channels": ["phone", "web"],
        },
    )
    assert response.status_code == 303, response.text
    return run(client, Service.get, code="TEL")


def test_quality_manager_creates_a_service(client, member, org):
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    assert service.channels == ["phone", "web"]
    duplicate = post_form(
        client,
        "/commitments/manage/services",
        {"code": "TEL", "name_sv": "T", "name_en": "T", "eservice_level": "information"},
    )
    assert duplicate.status_code == 400
    assert "Det finns redan en tjänst med den koden." in duplicate.text


def test_new_commitment_is_a_draft_until_published(client, member, org):
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    response = post_form(client, f"/commitments/manage/services/{service.id}/commitments", TERMS)
    assert response.status_code == 303
    commitment = run(client, Commitment.get, service_id=service.id)
    assert commitment.status == "draft"
    assert "Vi svarar inom 3 arbetsdagar." not in client.get(f"/commitments/{org.slug}/").text
    post_form(
        client, f"/commitments/manage/commitments/{commitment.id}/status", {"status": "published"}
    )
    assert "Vi svarar inom 3 arbetsdagar." in client.get(f"/commitments/{org.slug}/").text
    version = run(client, CommitmentVersion.get, commitment_id=commitment.id)
    assert version.pause_reasons == ["Väntar på svar", "Väntar på yttrande"]
    assert version.target_share == 0.9


def test_changing_the_target_makes_a_new_version_and_no_change_makes_none(client, member, org):
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    post_form(client, f"/commitments/manage/services/{service.id}/commitments", TERMS)
    commitment = run(client, Commitment.get, service_id=service.id)
    url = f"/commitments/manage/commitments/{commitment.id}"
    page = BeautifulSoup(client.get(url).text, "html.parser")
    current = {i["name"]: i.get("value", "") for i in page.select("form input[name]")}
    current.update({t["name"]: t.text for t in page.select("form textarea")})
    current.update(
        {
            s["name"]: s.select_one("option[selected]")["value"]
            for s in page.select("form select")
            if s.select_one("option[selected]")
        }
    )
    current.pop("csrftoken")
    post_form(client, url, current)
    assert run(client, CommitmentVersion.filter(commitment_id=commitment.id).count) == 1
    post_form(client, url, {**current, "threshold": "2"})
    versions = run(
        client,
        CommitmentVersion.filter(commitment_id=commitment.id).order_by("version").values_list,
        "threshold",
        flat=True,
    )
    assert list(versions) == [3, 2]


def test_bad_terms_keep_what_was_typed(client, member, org):
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    response = post_form(
        client,
        f"/commitments/manage/services/{service.id}/commitments",
        {**TERMS, "threshold": "tre", "target_percent": "150"},
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert {a["href"] for a in page.select("#error-summary a")} == {
        "#field-threshold",
        "#field-target_percent",
    }
    assert page.select_one("#field-promise_sv").text == "Vi svarar inom 3 arbetsdagar."
    assert run(client, Commitment.all().count) == 0


def test_a_draft_cannot_jump_to_retired(client, member, org):
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    post_form(client, f"/commitments/manage/services/{service.id}/commitments", TERMS)
    commitment = run(client, Commitment.get, service_id=service.id)
    response = post_form(
        client, f"/commitments/manage/commitments/{commitment.id}/status", {"status": "retired"}
    )
    assert response.status_code == 400


def test_anonymous_catalogue_cache_is_refreshed_when_a_commitment_is_published(client, member, org):
    url = f"/commitments/{org.slug}/"
    assert "Vi svarar inom 3 arbetsdagar." not in client.get(url).text  # now cached
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    post_form(client, f"/commitments/manage/services/{service.id}/commitments", TERMS)
    commitment = run(client, Commitment.get, service_id=service.id)
    post_form(
        client, f"/commitments/manage/commitments/{commitment.id}/status", {"status": "published"}
    )
    post_form(client, "/logout")
    client.get("/")  # shows the sign-out message
    assert "Vi svarar inom 3 arbetsdagar." in client.get(url).text


def test_quality_manager_changes_a_service_but_not_its_code(client, member, org):
    member(Role.QUALITY_MANAGER)
    service = make_service(client)
    page = BeautifulSoup(
        client.get(f"/commitments/manage/services/{service.id}/edit").text, "html.parser"
    )
    assert page.select_one("#field-name_sv")["value"] == "Telefon"
    assert page.select_one("#field-channels-phone").has_attr("checked")
    response = post_form(
        client,
        f"/commitments/manage/services/{service.id}/edit",
        {
            "code": "OTHER",
            "name_sv": "Telefonsupport",
            "name_en": "Phone support",
            "eservice_level": "interaction",
            "channels": ["phone"],
        },
    )
    assert response.status_code == 303
    service = run(client, Service.get, id=service.id)
    assert (service.code, service.name_sv, service.channels) == ("TEL", "Telefonsupport", ["phone"])
    bad = post_form(
        client,
        f"/commitments/manage/services/{service.id}/edit",
        {"name_sv": "", "name_en": "X", "eservice_level": "interaction"},
    )
    assert bad.status_code == 400
    assert BeautifulSoup(bad.text, "html.parser").select_one("#field-name_en")["value"] == "X"
