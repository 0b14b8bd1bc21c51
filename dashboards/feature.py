"""Registers the dashboards with the core (entry point servicedialog.features): leadership's
overview, the quality manager's view, the public statistics page and its open data, all
drawn from the panels the installed features contribute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from dashboards.cli import dashboards_group
from dashboards.panels import PANELS, SEES_MAIL
from dashboards.permissions import ALL, OVERVIEW, QUALITY
from dashboards.routes import routes
from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _
from servicedialog.jobs import Job


async def _refresh(settings: Any) -> str:
    from dashboards.refresh import refresh_all

    return await refresh_all(settings)


async def _digest(settings: Any) -> str:
    from dashboards.digest import weekly_digest

    return await weekly_digest(settings)


async def start_panel(request: Any) -> Any:
    from dashboards.start import panel

    return await panel(request)


JOBS = (
    Job(
        "dashboards.refresh",
        timedelta(minutes=1),
        _refresh,
        "Bring the dashboards' figures up to date",
    ),
    Job(
        "dashboards.digest",
        timedelta(days=7),
        _digest,
        "E-mail leadership the week's summary of the dashboards",
    ),
)

HERE = Path(__file__).parent


@dataclass(frozen=True)
class DashboardsSettings:
    """``DASHBOARDS_<FIELD>`` in the environment."""

    # Seconds a worker keeps a panel's rows for the same organisation, period and filters
    # (0: query every time). The period tables behind them are refreshed once a minute.
    cache_seconds: float = 30.0


feature = Feature(
    name="dashboards",
    routes=routes,
    reserved_segments=("manage", "quality"),
    permissions=(*ALL, SEES_MAIL),
    panels=PANELS,
    jobs=JOBS,
    commands=(dashboards_group,),
    staff_nav=(
        NavItem(_("Dashboards"), "dashboards:overview", permission=OVERVIEW),
        NavItem(_("Needs action"), "dashboards:quality", permission=QUALITY),
    ),
    organisation_links=(NavItem(_("Statistics"), "dashboards:public"),),
    start_panel=start_panel,
    start_order=5,
    static=HERE / "static",
    settings=DashboardsSettings,
)
