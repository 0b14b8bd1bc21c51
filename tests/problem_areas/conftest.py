"""Seeders of the insight tests: the demo taxonomy and labelled texts, without the demo."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from problem_areas.classify import Item, classify_many
from problem_areas.models import Label, LabelState, ProblemArea
from problem_areas.services import seed_demo
from problem_areas.starter.demo_texts import demo_texts


def demo_rows(per_area: int = 12) -> list[tuple[str, str]]:
    """A few demo texts per area (not the starter model's own texts): (text, code)."""
    taken: dict[str, int] = {}
    result = []
    for text, _language, code in demo_texts(random.Random(7), 40 * per_area):
        if taken.get(code, 0) < per_area and (text, code) not in result:
            taken[code] = taken.get(code, 0) + 1
            result.append((text, code))
    return result


async def labelled(
    org: Any, rows: list[tuple[str, str]], *, by_person: bool = True, days_ago: int = 3
) -> list[Label]:
    """The demo areas, and ``rows`` classified; with ``by_person`` each set to its code's
    area as a person would."""
    await seed_demo(org)
    areas = {a.code: a for a in await ProblemArea.filter(organisation_id=org.id)}
    start = await Label.filter(organisation_id=org.id).count()
    when = datetime.now(UTC) - timedelta(days=days_ago)
    items = [Item("test", start + i + 1, text, when, "sv") for i, (text, _code) in enumerate(rows)]
    labels = await classify_many(org.id, items)
    if by_person:
        for label, (_text, code) in zip(labels, rows, strict=True):
            state = (
                LabelState.CONFIRMED if label.area_id == areas[code].id else LabelState.CORRECTED
            )
            await Label.filter(id=label.id).update(area_id=areas[code].id, state=state)
    return list(await Label.filter(id__in=[label.id for label in labels]).order_by("id"))
