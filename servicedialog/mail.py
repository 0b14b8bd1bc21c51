"""Outgoing e-mail: an outbox table, sent over SMTP by a sender that retries.

A feature calls :func:`queue_mail` inside its own transaction: the message is a row in
``core_outbox_message`` and is only sent if that transaction commits. :func:`send_pending`
sends the due messages over one SMTP connection. Each message is claimed with one
conditional UPDATE before it is sent, so several worker processes or servers running the
sender never send the same message twice. Temporary failures (no connection, 4xx replies)
are retried with exponential backoff; a 5xx reply to the recipient or the message, or
running out of attempts, marks the message failed. Without ``SMTP_HOST`` nothing is sent
and administrators see the messages under Administration → Outgoing e-mail.

Delivery is at least once: a process that dies after the server accepted a message but
before the row was marked sent leaves a claim that expires, and the message is sent again
(with the same Message-ID, so receiving systems can tell).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

import aiosmtplib
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation, OutboxMessage, OutboxStatus
from servicedialog.settings import LANGUAGES, Settings

logger = logging.getLogger("servicedialog.mail")

STATUS_LABELS = {
    OutboxStatus.PENDING: _("Waiting"),
    OutboxStatus.SENT: _("Sent"),
    OutboxStatus.FAILED: _("Failed"),
}
BACKOFF_CAP = timedelta(minutes=60)
PURGE_EVERY_SECONDS = 3600.0
MAX_ERROR_LENGTH = 1000
# One address, no display name, nothing that could start another header or recipient.
_ADDRESS_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass
class SendReport:
    """What one :func:`send_pending` call did."""

    sent: int = 0
    deferred: int = 0  # a temporary failure: tried again later
    failed: int = 0  # refused for good, or out of attempts

    @property
    def total(self) -> int:
        return self.sent + self.deferred + self.failed

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.deferred}, failed {self.failed}"


def now() -> datetime:
    return datetime.now(UTC)


def outbox_message(
    to: str,
    subject: str,
    body: str,
    *,
    organisation: Organisation | None = None,
    language: str = "sv",
    reference: str = "",
) -> OutboxMessage:
    """One plain-text message for the outbox, checked but not yet stored (for a write plan
    of :mod:`servicedialog.writes`; :func:`queue_mail` stores it at once). Raises
    ValueError for an address or subject that cannot go into a header."""
    to = to.strip()
    if not _ADDRESS_RE.match(to) or len(to) > 254:
        raise ValueError(f"not one e-mail address: {to!r}")
    if "\r" in subject or "\n" in subject or len(subject) > 500:
        raise ValueError("the subject must be one line of at most 500 characters")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    if len(reference) > 100:
        raise ValueError("the reference must be at most 100 characters")
    return OutboxMessage(
        organisation_id=organisation.id if organisation is not None else None,
        to_address=to,
        subject=subject,
        body_text=body,
        language=language,
        reference=reference,
        next_attempt_at=now(),
    )


async def queue_mail(
    to: str,
    subject: str,
    body: str,
    *,
    connection: BaseDBAsyncClient | None = None,
    **details: Any,
) -> OutboxMessage:
    """Put one plain-text message in the outbox; it is sent once the caller's transaction
    commits. Pass the transaction's ``connection`` when not inside ``in_transaction()``.
    ``details`` are those of :func:`outbox_message` (organisation, language, reference),
    which raises ValueError for an address or subject that cannot go into a header."""
    message = outbox_message(to, subject, body, **details)
    await message.save(using_db=connection, force_create=True)
    return message


def build_message(
    settings: Settings, message: OutboxMessage, date: datetime | None = None
) -> EmailMessage:
    """The e-mail as it goes to the server (Date and Message-ID only once they are known)."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    if date is not None:
        email["Date"] = format_datetime(date)
    if message.message_id:
        email["Message-ID"] = message.message_id
    # RFC 3834: an automatic message; well-behaved auto-responders do not answer it.
    email["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit, so any server relays it unchanged.
    email.set_content(message.body_text, charset="utf-8", cte="quoted-printable")
    email["Content-Language"] = message.language  # after set_content, which clears Content-*
    return email


class _Failure(Exception):
    """Why one attempt failed; ``permanent`` means trying again will not help."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:MAX_ERROR_LENGTH]
        self.permanent = permanent


def _classify(error: Exception) -> _Failure:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused) and error.recipients:
        refused = error.recipients[0]
        return _Failure(f"{refused.code} {refused.message}", refused.code >= 500)
    if isinstance(error, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        # A refusal of this message (its recipient or its content).
        return _Failure(f"{error.code} {error.message}", error.code >= 500)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        # Refused sender, failed login and the like: the installation's configuration, not
        # this message, so it is retried while an operator puts it right.
        return _Failure(f"{error.code} {error.message}", False)
    if isinstance(error, ValueError | aiosmtplib.SMTPNotSupported):
        return _Failure(f"cannot send to this address: {error}", True)
    return _Failure(f"{type(error).__name__}: {error}", False)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 16)), BACKOFF_CAP)


def _claim_seconds(settings: Settings) -> int:
    # Long enough to connect, sign in and send one message, with room to spare.
    return max(300, 10 * settings.smtp_timeout)


async def _claim(settings: Settings, message_id: int) -> OutboxMessage | None:
    """Take the message for this process; None if another process has it or it is done.

    One conditional UPDATE, checked by its row count: atomic on SQLite and PostgreSQL."""
    moment = now()
    claimed = (
        await OutboxMessage.filter(
            Q(claimed_until=None) | Q(claimed_until__lt=moment),
            id=message_id,
            status=OutboxStatus.PENDING,
            next_attempt_at__lte=moment,
        ).update(claimed_until=moment + timedelta(seconds=_claim_seconds(settings)))
        == 1
    )
    if not claimed:
        return None
    message = await OutboxMessage.get(id=message_id)
    if not message.message_id:
        message.message_id = make_msgid(domain=settings.site_domain)
        await OutboxMessage.filter(id=message.id).update(message_id=message.message_id)
    return message


async def _release(message: OutboxMessage) -> None:
    """Give back the claim of a message whose sending was interrupted (the app is
    stopping), so that the next sender takes it at once rather than in five minutes. If
    the mail server had already accepted it, it is sent once more, as after a crash."""
    with suppress(Exception):  # the database may be what failed: then the claim expires
        await asyncio.shield(
            OutboxMessage.filter(id=message.id, status=OutboxStatus.PENDING).update(
                claimed_until=None
            )
        )


async def _mark_sent(message: OutboxMessage) -> None:
    await OutboxMessage.filter(id=message.id).update(
        status=OutboxStatus.SENT,
        attempts=message.attempts + 1,
        sent_at=now(),
        claimed_until=None,
        last_error="",
    )


async def _mark_failed_attempt(
    settings: Settings, message: OutboxMessage, failure: _Failure
) -> OutboxStatus:
    attempts = message.attempts + 1
    give_up = failure.permanent or attempts >= settings.mail_max_attempts
    status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
    await OutboxMessage.filter(id=message.id).update(
        status=status,
        attempts=attempts,
        next_attempt_at=now() + backoff(attempts),
        claimed_until=None,
        last_error=failure.reason,
    )
    logger.warning(
        "outbox message %s: attempt %s failed (%s): %s",
        message.id,
        attempts,
        "gave up" if give_up else "will retry",
        failure.reason,
    )
    return status


def _smtp_client(settings: Settings) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
        timeout=settings.smtp_timeout,
        use_tls=settings.smtp_tls == "tls",
        start_tls=settings.smtp_tls == "starttls",
    )


async def _due_ids(limit: int) -> list[int]:
    moment = now()
    query = OutboxMessage.filter(
        Q(claimed_until=None) | Q(claimed_until__lt=moment),
        status=OutboxStatus.PENDING,
        next_attempt_at__lte=moment,
    )
    rows = await query.order_by("next_attempt_at", "id").limit(limit).values("id")
    return [int(row["id"]) for row in rows]


# Errors after which the connection is still usable for the next message (aiosmtplib sends
# RSET after a refusal).
_ANSWERED = (
    aiosmtplib.SMTPResponseException,
    aiosmtplib.SMTPRecipientsRefused,
    aiosmtplib.SMTPNotSupported,
    ValueError,
)


class _Batch:
    """One SMTP connection for one round, opened when the first message is claimed. Once
    the connection fails, the rest of the round's messages are put off with the same error."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.envelope_from = parseaddr(settings.mail_from)[1]
        self.smtp: aiosmtplib.SMTP | None = None
        self.broken: _Failure | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        if self.broken is not None:
            raise self.broken
        if self.smtp is None:
            self.smtp = _smtp_client(self.settings)
            try:
                await self.smtp.connect()  # also STARTTLS and login, as configured
            except (aiosmtplib.SMTPException, OSError) as error:
                self.broken = _classify(error)
                self.broken.permanent = False  # the server's or our configuration's fault
                raise self.broken from None
        return self.smtp

    async def send(self, message: OutboxMessage) -> None:
        """Send one message; raises _Failure."""
        smtp = await self._connect()
        try:
            email = build_message(self.settings, message, date=now())
            await smtp.send_message(
                email, sender=self.envelope_from, recipients=[message.to_address]
            )
        except (aiosmtplib.SMTPException, OSError, ValueError) as error:
            failure = _classify(error)
            if not isinstance(error, _ANSWERED):
                self.broken = failure  # disconnected or timed out
            raise failure from None

    async def close(self) -> None:
        if self.smtp is not None and self.smtp.is_connected and self.broken is None:
            with suppress(aiosmtplib.SMTPException, OSError):
                await self.smtp.quit()
        self.abort()

    def abort(self) -> None:
        if self.smtp is not None and self.smtp.is_connected:
            self.smtp.close()


async def send_pending(settings: Settings, *, limit: int = 50) -> SendReport:
    """Send up to ``limit`` due messages over one SMTP connection. Safe to run in several
    processes at once: each message is claimed before it is sent."""
    report = SendReport()
    batch = _Batch(settings)
    message: OutboxMessage | None = None
    try:
        for message_id in await _due_ids(limit):
            message = await _claim(settings, message_id)
            if message is not None:  # else another process took it
                await _send_one(settings, batch, message, report)
            message = None
    except BaseException:  # cancelled (shutdown) or the database failed: just hang up
        batch.abort()
        if message is not None:
            await _release(message)
        raise
    await batch.close()
    if report.total:
        logger.info("outbox: %s", report)
    return report


async def _send_one(
    settings: Settings, batch: _Batch, message: OutboxMessage, report: SendReport
) -> None:
    try:
        await batch.send(message)
    except _Failure as failure:
        if await _mark_failed_attempt(settings, message, failure) == OutboxStatus.FAILED:
            report.failed += 1
        else:
            report.deferred += 1
    else:
        await _mark_sent(message)
        report.sent += 1


async def purge_sent(older_than_days: int) -> int:
    """Delete sent messages older than ``older_than_days`` (they hold personal data);
    returns how many were deleted."""
    cutoff = now() - timedelta(days=older_than_days)
    deleted: int = await OutboxMessage.filter(status=OutboxStatus.SENT, sent_at__lt=cutoff).delete()
    return deleted


async def send_again(message: OutboxMessage) -> bool:
    """Put a failed message back in the queue with fresh attempts; False if it was not failed."""
    changed = await OutboxMessage.filter(id=message.id, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now(),
        claimed_until=None,
        last_error="",
    )
    return changed == 1


def visible_messages(organisation: Organisation, everything: bool) -> QuerySet[OutboxMessage]:
    """The outbox an administrator sees: their organisation's, or (``everything``, for
    installation administrators) all of it, including mail that belongs to no organisation."""
    if everything:
        return OutboxMessage.all()
    return OutboxMessage.filter(organisation_id=organisation.id)


async def run_sender(settings: Settings) -> None:
    """Send due mail every ``MAIL_SEND_INTERVAL`` seconds and purge old sent mail hourly,
    until cancelled. Errors are logged and the loop goes on."""
    last_purge = -PURGE_EVERY_SECONDS
    while True:
        try:
            await send_pending(settings)
            if time.monotonic() - last_purge >= PURGE_EVERY_SECONDS:
                last_purge = time.monotonic()
                purged = await purge_sent(settings.mail_keep_days)
                if purged:
                    logger.info("outbox: deleted %s sent messages", purged)
        except Exception:  # the loop must survive a database or network hiccup
            logger.exception("outbox: sending failed")
        await asyncio.sleep(settings.mail_send_interval)


@asynccontextmanager
async def background_sender(settings: Settings) -> AsyncIterator[asyncio.Task[None] | None]:
    """Run :func:`run_sender` beside the app while SMTP is configured; stop it on exit."""
    if not settings.smtp_host:
        yield None
        return
    task = asyncio.create_task(run_sender(settings), name="servicedialog-mail-sender")
    try:
        yield task
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
