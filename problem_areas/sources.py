"""The sources of free text: each feature with texts (feedback now; surveys and dialogue
later) registers how to find its texts that have no label yet, so the scheduled job can
classify what was missed when it arrived (a worker that stopped, a database busy at that
moment). Classifying as texts arrive goes through :func:`problem_areas.classify.classify`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from problem_areas.classify import Item, classify_many


@dataclass(frozen=True)
class Source:
    name: str  # Label.source
    # Up to ``limit`` texts without a label: (organisation id, item) pairs.
    pending: Callable[[int], Awaitable[list[tuple[int, Item]]]]


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    SOURCES[source.name] = source


async def classify_pending(limit: int = 5000) -> int:
    """Classify every registered source's unlabelled texts; returns how many."""
    done = 0
    for source in SOURCES.values():
        while True:
            pending = await source.pending(limit)
            if not pending:
                break
            per_org: dict[int, list[Item]] = {}
            for organisation_id, item in pending:
                per_org.setdefault(organisation_id, []).append(item)
            for organisation_id, items in per_org.items():
                done += len(await classify_many(organisation_id, items))
            if len(pending) < limit:
                break
    return done
