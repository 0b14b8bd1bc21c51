"""The vocabularies of feedback handling, with English msgids for their labels."""

from __future__ import annotations

from enum import StrEnum

from servicedialog.i18n import lazy as _


class Kind(StrEnum):
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    PRAISE = "praise"
    QUESTION = "question"


class Channel(StrEnum):
    WEB = "web"
    PHONE = "phone"
    VISIT = "visit"
    LETTER = "letter"
    EMAIL = "email"
    OPEN311 = "open311"


class Status(StrEnum):
    RECEIVED = "received"  # registered, nobody has looked at it yet
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"  # paused: waiting for the person
    REVIEW = "review"  # stage 2: a different handler reviews the stage-1 answer
    CLOSED = "closed"  # answered and closed; the person may ask for a review once


OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.WAITING, Status.REVIEW)

_OPEN = frozenset(OPEN_STATUSES)
# The statuses each handling step may start from (complaints.services checks them with
# ``allowed``); steps not listed go from any status. ``refusal`` says why one may not.
STEPS_FROM: dict[str, frozenset[Status]] = {
    "assign": _OPEN,
    "reply": _OPEN,
    "extend": _OPEN,
    "close": _OPEN,
    "pause": _OPEN - {Status.WAITING},
    "resume": frozenset({Status.WAITING}),
}
REFUSED_IN = {
    Status.CLOSED: _("This feedback is closed."),
    Status.WAITING: _("The handling is already paused."),
}
NOT_PAUSED = _("The handling is not paused.")


def allowed(step: str, status: Status) -> bool:
    return status in STEPS_FROM.get(step, frozenset(Status))


def refusal(step: str, status: Status) -> str:
    """Why ``step`` cannot be taken from ``status`` (an English msgid)."""
    return NOT_PAUSED if step == "resume" else REFUSED_IN[status]


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    RESOLVED = "resolved"


class RetentionClass(StrEnum):
    """How long a record is kept before its personal data are removed."""

    SHORT = "short"  # 2 years: praise, questions, suggestions
    STANDARD = "standard"  # 3 years: complaints
    LONG = "long"  # 10 years: complaints that led to a decision of lasting value


RETENTION_YEARS = {RetentionClass.SHORT: 2, RetentionClass.STANDARD: 3, RetentionClass.LONG: 10}


class Publication(StrEnum):
    """What of an organisation's feedback is published on the internet (Open311's public
    list of requests); see docs/feedback.md."""

    NEVER = "never"  # nothing: the records are public documents, given out on request
    RELEASED = "released"  # what a handler or quality manager released (the default)
    AT_ONCE = "at_once"  # every record's text at once, masked, as FixMyStreet does


PUBLICATION_LABELS = {
    Publication.NEVER: _("Nothing is published on the internet"),
    Publication.RELEASED: _("What a handler or quality manager has released"),
    Publication.AT_ONCE: _("Every feedback text at once (identity numbers masked)"),
}


class EventKind(StrEnum):
    REGISTERED = "registered"
    NOTE = "note"  # internal, never shown to the person
    REPLY = "reply"  # to the person: tracking page and e-mail
    INFO_FROM_PERSON = "info_from_person"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    PAUSED = "paused"
    RESUMED = "resumed"
    EXTENDED = "extended"
    REVIEW_REQUESTED = "review_requested"
    CLOSED = "closed"
    SATISFACTION = "satisfaction"
    SECRECY = "secrecy"
    ANONYMISED = "anonymised"
    ROUTED = "routed"  # moved to another unit
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


KIND_LABELS = {
    Kind.COMPLAINT: _("Complaint"),
    Kind.SUGGESTION: _("Suggestion"),
    Kind.PRAISE: _("Praise"),
    Kind.QUESTION: _("Question"),
}

CHANNEL_LABELS = {
    Channel.WEB: _("Web form"),
    Channel.PHONE: _("Phone"),
    Channel.VISIT: _("Visit"),
    Channel.LETTER: _("Letter"),
    Channel.EMAIL: _("E-mail"),
    Channel.OPEN311: _("App (Open311)"),
}

# For staff.
STATUS_LABELS = {
    Status.RECEIVED: _("New"),
    Status.IN_PROGRESS: _("Being handled"),
    Status.WAITING: _("Waiting for the person"),
    Status.REVIEW: _("Under review"),
    Status.CLOSED: _("Closed"),
}
# For the person, on their tracking page and in Open311.
PERSON_STATUS_LABELS = {
    **STATUS_LABELS,
    Status.RECEIVED: _("Registered, not yet read"),
    Status.WAITING: _("Waiting for you"),
}

OUTCOME_LABELS = {
    Outcome.UPHELD: _("Upheld"),
    Outcome.PARTLY_UPHELD: _("Partly upheld"),
    Outcome.NOT_UPHELD: _("Not upheld"),
    Outcome.RESOLVED: _("Resolved"),
}

RETENTION_LABELS = {
    RetentionClass.SHORT: _("2 years"),
    RetentionClass.STANDARD: _("3 years"),
    RetentionClass.LONG: _("10 years"),
}

EVENT_LABELS = {
    EventKind.REGISTERED: _("Registered"),
    EventKind.NOTE: _("Internal note"),
    EventKind.REPLY: _("Reply to the person"),
    EventKind.INFO_FROM_PERSON: _("Information from the person"),
    EventKind.ASSIGNED: _("Assigned"),
    EventKind.ACKNOWLEDGED: _("Receipt confirmed"),
    EventKind.PAUSED: _("Paused"),
    EventKind.RESUMED: _("Resumed"),
    EventKind.EXTENDED: _("Deadline extended"),
    EventKind.REVIEW_REQUESTED: _("Review asked for"),
    EventKind.CLOSED: _("Answered and closed"),
    EventKind.SATISFACTION: _("Satisfaction answer"),
    EventKind.SECRECY: _("Secrecy changed"),
    EventKind.ANONYMISED: _("Anonymised"),
    EventKind.ROUTED: _("Moved to another unit"),
    EventKind.PUBLISHED: _("Published"),
    EventKind.UNPUBLISHED: _("No longer published"),
}
