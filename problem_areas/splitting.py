"""The model's help when an area is split: which of the chosen areas each text belongs to.

The suggestion comes from a small model trained on the chosen areas alone: the texts
people already gave them, and their names and descriptions in both languages (so a
just-added area with no texts yet is still suggested where its words fit)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from insight import model as ml
from problem_areas.models import Label, LabelState, ProblemArea

PER_AREA = 300  # the newest person-set texts of each chosen area


async def suggestions(
    organisation_id: int, labels: Sequence[Label], targets: Sequence[ProblemArea]
) -> dict[int, tuple[int, float]]:
    """label id -> (suggested area id, confidence)."""
    if not labels or not targets:
        return {}
    if len(targets) == 1:
        return {label.id: (targets[0].id, 1.0) for label in labels}
    texts: list[str] = []
    codes: list[str] = []
    for area in targets:
        seeds = [area.name_sv, area.name_en, area.description_sv, area.description_en]
        seeds += list(
            await Label.filter(organisation_id=organisation_id, area_id=area.id)
            .exclude(state=LabelState.PREDICTED)
            .order_by("-set_at")
            .limit(PER_AREA)
            .values_list("text", flat=True)  # type: ignore[arg-type]
        )
        for text in seeds:
            if text.strip():
                texts.append(text)
                codes.append(str(area.id))
    if len(set(codes)) < 2:
        return {}
    model = await asyncio.to_thread(ml.train, texts, codes, cv=0)
    predicted = await asyncio.to_thread(ml.predict, model, [label.text for label in labels])
    return {
        label.id: (int(p.label), p.confidence) for label, p in zip(labels, predicted, strict=True)
    }
