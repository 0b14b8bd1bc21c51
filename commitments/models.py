"""Services, versioned service commitments and the case records that measure them."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from commitments.states import (
    Channel,
    CommitmentKind,
    CommitmentStatus,
    EServiceLevel,
    Period,
)
from servicedialog.bilingual import in_language
from servicedialog.clock import ClockUnit


class Service(Model):
    """Something an organisation does for people, e.g. building permits."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="services", on_delete=fields.CASCADE
    )
    organisation_id: int
    unit: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.Unit", related_name="services", null=True, on_delete=fields.SET_NULL
    )
    unit_id: int | None
    code = fields.CharField(max_length=32)
    name_sv = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    description_sv = fields.TextField(default="")
    description_en = fields.TextField(default="")
    target_group = fields.CharField(max_length=200, default="")
    channels: list[str] = fields.JSONField(default=list)
    eservice_level = fields.CharEnumField(
        EServiceLevel, max_length=20, default=EServiceLevel.INFORMATION
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    commitments: fields.ReverseRelation[Commitment]

    class Meta:
        table = "commitments_service"
        unique_together = (("organisation", "code"),)
        ordering = ["code"]

    def name(self, language: str) -> str:
        return in_language(self, "name", language)


class Commitment(Model):
    """A promise (serviceåtagande). Its terms live in versions: changing the target makes a
    new version, and the measurement of earlier periods keeps the version it was made under."""

    id = fields.IntField(primary_key=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "commitments.Service", related_name="commitments", on_delete=fields.CASCADE
    )
    service_id: int
    # Stable identity within the service, for catalogue files kept under version control.
    key = fields.CharField(max_length=64)
    status = fields.CharEnumField(CommitmentStatus, max_length=12, default=CommitmentStatus.DRAFT)
    owner: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    versions: fields.ReverseRelation[CommitmentVersion]

    class Meta:
        table = "commitments_commitment"
        unique_together = (("service", "key"),)


class CommitmentVersion(Model):
    id = fields.IntField(primary_key=True)
    commitment: fields.ForeignKeyRelation[Commitment] = fields.ForeignKeyField(
        "commitments.Commitment", related_name="versions", on_delete=fields.CASCADE
    )
    commitment_id: int
    version = fields.IntField()
    kind = fields.CharEnumField(CommitmentKind, max_length=16, default=CommitmentKind.TIMELINESS)
    promise_sv = fields.TextField()
    promise_en = fields.TextField(default="")
    needs_sv = fields.TextField(default="")  # "what we need from you"
    needs_en = fields.TextField(default="")
    conditions_sv = fields.TextField(default="")
    conditions_en = fields.TextField(default="")
    start_event = fields.CharField(max_length=200, default="")
    stop_event = fields.CharField(max_length=200, default="")
    pause_reasons: list[str] = fields.JSONField(default=list)
    unit = fields.CharEnumField(ClockUnit, max_length=16, default=ClockUnit.WORKING_DAYS)
    threshold = fields.IntField()
    target_share = fields.FloatField(default=0.9)
    period = fields.CharEnumField(Period, max_length=8, default=Period.MONTH)
    remedy_sv = fields.TextField(default="")  # what happens when the promise is broken
    remedy_en = fields.TextField(default="")
    compensation_sv = fields.TextField(default="")
    compensation_en = fields.TextField(default="")
    valid_from = fields.DateField(null=True)
    valid_to = fields.DateField(null=True)
    review_date = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "commitments_version"
        unique_together = (("commitment", "version"),)
        ordering = ["commitment_id", "version"]

    def promise(self, language: str) -> str:
        return in_language(self, "promise", language)


class CaseRecord(Model):
    """One case (ärende) of a service: what the measurement of its commitments is made of."""

    id = fields.BigIntField(primary_key=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "commitments.Service", related_name="cases", on_delete=fields.CASCADE
    )
    service_id: int
    case_ref = fields.CharField(max_length=64)
    received_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)
    # [[start, end, reason], ...] as ISO dates; few cases have any, and they are read
    # only when a clock is computed, so a JSON column beats a table of its own here.
    pauses: list[list[str]] = fields.JSONField(default=list)
    channel = fields.CharEnumField(Channel, max_length=10, null=True)

    class Meta:
        table = "commitments_case"
        unique_together = (("service", "case_ref"),)
        # The second index covers the recompute query (with the channel, for the cases per
        # month and channel): reading a million cases from it is a sequential scan of the
        # index instead of a million lookups in the table.
        indexes = (
            ("service_id", "completed_at"),
            ("service_id", "received_at", "completed_at", "pauses", "channel"),
        )


class FulfilmentPeriod(Model):
    """Precomputed fulfilment of one commitment version in one reporting period.

    Recomputed after every case import (``servicedialog commitments recompute`` does all),
    so public pages read a handful of rows instead of scanning the cases."""

    id = fields.BigIntField(primary_key=True)
    version: fields.ForeignKeyRelation[CommitmentVersion] = fields.ForeignKeyField(
        "commitments.CommitmentVersion", related_name="periods", on_delete=fields.CASCADE
    )
    version_id: int
    period_start = fields.DateField()
    period_end = fields.DateField()
    total_volume = fields.IntField()
    volume_meeting_target = fields.IntField()
    performance = fields.FloatField(null=True)
    target_met = fields.BooleanField(null=True)
    too_few_cases = fields.BooleanField()
    median_elapsed = fields.FloatField(null=True)
    p90_elapsed = fields.FloatField(null=True)
    wilson_low = fields.FloatField(null=True)
    wilson_high = fields.FloatField(null=True)
    computed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "commitments_fulfilment"
        unique_together = (("version", "period_start"),)
        ordering = ["period_start"]


class CommitmentSummary(Model):
    """Measured times of a commitment over the last twelve months, for the permit guide.
    Written by the same recompute as the period figures."""

    id = fields.IntField(primary_key=True)
    commitment: fields.OneToOneRelation[Commitment] = fields.OneToOneField(
        "commitments.Commitment", related_name="summary", on_delete=fields.CASCADE
    )
    commitment_id: int
    cases = fields.IntField()
    median_elapsed = fields.FloatField(null=True)
    p90_elapsed = fields.FloatField(null=True)
    computed_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "commitments_summary"


class ServicePackage(Model):
    """A service package (servicehelhet) spanning the services of several organisations."""

    # For example "Open a restaurant": the guide asks its questions and lists its steps.

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    owner: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="service_packages", on_delete=fields.CASCADE
    )
    owner_id: int
    name_sv = fields.CharField(max_length=200)
    name_en = fields.CharField(max_length=200)
    description_sv = fields.TextField(default="")
    description_en = fields.TextField(default="")
    published = fields.BooleanField(default=True)

    questions: fields.ReverseRelation[PackageQuestion]
    steps: fields.ReverseRelation[PackageStep]

    class Meta:
        table = "commitments_package"
        ordering = ["name_sv"]

    def name(self, language: str) -> str:
        return in_language(self, "name", language)


class PackageQuestion(Model):
    """A yes or no question that decides whether some steps of a package apply."""

    id = fields.IntField(primary_key=True)
    package: fields.ForeignKeyRelation[ServicePackage] = fields.ForeignKeyField(
        "commitments.ServicePackage", related_name="questions", on_delete=fields.CASCADE
    )
    package_id: int
    key = fields.CharField(max_length=32)
    position = fields.IntField(default=0)
    text_sv = fields.CharField(max_length=300)
    text_en = fields.CharField(max_length=300)

    class Meta:
        table = "commitments_package_question"
        unique_together = (("package", "key"),)
        ordering = ["position"]

    def text(self, language: str) -> str:
        return in_language(self, "text", language)


class PackageStep(Model):
    """One service in a package, in order, that applies always or when its question is yes."""

    id = fields.IntField(primary_key=True)
    package: fields.ForeignKeyRelation[ServicePackage] = fields.ForeignKeyField(
        "commitments.ServicePackage", related_name="steps", on_delete=fields.CASCADE
    )
    package_id: int
    position = fields.IntField(default=0)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "commitments.Service", related_name="package_steps", on_delete=fields.CASCADE
    )
    service_id: int
    question: fields.ForeignKeyNullableRelation[PackageQuestion] = fields.ForeignKeyField(
        "commitments.PackageQuestion",
        related_name="steps",
        null=True,
        on_delete=fields.SET_NULL,
    )
    question_id: int | None

    class Meta:
        table = "commitments_package_step"
        ordering = ["position"]


class CaseMonth(Model):
    """Cases of one service received in one local month through one channel.

    Precomputed by the recompute of the organisation's figures (the channel panels read
    these rows instead of counting the cases), channel "" where none was recorded."""

    id = fields.BigIntField(primary_key=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        "commitments.Service", related_name="case_months", on_delete=fields.CASCADE
    )
    service_id: int
    month = fields.DateField()  # the first day of the local month the cases were received in
    channel = fields.CharField(max_length=10, default="")
    cases = fields.IntField()

    class Meta:
        table = "commitments_case_month"
        unique_together = (("service", "month", "channel"),)
