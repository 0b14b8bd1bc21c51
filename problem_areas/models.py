"""The problem-area list of an organisation."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from servicedialog.bilingual import in_language


class ProblemArea(Model):
    """A problem area of one organisation, e.g. long waiting times or unclear information."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "core.Organisation", related_name="problem_areas", on_delete=fields.CASCADE
    )
    organisation_id: int
    name_sv = fields.CharField(max_length=120)
    name_en = fields.CharField(max_length=120, default="")
    description_sv = fields.TextField(default="")
    description_en = fields.TextField(default="")
    # Retired areas stay on the cases that used them but are not offered any more.
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "problem_areas_area"
        unique_together = (("organisation", "name_sv"),)
        ordering = ["name_sv"]

    def name(self, language: str) -> str:
        return in_language(self, "name", language)
