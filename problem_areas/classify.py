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
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
from servicedialog import writes

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
    _codes.clear()


def forget(organisation_id: int) -> None:
    """Drop the cached model and areas (after training or a change to the areas)."""
    _loaded.pop(organisation_id, None)
    _codes.pop(organisation_id, None)


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


async def code_map(organisation_id: int, *, cached: bool = False) -> dict[str, ProblemArea]:
    """Codes the model may predict, each to the area that stands for it now (``cached``:
    as read at most CHECK_SECONDS ago in this process: new texts arriving)."""
    kept = _codes.get(organisation_id)
    if cached and kept is not None and time.monotonic() - kept[0] < CHECK_SECONDS:
        return kept[1]
    areas = {a.id: a for a in await ProblemArea.filter(organisation_id=organisation_id)}
    mapped = await successors(organisation_id)
    codes = {areas[area_id].code: target for area_id, target in mapped.items()}
    _codes[organisation_id] = (time.monotonic(), codes)
    return codes


_codes: dict[int, tuple[float, dict[str, ProblemArea]]] = {}


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
    version, texts, predicted = await _predictions(organisation_id, items)
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
        for item, text, (area_id, confidence) in zip(items, texts, predicted, strict=True):
            label = existing.get(item.source_id)
            if label is None:
                new.append(
                    _new_label(organisation_id, item, text, area_id, confidence, version, now)
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


async def classify_new(organisation_id: int, items: Sequence[Item]) -> int:
    """Classify texts that have just arrived and have no label yet: one INSERT (a text
    that got its label meanwhile, from the job, is left as it is). Returns how many."""
    version, texts, predicted = await _predictions(organisation_id, items, cached=True)
    now = datetime.now(UTC)
    labels = [
        _new_label(organisation_id, item, text, area_id, confidence, version, now)
        for item, text, (area_id, confidence) in zip(items, texts, predicted, strict=True)
    ]
    await writes.run(_insert_new(labels))
    return len(labels)


def _insert_new(labels: list[Label]) -> writes.Plan[None]:
    """One INSERT of the rows, through the writers' lock that the feedback POST takes
    (:mod:`servicedialog.writes`): a write of its own would make the POST's writer wait
    in SQLite's busy handler instead. A text labelled meanwhile (by the job) is skipped."""
    rows = [writes.Insert.of(label) for label in labels]
    columns = tuple(rows[0].values)
    one = "(" + ", ".join("?" for _ in columns) + ")"
    quoted = ", ".join(f'"{column}"' for column in columns)
    yield writes.Query(
        f"INSERT INTO problem_areas_label ({quoted}) VALUES "
        + ", ".join(one for _ in rows)
        + " ON CONFLICT DO NOTHING",
        [row.values[column] for row in rows for column in columns],
    )


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
    """Texts classified right after they arrive, when the worker has a moment: the request
    that brought a text only queues it (no model work and no extra write in the busiest
    POST), and one task per worker classifies the queue, a few texts at a time, once no
    new text has come for ``quiet`` seconds, or at the latest when the oldest has waited
    ``max_wait`` seconds. So a burst of submissions is answered first and classified
    after it; at a steady rate of a text every few seconds, each is classified within about
    a second. What a stopped worker had queued is found by the ``problem_areas.classify``
    job (:mod:`problem_areas.sources`). bench/RESULTS.md has what it costs."""

    def __init__(
        self,
        interval: float = 0.25,
        quiet: float = 0.5,
        max_wait: float = 30.0,
        batch: int = 500,
        chunk: int = 16,
    ) -> None:
        self.interval, self.quiet, self.max_wait = interval, quiet, max_wait
        self.batch, self.chunk = batch, chunk
        # Plain tuples, not Items: a tuple of strings, numbers and datetimes is not tracked
        # by the garbage collector, so thousands queued in a burst do not make its full
        # collections (which pause every request) longer.
        self.queue: asyncio.Queue[tuple[Any, ...]] | None = None
        self.task: asyncio.Task[None] | None = None
        self.last_arrival = self.oldest = 0.0

    def start(self) -> None:
        self.queue = asyncio.Queue()
        self.task = asyncio.get_running_loop().create_task(self._run())

    def add(self, organisation_id: int, item: Item) -> None:
        if self.queue is not None:
            now = time.monotonic()
            if self.queue.empty():
                self.oldest = now
            self.last_arrival = now
            self.queue.put_nowait((organisation_id, *astuple(item)))

    def due(self, now: float) -> bool:
        """Whether to classify now: the queue has texts and the worker has a quiet moment,
        or the oldest text has waited long enough."""
        if self.queue is None or self.queue.empty():
            return False
        return now - self.last_arrival >= self.quiet or now - self.oldest >= self.max_wait

    async def stop(self) -> None:
        """Classify what is queued, then end."""
        if self.task is not None:
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task
        while self.queue is not None and not self.queue.empty():
            await self.flush()
        self.queue = self.task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            if not self.due(time.monotonic()):
                continue
            try:
                await self.flush(yield_to_arrivals=True)
            except Exception:  # noqa: BLE001 - the job classifies it later; keep serving
                log.exception("classifying new texts failed; the scheduled job will retry")

    async def flush(self, *, yield_to_arrivals: bool = False) -> int:
        """Classify the queue, a chunk at a time (``yield_to_arrivals``: stop as soon as a
        new text arrives, unless the oldest has waited ``max_wait``: the worker is busy
        again). Returns how many were classified."""
        started = time.monotonic()
        done = 0
        while self.queue is not None and not self.queue.empty() and done < self.batch:
            if (
                yield_to_arrivals
                and self.last_arrival > started
                and time.monotonic() - self.oldest < self.max_wait
            ):
                break
            taken: list[tuple[int, Item]] = []
            while not self.queue.empty() and len(taken) < self.chunk:
                organisation_id, *fields = self.queue.get_nowait()
                taken.append((organisation_id, Item(*fields)))
            groups: dict[tuple[int, str], list[Item]] = {}
            for organisation_id, item in taken:
                groups.setdefault((organisation_id, item.source), []).append(item)
            # In this thread: the model's work holds the GIL (a worker thread would not
            # free the event loop), so a chunk is kept short (16 texts, about 3 ms).
            for (organisation_id, _source), items in groups.items():
                done += await classify_new(organisation_id, items)
            await asyncio.sleep(0)
        return done


arrivals = Arrivals()


def later(organisation_id: int, item: Item) -> None:
    """Classify ``item`` right after the request (see :class:`Arrivals`)."""
    arrivals.add(organisation_id, item)


async def _predictions(
    organisation_id: int, items: Sequence[Item], *, cached: bool = False
) -> tuple[str, list[str], list[tuple[int | None, float]]]:
    """The active model's version, the redacted texts, and each text's (area id,
    confidence) under the organisation's areas now (None: no area the model knows)."""
    version, model = await active_model(organisation_id)
    codes = await code_map(organisation_id, cached=cached)
    texts = [redact(item.text) for item in items]
    allowed = set(codes) & set(model.labels)
    if not allowed:
        return version, texts, [(None, 0.0)] * len(items)
    predicted = []
    for prediction in await _predict(model, texts, allowed):
        area = codes.get(prediction.label)
        predicted.append((area.id if area else None, prediction.confidence))
    return version, texts, predicted


def _new_label(
    organisation_id: int,
    item: Item,
    text: str,
    area_id: int | None,
    confidence: float,
    version: str,
    now: datetime,
) -> Label:
    return Label(
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


async def _predict(model: ml.Model, texts: list[str], allowed: set[str]) -> list[ml.Prediction]:
    # A few texts are a few ms: not worth a thread switch; a large batch (the job, a new
    # model's reclassification) goes to a thread so the loop can at least take turns.
    if len(texts) <= 32:
        return ml.predict(model, texts, allowed=allowed)
    return await asyncio.to_thread(ml.predict, model, texts, allowed=allowed)


async def forget_text(organisation_id: int, source: str, source_id: int) -> None:
    """The source's text was anonymised: so is its label's copy (its area still counts)."""
    await Label.filter(organisation_id=organisation_id, source=source, source_id=source_id).update(
        text="", hidden=True
    )
