"""Feedback handling as plain functions: the pages, Open311, the demo and the tests call
these, and each one writes its change, its history event and its audit entry together."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from commitments.models import Commitment, Service
from complaints import attachments, insight, notices, statistics
from complaints.handling import HandlingTerms, handling_terms
from complaints.models import Feedback, FeedbackEvent, FeedbackSettings, RegistrationCounter
from complaints.states import (
    NOT_PAUSED,
    Channel,
    EventKind,
    Kind,
    Outcome,
    Publication,
    RetentionClass,
    Status,
    allowed,
    refusal,
)
from servicedialog import audit, identity, writes
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation, Unit, User
from servicedialog.writes import Insert, Plan, Query

NUMBER_PREFIX = "SYN"
REVIEW_WINDOW_DAYS = 60  # a review can be asked for within this many days of the answer


class HandlingError(ValueError):
    """A rule of the handling was broken; ``message`` is an English msgid for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


# --- registration numbers -------------------------------------------------------------


COUNTER_SQL = (
    f"INSERT INTO {RegistrationCounter._meta.db_table} (organisation_id, year, last_number) "
    "VALUES (?, ?, 1) ON CONFLICT (organisation_id, year) DO UPDATE SET "
    f"last_number = {RegistrationCounter._meta.db_table}.last_number + 1 RETURNING last_number"
)


def number_step(organisation: Organisation, year: int) -> Plan[str]:
    """The next number of the organisation's year, e.g. ``SYN-2026-000123``, as one
    statement of the registration's transaction (``yield from``).

    The counter row is created or incremented in place (``INSERT … ON CONFLICT DO UPDATE …
    RETURNING``), which takes the write lock on SQLite and a row lock on PostgreSQL, so
    concurrent submissions from several processes queue up, and a rolled-back submission
    rolls its number back too: numbers are unique and without gaps."""
    rows = yield Query(COUNTER_SQL, [organisation.id, year])
    return f"{NUMBER_PREFIX}-{year}-{int(rows[0]['last_number']):06d}"


# --- intake ---------------------------------------------------------------------------


@dataclass
class NewFeedback:
    kind: Kind
    text: str
    service: Service | None = None
    commitment: Commitment | None = None
    matter_started_on: date | None = None
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    anonymous: bool = False
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    language: str = "sv"
    channel: Channel = Channel.WEB
    registered_by: User | None = None
    received_at: datetime | None = None  # staff registering a letter give its arrival
    attachments: list[Any] = field(default_factory=list)  # attachments.Stored
    # Open311: the token of the request, and what the app sent beyond our fields (media_url,
    # address_id), kept in the data of the "registered" event.
    open311_token: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Registered:
    id: int
    number: str
    token: str  # for the private tracking link; only its hash is stored

    async def record(self) -> Feedback:
        """The stored feedback (one read: the public form does not need it)."""
        return await Feedback.get(id=self.id)


async def publication_of(organisation_id: int) -> Publication:
    """What the organisation publishes of its feedback (the default: what is released)."""
    found = await FeedbackSettings.get_or_none(organisation_id=organisation_id)
    return found.publication if found is not None else Publication.RELEASED


def retention_for(kind: Kind) -> RetentionClass:
    return RetentionClass.STANDARD if kind is Kind.COMPLAINT else RetentionClass.SHORT


def tracking_path(token: str) -> str:
    return f"/feedback/track/{token}"


async def register(organisation: Organisation, new: NewFeedback, base_url: str = "") -> Registered:
    """Register feedback at once: number, deadlines, routing, tracking token, and with an
    e-mail address and the site's ``base_url`` a receipt with the private tracking link.

    The records are written by one short transaction (:mod:`servicedialog.writes`): this is
    the busiest write of the application."""
    terms = await handling_terms(organisation)
    received_at = new.received_at or _now()
    received = terms.local_day(received_at)
    token = secrets.token_urlsafe(24)
    if new.anonymous:
        new.contact_name = new.contact_email = new.contact_phone = ""
    feedback = Feedback(
        organisation_id=organisation.id,
        number="",
        kind=new.kind,
        channel=new.channel,
        service_id=new.service.id if new.service else None,
        commitment_id=new.commitment.id if new.commitment else None,
        matter_started_on=new.matter_started_on if new.commitment else None,
        unit_id=new.service.unit_id if new.service is not None else None,
        text=new.text,
        masked_text=identity.mask(new.text),
        place=new.place,
        latitude=new.latitude,
        longitude=new.longitude,
        anonymous=new.anonymous,
        contact_name=new.contact_name,
        contact_email=new.contact_email,
        contact_phone=new.contact_phone,
        language=new.language,
        registered_by_id=new.registered_by.id if new.registered_by else None,
        received_at=received_at,
        acknowledge_due=terms.due(terms.acknowledge, received, []),
        answer_due=terms.due(terms.answer, received, []),
        retention_class=retention_for(new.kind),
        tracking_hash=token_hash(token),
        open311_token=new.open311_token,
    )

    # Built before the transaction: on SQLite the plan runs while every worker's writers
    # wait, so only what needs the number or the new id is done inside it.
    event = FeedbackEvent(
        feedback_id=0,  # set once the feedback has its id
        kind=EventKind.REGISTERED,
        author_id=new.registered_by.id if new.registered_by else None,
        visible_to_person=True,
        data={**new.details, "channel": str(new.channel)},
    )

    def plan() -> Plan[int]:
        feedback.number = yield from number_step(organisation, received.year)
        feedback.id = event.feedback_id = yield Insert.of(feedback)
        yield Insert.of(event)
        for stored in new.attachments:
            yield Insert.of(attachments.row(stored, feedback))
        receipt = (
            notices.receipt(feedback, organisation, base_url + tracking_path(token))
            if base_url
            else None
        )
        if receipt is not None:
            yield Insert.of(receipt)
        return feedback.id

    feedback_id = await writes.run(plan())
    insight.arrived(organisation.id, feedback_id, new.text, received_at, new.language)
    return Registered(feedback_id, feedback.number, token)


MAIL_TOKEN = re.compile(r"^m([0-9]{1,9})x([A-Za-z0-9_-]{32})$")


def _mail_mac(secret: str, feedback_id: int, tracking_hash: str) -> str:
    key = hashlib.sha256(b"servicedialog-tracking:" + secret.encode("utf-8")).digest()
    mac = hmac.new(key, f"{feedback_id}:{tracking_hash}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:32]


def mail_token(secret: str, feedback: Feedback) -> str:
    """A link token for the e-mails after the receipt. The receipt's own token is never
    stored (only its hash), so later e-mails carry this one: the record's id and an HMAC,
    with SECRET_KEY, of the id and the hash of the first token. It opens the same page, and
    stops working if the record is anonymised or SECRET_KEY changes."""
    return f"m{feedback.id}x{_mail_mac(secret, feedback.id, feedback.tracking_hash)}"


async def by_token(token: str, secret: str = "") -> Feedback | None:
    """The record a tracking link names: the receipt's random token, or an e-mail's
    :func:`mail_token` (when ``secret`` is given)."""
    if not token or len(token) > 64:
        return None
    signed = MAIL_TOKEN.match(token) if secret else None
    if signed is not None:
        feedback = await Feedback.get_or_none(id=int(signed.group(1)), anonymised_at=None)
        if feedback is not None and hmac.compare_digest(
            _mail_mac(secret, feedback.id, feedback.tracking_hash), signed.group(2)
        ):
            return feedback
    return await Feedback.get_or_none(tracking_hash=token_hash(token), anonymised_at=None)


# --- handling -------------------------------------------------------------------------


async def _event(
    feedback: Feedback,
    kind: EventKind,
    user: User | None,
    body: str = "",
    visible: bool = False,
    **data: Any,
) -> FeedbackEvent:
    return await FeedbackEvent.create(
        feedback_id=feedback.id,
        kind=kind,
        author_id=user.id if user else None,
        body=body,
        visible_to_person=visible,
        data=data,
    )


async def _audit(action: str, feedback: Feedback, user: User | None, **details: Any) -> None:
    await audit.record(
        f"feedback.{action}",
        actor=user,
        target=feedback,
        organisation_id=feedback.organisation_id,
        number=feedback.number,
        **details,
    )


async def _organisation_of(feedback: Feedback) -> Organisation:
    return await Organisation.get(id=feedback.organisation_id)


async def _terms_of(feedback: Feedback) -> HandlingTerms:
    return await handling_terms(await _organisation_of(feedback))


def _require(step: str, feedback: Feedback) -> None:
    """Refuse ``step`` when the record's status does not allow it (states.STEPS_FROM)."""
    if not allowed(step, feedback.status):
        raise HandlingError("", _(refusal(step, feedback.status)))


async def assign(feedback: Feedback, handler: User | None, by: User) -> None:
    _require("assign", feedback)
    if handler is not None and feedback.stage == 2 and handler.id == feedback.stage1_handler_id:
        raise HandlingError(
            "handler", _("A review must be made by someone other than the first handler.")
        )
    async with in_transaction():
        feedback.assigned_to_id = handler.id if handler else None
        if feedback.status is Status.RECEIVED and handler is not None:
            feedback.status = Status.IN_PROGRESS
        await feedback.save(update_fields=["assigned_to_id", "status", "updated_at"])
        await _event(feedback, EventKind.ASSIGNED, by, handler=handler.id if handler else None)
        await _audit("assigned", feedback, by, handler=handler.id if handler else None)


async def acknowledge(feedback: Feedback, by: User) -> bool:
    """Confirm to the person that we have read it; the first reply does this as well."""
    if feedback.acknowledged_at is not None:
        return False
    terms = await _terms_of(feedback)
    async with in_transaction():
        feedback.acknowledged_at = _now()
        if feedback.status is Status.RECEIVED:
            feedback.status = Status.IN_PROGRESS
        facts = statistics.set_facts(feedback, terms)
        await feedback.save(update_fields=["acknowledged_at", "status", *facts, "updated_at"])
        await _event(feedback, EventKind.ACKNOWLEDGED, by, visible=True)
        await _audit("acknowledged", feedback, by)
    return True


async def add_note(feedback: Feedback, by: User, body: str) -> FeedbackEvent:
    async with in_transaction():
        event = await _event(feedback, EventKind.NOTE, by, body)
        await _audit("note_added", feedback, by)
    return event


async def reply(
    feedback: Feedback, by: User, body: str, *, as_answer: bool = False, link: str = ""
) -> FeedbackEvent:
    """A message to the person (tracking page, and e-mail with ``link`` to it when they gave
    an address). Replying to a case nobody has makes the one who replies its handler.
    ``as_answer``: this reply is the answer, so the answer clock stops here (the case stays
    open for what may follow; closing records the outcome)."""
    _require("reply", feedback)
    terms = await _terms_of(feedback)
    async with in_transaction():
        now = _now()
        feedback.acknowledged_at = feedback.acknowledged_at or now
        if feedback.status is Status.RECEIVED:
            feedback.status = Status.IN_PROGRESS
        taken = feedback.assigned_to_id is None and not (
            feedback.stage == 2 and by.id == feedback.stage1_handler_id
        )
        if taken:
            feedback.assigned_to_id = by.id
        if as_answer and feedback.answered_at is None:
            feedback.answered_at = now
        facts = statistics.set_facts(feedback, terms)
        await feedback.save(
            update_fields=[
                "acknowledged_at",
                "status",
                "assigned_to_id",
                "answered_at",
                *facts,
                "updated_at",
            ]
        )
        if taken:
            await _event(feedback, EventKind.ASSIGNED, by, handler=by.id)
        event = await _event(
            feedback,
            EventKind.REPLY,
            by,
            body,
            visible=True,
            **({"answer": True} if as_answer else {}),
        )
        await _audit("replied", feedback, by, answer=as_answer)
        await notices.reply(feedback, await _organisation_of(feedback), body, link)
    return event


async def pause(feedback: Feedback, by: User, reason: str, today: date, *, link: str = "") -> None:
    """Wait for the person (e.g. for more information); the answer clock stops."""
    _require("pause", feedback)
    if not reason:
        raise HandlingError("reason", _("Give a reason for the pause."))
    async with in_transaction():
        feedback.status = Status.WAITING
        feedback.paused_since = today
        feedback.pause_reason = reason
        await feedback.save(update_fields=["status", "paused_since", "pause_reason", "updated_at"])
        await _event(feedback, EventKind.PAUSED, by, reason, visible=True)
        await _audit("paused", feedback, by, reason=reason)
        await notices.paused(feedback, await _organisation_of(feedback), reason, link)


async def resume(feedback: Feedback, by: User | None, today: date) -> None:
    """Restart the clock; the deadline moves by the working days paused before it (a
    deadline already passed when the pause began does not move: a breach never resets)."""
    _require("resume", feedback)
    if feedback.paused_since is None:
        raise HandlingError("", _(NOT_PAUSED))
    terms = await handling_terms(await _organisation_of(feedback))
    async with in_transaction():
        _end_pause(feedback, today)
        feedback.status = Status.REVIEW if feedback.stage == 2 else Status.IN_PROGRESS
        if not feedback.extended:
            feedback.answer_due = answer_due(feedback, terms)
        facts = statistics.set_facts(feedback, terms)
        await feedback.save(
            update_fields=["pauses", "paused_since", "status", "answer_due", *facts, "updated_at"]
        )
        await _event(feedback, EventKind.RESUMED, by, visible=True)
        await _audit("resumed", feedback, by)


def _end_pause(feedback: Feedback, today: date) -> None:
    """Record the running pause as ended today (the caller saves)."""
    assert feedback.paused_since is not None
    feedback.pauses = [*feedback.pauses, [feedback.paused_since.isoformat(), today.isoformat()]]
    feedback.paused_since = None


def answer_due(feedback: Feedback, terms: HandlingTerms) -> date:
    """The answer deadline of the current stage from its start and the pauses since."""
    if feedback.stage == 2:
        started = feedback.closed_at or feedback.received_at
    else:
        started = feedback.received_at
    start_day = terms.local_day(started)
    pauses = [
        (date.fromisoformat(a), date.fromisoformat(b))
        for a, b in feedback.pauses
        if date.fromisoformat(b) > start_day
    ]
    return terms.due(terms.answer, start_day, pauses)


async def extend(
    feedback: Feedback, by: User, reason: str, new_due: date | None, *, link: str = ""
) -> None:
    """A later answer date, with a reason that the person is told; capped at one more
    answer period."""
    _require("extend", feedback)
    if not reason:
        raise HandlingError("reason", _("Give a reason for the extension."))
    if new_due is None:
        raise HandlingError("new_due", _("Enter a date like 2026-12-31."))
    assert feedback.answer_due is not None
    if new_due <= feedback.answer_due:
        raise HandlingError("new_due", _("The new date must be after the current deadline."))
    organisation = await _organisation_of(feedback)
    terms = await handling_terms(organisation)
    cap = terms.latest_extension(feedback.answer_due)
    if new_due > cap:
        raise HandlingError("new_due", _("An extension can be at most one more answer period."))
    old = feedback.answer_due
    async with in_transaction():
        feedback.answer_due = new_due
        feedback.extended = True
        facts = statistics.set_facts(feedback, terms)
        await feedback.save(update_fields=["answer_due", "extended", *facts, "updated_at"])
        await _event(
            feedback,
            EventKind.EXTENDED,
            by,
            reason,
            visible=True,
            old=old.isoformat(),
            new=new_due.isoformat(),
        )
        await _audit("extended", feedback, by, old=old.isoformat(), new=new_due.isoformat())
        await notices.extended(feedback, organisation, new_due, reason, link)


@dataclass
class Closing:
    answer: str
    outcome: Outcome | None
    remedy: str = ""
    root_cause_id: int | None = None
    improvement: str = ""
    improvement_ref: str = ""


async def close(feedback: Feedback, by: User, closing: Closing, *, link: str = "") -> None:
    """Answer and close the current stage, recording what we learnt from it."""
    _require("close", feedback)
    if feedback.kind is Kind.COMPLAINT and closing.outcome is None:
        raise HandlingError("outcome", _("Choose the outcome of the complaint."))
    if feedback.can_be_answered and not closing.answer:
        raise HandlingError("answer", _("Write the answer to the person."))
    terms = await _terms_of(feedback)
    async with in_transaction():
        now = _now()
        if feedback.status is Status.WAITING and feedback.paused_since is not None:
            _end_pause(feedback, terms.local_day(now))
        feedback.status = Status.CLOSED
        feedback.closed_at = now
        feedback.answered_at = feedback.answered_at or now  # a reply may have answered it
        feedback.acknowledged_at = feedback.acknowledged_at or now
        feedback.outcome = closing.outcome
        feedback.remedy = closing.remedy
        feedback.root_cause_id = closing.root_cause_id
        await insight.root_cause_set(feedback.organisation_id, feedback.id, closing.root_cause_id)
        feedback.improvement = closing.improvement
        feedback.improvement_ref = closing.improvement_ref
        statistics.set_facts(feedback, terms)
        await feedback.save()
        await _event(
            feedback,
            EventKind.CLOSED,
            by,
            closing.answer,
            visible=True,
            stage=feedback.stage,
            outcome=str(closing.outcome) if closing.outcome else None,
        )
        await _audit("closed", feedback, by, stage=feedback.stage)
        if closing.answer:
            await notices.closed(feedback, await _organisation_of(feedback), closing.answer, link)


def review_possible(feedback: Feedback, now: datetime | None = None) -> bool:
    if feedback.status is not Status.CLOSED or feedback.stage != 1 or feedback.closed_at is None:
        return False
    return ((now or _now()) - feedback.closed_at).days <= REVIEW_WINDOW_DAYS


async def request_review(feedback: Feedback, reason: str) -> None:
    """The person is not satisfied with the stage-1 answer: a different handler reviews it."""
    if not review_possible(feedback):
        raise HandlingError("", _("A review can no longer be asked for."))
    if not reason:
        raise HandlingError("reason", _("Tell us what you are not satisfied with."))
    organisation = await _organisation_of(feedback)
    terms = await handling_terms(organisation)
    async with in_transaction():
        feedback.stage = 2
        feedback.status = Status.REVIEW
        feedback.stage1_handler_id = feedback.assigned_to_id
        feedback.assigned_to_id = None
        feedback.answered_at = None  # the review is answered anew
        feedback.answer_due = answer_due(feedback, terms)
        feedback.extended = False
        statistics.set_facts(feedback, terms)  # the review is answered anew: no facts yet
        await feedback.save()
        await _event(feedback, EventKind.REVIEW_REQUESTED, None, reason, visible=True)
        await _audit("review_requested", feedback, None)


async def add_information(feedback: Feedback, text: str, today: date) -> None:
    """The person adds something on the tracking page; a paused case starts again."""
    if feedback.status is Status.CLOSED:
        raise HandlingError("text", _("This feedback is closed. Give new feedback instead."))
    if not text:
        raise HandlingError("text", _("Write what you want to add."))
    async with in_transaction():
        await _event(feedback, EventKind.INFO_FROM_PERSON, None, text, visible=True)
        await _audit("information_added", feedback, None)
    if feedback.status is Status.WAITING:
        await resume(feedback, None, today)


async def record_satisfaction(feedback: Feedback, score: int, comment: str) -> None:
    if feedback.status is not Status.CLOSED:
        raise HandlingError("score", _("You can tell us what you thought once we have answered."))
    if score not in range(1, 6):
        raise HandlingError("score", _("Choose a number from 1 to 5."))
    async with in_transaction():
        feedback.satisfaction = score
        feedback.satisfaction_comment = comment
        await feedback.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
        await _event(feedback, EventKind.SATISFACTION, None, comment, score=score)


async def set_secrecy(
    feedback: Feedback,
    by: User,
    secret: bool,
    summary: str,
    retention: RetentionClass | None = None,
) -> None:
    """Secrecy with its public summary, and the retention class (how long the personal
    data are kept after closing)."""
    if secret and not summary:
        raise HandlingError("public_summary", _("Write a short public summary."))
    async with in_transaction():
        await insight.secrecy_set(feedback.organisation_id, feedback.id, secret)
        feedback.secret = secret
        feedback.public_summary = summary
        if retention is not None:
            feedback.retention_class = retention
        if secret and feedback.published_at is not None:
            # What is published of a secret record is its public summary, nothing else.
            feedback.published_text = identity.mask(summary)
            feedback.published_answer = ""
        await feedback.save(
            update_fields=[
                "secret",
                "public_summary",
                "retention_class",
                "published_text",
                "published_answer",
                "updated_at",
            ]
        )
        await _event(
            feedback, EventKind.SECRECY, by, secret=secret, retention=str(feedback.retention_class)
        )
        await _audit(
            "secrecy_changed",
            feedback,
            by,
            secret=secret,
            retention=str(feedback.retention_class),
        )


async def route(feedback: Feedback, unit: Unit | None, by: User) -> None:
    """Move the record to another unit (None: no unit, for a quality manager to route).
    A handler of the old unit who is not assigned the record loses sight of it."""
    if unit is not None and unit.organisation_id != feedback.organisation_id:
        raise HandlingError("unit", _("Choose one of the options."))
    new_id = unit.id if unit is not None else None
    if new_id == feedback.unit_id:
        return
    old_id = feedback.unit_id
    async with in_transaction():
        feedback.unit_id = new_id
        await feedback.save(update_fields=["unit_id", "updated_at"])
        await _event(feedback, EventKind.ROUTED, by, old=old_id, new=new_id)
        await _audit("routed", feedback, by, old_unit=old_id, new_unit=new_id)


MAX_PUBLISHED = 2000


async def publish(feedback: Feedback, by: User, text: str, answer: str) -> None:
    """Release the record for the public list: ``text`` and an optional public ``answer``,
    both with personal identity numbers masked (of a secret record: its public summary
    and nothing else, whatever is given)."""
    if feedback.anonymised_at is not None:
        raise HandlingError("published_text", _("An anonymised record cannot be published."))
    public_text = feedback.public_summary if feedback.secret else text
    answer = "" if feedback.secret else answer
    if not public_text:
        raise HandlingError("published_text", _("Write the text to publish."))
    if len(public_text) > MAX_PUBLISHED or len(answer) > MAX_PUBLISHED:
        raise HandlingError("published_text", _("This is too long."))
    async with in_transaction():
        feedback.published_text = identity.mask(public_text)
        feedback.published_answer = identity.mask(answer)
        feedback.published_at = _now()
        await feedback.save(
            update_fields=["published_text", "published_answer", "published_at", "updated_at"]
        )
        await _event(feedback, EventKind.PUBLISHED, by)
        await _audit("published", feedback, by)


async def unpublish(feedback: Feedback, by: User) -> None:
    if feedback.published_at is None:
        return
    async with in_transaction():
        feedback.published_at = None
        await feedback.save(update_fields=["published_at", "updated_at"])
        await _event(feedback, EventKind.UNPUBLISHED, by)
        await _audit("unpublished", feedback, by)
