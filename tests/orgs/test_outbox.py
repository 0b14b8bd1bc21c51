"""Administration → Outgoing e-mail: the outbox of one's organisation, its filter, one
message with its headers and body, and sending a failed message again."""

from __future__ import annotations

import dataclasses

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from servicedialog.app import create_app
from servicedialog.mail import queue_mail, send_pending
from servicedialog.models import AuditEvent, OutboxMessage, OutboxStatus
from servicedialog.roles import Role
from tests.conftest import FEATURES, create_member, create_org, free_port, login, post_form, run


def queue(client, org, to="anna@example.se", subject="Vi har tagit emot din synpunkt", **kw):
    body = kw.pop("body", "Hej!\nTack för din synpunkt om Storgatan.")
    return run(client, queue_mail, to, subject, body, organisation=org, **kw)


def set_status(client, message, status, error=""):
    run(
        client,
        OutboxMessage.filter(id=message.id).update,
        status=status,
        attempts=8,
        last_error=error,
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def subjects(soup):
    return [a.text for a in soup.select("tbody td a")]


def test_admin_sees_the_organisations_outbox_and_that_mail_is_not_sent(client, member, org):
    member(Role.ADMIN)
    queue(client, org, subject="Kvitto: synpunkt 1")
    other = run(client, create_org, "annan")
    queue(client, other, subject="Annan kommuns post")

    soup = page(client, "/admin/outbox")

    assert soup.h1.text == "Utgående e-post"
    assert "Ingen e-postserver är inställd" in soup.select_one(".notice-warning").text
    assert subjects(soup) == ["Kvitto: synpunkt 1"]
    assert soup.select_one("tbody td").find_next("td").text == "anna@example.se"
    assert soup.select_one("nav.subnav a[aria-current=page]").text == "Utgående e-post"


def test_the_notice_is_gone_when_a_mail_server_is_configured(settings):
    # A mail server that is not there: the page only needs to know one is configured.
    configured = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=free_port())
    with TestClient(create_app(configured, features=FEATURES), follow_redirects=False) as client:
        org = run(client, create_org)
        run(client, create_member, "admin@example.se", org, Role.ADMIN)
        login(client, "admin@example.se")
        soup = page(client, "/admin/outbox")
    assert soup.h1.text == "Utgående e-post"
    assert soup.select_one(".notice-warning") is None


def test_status_filter_and_counts(client, member, org):
    member(Role.ADMIN)
    waiting = queue(client, org, subject="Väntar")
    failed = queue(client, org, subject="Misslyckat")
    set_status(client, failed, OutboxStatus.FAILED, "550 5.1.1 No such user")

    assert subjects(page(client, "/admin/outbox?status=failed")) == ["Misslyckat"]
    assert subjects(page(client, "/admin/outbox?status=pending")) == ["Väntar"]
    assert subjects(page(client, "/admin/outbox?status=sent")) == []
    soup = page(client, "/admin/outbox?status=nonsense")
    assert subjects(soup) == ["Misslyckat", "Väntar"]
    counts = {d.find("dt").text: d.find("dd").text for d in soup.select(".facts div")}
    assert counts == {"Väntar": "1", "Skickat": "0", "Misslyckat": "1"}
    assert waiting.id < failed.id


def test_outbox_paginates_and_keeps_the_filter(client, member, org):
    member(Role.ADMIN)

    async def many():
        for i in range(55):
            await queue_mail(f"p{i}@example.se", f"Kvitto {i}", "Tack!", organisation=org)

    run(client, many)
    first = page(client, "/admin/outbox?status=pending")
    assert len(first.select("tbody tr")) == 50
    link = first.select_one("a[rel=next]")["href"]
    assert link == "?status=pending&page=2"
    assert len(page(client, "/admin/outbox" + link).select("tbody tr")) == 5


def test_message_page_shows_headers_and_body(client, member, org, mail_settings, smtp_server):
    member(Role.ADMIN)
    message = queue(client, org, subject="Åtgärd på Storgatan", reference="feedback:12")
    before = page(client, f"/admin/outbox/{message.id}")
    headers = {th.text: th.find_next("td").text for th in before.select("#mail-headers th")}
    assert headers["To"] == "anna@example.se"
    assert headers["Subject"] == "Åtgärd på Storgatan"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert "Message-ID" not in headers
    assert "Tack för din synpunkt om Storgatan." in before.select_one("#mail-body").text
    assert "feedback:12" in before.text

    run(client, send_pending, mail_settings)
    after = page(client, f"/admin/outbox/{message.id}")
    headers = {th.text: th.find_next("td").text for th in after.select("#mail-headers th")}
    assert headers["Message-ID"] == smtp_server.messages[0]["Message-ID"]
    assert "Date" in headers
    assert after.select_one("#mail-status").text == "Skickat"


def test_admin_sends_a_failed_message_again_and_it_is_audited(client, member, org):
    admin = member(Role.ADMIN)
    message = queue(client, org, reference="feedback:7")
    set_status(client, message, OutboxStatus.FAILED, "550 5.1.1 No such user")
    soup = page(client, f"/admin/outbox/{message.id}")
    assert "550 5.1.1 No such user" in soup.text
    form = soup.select_one(f"form[action='/admin/outbox/{message.id}/send-again']")
    assert form.select_one("button").text == "Skicka igen"

    response = post_form(client, f"/admin/outbox/{message.id}/send-again")

    assert response.status_code == 303
    assert "Meddelandet skickas igen." in client.get(response.headers["location"]).text
    stored = run(client, OutboxMessage.get, id=message.id)
    assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.PENDING, 0, "")
    [event] = run(client, AuditEvent.filter(action="mail.sent_again").all)
    assert (event.actor_id, event.organisation_id) == (admin.id, org.id)
    assert (event.object_type, event.object_id) == ("OutboxMessage", str(message.id))
    assert event.detail == {"reference": "feedback:7"}  # no address: the log is kept for ever


def test_only_a_failed_message_can_be_sent_again(client, member, org):
    member(Role.ADMIN)
    message = queue(client, org)
    soup = page(client, f"/admin/outbox/{message.id}")
    assert soup.select_one("form[action$='/send-again']") is None
    response = post_form(client, f"/admin/outbox/{message.id}/send-again")
    assert response.status_code == 303
    follow = client.get(response.headers["location"]).text
    assert "Bara ett meddelande som har misslyckats kan skickas igen." in follow
    assert run(client, AuditEvent.filter(action="mail.sent_again").count) == 0


def test_admin_cannot_see_or_resend_another_organisations_mail(client, member, org):
    member(Role.ADMIN)
    other = run(client, create_org, "annan")
    message = queue(client, other)
    set_status(client, message, OutboxStatus.FAILED)
    assert client.get(f"/admin/outbox/{message.id}").status_code == 404
    assert post_form(client, f"/admin/outbox/{message.id}/send-again").status_code == 404
    assert run(client, OutboxMessage.get, id=message.id).status == OutboxStatus.FAILED


def test_installation_administrator_sees_every_organisations_mail(client, member, org):
    member(Role.ADMIN, superuser=True)
    other = run(client, create_org, "annan")
    queue(client, other, subject="Annan kommuns post")
    run(client, queue_mail, "drift@example.se", "Systemets post", "Hej")  # no organisation

    soup = page(client, "/admin/outbox")

    assert set(subjects(soup)) == {"Annan kommuns post", "Systemets post"}
    assert "Org annan" in soup.text
    message = run(client, OutboxMessage.get, subject="Annan kommuns post")
    assert client.get(f"/admin/outbox/{message.id}").status_code == 200


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_other_roles_are_refused(client, member, org, role):
    member(role)
    message = queue(client, org)
    set_status(client, message, OutboxStatus.FAILED)
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403
    assert post_form(client, f"/admin/outbox/{message.id}/send-again").status_code == 403
    assert run(client, OutboxMessage.get, id=message.id).status == OutboxStatus.FAILED


def test_english_page(client, member, org):
    member(Role.ADMIN)
    queue(client, org)
    client.get("/language/en")
    soup = page(client, "/admin/outbox")
    assert soup.h1.text == "Outgoing e-mail"
    assert "No mail server is configured" in soup.text
    assert soup.select_one("tbody td:nth-of-type(4)").text == "Waiting"
