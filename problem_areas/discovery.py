"""Discovery: groups among the texts the areas cover badly, as candidates for new areas.

The texts are an organisation's labels that only a model set, with a confidence below
``THRESHOLD``, from the last ``DAYS`` days (at most ``LIMIT`` of them, the least
confident first); :func:`insight.discovery.discover` clusters them reproducibly, so the
same texts give the same candidates. A run replaces the open candidates of the last run;
accepted and dismissed ones stay as a record.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from insight.discovery import discover
from problem_areas.models import Candidate, CandidateStatus, Label, LabelState, ProblemArea
from problem_areas.services import reassign, save_area
from servicedialog import audit
from servicedialog.models import Organisation, User

THRESHOLD = 0.5
DAYS = 365
LIMIT = 3000


async def run(organisation: Organisation, *, actor: User | None = None) -> list[Candidate]:
    """Find candidates anew among the badly covered texts."""
    since = datetime.now(UTC) - timedelta(days=DAYS)
    rows = (
        await Label.filter(
            organisation_id=organisation.id,
            state=LabelState.PREDICTED,
            confidence__lt=THRESHOLD,
            received_at__gte=since,
            hidden=False,
        )
        .order_by("confidence", "id")
        .limit(LIMIT)
        .values_list("id", "text")
    )
    ids = [r[0] for r in rows]
    found = await asyncio.to_thread(discover, [r[1] for r in rows])
    now = datetime.now(UTC)
    async with in_transaction():
        await Candidate.filter(
            organisation_id=organisation.id, status=CandidateStatus.OPEN
        ).delete()
        created = [
            await Candidate.create(
                organisation=organisation,
                terms=list(c.terms),
                label_ids=[ids[i] for i in c.members],
                representative_ids=[ids[i] for i in c.representatives],
                size=len(c.members),
                found_at=now,
            )
            for c in found
        ]
        await audit.record(
            "problem_area.discovery",
            actor=actor,
            organisation=organisation,
            texts=len(ids),
            candidates=len(created),
        )
    return created


async def open_candidates(organisation: Organisation) -> list[Candidate]:
    return list(
        await Candidate.filter(organisation_id=organisation.id, status=CandidateStatus.OPEN)
    )


async def accept(
    candidate: Candidate,
    organisation: Organisation,
    *,
    name_sv: str,
    name_en: str,
    description_sv: str = "",
    description_en: str = "",
    code: str = "",
    actor: User | None,
) -> ProblemArea:
    """The candidate becomes an area; its texts are labelled with it by ``actor``."""
    async with in_transaction():
        area = await save_area(
            organisation,
            name_sv,
            name_en,
            description_sv,
            description_en,
            code=code,
            actor=actor,
        )
        await reassign(organisation.id, candidate.label_ids, area, actor=actor, kind="discovered")
        candidate.status, candidate.area_id = CandidateStatus.ACCEPTED, area.id
        candidate.decided_by_id = actor.id if actor else None
        await candidate.save()
    return area


async def dismiss(candidate: Candidate, *, actor: User | None) -> None:
    async with in_transaction():
        candidate.status = CandidateStatus.DISMISSED
        candidate.decided_by_id = actor.id if actor else None
        await candidate.save()
        await audit.record(
            "problem_area.candidate_dismissed",
            actor=actor,
            target=candidate,
            organisation_id=candidate.organisation_id,
        )
