"""The problem areas of an organisation, and what the classifier and people say of each text.

An area has a stable ``code`` (kept when it is renamed), so that models, exports and other
organisations' starter models can name it. Areas are never deleted: a retired area stays
on the records that used it and is never predicted again; a merged one names its
``successor``, which the classifier predicts instead.

Every classified text is one :class:`Label` (its current area, confidence, and who or which
model set it), with its history in :class:`LabelChange`. Models are stored as skops bytes
in :class:`ClassifierModel`, never pickled.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from servicedialog.bilingual import in_language


class ProblemArea(Model):
    """A problem area of one organisation, e.g. long waiting times or unclear information."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="problem_areas", on_delete=fields.CASCADE
    )
    organisation_id: int
    code = fields.CharField(max_length=64, db_default="")
    name_sv = fields.CharField(max_length=120)
    name_en = fields.CharField(max_length=120, default="")
    description_sv = fields.TextField(default="")
    description_en = fields.TextField(default="")
    parent: fields.ForeignKeyNullableRelation[ProblemArea] = fields.ForeignKeyField(
        "problem_areas.ProblemArea", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    parent_id: int | None
    # Set when the area was merged into another: its labels moved there, and the
    # classifier predicts the successor wherever it would have predicted this one.
    successor: fields.ForeignKeyNullableRelation[ProblemArea] = fields.ForeignKeyField(
        "problem_areas.ProblemArea",
        related_name="predecessors",
        null=True,
        on_delete=fields.SET_NULL,
    )
    successor_id: int | None
    # Retired areas stay on the cases that used them but are not offered any more.
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "problem_areas_area"
        unique_together = (("organisation", "name_sv"), ("organisation", "code"))
        ordering = ["name_sv"]

    def name(self, language: str) -> str:
        return in_language(self, "name", language)

    def description(self, language: str) -> str:
        return in_language(self, "description", language)


class LabelState(StrEnum):
    PREDICTED = "predicted"  # only the model has said so
    CONFIRMED = "confirmed"  # a person agreed with the model
    CORRECTED = "corrected"  # a person chose another area


class Label(Model):
    """One classified text of a source (feedback now, survey answers and dialogue notes
    later): its area, the confidence, the model version and whether a person confirmed or
    corrected it. ``text`` is the source's text with personal data redacted
    (:func:`insight.text.redact`): what the insight pages show and export."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="labels", on_delete=fields.CASCADE
    )
    organisation_id: int
    source = fields.CharField(max_length=32)  # "feedback", later "survey", "dialogue"
    source_id = fields.IntField()
    text = fields.TextField()
    language = fields.CharField(max_length=2, default="sv")
    received_at = fields.DatetimeField()  # when the person wrote it: the alerts count by it
    area: fields.ForeignKeyNullableRelation[ProblemArea] = fields.ForeignKeyField(
        "problem_areas.ProblemArea", related_name="labels", null=True, on_delete=fields.SET_NULL
    )
    area_id: int | None
    confidence = fields.FloatField(default=0.0)  # the model's, for its own prediction
    predicted_area_id = fields.IntField(null=True)  # what the model said, kept after a correction
    model_version = fields.CharField(max_length=40, default="")
    state = fields.CharEnumField(LabelState, max_length=10, default=LabelState.PREDICTED)
    # A person's view from the source itself (a handler's root cause on a case): the
    # review queue shows where the model disagrees with it.
    hint_area_id = fields.IntField(null=True)
    # A secret record's text (complaints' secrecy), or an anonymised one: classified and
    # counted like any other, but never shown on the insight pages, reviewed, learnt from
    # or used for discovery.
    hidden = fields.BooleanField(default=False)
    set_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name="labels_set", null=True, on_delete=fields.SET_NULL
    )
    set_by_id: int | None
    set_at = fields.DatetimeField()
    created_at = fields.DatetimeField()  # with model_version and predicted_area_id: the
    # first entry of the history; every later change is a LabelChange

    class Meta:
        table = "problem_areas_label"
        unique_together = (("organisation", "source", "source_id"),)
        indexes = [
            # The review queue: the least confident of an organisation's unreviewed texts
            # that may be shown (its count is read from this index alone).
            Index(fields=("organisation_id", "state", "hidden", "confidence")),
            # The alerts and the dashboards: counts per area and week.
            Index(fields=("organisation_id", "area_id", "received_at")),
        ]


class LabelChange(Model):
    """The history of a label: who (a person) or what (a model version) set which area."""

    id = fields.IntField(primary_key=True)
    label: fields.ForeignKeyRelation[Label] = fields.ForeignKeyField(
        "problem_areas.Label", related_name="changes", on_delete=fields.CASCADE
    )
    label_id: int
    area_id = fields.IntField(null=True)
    previous_area_id = fields.IntField(null=True)
    kind = fields.CharField(max_length=16)  # predicted, confirmed, corrected, merged, split, …
    by_user: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name="label_changes", null=True, on_delete=fields.SET_NULL
    )
    by_user_id: int | None
    model_version = fields.CharField(max_length=40, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "problem_areas_label_change"


class ModelStatus(StrEnum):
    ACTIVE = "active"  # the one that classifies
    CANDIDATE = "candidate"  # trained but not better than the active one: kept, with why
    SUPERSEDED = "superseded"  # was active before


class ClassifierModel(Model):
    """A trained model of one organisation: its skops bytes and what it was trained on."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="classifier_models", on_delete=fields.CASCADE
    )
    organisation_id: int
    number = fields.IntField()  # 1, 2, … per organisation; the version is "v<number>"
    status = fields.CharEnumField(ModelStatus, max_length=10)
    # The built-in starter model (trained on problem_areas/starter/texts.csv, kept in each
    # process, not stored here: blob is empty): what an organisation without labels uses.
    starter = fields.BooleanField(default=False)
    reason = fields.TextField(default="")  # why a candidate was not made active
    training_size = fields.IntField()
    data_hash = fields.CharField(max_length=64)
    settings: dict[str, Any] = fields.JSONField(default=dict)
    metrics: dict[str, Any] = fields.JSONField(default=dict)
    top_terms: dict[str, Any] = fields.JSONField(default=dict)
    versions: dict[str, Any] = fields.JSONField(default=dict)
    blob = fields.BinaryField()
    trained_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "core.User", related_name="trained_models", null=True, on_delete=fields.SET_NULL
    )
    trained_by_id: int | None
    trained_at = fields.DatetimeField()

    class Meta:
        table = "problem_areas_model"
        unique_together = (("organisation", "number"),)
        ordering = ["-number"]

    @property
    def version(self) -> str:
        return f"v{self.number}"


class CandidateStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class Candidate(Model):
    """A group of texts the areas cover badly, found by discovery: a possible new area."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="area_candidates", on_delete=fields.CASCADE
    )
    organisation_id: int
    terms: list[str] = fields.JSONField(default=list)
    label_ids: list[int] = fields.JSONField(default=list)
    representative_ids: list[int] = fields.JSONField(default=list)
    size = fields.IntField()
    status = fields.CharEnumField(CandidateStatus, max_length=10, default=CandidateStatus.OPEN)
    area_id = fields.IntField(null=True)  # the area it became
    found_at = fields.DatetimeField()
    decided_by_id = fields.IntField(null=True)

    class Meta:
        table = "problem_areas_candidate"
        ordering = ["-size"]


class AreaMonth(Model):
    """Texts of one problem area received in one local month of its organisation.

    Precomputed by the feature's statistics hook (the dashboards' volume panels read these
    rows instead of counting the labels); hidden texts are counted like any other."""

    id = fields.BigIntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="area_months", on_delete=fields.CASCADE
    )
    organisation_id: int
    area: fields.ForeignKeyRelation[ProblemArea] = fields.ForeignKeyField(
        "problem_areas.ProblemArea", related_name="months", on_delete=fields.CASCADE
    )
    area_id: int
    month = fields.DateField()  # the first day of the local month
    texts = fields.IntField()

    class Meta:
        table = "problem_areas_area_month"
        unique_together = (("organisation", "month", "area"),)


class AreaDay(Model):
    """Texts of one problem area received on one local day of its organisation.

    Precomputed with AreaMonth; the day is a number (days since 1970-01-01), so that the
    rising problems' seven-day windows are integer arithmetic on both databases."""

    id = fields.BigIntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="area_days", on_delete=fields.CASCADE
    )
    organisation_id: int
    area: fields.ForeignKeyRelation[ProblemArea] = fields.ForeignKeyField(
        "problem_areas.ProblemArea", related_name="days", on_delete=fields.CASCADE
    )
    area_id: int
    day = fields.IntField()
    texts = fields.IntField()

    class Meta:
        table = "problem_areas_area_day"
        unique_together = (("organisation", "day", "area"),)
