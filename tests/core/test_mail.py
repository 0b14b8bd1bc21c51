"""Outgoing e-mail: queued in the caller's transaction, sent over real SMTP (aiosmtpd),
retried on temporary failures, failed on permanent ones, never sent twice."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient
from tortoise.transactions import in_transaction

from servicedialog.app import create_app
from servicedialog.mail import backoff, purge_sent, queue_mail, send_pending
from servicedialog.models import OutboxMessage, OutboxStatus
from tests.conftest import FEATURES, free_port, run

BODY = "Hej!\n\nTack för din synpunkt om gång- och cykelvägen vid Ödeshög.\n\nMed vänlig hälsning"


def queue(client, to="anna.aberg@example.se", subject="Vi har tagit emot din synpunkt", **kw):
    return run(client, queue_mail, to, subject, kw.pop("body", BODY), **kw)


def reload(client, message):
    return run(client, OutboxMessage.get, id=message.id)


def move_to_past(client, message):
    """Let the backoff time pass."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    run(client, OutboxMessage.filter(id=message.id).update, next_attempt_at=past)


def test_queued_mail_is_delivered_as_a_real_utf8_message(client, org, mail_settings, smtp_server):
    message = queue(client, subject="Åtgärd på Storgatan – ärende 12", organisation=org)
    assert reload(client, message).status == OutboxStatus.PENDING

    report = run(client, send_pending, mail_settings)

    assert (report.sent, report.deferred, report.failed) == (1, 0, 0)
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "noreply@exempelkommun.se"
    assert envelope.rcpt_tos == ["anna.aberg@example.se"]
    assert envelope.original_content.isascii()  # 7-bit: any server relays it unchanged
    [email] = smtp_server.messages
    assert email["Subject"] == "Åtgärd på Storgatan – ärende 12"
    assert email["To"] == "anna.aberg@example.se"
    assert email["From"] == "Servicedialog <noreply@exempelkommun.se>"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["Date"] is not None
    assert email["Message-ID"].endswith("@testserver>")
    assert email.get_content_type() == "text/plain"
    assert email.get_content_charset() == "utf-8"
    assert email["Content-Language"] == "sv"
    assert email.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    stored = reload(client, message)
    assert stored.status == OutboxStatus.SENT
    assert (stored.attempts, stored.last_error, stored.claimed_until) == (1, "", None)
    assert stored.sent_at is not None
    assert stored.message_id == email["Message-ID"]


def test_english_mail_says_so(client, mail_settings, smtp_server):
    queue(client, subject="We have received your feedback", body="Thank you.", language="en")
    run(client, send_pending, mail_settings)
    assert smtp_server.messages[0]["Content-Language"] == "en"


def test_nothing_due_opens_no_connection(client, mail_settings, smtp_server):
    report = run(client, send_pending, mail_settings)
    assert report.total == 0
    assert smtp_server.peers == []


def test_one_connection_carries_the_whole_batch(client, mail_settings, smtp_server):
    for i in range(3):
        queue(client, to=f"person{i}@example.se")
    assert run(client, send_pending, mail_settings).sent == 3
    assert len(smtp_server.messages) == 3
    assert len(set(smtp_server.peers)) == 1


def test_limit_caps_one_round_and_the_rest_follow(client, mail_settings, smtp_server):
    for i in range(3):
        queue(client, to=f"person{i}@example.se")
    assert run(client, send_pending, mail_settings, limit=2).sent == 2
    assert run(client, send_pending, mail_settings, limit=2).sent == 1
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "person0@example.se",
        "person1@example.se",
        "person2@example.se",
    ]


@pytest.mark.parametrize(
    "to,subject",
    [
        ("anna@example.se\r\nBcc: all@example.se", "Hej"),
        ("anna@example.se, bertil@example.se", "Hej"),
        ("Anna <anna@example.se>", "Hej"),
        ("not an address", "Hej"),
        ("anna@example.se", "Hej\r\nBcc: all@example.se"),
        ("anna@example.se", "Hej\nthere"),
    ],
)
def test_queue_mail_refuses_what_cannot_go_into_a_header(client, to, subject):
    with pytest.raises(ValueError):
        queue(client, to=to, subject=subject)
    assert run(client, OutboxMessage.all().count) == 0


@pytest.mark.parametrize("extra", [{"language": "fi"}, {"reference": "x" * 101}])
def test_queue_mail_refuses_unknown_languages_and_long_references(client, extra):
    with pytest.raises(ValueError):
        queue(client, **extra)


def test_mail_is_part_of_the_callers_transaction(client, mail_settings, smtp_server):
    async def fails_after_queueing():
        async with in_transaction():
            await queue_mail("anna@example.se", "Kvitto", BODY, reference="feedback:1")
            raise RuntimeError("the feature's own write failed")

    async def commits_with_explicit_connection():
        async with in_transaction() as connection:
            await queue_mail(
                "bertil@example.se", "Kvitto", BODY, reference="feedback:2", connection=connection
            )

    with pytest.raises(RuntimeError):
        run(client, fails_after_queueing)
    run(client, commits_with_explicit_connection)
    assert run(client, send_pending, mail_settings).sent == 1
    assert [m["To"] for m in smtp_server.messages] == ["bertil@example.se"]
    found = run(client, OutboxMessage.filter(reference="feedback:2").count)
    assert found == 1


def test_temporary_refusal_is_retried_later_and_then_sent(client, mail_settings, smtp_server):
    smtp_server.replies["anna@example.se"] = ["451 4.3.0 Try again later"]
    message = queue(client, to="anna@example.se")

    report = run(client, send_pending, mail_settings)

    assert (report.sent, report.deferred) == (0, 1)
    assert smtp_server.messages == []
    stored = reload(client, message)
    assert stored.status == OutboxStatus.PENDING
    assert stored.attempts == 1
    assert "451" in stored.last_error
    assert stored.claimed_until is None
    wait = stored.next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert run(client, send_pending, mail_settings).total == 0  # not due yet

    move_to_past(client, message)
    assert run(client, send_pending, mail_settings).sent == 1
    stored = reload(client, message)
    assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.SENT, 2, "")
    assert len(smtp_server.messages) == 1


def test_permanent_refusal_fails_at_once_and_others_still_go(client, mail_settings, smtp_server):
    smtp_server.replies["nobody@example.se"] = ["550 5.1.1 No such user here"]
    refused = queue(client, to="nobody@example.se")
    queue(client, to="anna@example.se")

    report = run(client, send_pending, mail_settings)

    assert (report.sent, report.deferred, report.failed) == (1, 0, 1)
    stored = reload(client, refused)
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 1
    assert stored.last_error.startswith("550")
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.se"]
    assert len(set(smtp_server.peers)) == 1  # the refusal did not cost the connection


def test_unreachable_server_keeps_mail_pending_with_backoff(client, settings):
    down = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=free_port())
    first, second = queue(client), queue(client, to="bertil@example.se")

    report = run(client, send_pending, down)

    assert (report.sent, report.deferred, report.failed) == (0, 2, 0)
    for message in (first, second):
        stored = reload(client, message)
        assert stored.status == OutboxStatus.PENDING
        assert stored.attempts == 1
        assert stored.next_attempt_at > datetime.now(UTC)
        assert stored.last_error
    move_to_past(client, first)
    run(client, send_pending, down)
    assert reload(client, first).attempts == 2
    later = reload(client, first).next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=110) < later <= timedelta(minutes=2)


def test_mail_fails_after_the_last_attempt(client, settings):
    down = dataclasses.replace(
        settings, smtp_host="127.0.0.1", smtp_port=free_port(), mail_max_attempts=3
    )
    message = queue(client)
    for _ in range(3):
        move_to_past(client, message)
        run(client, send_pending, down)
    stored = reload(client, message)
    assert (stored.status, stored.attempts) == (OutboxStatus.FAILED, 3)
    assert stored.last_error


@pytest.mark.parametrize(
    "attempts,minutes", [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (8, 60), (40, 60)]
)
def test_backoff_doubles_up_to_an_hour(attempts, minutes):
    assert backoff(attempts) == timedelta(minutes=minutes)


def test_two_senders_at_once_never_send_a_message_twice(client, mail_settings, smtp_server):
    for i in range(12):
        queue(client, to=f"person{i}@example.se")

    async def two_senders():
        return await asyncio.gather(send_pending(mail_settings), send_pending(mail_settings))

    reports = run(client, two_senders)

    assert sum(r.sent for r in reports) == 12
    recipients = [m["To"] for m in smtp_server.messages]
    assert len(recipients) == 12 and len(set(recipients)) == 12
    assert run(client, OutboxMessage.filter(status=OutboxStatus.SENT).count) == 12


def test_a_message_claimed_by_another_sender_is_left_alone(client, mail_settings, smtp_server):
    message = queue(client)
    soon = datetime.now(UTC) + timedelta(minutes=5)
    run(client, OutboxMessage.filter(id=message.id).update, claimed_until=soon)
    assert run(client, send_pending, mail_settings).total == 0
    # A sender that died leaves its claim; once it has run out the message is sent.
    expired = datetime.now(UTC) - timedelta(seconds=1)
    run(client, OutboxMessage.filter(id=message.id).update, claimed_until=expired)
    assert run(client, send_pending, mail_settings).sent == 1


def test_purge_deletes_only_sent_mail_older_than_the_limit(client, mail_settings, smtp_server):
    old, recent, pending = queue(client), queue(client), queue(client)
    failed = queue(client)
    run(client, send_pending, mail_settings, limit=2)
    long_ago = datetime.now(UTC) - timedelta(days=31)
    run(client, OutboxMessage.filter(id=old.id).update, sent_at=long_ago)
    run(
        client,
        OutboxMessage.filter(id=failed.id).update,
        status=OutboxStatus.FAILED,
        created_at=long_ago,
    )
    run(
        client,
        OutboxMessage.filter(id=pending.id).update,
        created_at=long_ago,
    )

    assert run(client, purge_sent, 30) == 1

    remaining = set(run(client, OutboxMessage.all().values_list, "id", flat=True))
    assert remaining == {recent.id, pending.id, failed.id}


def test_the_app_sends_in_the_background_when_smtp_is_configured(mail_settings, smtp_server):
    settings = dataclasses.replace(mail_settings, mail_send_interval=1)
    with TestClient(create_app(settings, features=FEATURES)) as client:
        queue(client, to="anna@example.se")
        deadline = time.monotonic() + 15
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [m["To"] for m in smtp_server.messages] == ["anna@example.se"]
    # Shut down cleanly: the sender task was cancelled with the app.


def test_without_smtp_host_the_app_sends_nothing(client, settings, smtp_server):
    # `client` runs the app with the test settings, which have no SMTP_HOST.
    queue(client)
    time.sleep(0.3)
    assert smtp_server.messages == []
    assert reload(client, queue(client)).attempts == 0


# AUTH without TLS is fine on loopback in a test; aiosmtpd warns (in its own thread).
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_sender_signs_in_when_a_user_name_is_set(client, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.conftest import SMTPRecorder

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"hemligt-l\xc3\xb6senord", handled=False)

    recorder = SMTPRecorder()
    server = Controller(
        recorder,
        hostname="127.0.0.1",
        port=recorder.port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    server.start()
    try:
        signed_in = dataclasses.replace(
            settings,
            smtp_host="127.0.0.1",
            smtp_port=recorder.port,
            smtp_username="servicedialog",
            smtp_password="hemligt-lösenord",
            smtp_timeout=5,
        )
        wrong = dataclasses.replace(signed_in, smtp_password="fel")
        message = queue(client)
        assert run(client, send_pending, wrong).deferred == 1
        assert "535" in reload(client, message).last_error
        move_to_past(client, message)
        assert run(client, send_pending, signed_in).sent == 1
    finally:
        server.stop()
    assert logins[-1] == (b"servicedialog", "hemligt-lösenord".encode())
    assert len(recorder.messages) == 1
