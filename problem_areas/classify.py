"""The adapter between the pure classifier (:mod:`insight`) and the stored labels.

Every source of free text (feedback now; survey answers and dialogue notes later) calls
:func:`classify` (or :func:`classify_many`) with its own id for the text; nothing else.
The function redacts personal data, predicts with the organisation's active model (the
built-in starter model until the organisation has trained its own), maps the predicted
code onto the organisation's areas (a merged area's code becomes its successor, a retired
area is never predicted) and stores one :class:`Label` with its history.

Models are kept in memory per process: the starter model is trained once from
``problem_areas/starter/texts.csv`` (about a second), an organisation's model is loaded
from its skops bytes when its version changes (checked at most every ``CHECK_SECONDS``).
"""

from __future__ import annotations

import asyncio
import csv
import logging
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tortoise.transactions import in_transaction

from insight import model as ml
from insight.text import redact
from problem_areas.models import (
    ClassifierModel,
    Label,
    LabelChange,
    LabelState,
    ModelStatus,
    ProblemArea,
)
from problem_areas.services import successors

log = logging.getLogger("problem_areas.classify")
STARTER_TEXTS = Path(__file__).parent / "starter" / "texts.csv"
STARTER_VERSION = "starter"
CHECK_SECONDS = 30.0

_starter: ml.Model | None = None
_starter_lock = threading.Lock()


def starter_rows() -> tuple[list[str], list[str]]:
    with STARTER_TEXTS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["area"] for r in rows]


def starter_model() -> ml.Model:
    """The built-in model, trained once per process on the demo taxonomy's codes in
    Swedish and English (thread-safe: the lifespan hook warms it in a worker thread)."""
    global _starter
    with _starter_lock:
        if _starter is None:
            texts, codes = starter_rows()
            _starter = ml.train(texts, codes, cv=0)
        return _starter


@dataclass
class _Loaded:
    checked: float
    version: str
    model: ml.Model


_loaded: dict[int, _Loaded] = {}


def forget_all() -> None:
    _loaded.clear()


def forget(organisation_id: int) -> None:
    """Drop the cached model (after training: the next call loads the new one)."""
    _loaded.pop(organisation_id, None)


async def active_model(organisation_id: int) -> tuple[str, ml.Model]:
    """The organisation's active model and its version ("v3", or "starter")."""
    cached = _loaded.get(organisation_id)
    if cached is not None and time.monotonic() - cached.checked < CHECK_SECONDS:
        return cached.version, cached.model
    row = (
        await ClassifierModel.filter(
            organisation_id=organisation_id, status=ModelStatus.ACTIVE, starter=False
        )
        .only("id", "number")
        .first()
    )
    if row is None:
        model = await asyncio.to_thread(starter_model)
        version = STARTER_VERSION
    elif cached is not None and cached.version == row.version:
        model, version = cached.model, cached.version
    else:
        blob = await ClassifierModel.filter(id=row.id).values_list("blob", flat=True)
        model = await asyncio.to_thread(ml.loads, bytes(blob[0]))
        version = row.version
    _loaded[organisation_id] = _Loaded(time.monotonic(), version, model)
    return version, model


async def code_map(organisation_id: int) -> dict[str, ProblemArea]:
    """Codes the model may predict, each to the area that stands for it now."""
    areas = {a.id: a for a in await ProblemArea.filter(organisation_id=organisation_id)}
    mapped = await successors(organisation_id)
    return {areas[area_id].code: target for area_id, target in mapped.items()}


@dataclass(frozen=True)
class Item:
    """One text of a source, as the source hands it over."""

    source: str  # "feedback"
    source_id: int
    text: str
    received_at: datetime
    language: str = "sv"
    hint_area_id: int | None = None  # a person's own view of it (a handler's root cause)
    hidden: bool = False  # a secret record's: classified and counted, its text never shown


async def classify(organisation_id: int, item: Item) -> Label | None:
    """Classify one text and store its label; see :func:`classify_many`."""
    labels = await classify_many(organisation_id, [item])
    return labels[0] if labels else None


async def classify_many(organisation_id: int, items: Sequence[Item]) -> list[Label]:
    """Classify texts of one source and organisation and store (or refresh) their labels.

    A label a person confirmed or corrected keeps its area; one only a model set gets the
    newer model's prediction (kept in its history). New labels are one INSERT."""
    if not items:
        return []
    version, model = await active_model(organisation_id)
    codes = await code_map(organisation_id)
    texts = [redact(item.text) for item in items]
    allowed = set(codes) & set(model.labels)
    predictions: list[ml.Prediction | None] = (
        list(await _predict(model, texts, allowed)) if allowed else [None] * len(items)
    )
    existing = {
        label.source_id: label
        for label in await Label.filter(
            organisation_id=organisation_id,
            source=items[0].source,
            source_id__in=[item.source_id for item in items],
        )
    }
    now = datetime.now(UTC)
    new: list[Label] = []
    changes: list[LabelChange] = []
    async with in_transaction():
        for item, text, prediction in zip(items, texts, predictions, strict=True):
            area = codes.get(prediction.label) if prediction is not None else None
            area_id = area.id if area is not None else None
            confidence = prediction.confidence if prediction is not None else 0.0
            label = existing.get(item.source_id)
            if label is None:
                new.append(
                    Label(
                        organisation_id=organisation_id,
                        source=item.source,
                        source_id=item.source_id,
                        text=text,
                        language=item.language,
                        received_at=item.received_at,
                        area_id=area_id,
                        predicted_area_id=area_id,
                        confidence=confidence,
                        model_version=version,
                        hint_area_id=item.hint_area_id,
                        hidden=item.hidden,
                        set_at=now,
                        created_at=now,
                    )
                )
                continue
            label.text, label.hint_area_id = text, item.hint_area_id or label.hint_area_id
            label.hidden = item.hidden
            label.predicted_area_id, label.confidence = area_id, confidence
            label.model_version = version
            if label.state is LabelState.PREDICTED and label.area_id != area_id:
                changes.append(
                    LabelChange(
                        label_id=label.id,
                        area_id=area_id,
                        previous_area_id=label.area_id,
                        kind="predicted",
                        model_version=version,
                        at=now,
                    )
                )
                label.area_id, label.set_at = area_id, now
            await label.save()
        if new:
            await Label.bulk_create(new)
        if changes:
            await LabelChange.bulk_create(changes)
    stored = {
        label.source_id: label
        for label in await Label.filter(
            organisation_id=organisation_id,
            source=items[0].source,
            source_id__in=[item.source_id for item in items],
        )
    }
    return [stored[item.source_id] for item in items if item.source_id in stored]


async def set_hidden(organisation_id: int, source: str, source_id: int, hidden: bool) -> None:
    """The source made its text secret (or public again)."""
    await Label.filter(organisation_id=organisation_id, source=source, source_id=source_id).update(
        hidden=hidden
    )


async def set_hint(organisation_id: int, source: str, source_id: int, area_id: int | None) -> None:
    """A person named the area on the source itself (a handler's root cause)."""
    await Label.filter(organisation_id=organisation_id, source=source, source_id=source_id).update(
        hint_area_id=area_id
    )


class Arrivals:
    """Texts classified right after they arrive, in batches: the request that brought a
    text only queues it (no model work, no extra write in the busiest POST), and one
    task per worker classifies what came in every ``interval`` seconds in one transaction
    per organisation. What a stopped worker had queued is found by the
    ``problem_areas.classify`` job (:mod:`problem_areas.sources`)."""

    def __init__(self, interval: float = 0.5, batch: int = 500) -> None:
        self.interval, self.batch = interval, batch
        self.queue: asyncio.Queue[tuple[int, Item]] | None = None
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.queue = asyncio.Queue()
        self.task = asyncio.get_running_loop().create_task(self._run())

    def add(self, organisation_id: int, item: Item) -> None:
        if self.queue is not None:
            self.queue.put_nowait((organisation_id, item))

    async def stop(self) -> None:
        """Classify what is queued, then end."""
        if self.task is not None:
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task
        await self.flush()
        self.queue = self.task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - the job classifies it later; keep serving
                log.exception("classifying new texts failed; the scheduled job will retry")

    async def flush(self) -> int:
        if self.queue is None or self.queue.empty():
            return 0
        taken: list[tuple[int, Item]] = []
        while not self.queue.empty() and len(taken) < self.batch:
            taken.append(self.queue.get_nowait())
        groups: dict[tuple[int, str], list[Item]] = {}
        for organisation_id, item in taken:
            groups.setdefault((organisation_id, item.source), []).append(item)
        for (organisation_id, _source), items in groups.items():
            await classify_many(organisation_id, items)
        return len(taken)


arrivals = Arrivals()


def later(organisation_id: int, item: Item) -> None:
    """Classify ``item`` right after the request (see :class:`Arrivals`)."""
    arrivals.add(organisation_id, item)


async def _predict(model: ml.Model, texts: list[str], allowed: set[str]) -> list[ml.Prediction]:
    # One text is ~1 ms: not worth a thread switch; a batch goes off the event loop.
    if len(texts) <= 4:
        return ml.predict(model, texts, allowed=allowed)
    return await asyncio.to_thread(ml.predict, model, texts, allowed=allowed)


async def forget_text(organisation_id: int, source: str, source_id: int) -> None:
    """The source's text was anonymised: so is its label's copy (its area still counts)."""
    await Label.filter(organisation_id=organisation_id, source=source, source_id=source_id).update(
        text="", hidden=True
    )
