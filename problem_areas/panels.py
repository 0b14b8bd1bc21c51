"""The insight's dashboard panels (Feature.panels; ``dashboards/`` draws them)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from tortoise.functions import Count

from problem_areas.models import Label, ProblemArea
from problem_areas.permissions import REVIEW
from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import lazy as _


async def texts_per_area(scope: PanelScope) -> list[dict[str, Any]]:
    organisation, start, end = scope.organisation, scope.start, scope.end
    """How many texts fell into each area between ``start`` and ``end`` (one grouped
    query), the largest first."""
    rows = (
        await Label.filter(
            organisation_id=organisation.id,
            area_id__not_isnull=True,
            received_at__gte=datetime.combine(start, time(), tzinfo=UTC),
            received_at__lt=datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC),
        )
        .annotate(texts=Count("id"))
        .group_by("area_id")
        .values("area_id", "texts")
    )
    names = {
        a.id: (a.code, a.name_sv, a.name_en)
        for a in await ProblemArea.filter(organisation_id=organisation.id)
    }
    result = [
        {
            "area_id": row["area_id"],
            "code": names[row["area_id"]][0],
            "name_sv": names[row["area_id"]][1],
            "name_en": names[row["area_id"]][2] or names[row["area_id"]][1],
            "texts": row["texts"],
        }
        for row in rows
        if row["area_id"] in names
    ]
    return sorted(result, key=lambda row: -row["texts"])


async def rising(scope: PanelScope) -> list[dict[str, Any]]:
    organisation, end = scope.organisation, scope.end
    """The areas flagged in the seven days up to ``end``."""
    from problem_areas.emerging import area_flags

    return [
        {
            "area_id": f.area.id,
            "code": f.area.code,
            "name_sv": f.area.name_sv,
            "name_en": f.area.name_en or f.area.name_sv,
            "level": f.flag.level,
            "observed": f.flag.observed,
            "expected": round(f.flag.expected, 1),
        }
        for f in await area_flags(organisation, end)
        if f.flag.level != "none"
    ]


PANELS = (
    Panel(
        name="problem_areas.texts",
        title=_("What people write about"),
        query=texts_per_area,
        chart="bar",
        x="name_sv",
        y=("texts",),
        section="problem_areas",
        columns=(("name_sv", _("Problem area")), ("texts", _("Texts"))),
        permission=REVIEW,
    ),
    Panel(
        name="problem_areas.rising",
        title=_("Rising problems"),
        query=rising,
        chart="table",
        x="name_sv",
        y=("observed",),
        section="problem_areas",
        columns=(
            ("name_sv", _("Problem area")),
            ("observed", _("Texts in the last seven days")),
            ("expected", _("Usual")),
        ),
        permission=REVIEW,
    ),
)
