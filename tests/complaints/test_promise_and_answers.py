"""The promise a complaint names is shown wherever the complaint is (tracking page, case
page, inbox, export, Open311), with its deadline for the case where it is known; the form
asks for it for complaints only and offers the chosen service's promises. Replying takes an
unassigned case, and a reply can be the answer."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from commitments.services import import_catalogue
from complaints import services
from complaints.models import Feedback
from servicedialog.roles import Role
from tests.conftest import csrf_token, post_form, run

PROMISE = "Du får beslut om bygglov inom 10 veckor."
CATALOGUE = {
    "services": [
        {
            "code": "BYGG",
            "name": {"sv": "Bygglov", "en": "Building permits"},
            "unit": "bygg",
            "commitments": [
                {
                    "key": "beslut",
                    "promise": {"sv": PROMISE, "en": "A decision within 10 weeks."},
                    "unit": "weeks",
                    "threshold": 10,
                    "target_share": 0.9,
                    "period": "month",
                }
            ],
        },
        {
            "code": "LIVS",
            "name": {"sv": "Livsmedelskontroll", "en": "Food control"},
            "commitments": [
                {
                    "key": "besok",
                    "promise": {"sv": "Vi besöker dig inom 2 veckor.", "en": "A visit in 2 weeks."},
                    "unit": "weeks",
                    "threshold": 2,
                    "target_share": 0.9,
                    "period": "month",
                }
            ],
        },
    ]
}


@pytest.fixture
def catalogue(client, org):
    from commitments.models import Commitment, Service
    from servicedialog.orgs.services import create_unit

    bygg = run(client, create_unit, org, "bygg", "Bygg", "Building")
    run(client, import_catalogue, org, CATALOGUE)
    service = run(client, Service.get, organisation_id=org.id, code="BYGG")
    commitment = run(client, Commitment.get, service_id=service.id)
    return bygg, service, commitment


def _complain(client, org, service, commitment, **extra):
    data = {
        "csrftoken": csrf_token(client),
        "kind": "complaint",
        "service": str(service.id),
        "commitment": str(commitment.id),
        "started_on": "2026-09-01",
        "text": "Mitt bygglov har dröjt.",
        "contact_email": "karin@example.se",
        "consent": "yes",
        **extra,
    }
    return client.post(f"/feedback/{org.slug}/", data=data)


def test_the_promise_and_its_deadline_follow_the_complaint_everywhere(
    client, org, member, catalogue
):
    bygg, service, commitment = catalogue
    response = _complain(client, org, service, commitment)
    assert response.status_code == 303
    tracking = client.get(response.headers["location"]).text
    # 10 weeks from 1 Sep 2026 is 10 Nov 2026.
    assert PROMISE in tracking and "10 nov. 2026" in tracking and "1 sep. 2026" in tracking
    record = run(client, Feedback.get, commitment_id=commitment.id)
    assert record.matter_started_on == date(2026, 9, 1)
    member(Role.HANDLER, unit=bygg)
    case = client.get(f"/feedback/manage/{record.id}").text
    assert PROMISE in case and "10 nov. 2026" in case
    inbox = BeautifulSoup(
        client.get(f"/feedback/manage/?status=all&commitment={commitment.id}").text, "html.parser"
    )
    assert [a.text for a in inbox.select("tbody th a")] == [record.number]
    assert PROMISE in inbox.select_one("#f-commitment").text
    none = BeautifulSoup(client.get("/feedback/manage/?commitment=999999").text, "html.parser")
    assert none.select("tbody tr") == []
    export = client.get("/feedback/manage/export.csv?status=all").text
    (row,) = csv.DictReader(io.StringIO(export))
    assert row["commitment"] == PROMISE
    assert (row["matter_started_on"], row["commitment_deadline"]) == ("2026-09-01", "2026-11-10")


def test_open311_says_which_promise_a_request_names(client, org, catalogue):
    _bygg, service, commitment = catalogue
    _complain(client, org, service, commitment)
    record = run(client, Feedback.get, commitment_id=commitment.id)
    (item,) = client.get(f"/open311/v2/requests/{record.number}.json").json()
    assert PROMISE in item["service_notice"]


def test_only_a_complaint_names_a_promise(client, org, catalogue):
    _bygg, service, commitment = catalogue
    response = _complain(client, org, service, commitment, kind="praise")
    assert response.status_code == 303
    record = run(client, Feedback.first)
    assert record.commitment_id is None and record.matter_started_on is None


def test_the_form_offers_the_chosen_services_promises_without_javascript(client, org, catalogue):
    _bygg, service, _commitment = catalogue
    page = BeautifulSoup(client.get(f"/feedback/{org.slug}/").text, "html.parser")
    everything = [o.text for o in page.select("#field-commitment option")]
    assert PROMISE in everything and "Vi besöker dig inom 2 veckor." in everything
    assert page.select_one("[data-complaint-only] legend").text.startswith("Om det är ett klagomål")
    response = client.post(
        f"/feedback/{org.slug}/",
        data={
            "csrftoken": csrf_token(client),
            "service": str(service.id),
            "action": "promises",
            "text": "Halvskrivet",
        },
    )
    assert response.status_code == 200  # no errors: the form again, nothing registered
    page = BeautifulSoup(response.text, "html.parser")
    offered = [o.text for o in page.select("#field-commitment option")]
    assert offered == ["Inget / vet inte", PROMISE]
    assert page.select_one("textarea[name=text]").text == "Halvskrivet"
    assert run(client, Feedback.all().count) == 0


@pytest.mark.parametrize(
    "day,words",
    [
        ("2999-01-01", "Skriv datumet"),
        ((date.today() + timedelta(days=2)).isoformat(), "framtiden"),
    ],
)
def test_a_start_day_in_the_future_is_a_form_error(client, org, catalogue, day, words):
    _bygg, service, commitment = catalogue
    response = _complain(client, org, service, commitment, started_on=day)
    assert response.status_code == 400 and words in response.text
    page = BeautifulSoup(response.text, "html.parser")
    assert "När började det?" in page.select_one(".error-summary").text  # the field is named


def test_replying_to_a_case_nobody_has_takes_it(client, org, member, catalogue):
    bygg, _service, _commitment = catalogue
    handler = member(Role.HANDLER, unit=bygg)
    registered = run(client, services.register, org, _new(org, "Hej"))
    run(client, services.route, run(client, registered.record), bygg, handler)
    post_form(client, f"/feedback/manage/{registered.id}/reply", {"body": "Vi tittar."})
    record = run(client, Feedback.get, id=registered.id)
    assert record.assigned_to_id == handler.id and record.answered_at is None


def test_a_reply_can_be_the_answer_and_stops_the_clock(client, org, member, catalogue):
    from complaints.warnings import queue_warnings
    from servicedialog.models import OutboxMessage

    bygg, _service, _commitment = catalogue
    member(Role.HANDLER, unit=bygg)
    registered = run(client, services.register, org, _new(org, "Svar behövs"))
    run(client, services.route, run(client, registered.record), bygg, run(client, _any_user))

    async def overdue():
        await Feedback.filter(id=registered.id).update(answer_due=date.today() - timedelta(days=3))

    run(client, overdue)
    url = f"/feedback/manage/{registered.id}"
    assert "försenad" in client.get("/feedback/manage/?due=overdue").text
    post_form(client, f"{url}/reply", {"body": "Här är vårt svar.", "as_answer": "yes"})
    record = run(client, Feedback.get, id=registered.id)
    assert record.answered_at is not None and record.status == "in_progress"  # still open
    assert registered.number not in client.get("/feedback/manage/?due=overdue").text
    assert "Besvarad" in client.get(url).text
    before = run(client, OutboxMessage.filter(reference__startswith="feedback-warnings").count)
    run(client, queue_warnings, date.today(), "http://testserver")
    after = run(client, OutboxMessage.filter(reference__startswith="feedback-warnings").count)
    assert after == before  # an answered case is not due
    tracking = client.get(f"/feedback/track/{registered.token}").text
    assert "Vårt svar" in tracking


def test_the_reply_email_links_to_the_persons_page(client, org, member, catalogue):
    from servicedialog.models import OutboxMessage

    bygg, _service, _commitment = catalogue
    member(Role.HANDLER, unit=bygg)
    registered = run(client, services.register, org, _new(org, "Länk?", "karin@example.se"))
    run(client, services.route, run(client, registered.record), bygg, run(client, _any_user))
    post_form(client, f"/feedback/manage/{registered.id}/reply", {"body": "Svar"})
    mail = run(client, OutboxMessage.filter(subject__contains="Svar om").first)
    link = re.search(r"http://testserver(/feedback/track/\S+)", mail.body_text).group(1)
    assert link != services.tracking_path(registered.token)  # not the receipt's own token
    client.cookies.clear()
    page = client.get(link)
    assert page.status_code == 200 and registered.number in page.text
    assert client.get(link[:-3] + "xyz").status_code == 404


def test_a_link_that_leads_nowhere_says_what_to_do(client):
    response = client.get("/feedback/track/not-a-real-token")
    assert response.status_code == 404
    assert "Vi hittar inte synpunkten" in response.text and "registreringsnumret" in response.text


def _new(org, text, email=""):
    from complaints.services import NewFeedback
    from complaints.states import Kind

    return NewFeedback(kind=Kind.COMPLAINT, text=text, contact_email=email)


async def _any_user():
    from servicedialog.models import User

    return await User.first()


@pytest.mark.parametrize(
    "role,expected,absent",
    [
        (Role.HANDLER, ["Svara på de här först", "försenad"], ["utan enhet"]),
        (
            Role.QUALITY_MANAGER,
            ["utan enhet", "klagomål den här månaden"],
            ["Svara på de här först"],
        ),
        (Role.LEADERSHIP, ["öppna", "klagomål den här månaden"], ["Svara på de här först"]),
        (Role.CONTACT_CENTRE, ["Registrera synpunkt", "Hitta synpunkt"], ["Svara på de här först"]),
    ],
)
def test_the_start_page_shows_each_role_what_it_needs_first(
    client, org, member, catalogue, role, expected, absent
):
    bygg, _service, _commitment = catalogue
    late = run(client, services.register, org, _new(org, "Sen"))
    run(
        client,
        services.route,
        run(client, late.record),
        bygg,
        run(client, _any_user) or member(Role.ADMIN, sign_in=False),
    )

    async def overdue():
        await Feedback.filter(id=late.id).update(answer_due=date.today() - timedelta(days=5))

    run(client, overdue)
    run(client, services.register, org, _new(org, "Utan enhet"))
    member(role, unit=bygg if role is Role.HANDLER else None)
    page = client.get("/staff/").text
    for words in expected:
        assert words in page, words
    for words in absent:
        assert words not in page, words
    assert "kommer att visas här" not in page
    if role is Role.HANDLER:
        assert late.number in page


def test_every_action_has_one_step_and_the_statuses_it_starts_from():
    from complaints.staff import ACTIONS, HANDLERS
    from complaints.states import STEPS_FROM, Status, allowed, refusal

    assert set(HANDLERS) == set(ACTIONS)
    assert set(STEPS_FROM) <= set(ACTIONS)
    assert not allowed("reply", Status.CLOSED) and allowed("note", Status.CLOSED)
    assert not allowed("pause", Status.WAITING) and allowed("resume", Status.WAITING)
    assert refusal("pause", Status.WAITING) == "The handling is already paused."
    assert refusal("close", Status.CLOSED) == "This feedback is closed."
