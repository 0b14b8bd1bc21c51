"""Models the core shares with every feature: organisations, units, users, roles, audit,
the e-mail outbox."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from servicedialog.bilingual import in_language
from servicedialog.roles import Role


class Country:
    SE = "SE"
    FI = "FI"
    CHOICES = (SE, FI)


class OrganisationKind:
    MUNICIPALITY = "municipality"
    REGION = "region"
    AGENCY = "agency"
    CHOICES = (MUNICIPALITY, REGION, AGENCY)


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name_sv = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    country = fields.CharField(max_length=2, default=Country.SE)
    kind = fields.CharField(max_length=20, default=OrganisationKind.MUNICIPALITY)
    # The IANA zone of the organisation's day: deadlines, "today" and periods follow it
    # (servicedialog.calendars). Set from the country when the organisation is created.
    time_zone = fields.CharField(
        max_length=64, default="Europe/Stockholm", db_default="Europe/Stockholm"
    )
    # Inhabitants (or customers) served: dashboards show feedback per 1,000 when it is set.
    population = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    units: fields.ReverseRelation[Unit]

    class Meta:
        table = "core_organisation"
        ordering = ["name_sv"]

    def name(self, language: str) -> str:
        return in_language(self, "name", language)


class Unit(Model):
    """A förvaltning or enhet inside an organisation."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "core.Organisation", related_name="units", on_delete=fields.CASCADE
    )
    organisation_id: int
    code = fields.CharField(max_length=32)
    name_sv = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_unit"
        unique_together = (("organisation", "code"),)
        ordering = ["name_sv"]

    def name(self, language: str) -> str:
        return in_language(self, "name", language)


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    display_name = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    is_superuser = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    memberships: fields.ReverseRelation[Membership]

    class Meta:
        table = "core_user"

    def __str__(self) -> str:
        return self.display_name or self.email


class Membership(Model):
    """One role for one user in one organisation (optionally tied to a unit)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="memberships", on_delete=fields.CASCADE
    )
    user_id: int
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "core.Organisation", related_name="memberships", on_delete=fields.CASCADE
    )
    organisation_id: int
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "core.Unit", related_name="memberships", null=True, on_delete=fields.SET_NULL
    )
    unit_id: int | None
    role = fields.CharEnumField(Role, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "core_membership"
        unique_together = (("user", "organisation", "role"),)


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(Model):
    """Who did what to which record, when, from where. Never updated, never deleted."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    # Kept as text so the trail stays readable if the account is later removed.
    actor_email = fields.CharField(max_length=254, default="")
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "core.Organisation", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    organisation_id: int | None
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=64, default="")
    object_id = fields.CharField(max_length=64, default="")
    ip = fields.CharField(max_length=45, default="")
    detail: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "core_audit_event"
        ordering = ["-id"]

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._saved_in_db:
            await super().save(*args, **kwargs)
            return
        raise AppendOnlyError("audit events are append-only")

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise AppendOnlyError("audit events are append-only")


class StaffSession(Model):
    """A signed-in staff session, kept on the server: the session cookie carries only a
    random key whose SHA-256 is ``key_hash``. Signing out, a password change and the
    lifetime and idle limits end it here, so a copied cookie stops working too."""

    id = fields.BigIntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    ip = fields.CharField(max_length=45, default="")

    class Meta:
        table = "core_staff_session"
        indexes = (("user_id", "ended_at"),)


class LoginThrottle(Model):
    """Sign-in attempts per account (subject ``account:<e-mail>``) and failures per client
    address (``address:<ip>``) in the current window, counted by one atomic upsert so that
    parallel attempts in several workers cannot slip past the limit."""

    id = fields.BigIntField(primary_key=True)
    subject = fields.CharField(max_length=300, unique=True)
    hits = fields.IntField(default=0)
    window_start = fields.BigIntField()  # seconds since 1970

    class Meta:
        table = "core_login_throttle"


class ApiKey(Model):
    """A key for machine clients of one organisation (JSON API, Open311). Only a SHA-256
    hash is stored; the key itself is shown once, when it is made."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "core.Organisation", related_name="api_keys", on_delete=fields.CASCADE
    )
    organisation_id: int
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=12)  # shown in lists so people can tell keys apart
    key_hash = fields.CharField(max_length=64, unique=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "core_api_key"
        ordering = ["-created_at"]


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENT = "sent"  # accepted by the mail server
    FAILED = "failed"  # refused for good, or out of attempts; an administrator may retry


class OutboxMessage(Model):
    """One outgoing e-mail, queued with the change that caused it, sent by servicedialog.mail."""

    id = fields.BigIntField(primary_key=True)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "core.Organisation", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organisation_id: int | None
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=500)
    body_text = fields.TextField()
    language = fields.CharField(max_length=2, default="sv")
    # Free text such as "feedback:123", so a feature can find the mail it sent.
    reference = fields.CharField(max_length=100, default="", db_index=True)
    status = fields.CharEnumField(OutboxStatus, max_length=10, default=OutboxStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    # Set by the sender that is working on the message, so no other process sends it too.
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    message_id = fields.CharField(max_length=255, default="")

    class Meta:
        table = "core_outbox_message"
        indexes = (("status", "next_attempt_at"), ("organisation_id", "status"))


class ClosedDay(Model):
    """A local day off (e.g. a municipality's bridge day): not a working day for any of the
    organisation's clocks (servicedialog.calendars.calendar_for)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "core.Organisation", related_name="calendar_days", on_delete=fields.CASCADE
    )
    organisation_id: int
    day = fields.DateField()
    reason = fields.CharField(max_length=200, default="")

    class Meta:
        table = "core_closed_day"
        unique_together = (("organisation", "day"),)
        ordering = ["day"]


class JobRun(Model):
    """When each scheduled job (servicedialog.jobs) is due, and who holds it now: the
    row one process claims before running the job, so it runs once across workers."""

    name = fields.CharField(max_length=100, primary_key=True)
    due_at = fields.DatetimeField()
    held_until = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    result = fields.CharField(max_length=500, default="")
    failed = fields.BooleanField(default=False)

    class Meta:
        table = "core_job_run"
