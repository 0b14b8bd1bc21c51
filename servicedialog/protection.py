"""What keeps a public form (feedback, a survey, a dialogue's intake) usable when bots and
floods come: a honeypot field people never see, and a limit of submissions per address.

Each public form names its own limiter, so a survey answered by a whole class from one
school network does not use up that network's feedback submissions. The limit is the
setting PUBLIC_FORM_RATE_LIMIT (per address, per 10 minutes, per worker process)."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from starlette.requests import Request

HONEYPOT = "website"  # hidden from people; bots fill it in


def is_bot(form: Any) -> bool:
    """A submission that filled in the honeypot: answer as if it worked, store nothing."""
    return bool(form.get(HONEYPOT))


class RateLimiter:
    """At most ``limit`` submissions per address in ``window`` seconds, in this process."""

    def __init__(self, limit: int, window: float = 600.0) -> None:
        self.limit = limit
        self.window = window
        self.hits: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        if self.limit <= 0:
            return True
        now = time.monotonic()
        hits = self.hits.setdefault(address, deque())
        while hits and hits[0] < now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self.hits) > 10_000:  # forget quiet addresses
            for key in [k for k, v in self.hits.items() if not v or v[-1] < now - self.window]:
                del self.hits[key]
        return True


def limiter(request: Request, form_name: str) -> RateLimiter:
    """The worker's limiter of the public form ``form_name`` (made on first use)."""
    limiters: dict[str, RateLimiter] = request.app.state.form_limiters
    if form_name not in limiters:
        limiters[form_name] = RateLimiter(request.app.state.settings.public_form_rate_limit)
    return limiters[form_name]
