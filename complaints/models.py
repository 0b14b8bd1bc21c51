"""Feedback records, their history, attachments, reply templates and registration numbers."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from complaints.states import (
    Channel,
    EventKind,
    Kind,
    Outcome,
    Publication,
    RetentionClass,
    Status,
)
from servicedialog.bilingual import in_language


class RegistrationCounter(Model):
    """The last registration number given per organisation and year."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="feedback_counters", on_delete=fields.CASCADE
    )
    organisation_id: int
    year = fields.IntField()
    last_number = fields.IntField(default=0)

    class Meta:
        table = "feedback_counter"
        unique_together = (("organisation", "year"),)


class Feedback(Model):
    """One piece of feedback with its handling: a public document unless marked secret."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="feedback", on_delete=fields.CASCADE
    )
    organisation_id: int
    number = fields.CharField(max_length=32)  # SYN-2026-000123
    kind = fields.CharEnumField(Kind, max_length=16)
    channel = fields.CharEnumField(Channel, max_length=16, default=Channel.WEB)
    service: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "commitments.Service", related_name="feedback", null=True, on_delete=fields.SET_NULL
    )
    service_id: int | None
    commitment: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "commitments.Commitment", related_name="feedback", null=True, on_delete=fields.SET_NULL
    )
    commitment_id: int | None
    # When the matter the promise is about began (e.g. the day the person applied), if they
    # said: the promise's deadline for their case counts from it.
    matter_started_on = fields.DateField(null=True)
    unit: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Unit", related_name="feedback", null=True, on_delete=fields.SET_NULL
    )
    unit_id: int | None
    text = fields.TextField()
    # The text with personal identity numbers masked: what those who may not see them
    # search in, so that a search cannot be used to look a number up.
    masked_text = fields.TextField(default="", db_default="")
    place = fields.CharField(max_length=300, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    # Contact details: all optional; anonymous feedback has none and cannot be answered.
    anonymous = fields.BooleanField(default=False)
    contact_name = fields.CharField(max_length=200, default="")
    contact_email = fields.CharField(max_length=254, default="")
    contact_phone = fields.CharField(max_length=40, default="")
    language = fields.CharField(max_length=2, default="sv")
    registered_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name="registered_feedback", null=True, on_delete=fields.SET_NULL
    )
    registered_by_id: int | None
    # Handling
    status = fields.CharEnumField(Status, max_length=16, default=Status.RECEIVED)
    stage = fields.SmallIntField(default=1)
    assigned_to: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name="assigned_feedback", null=True, on_delete=fields.SET_NULL
    )
    assigned_to_id: int | None
    stage1_handler_id = fields.IntField(null=True)  # the reviewer must be someone else
    received_at = fields.DatetimeField()
    acknowledge_due = fields.DateField(null=True)
    answer_due = fields.DateField(null=True)
    acknowledged_at = fields.DatetimeField(null=True)
    answered_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    paused_since = fields.DateField(null=True)
    pause_reason = fields.CharField(max_length=300, default="")
    pauses: list[list[str]] = fields.JSONField(default=list)  # [[start, end], …] local dates
    extended = fields.BooleanField(default=False)
    outcome: Outcome | None = fields.CharEnumField(Outcome, max_length=16, null=True)  # type: ignore[assignment]
    remedy = fields.TextField(default="")
    root_cause: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "problem_areas.ProblemArea", related_name="feedback", null=True, on_delete=fields.SET_NULL
    )
    root_cause_id: int | None
    improvement = fields.TextField(default="")
    improvement_ref = fields.CharField(max_length=64, default="")  # improvement actions later
    satisfaction = fields.SmallIntField(null=True)
    satisfaction_comment = fields.TextField(default="")
    # Public access and personal data
    secret = fields.BooleanField(default=False)
    public_summary = fields.CharField(max_length=300, default="")
    retention_class = fields.CharEnumField(
        RetentionClass, max_length=10, default=RetentionClass.STANDARD
    )
    # What is published on the internet (Open311's public list), when a handler or a
    # quality manager releases it: a text without personal data, and optionally a public
    # account of what was done. Never the person's own text or the replies to them as such.
    published_at = fields.DatetimeField(null=True)
    published_text = fields.TextField(default="", db_default="")
    published_answer = fields.TextField(default="", db_default="")
    anonymised_at = fields.DatetimeField(null=True)
    tracking_hash = fields.CharField(max_length=64, unique=True)  # sha256 of the link token
    open311_token = fields.CharField(max_length=40, null=True, unique=True)
    # Facts for the statistics, computed once in Python with the organisation's time zone
    # and working days when the record is acknowledged or answered (complaints.statistics):
    # acknowledged / answered by its deadline (local date), and the working days from the
    # day received to the day answered. None until then.
    acknowledged_on_time = fields.BooleanField(null=True)
    answered_on_time = fields.BooleanField(null=True)
    handling_days = fields.SmallIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    events: fields.ReverseRelation[FeedbackEvent]
    attachments: fields.ReverseRelation[Attachment]

    class Meta:
        table = "feedback"
        unique_together = (("organisation", "number"),)
        indexes = [
            Index(fields=("organisation_id", "status", "answer_due")),
            # The inbox of a unit (the default view) counts and pages by this one; with
            # only (unit_id, …) SQLite chose the organisation's index and read every open
            # record's row to check the unit (20 ms per page at 24,000 open records).
            Index(fields=("organisation_id", "unit_id", "status", "answer_due")),
            Index(fields=("organisation_id", "received_at")),
            # The statistics' watermark: what changed since the last refresh.
            Index(fields=("organisation_id", "updated_at")),
            # The quality manager's count of records open longer than six months.
            Index(fields=("organisation_id", "status", "received_at")),
            # The latest improvements named (read newest first, stopping at ten).
            Index(fields=("organisation_id", "closed_at")),
        ]

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def can_be_answered(self) -> bool:
        return bool(self.contact_email or self.contact_phone) and not self.anonymous


class FeedbackEvent(Model):
    """Something that happened to a feedback record: notes, replies, status changes."""

    id = fields.IntField(primary_key=True)
    feedback: fields.ForeignKeyRelation[Feedback] = fields.ForeignKeyField(
        "complaints.Feedback", related_name="events", on_delete=fields.CASCADE
    )
    feedback_id: int
    kind = fields.CharEnumField(EventKind, max_length=20)
    author: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name="feedback_events", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    body = fields.TextField(default="")
    visible_to_person = fields.BooleanField(default=False)
    data: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feedback_event"
        ordering = ["created_at", "id"]


class Attachment(Model):
    """A file given with feedback, stored outside the web root under VAR_DIR."""

    id = fields.IntField(primary_key=True)
    feedback: fields.ForeignKeyRelation[Feedback] = fields.ForeignKeyField(
        "complaints.Feedback", related_name="attachments", on_delete=fields.CASCADE
    )
    feedback_id: int
    filename = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_name = fields.CharField(max_length=80, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feedback_attachment"


class ReplyTemplate(Model):
    """A reusable answer text of an organisation, in both languages."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="reply_templates", on_delete=fields.CASCADE
    )
    organisation_id: int
    title = fields.CharField(max_length=120)
    body_sv = fields.TextField()
    body_en = fields.TextField(default="")

    class Meta:
        table = "feedback_reply_template"
        ordering = ["title"]

    def body(self, language: str) -> str:
        return in_language(self, "body", language)


class FeedbackSettings(Model):
    """An organisation's choices for its feedback (without a row: the defaults)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "core.Organisation", related_name="feedback_settings", on_delete=fields.CASCADE
    )
    organisation_id: int
    publication = fields.CharEnumField(Publication, max_length=10, default=Publication.RELEASED)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "feedback_settings"


# --- statistics (complaints.statistics fills these; the dashboard panels read them) ------


class FeedbackMonth(Model):
    """The feedback received in one month, by unit, service, kind and channel.

    A cohort: every figure is about the records *received* in the month (the first day of
    the month in the organisation's time zone), e.g. ``answered`` is how many of them have
    been answered so far and ``answered_on_time`` how many by their answer deadline. The
    figures of a month change as its records are handled; complaints.statistics keeps
    them up to date. Unit and service are plain ids (the records' at refresh time)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="feedback_months", on_delete=fields.CASCADE
    )
    organisation_id: int
    month = fields.DateField()
    unit_id = fields.IntField(null=True)
    service_id = fields.IntField(null=True)
    kind = fields.CharEnumField(Kind, max_length=16)
    channel = fields.CharEnumField(Channel, max_length=16)
    received = fields.IntField(default=0)
    acknowledged = fields.IntField(default=0)
    acknowledged_on_time = fields.IntField(default=0)
    answered = fields.IntField(default=0)
    answered_on_time = fields.IntField(default=0)
    closed = fields.IntField(default=0)
    upheld = fields.IntField(default=0)
    partly_upheld = fields.IntField(default=0)
    not_upheld = fields.IntField(default=0)
    resolved = fields.IntField(default=0)
    reviews = fields.IntField(default=0)  # a review asked for (stage 2)
    satisfaction_sum = fields.IntField(default=0)
    satisfaction_count = fields.IntField(default=0)
    improvements = fields.IntField(default=0)  # closed, with an improvement named

    class Meta:
        table = "feedback_month"
        indexes = [Index(fields=("organisation_id", "month"))]


class FeedbackHandlingDays(Model):
    """How many of a month's answered records took each number of working days (a
    histogram: medians and percentiles over any filter are read from cumulative sums).
    By the dashboard's filters only (unit, service, channel): fewer rows to sum."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="feedback_handling_days", on_delete=fields.CASCADE
    )
    organisation_id: int
    month = fields.DateField()
    unit_id = fields.IntField(null=True)
    service_id = fields.IntField(null=True)
    channel = fields.CharEnumField(Channel, max_length=16)
    days = fields.IntField()
    count = fields.IntField()

    class Meta:
        table = "feedback_handling_days"
        # Covering: the percentiles are summed from the index alone (a third of the time
        # on SQLite at 10,000 rows a year).
        indexes = [
            Index(
                fields=(
                    "organisation_id",
                    "month",
                    "unit_id",
                    "service_id",
                    "channel",
                    "days",
                    "count",
                )
            )
        ]


class FeedbackCauseMonth(Model):
    """A month's closed complaints by root cause (a problem area), and how many of them
    named an improvement; the same cohort as FeedbackMonth."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="feedback_cause_months", on_delete=fields.CASCADE
    )
    organisation_id: int
    month = fields.DateField()
    unit_id = fields.IntField(null=True)
    service_id = fields.IntField(null=True)
    channel = fields.CharEnumField(Channel, max_length=16)
    root_cause_id = fields.IntField(null=True)
    closed = fields.IntField(default=0)
    improvements = fields.IntField(default=0)

    class Meta:
        table = "feedback_cause_month"
        indexes = [Index(fields=("organisation_id", "month"))]


class FeedbackStatistics(Model):
    """Where an organisation's statistics stand: the latest ``updated_at`` of its records
    seen by the last refresh (the next one recomputes the months of records changed
    since)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "core.Organisation", related_name="feedback_statistics", on_delete=fields.CASCADE
    )
    organisation_id: int
    watermark = fields.DatetimeField(null=True)
    refreshed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "feedback_statistics"
