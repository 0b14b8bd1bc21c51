"""Registers feedback handling with the core (entry point servicedialog.features)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from complaints.cli import feedback_group, retention_command
from complaints.panels import PANELS
from complaints.permissions import ALL, READ, SETTINGS
from complaints.routes import routes
from servicedialog.features import Feature, NavItem, SlotLink
from servicedialog.i18n import lazy as _
from servicedialog.jobs import Job


@dataclass(frozen=True)
class ComplaintsSettings:
    """``COMPLAINTS_<FIELD>`` in the environment."""

    # Seconds a worker trusts its last refresh of the statistics before a dashboard panel
    # refreshes them again (complaints.statistics.ensure_fresh).
    statistics_max_age: float = 5.0


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    from complaints import statistics

    statistics.forget()  # refreshed against this app's database, not an earlier one's
    statistics.MAX_AGE_SECONDS = app.state.feature_settings["complaints"].statistics_max_age
    yield


async def statistics_hook(organisation: Any, full: bool) -> None:
    from complaints.statistics import refresh

    await refresh(organisation, full)


async def channel_choices(organisation: Any, language: str) -> list[tuple[str, str]]:
    """The dashboard's channel filter: every channel, labelled in ``language``."""
    from complaints.states import CHANNEL_LABELS
    from servicedialog.i18n import translations

    gettext = translations(language).gettext
    return [(channel.value, gettext(label)) for channel, label in CHANNEL_LABELS.items()]


async def start_panel(request: Any) -> Any:
    from complaints.start import panel

    return await panel(request)


async def seed_demo(org: Any) -> None:
    from complaints.demo import seed

    await seed(org)


AUDIT_ACTIONS = {
    "feedback.assigned": _("Assigned feedback"),
    "feedback.acknowledged": _("Confirmed receipt of feedback"),
    "feedback.note_added": _("Wrote an internal note"),
    "feedback.replied": _("Replied to the person"),
    "feedback.paused": _("Paused the handling"),
    "feedback.resumed": _("Resumed the handling"),
    "feedback.extended": _("Extended the deadline"),
    "feedback.closed": _("Answered and closed feedback"),
    "feedback.review_requested": _("The person asked for a review"),
    "feedback.information_added": _("The person added information"),
    "feedback.secrecy_changed": _("Changed secrecy or retention"),
    "feedback.routed": _("Moved feedback to another unit"),
    "feedback.published": _("Published feedback"),
    "feedback.unpublished": _("Stopped publishing feedback"),
    "feedback.anonymised": _("Anonymised feedback (retention)"),
    "feedback.attachment_opened": _("Opened an attachment"),
    "feedback.identity_shown": _("Showed personal identity numbers"),
    "feedback.settings_changed": _("Changed the feedback settings"),
    "feedback.exported": _("Exported feedback"),
    "reply_template.created": _("Added a reply template"),
    "reply_template.deleted": _("Removed a reply template"),
}
AUDIT_OBJECTS = {
    "Feedback": (_("Feedback record"), "complaints:detail"),
    "Attachment": (_("Attachment"), None),
    "ReplyTemplate": (_("Reply template"), None),
}


async def _warnings(settings: Any) -> str:
    from complaints.warnings import queue_warnings

    return f"warnings queued for {await queue_warnings(None, settings.base_url)} handlers"


async def _statistics(settings: Any) -> str:
    from complaints.statistics import refresh_all

    return await refresh_all()


async def _retention(settings: Any) -> str:
    from complaints.retention import anonymise_due

    return f"{len(await anonymise_due(settings.var_dir))} records anonymised"


JOBS = (
    Job(
        "complaints.warnings",
        timedelta(days=1),
        _warnings,
        "E-mail handlers their feedback due soon or overdue",
    ),
    Job(
        "complaints.retention",
        timedelta(days=1),
        _retention,
        "Anonymise feedback whose retention period has ended",
    ),
    Job(
        "complaints.statistics",
        timedelta(minutes=1),
        _statistics,
        "Recount the feedback statistics of the months whose records changed",
    ),
)


def _org(context: Any) -> dict[str, Any]:
    return {"org": context["org"].slug}


# Links on the commitments' public pages to the feedback form, about that service or
# promise (the pages declare the slots; without this feature they show no link).
SLOTS = {
    "service.actions": (
        SlotLink(
            _("Give feedback about this service"),
            "complaints:new",
            params=_org,
            query=lambda c: {"service": c["service"].id},
        ),
    ),
    "commitment.actions": (
        SlotLink(
            _("Tell us that we did not keep this promise"),
            "complaints:new",
            params=_org,
            query=lambda c: {
                "kind": "complaint",
                "service": c["service"].id,
                "commitment": c["commitment"].id,
            },
            style="button",
        ),
    ),
}

feature = Feature(
    name="complaints",
    path="feedback",
    requires=("commitments", "problem_areas"),
    reserved_segments=("manage", "track"),
    permissions=ALL,
    slots=SLOTS,
    jobs=JOBS,
    routes=routes,
    organisation_links=(NavItem(_("Give feedback"), "complaints:new"),),
    staff_nav=(
        NavItem(_("Feedback"), "complaints:inbox", permission=READ),
        NavItem(_("Feedback settings"), "complaints:settings", permission=SETTINGS),
    ),
    models="complaints.models",
    migrations="complaints.migrations",
    commands=(feedback_group, retention_command),
    seed_demo=seed_demo,
    start_panel=start_panel,
    start_order=10,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    settings=ComplaintsSettings,
    lifespan=lifespan,
    panels=PANELS,
    statistics=statistics_hook,
    dashboard_filters={"channel": channel_choices},
)
