"""The review queue: texts only a model has labelled, for a quality manager to confirm or
correct. Two views: the least confident (with diversity: near-copies of a text already
in the page are left for later) and those where the model disagrees with a person (a
handler's root cause on the case)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tortoise.expressions import F, Q

from insight.review import diverse
from problem_areas.models import Label, LabelState, ProblemArea
from problem_areas.services import reassign
from servicedialog.models import User

PAGE = 25
MAX_COUNTED = 1000
POOL = 200  # the least confident this many are the pool the page is chosen from

VIEWS = ("uncertain", "disagree")


def _unreviewed(organisation_id: int, view: str, area_id: int | None) -> object:
    query = Label.filter(organisation_id=organisation_id, state=LabelState.PREDICTED, hidden=False)
    if area_id is not None:
        query = query.filter(area_id=area_id)
    if view == "disagree":
        query = query.filter(hint_area_id__not_isnull=True).filter(
            ~Q(hint_area_id=F("area_id")) | Q(area_id__isnull=True)
        )
    return query


async def queue(
    organisation_id: int, view: str = "uncertain", area_id: int | None = None
) -> tuple[list[Label], int]:
    """A page of the queue and how many texts wait in this view."""
    query = _unreviewed(organisation_id, view, area_id)
    waiting = await count_waiting(organisation_id, view, area_id)
    pool = list(await query.order_by("confidence", "id").limit(POOL))  # type: ignore[attr-defined]
    if view == "disagree":
        return pool[:PAGE], waiting
    chosen = await asyncio.to_thread(
        diverse, [label.text for label in pool], [label.confidence for label in pool], PAGE
    )
    return [pool[i] for i in chosen], waiting


async def count_waiting(
    organisation_id: int, view: str = "uncertain", area_id: int | None = None
) -> int:
    """How many texts wait in the view, counted up to MAX_COUNTED: "1,000 or more" is all a
    reviewer needs to know, and a whole count of a filtered view would read every row."""
    query = _unreviewed(organisation_id, view, area_id)
    return len(await query.limit(MAX_COUNTED).values_list("id", flat=True))  # type: ignore[attr-defined]


async def confirm(organisation_id: int, label_ids: Sequence[int], actor: User) -> int:
    """A person agrees with the model: each label keeps its area and is confirmed."""
    rows = await Label.filter(
        organisation_id=organisation_id, id__in=list(label_ids), area_id__not_isnull=True
    ).values_list("id", "area_id")
    per_area: dict[int, list[int]] = {}
    for label_id, area_id in rows:
        per_area.setdefault(area_id, []).append(label_id)
    done = 0
    for area_id, ids in per_area.items():
        area = await ProblemArea.get(id=area_id)
        if area.active:
            done += await reassign(organisation_id, ids, area, actor=actor, kind="confirmed")
    return done
