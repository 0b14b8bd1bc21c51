"""Registers the problem areas and insight with the core (entry point servicedialog.features):
the governed list of areas, the classifier that groups every text into them, review,
discovery and rising problems."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from problem_areas.cli import classifier_group
from problem_areas.panels import PANELS
from problem_areas.permissions import ALL, REVIEW
from problem_areas.routes import routes
from servicedialog.features import Feature, NavItem
from servicedialog.i18n import lazy as _
from servicedialog.jobs import Job


@dataclass(frozen=True)
class ProblemAreaSettings:
    """``PROBLEM_AREAS_<FIELD>`` in the environment."""

    # Train the starter model when a worker starts, so the first text is not kept waiting.
    warm_starter: bool = True
    # Classify each text in the web worker that received it, in its quiet moments. Off
    # (the default): the job problem_areas.classify does it, every minute, in the jobs'
    # process; measured in the worker it cost the feedback POST its p99 target
    # (bench/RESULTS.md, issue 12).
    classify_on_arrival: bool = False


async def seed_demo(org: Any) -> None:
    from problem_areas.services import seed_demo as seed

    await seed(org)  # the areas; the sources' seeders classify their texts (demo.py)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """The model loads here: the starter model is trained before the worker answers its
    first request; and new texts are classified right after they arrive
    (:class:`problem_areas.classify.Arrivals`)."""
    from insight.model import predict
    from problem_areas.classify import arrivals, forget_all, starter_model

    forget_all()  # models are loaded from this app's database, not an earlier one's
    settings = app.state.feature_settings["problem_areas"]
    if settings.warm_starter:
        # Before the worker takes requests (about 1.5 s): trained while serving, the
        # model's work would hold the GIL against every request of the first seconds.
        model = await asyncio.to_thread(starter_model)
        predict(model, ["Snön är inte plogad"])  # and its first prediction's lazy set-up
    if settings.classify_on_arrival:
        arrivals.start()
    try:
        yield
    finally:
        await arrivals.stop()  # what arrived last is classified before the worker ends


async def start_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    """Quality managers: how many texts wait for review, and the areas rising this week."""
    if not REVIEW.held_by(getattr(request.state, "roles", frozenset())):
        return None
    from problem_areas import emerging, review

    org = request.state.organisation
    waiting = await review.count_waiting(org.id)
    rising = [f for f in await emerging.area_flags(org) if f.flag.level != "none"]
    context = {"waiting": waiting, "max_counted": review.MAX_COUNTED, "rising": rising}
    return "problem_areas/_start_panel.html", context


async def statistics(organisation: Any, full: bool) -> None:
    """The dashboards' tables of texts per area and month and day: the last two months
    recounted, or all rebuilt (full, or when older texts changed area; statistics.py)."""
    from problem_areas.statistics import refresh_area_months

    await refresh_area_months(organisation, full)


async def _retrain(settings: Any) -> str:
    from problem_areas.training import retrain_all

    return await retrain_all()


async def _digest(settings: Any) -> str:
    from problem_areas.emerging import weekly_digest

    return await weekly_digest(settings)


async def _backfill(settings: Any) -> str:
    from problem_areas.sources import classify_pending

    return f"{await classify_pending()} texts classified"


JOBS = (
    Job(
        "problem_areas.classify",
        timedelta(minutes=1),
        _backfill,
        "Classify new texts (feedback now) into problem areas",
    ),
    Job(
        "problem_areas.retrain",
        timedelta(days=7),
        _retrain,
        "Retrain each organisation's model on the labels people set",
        lease=timedelta(hours=2),
    ),
    Job(
        "problem_areas.digest",
        timedelta(days=7),
        _digest,
        "E-mail quality managers the problem areas rising this week",
    ),
)

feature = Feature(
    name="problem_areas",
    permissions=ALL,
    path="problem-areas",
    routes=routes,
    # One entry: the insight's own sub-navigation leads on to the areas, the model, …
    staff_nav=(NavItem(_("Insight"), "problem_areas:review", permission=REVIEW),),
    models="problem_areas.models",
    migrations="problem_areas.migrations",
    seed_demo=seed_demo,
    commands=(classifier_group,),
    lifespan=lifespan,
    settings=ProblemAreaSettings,
    static=Path(__file__).parent / "static",
    panels=PANELS,
    statistics=statistics,
    jobs=JOBS,
    start_panel=start_panel,
    start_order=40,
    audit_actions={
        "problem_area.created": _("Added a problem area"),
        "problem_area.changed": _("Changed a problem area"),
        "problem_area.retired": _("Retired a problem area"),
        "problem_area.activated": _("Took a problem area into use again"),
        "problem_area.merged": _("Merged a problem area into another"),
        "problem_area.split": _("Moved texts of a problem area to others (a split)"),
        "problem_area.discovery": _("Looked for new problem areas"),
        "problem_area.candidate_dismissed": _("Dismissed a candidate area"),
        "classifier.trained": _("Trained a classification model"),
    },
    audit_objects={
        "ProblemArea": (_("Problem area"), "problem_areas:edit"),
        "ClassifierModel": (_("Classification model"), None),
        "Candidate": (_("Candidate area"), None),
    },
)
