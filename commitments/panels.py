"""The commitments' dashboard panels (Feature.panels; ``dashboards/`` draws them)."""

from __future__ import annotations

from typing import Any

from tortoise.functions import Sum

from commitments.models import FulfilmentPeriod
from commitments.permissions import VIEW
from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import lazy as _


async def kept_per_period(scope: PanelScope) -> list[dict[str, Any]]:
    """Cases counted and kept per period over all the organisation's measured commitments,
    and the share kept (in %): one grouped query."""
    rows = (
        await FulfilmentPeriod.filter(
            version__commitment__service__organisation_id=scope.organisation.id,
            period_start__gte=scope.start,
            period_start__lte=scope.end,
        )
        .annotate(cases=Sum("total_volume"), kept=Sum("volume_meeting_target"))
        .group_by("period_start")
        .order_by("period_start")
        .values("period_start", "cases", "kept")
    )
    return [
        {**row, "share": round(100 * row["kept"] / row["cases"], 1) if row["cases"] else None}
        for row in rows
    ]


PANELS = (
    Panel(
        name="commitments.kept",
        title=_("Cases where the promise was kept"),
        query=kept_per_period,
        chart="line",
        x="period_start",
        y=("share",),
        columns=(("period_start", _("Period")), ("cases", _("Cases")), ("kept", _("Kept"))),
        section="commitments",
        unit="%",
        permission=VIEW,
    ),
)
