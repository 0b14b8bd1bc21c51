"""Training an organisation's model from the labels people set, and choosing which one
classifies.

The training rows are the labels a person confirmed or corrected, and the root causes
handlers chose on cases (``hint_area_id``); each is counted under the area that stands for
it now (a merged area under its successor; a retired one not at all), so the model
follows the taxonomy. Recent labels weigh more than old ones (half-life
``PROBLEM_AREAS_HALF_LIFE_DAYS``): the areas people mean change over time, as the police's
own event types did in ``../shared/data/``.

A new model replaces the active one only when its cross-validated macro-F1 is not worse
(against the starter model, the starter's macro-F1 on the same labels); otherwise it is
kept as a candidate with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from insight import evaluate
from insight import model as ml
from problem_areas import classify
from problem_areas.models import ClassifierModel, Label, LabelState, ModelStatus, ProblemArea
from problem_areas.services import successors
from servicedialog import audit
from servicedialog.i18n import lazy as _
from servicedialog.models import Organisation, User
from servicedialog.orgs.services import DomainError

MIN_LABELS = 20  # fewer person-set labels than this: keep the starter model
MIN_WEIGHT = 0.25  # the oldest labels still count a quarter
HALF_LIFE_DAYS = 365.0

Progress = Callable[[float, str], None]


async def training_rows(
    organisation_id: int, half_life_days: float = HALF_LIFE_DAYS, now: datetime | None = None
) -> tuple[list[str], list[str], list[float]]:
    """(texts, codes, weights) of the labels people set, under today's taxonomy."""
    now = now or datetime.now(UTC)
    mapped = await successors(organisation_id)
    # A secret record's text is not learnt from: its words could show on the model page.
    rows = await Label.filter(organisation_id=organisation_id, hidden=False).values(
        "text", "area_id", "hint_area_id", "state", "set_at", "received_at"
    )
    texts, codes, weights = [], [], []
    for row in rows:
        by_person = str(row["state"]) != LabelState.PREDICTED.value
        area_id = row["area_id"] if by_person else row["hint_area_id"]
        target = mapped.get(area_id) if area_id is not None else None
        if target is None or not row["text"]:  # an anonymised text teaches nothing
            continue
        age = max(0.0, (now - (row["set_at"] if by_person else row["received_at"])).days)
        texts.append(row["text"])
        codes.append(target.code)
        weights.append(max(MIN_WEIGHT, 0.5 ** (age / half_life_days)))
    return texts, codes, weights


async def retrain(
    organisation: Organisation,
    *,
    actor: User | None = None,
    progress: Progress | None = None,
    half_life_days: float = HALF_LIFE_DAYS,
) -> ClassifierModel:
    """Train a new model for the organisation and make it active if it is not worse."""
    texts, codes, weights = await training_rows(organisation.id, half_life_days)
    if len(texts) < MIN_LABELS or len(set(codes)) < 2:
        raise DomainError(
            "train",
            _(
                "Too few labels to train on: confirm or correct at least 20 texts in two "
                "or more areas first. Until then the starter model classifies."
            ),
        )
    new = await asyncio.to_thread(ml.train, texts, codes, weights=weights, progress=progress)
    new_f1 = float(new.metrics.get("macro_f1", 0.0))
    old_f1, old_version = await _active_score(organisation.id, texts, codes)
    better = old_f1 is None or new_f1 >= old_f1 - 1e-9
    reason = (
        ""
        if better
        else f"macro-F1 {new_f1:.3f} < {old_f1:.3f} ({old_version}): kept as a candidate"
    )
    blob = await asyncio.to_thread(ml.dumps, new)
    async with in_transaction():
        last = (
            await ClassifierModel.filter(organisation_id=organisation.id)
            .order_by("-number")
            .first()
        )
        number = last.number if last is not None else 0
        if better:
            await ClassifierModel.filter(
                organisation_id=organisation.id, status=ModelStatus.ACTIVE
            ).update(status=ModelStatus.SUPERSEDED)
        row = await ClassifierModel.create(
            organisation=organisation,
            number=number + 1,
            status=ModelStatus.ACTIVE if better else ModelStatus.CANDIDATE,
            reason=reason,
            training_size=new.training_size,
            data_hash=new.data_hash,
            settings=asdict(new.settings),
            metrics=new.metrics,
            top_terms=ml.top_terms(new, 12),
            versions=new.versions,
            blob=blob,
            trained_by=actor,
            trained_at=datetime.now(UTC),
        )
        await audit.record(
            "classifier.trained",
            actor=actor,
            target=row,
            organisation=organisation,
            version=row.version,
            status=str(row.status),
            macro_f1=round(new_f1, 3),
        )
    classify.forget(organisation.id)
    if better:
        await reclassify(organisation.id)
    return row


async def _active_score(
    organisation_id: int, texts: list[str], codes: list[str]
) -> tuple[float | None, str]:
    """The macro-F1 a new model must reach: the active model's cross-validated figure,
    or the starter model's on these labels."""
    active = await ClassifierModel.filter(
        organisation_id=organisation_id, status=ModelStatus.ACTIVE
    ).first()
    if active is not None and not active.starter:
        return float(active.metrics.get("macro_f1", 0.0)), active.version
    starter = await asyncio.to_thread(classify.starter_model)
    known = set(codes) & set(starter.labels)
    if not known:  # the organisation's own areas only: the starter cannot name them
        return None, classify.STARTER_VERSION
    predicted = await asyncio.to_thread(ml.predict, starter, texts, allowed=known)
    report = evaluate.report(codes, [p.label for p in predicted])
    return report.macro_f1, classify.STARTER_VERSION


async def reclassify(organisation_id: int, batch: int = 2000) -> int:
    """Give every text only a model has labelled the active model's prediction."""
    done, last_id = 0, 0
    while True:
        rows = (
            await Label.filter(
                organisation_id=organisation_id, state=LabelState.PREDICTED, id__gt=last_id
            )
            .order_by("id")
            .limit(batch)
        )
        if not rows:
            return done
        items = [
            classify.Item(
                source=r.source,
                source_id=r.source_id,
                text=r.text,
                received_at=r.received_at,
                language=r.language,
                hint_area_id=r.hint_area_id,
                hidden=r.hidden,
            )
            for r in rows
        ]
        for source in {item.source for item in items}:
            await classify.classify_many(
                organisation_id, [item for item in items if item.source == source]
            )
        done += len(rows)
        last_id = rows[-1].id


async def area_by_code(organisation_id: int, code: str) -> ProblemArea | None:
    return await ProblemArea.get_or_none(organisation_id=organisation_id, code=code)


async def retrain_all() -> str:
    """The scheduled retraining: every organisation with enough labels."""
    trained = skipped = 0
    for organisation in await Organisation.all():
        last = await ClassifierModel.filter(organisation_id=organisation.id).first()
        if (
            last is not None
            and not await Label.filter(organisation_id=organisation.id, set_at__gt=last.trained_at)
            .exclude(state=LabelState.PREDICTED)
            .exists()
        ):
            skipped += 1  # nobody labelled anything since: the same data, the same model
            continue
        try:
            await retrain(organisation)
        except DomainError:
            skipped += 1
        else:
            trained += 1
    return f"{trained} models trained, {skipped} organisations without new labels"
