"""Scheduled work: the outbox, deadline warnings, retention, recomputing the figures, and
later the classifier's retraining. Each feature declares its jobs (``Feature.jobs``); the
core runs them with ``servicedialog jobs run`` from cron or a systemd timer (every minute
is fine: a job runs only when it is due), or ``servicedialog jobs run --loop`` as a process
of its own.

With several workers, or several hosts on one PostgreSQL database, each job runs once: a
run starts by *claiming* the job's row in ``core_job_run`` with one conditional UPDATE
(due, and not claimed by a run still inside its lease), which only one process can win.
A run that dies keeps the claim until its lease ends, then another may take it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from servicedialog.models import JobRun

if TYPE_CHECKING:
    from servicedialog.settings import Settings

log = logging.getLogger("servicedialog.jobs")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Job:
    name: str  # "<feature>.<what>", e.g. "complaints.warnings"
    every: timedelta  # how often it is due
    run: Callable[[Settings], Awaitable[str]]  # does the work; says what it did, one line
    description: str = ""  # for `servicedialog jobs list`
    lease: timedelta = timedelta(minutes=30)  # a claim older than this is given up


@dataclass(frozen=True)
class Outcome:
    job: str
    ran: bool
    result: str = ""
    failed: bool = False


async def claim(job: Job, now: datetime | None = None, *, due_or_not: bool = False) -> bool:
    """Take the job for this process when it is due (``due_or_not``: even if not) and
    nobody holds it: one statement."""
    now = now or datetime.now(UTC)
    with suppress(IntegrityError):  # another process created the row at the same moment
        await JobRun.get_or_create(name=job.name, defaults={"due_at": EPOCH, "held_until": EPOCH})
    free = JobRun.filter(name=job.name, held_until__lte=now)
    if not due_or_not:
        free = free.filter(due_at__lte=now)
    taken = await free.update(held_until=now + job.lease, started_at=now)
    return taken == 1


async def finish(job: Job, result: str, failed: bool, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    # A failed run is tried again at the next call rather than after a whole period.
    due = now if failed else now + job.every
    await JobRun.filter(name=job.name).update(
        held_until=EPOCH, due_at=due, finished_at=now, result=result[:500], failed=failed
    )


async def run_job(job: Job, settings: Settings, force: bool = False) -> Outcome:
    """Run ``job`` if it is due (``force``: even if not, but never twice at once)."""
    now = datetime.now(UTC)
    if not await claim(job, now, due_or_not=force):
        return Outcome(job.name, ran=False, result="running elsewhere" if force else "")
    try:
        result = await job.run(settings)
    except Exception as error:  # a job's failure is reported and retried, never fatal
        log.exception("job %s failed", job.name)
        await finish(job, f"{type(error).__name__}: {error}", failed=True)
        return Outcome(job.name, ran=True, result=str(error), failed=True)
    await finish(job, result, failed=False)
    return Outcome(job.name, ran=True, result=result)


async def run_due(
    jobs: Sequence[Job], settings: Settings, names: Sequence[str] = ()
) -> list[Outcome]:
    """Run each due job (the named ones even if not due) one after the other."""
    chosen = [job for job in jobs if not names or job.name in names]
    return [await run_job(job, settings, force=bool(names)) for job in chosen]


async def run_forever(jobs: Sequence[Job], settings: Settings, interval: float = 60) -> None:
    """Check every ``interval`` seconds and run what is due (``jobs run --loop``)."""
    while True:
        for outcome in await run_due(jobs, settings):
            if outcome.ran:
                log.info("job %s: %s", outcome.job, outcome.result)
        await asyncio.sleep(interval)


def all_jobs(features: Sequence[object]) -> list[Job]:
    """The core's jobs and every feature's, by name."""
    found = [*CORE_JOBS, *(job for f in features for job in getattr(f, "jobs", ()))]
    return sorted(found, key=lambda job: job.name)


async def _send_mail(settings: Settings) -> str:
    from servicedialog.mail import send_pending

    if not settings.smtp_host:
        return "SMTP_HOST is not set: mail stays in the outbox"
    return str(await send_pending(settings))


async def _purge_mail(settings: Settings) -> str:
    from servicedialog.mail import purge_sent

    return f"{await purge_sent(settings.mail_keep_days)} sent messages deleted"


CORE_JOBS = (
    Job("mail.send", timedelta(minutes=1), _send_mail, "Send the outbox's e-mail"),
    Job("mail.purge", timedelta(days=1), _purge_mail, "Delete sent e-mail after MAIL_KEEP_DAYS"),
)
