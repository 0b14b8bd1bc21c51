"""The demo's insight: every demo text classified by the starter model, part of them
reviewed by the quality manager (the handlers' root causes taken as their areas), and the
organisation's own first model trained on those labels. A source's demo seeder calls
:func:`seed` once its texts are in (features seed dependencies first)."""

from __future__ import annotations

import random
from contextlib import suppress

from problem_areas import discovery, training
from problem_areas.models import Label, LabelState
from problem_areas.services import seed_demo as seed_areas
from problem_areas.sources import classify_pending
from servicedialog.models import Organisation
from servicedialog.orgs.services import DomainError

REVIEWED_SHARE = 0.5  # of the texts with a handler's root cause


async def seed(organisation: Organisation, seed_value: int = 2026) -> None:
    await seed_areas(organisation)
    if await Label.filter(organisation_id=organisation.id).exists():
        return
    await classify_pending()
    rng = random.Random(seed_value)
    hinted = await Label.filter(
        organisation_id=organisation.id, hint_area_id__not_isnull=True
    ).values_list("id", "hint_area_id", "predicted_area_id")
    confirmed: list[tuple[int, int]] = []
    corrected: list[tuple[int, int]] = []
    for label_id, hint, predicted in hinted:
        if rng.random() < REVIEWED_SHARE:
            (confirmed if hint == predicted else corrected).append((label_id, hint))
    for rows, state in ((confirmed, LabelState.CONFIRMED), (corrected, LabelState.CORRECTED)):
        for label_id, area_id in rows:
            await Label.filter(id=label_id).update(area_id=area_id, state=state)
    with suppress(DomainError):  # too few labels in a small demo: the starter classifies
        await training.retrain(organisation)
    await discovery.run(organisation)  # candidates for new areas, for the quality manager
