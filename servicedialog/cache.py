"""A small in-process cache with expiry, one per app (``app.state.cache``).

For data that is read on every public page and changes rarely. Each worker process has its
own cache, so a change made through one worker shows in the others after at most ``ttl``
seconds; the worker that made the change invalidates at once.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


class TTLCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, tuple[float, Any]] = {}
        self._clock = clock

    async def get_or_set(self, key: str, ttl: float, load: Callable[[], Awaitable[T]]) -> T:
        now = self._clock()
        hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            value: T = hit[1]
            return value
        value = await load()
        self._items[key] = (now + ttl, value)
        return value

    def invalidate(self, key: str) -> None:
        self._items.pop(key, None)

    def invalidate_prefix(self, prefix: str) -> None:
        for key in [k for k in self._items if k.startswith(prefix)]:
            del self._items[key]
