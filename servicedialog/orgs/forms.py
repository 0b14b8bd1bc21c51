"""Parsing of the administration forms into typed values and field errors."""

from __future__ import annotations

from dataclasses import dataclass

from servicedialog.bounds import parse_int
from servicedialog.forms import Form
from servicedialog.i18n import lazy as _
from servicedialog.models import Country, OrganisationKind
from servicedialog.roles import Role


@dataclass(frozen=True)
class OrganisationInput:
    slug: str
    name_sv: str
    name_en: str
    country: str
    kind: str


def organisation_input(form: Form) -> OrganisationInput:
    return OrganisationInput(
        slug=form.slug("slug"),
        name_sv=form.require("name_sv"),
        name_en=form.require("name_en"),
        country=form.choice("country", Country.CHOICES),
        kind=form.choice("kind", OrganisationKind.CHOICES),
    )


@dataclass(frozen=True)
class UnitInput:
    code: str
    name_sv: str
    name_en: str


def unit_input(form: Form) -> UnitInput:
    return UnitInput(
        code=form.slug("code", max_length=32),
        name_sv=form.require("name_sv"),
        name_en=form.require("name_en"),
    )


@dataclass(frozen=True)
class MemberInput:
    roles: set[Role]
    unit_id: int | None
    display_name: str


def member_input(form: Form, role_values: list[str], unit_ids: set[int]) -> MemberInput:
    roles = {Role(r) for r in role_values if r in set(Role)}
    if not roles:
        form.error("roles", _("Choose at least one role."))
    raw_unit = form.get("unit")
    unit_id = parse_int(raw_unit)
    if raw_unit and unit_id not in unit_ids:
        form.error("unit", _("Choose one of the options."))
    display_name = form.get("display_name")
    if len(display_name) > 200:
        form.error("display_name", _("This is too long."))
    return MemberInput(roles, unit_id, display_name)
