"""Registers the commitments feature with the core (entry point servicedialog.features)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commitments.api import api_routes, openapi_paths
from commitments.cli import catalogue, fulfilment, import_cases_command, packages
from commitments.panels import PANELS, service_choices
from commitments.permissions import ALL, VIEW
from commitments.routes import routes
from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _
from servicedialog.jobs import Job


async def start_panel(request: Any) -> Any:
    from commitments.start import panel

    return await panel(request)


async def statistics(organisation: Any, full: bool) -> None:
    """The dashboards' tables (the period figures, the cases per month and channel) are
    written by the recompute after every case import and by the daily job; the refresh
    (every minute) recomputes only when ``full`` or when the month table is missing (cases
    imported before it existed): about two seconds per 400,000 cases."""
    from commitments.models import CaseMonth, CaseRecord
    from commitments.queries import recompute_organisation

    if not full:
        mine = {"service__organisation_id": organisation.id}
        if await CaseMonth.filter(**mine).exists() or not await CaseRecord.filter(**mine).exists():
            return
    await recompute_organisation(organisation)


async def seed_demo(org: Any) -> None:
    if org.slug == "exempelkommun":
        from commitments.demo import seed

        await seed(org)


async def _recompute(settings: Any) -> str:
    """Each organisation's figures anew: a period ends, a running one moves on."""
    from commitments.queries import recompute_organisation
    from servicedialog.models import Organisation

    rows = 0
    for organisation in await Organisation.all():
        rows += await recompute_organisation(organisation)
    return f"{rows} period figures written"


JOBS = (
    Job(
        "commitments.recompute",
        timedelta(days=1),
        _recompute,
        "Recompute how well each commitment is kept",
        lease=timedelta(hours=2),
    ),
)

AUDIT_ACTIONS = {
    "cases.imported": _("Imported case data"),
    "catalogue.imported": _("Imported the catalogue"),
    "closed_day.added": _("Added a closed day"),
    "closed_day.removed": _("Removed a closed day"),
    "commitment.created": _("Created a commitment"),
    "commitment.status": _("Published or retired a commitment"),
    "commitment.version_created": _("Changed a commitment's terms"),
    "service.created": _("Created a service"),
    "service.updated": _("Changed a service"),
}
AUDIT_OBJECTS = {
    "Service": (_("Service"), "commitments:service"),
    "Commitment": (_("Commitment"), "commitments:commitment"),
    "ClosedDay": (_("Closed day"), None),
}

feature = Feature(
    name="commitments",
    panels=PANELS,
    statistics=statistics,
    dashboard_filters={"service": service_choices},
    jobs=JOBS,
    permissions=ALL,
    reserved_segments=("manage", "packages"),
    routes=routes,
    api_routes=api_routes,
    openapi_paths=openapi_paths,
    organisation_links=(NavItem(_("Service commitments"), "commitments:catalogue"),),
    public_nav=(NavItem(_("Permit guide"), "commitments:packages"),),
    staff_nav=(NavItem(_("Service commitments"), "commitments:manage", permission=VIEW),),
    models="commitments.models",
    migrations="commitments.migrations",
    commands=(catalogue, fulfilment, import_cases_command, packages),
    seed_demo=seed_demo,
    start_panel=start_panel,
    start_order=20,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
)
