"""The feedback statistics: per-record facts, and the month tables the dashboard panels read.

Definitions (docs/statistics.md says them in words):

- **Cohort by month received.** Every figure of a month is about the feedback *received* in
  that month (the month in the organisation's time zone): ``answered`` is how many of them
  have been answered so far, ``answered_on_time`` how many were answered by their answer
  deadline, ``closed`` how many are closed, and so on. A month's figures therefore change
  as its records are handled, and a recent month's are figures so far.
- **On time**: the local date of the acknowledgement (answer) is on or before the record's
  acknowledgement (answer) deadline, which already counts pauses and extensions.
- **Handling time**: the working days (the organisation's calendar: the country's working
  days without its closed days) after the day received up to and including the day
  answered, both local dates, as the commitments count them: an answer on the day
  received takes 0 days, one on the next working day 1.
  Pauses are not taken off (the deadlines allow for them; the handling time is what the
  person waited). A record under review (stage 2) counts again once the review is
  answered, from the day it was first received.
- **Percentiles** of the handling time are *inverted CDF* ones (numpy's
  ``method="inverted_cdf"``): the smallest number of days d such that at least q of the
  records took d days or fewer. The median of 1, 2, 3, 4 days is thus 2.

The facts are computed once in Python (time zone and calendar are not SQL's business) when a
record is acknowledged or answered (:func:`set_facts`, called by complaints.services), and
:func:`refresh` fills them for records that lack them (records from before the facts
existed, or changed by code that did not set them) in batches of one UPDATE per distinct
value. The months are then counted in SQL: one GROUP BY per month over a ``received_at``
range, the month's bounds being UTC instants of local midnights computed here.

Freshness: :func:`refresh` is incremental (the months of records changed since its
watermark, the latest ``updated_at`` it saw); the job ``complaints.statistics`` runs it every
minute, and every panel calls :func:`ensure_fresh`, which runs it when this process has not
for ``MAX_AGE_SECONDS`` (the setting ``COMPLAINTS_STATISTICS_MAX_AGE``). A deleted record is
only noticed by a full rebuild (``refresh(organisation, full=True)``, ``servicedialog
dashboards refresh``): records are anonymised, not deleted, so that is rare.
"""

from __future__ import annotations

import asyncio
import logging
import time as clock
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from complaints.handling import HandlingTerms, handling_terms
from complaints.models import (
    Feedback,
    FeedbackCauseMonth,
    FeedbackHandlingDays,
    FeedbackMonth,
    FeedbackStatistics,
)
from complaints.states import OPEN_STATUSES, Channel, Kind, Outcome, Status
from servicedialog.calendars import zone_of
from servicedialog.clock import as_days, working_days_between
from servicedialog.periods import Period, PeriodKind, periods

log = logging.getLogger("complaints.statistics")

# Digital channels: the person wrote to us themselves through a web page or an app. E-mail
# is not counted as digital: it arrives in a mailbox and is registered by hand like a
# letter.
DIGITAL_CHANNELS = frozenset({Channel.WEB, Channel.OPEN311})

# How long an ensure_fresh() refresh is good for in one process (a setting: lifespan).
MAX_AGE_SECONDS = 5.0
# Records changed this long before the watermark are looked at again: a record is saved
# with its updated_at and committed a moment later, and a refresh between the two would
# otherwise pass it by for good.
OVERLAP = timedelta(seconds=10)
# More changed records than this since the last refresh: recount every month between the
# first and the last received of them rather than read their dates.
MAX_CHANGED = 5000
FACTS_BATCH = 200
ID_WINDOW = 20_000
INSERT_BATCH = 500

DIMENSIONS = ("unit_id", "service_id", "kind", "channel")
OUTCOME_COLUMNS = tuple(o.value for o in Outcome)
MONTH_COUNTS = (
    "received",
    "acknowledged",
    "acknowledged_on_time",
    "answered",
    "answered_on_time",
    "closed",
    *OUTCOME_COLUMNS,
    "reviews",
    "satisfaction_sum",
    "satisfaction_count",
    "improvements",
)
DAYS_DIMENSIONS = ("unit_id", "service_id", "channel")
CAUSE_DIMENSIONS = ("unit_id", "service_id", "channel", "root_cause_id")


# --- per-record facts -----------------------------------------------------------------


def working_days(terms: HandlingTerms, start: date, end: date) -> int:
    """Working days d with start < d <= end (local dates), as the commitments count."""
    return int(working_days_between(terms.calendar, as_days([start]), as_days([end]))[0])


def facts(feedback: Feedback, terms: HandlingTerms) -> dict[str, Any]:
    """The record's statistics facts from its timestamps and deadlines (None: not yet)."""
    acknowledged, answered = feedback.acknowledged_at, feedback.answered_at
    result: dict[str, Any] = {
        "acknowledged_on_time": None,
        "answered_on_time": None,
        "handling_days": None,
    }
    if acknowledged is not None:
        due = feedback.acknowledge_due
        result["acknowledged_on_time"] = due is not None and terms.local_day(acknowledged) <= due
    if answered is not None:
        day = terms.local_day(answered)
        due = feedback.answer_due
        result["answered_on_time"] = due is not None and day <= due
        result["handling_days"] = working_days(terms, terms.local_day(feedback.received_at), day)
    return result


FACT_FIELDS = ("acknowledged_on_time", "answered_on_time", "handling_days")


def set_facts(feedback: Feedback, terms: HandlingTerms) -> list[str]:
    """Set the facts on ``feedback`` (the caller saves); gives their field names, for
    ``update_fields``."""
    for name, value in facts(feedback, terms).items():
        setattr(feedback, name, value)
    return list(FACT_FIELDS)


_MISSING = (
    Q(acknowledged_at__not_isnull=True, acknowledged_on_time__isnull=True)
    | Q(answered_at__not_isnull=True, answered_on_time__isnull=True)
    | Q(answered_at__not_isnull=True, handling_days__isnull=True)
    | Q(answered_at__isnull=True, answered_on_time__not_isnull=True)
)


FACT_INPUTS = (
    "id",
    "organisation_id",
    "received_at",
    "acknowledged_at",
    "answered_at",
    "acknowledge_due",
    "answer_due",
)


async def fill_facts(organisation: Any, since: datetime | None = None) -> list[datetime]:
    """Compute the facts of the organisation's records that lack them (or hold stale ones:
    answered no more), changed after ``since`` (None: all), in batches of one UPDATE
    each. Gives the fixed records' ``received_at``.

    Without ``since`` the records are read in windows of ids, by the primary key and
    without the organisation in the SQL (SQLite otherwise takes the organisation's index
    and reads all its records for each batch: 0.6 s a batch at 200,000 records). The
    UPDATEs leave ``updated_at`` as it is: the figures are not the record's handling."""
    terms = await handling_terms(organisation)
    received: list[datetime] = []
    async for batch in _lacking(organisation.id, since):
        for record in batch:
            set_facts(record, terms)
            received.append(record.received_at)
        # One UPDATE … CASE id WHEN … per batch; updated_at is not among the fields.
        await Feedback.bulk_update(batch, fields=FACT_FIELDS, batch_size=FACTS_BATCH)
    return received


async def _lacking(organisation_id: int, since: datetime | None) -> AsyncIterator[list[Feedback]]:
    """The organisation's records that lack their facts, in batches."""
    if since is not None:
        query = Feedback.filter(_MISSING, organisation_id=organisation_id, updated_at__gt=since)
        last = 0
        while (
            batch := await query.filter(id__gt=last)
            .order_by("id")
            .limit(FACTS_BATCH)
            .only(*FACT_INPUTS)
        ):
            yield batch
            last = batch[-1].id
        return
    top = cast(
        int | None, await Feedback.all().order_by("-id").first().values_list("id", flat=True)
    )
    low = 0
    while top is not None and low < top:
        window = await Feedback.filter(_MISSING, id__gt=low, id__lte=low + ID_WINDOW).only(
            *FACT_INPUTS
        )
        mine = [record for record in window if record.organisation_id == organisation_id]
        for start in range(0, len(mine), FACTS_BATCH):
            yield mine[start : start + FACTS_BATCH]
        low += ID_WINDOW


def six_months_before(day: date) -> date:
    """The same date six months earlier (the month's last day where it has fewer)."""
    index = day.year * 12 + day.month - 1 - 6
    year, month = index // 12, index % 12 + 1
    last = (Period(PeriodKind.MONTH, date(year, month, 1)).end).day
    return date(year, month, min(day.day, last))


def open_too_long(zone: ZoneInfo, today: date) -> dict[str, Any]:
    """ORM filters for open records received more than six months ago (local dates): the
    authority must tell such a person they may ask for a decision (förvaltningslagen 12 §)."""
    limit = datetime.combine(six_months_before(today), time(), zone).astimezone(UTC)
    return {"status__in": OPEN_STATUSES, "received_at__lt": limit}


# --- months -------------------------------------------------------------------------


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of the local month ``moment`` falls in."""
    return moment.astimezone(zone).date().replace(day=1)


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month as UTC instants: its first local midnight and the next month's."""
    following = Period(PeriodKind.MONTH, month).next().start
    return (
        datetime.combine(month, time(), zone).astimezone(UTC),
        datetime.combine(following, time(), zone).astimezone(UTC),
    )


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from the one containing ``first`` to ``last``'s."""
    return [period.start for period in periods(PeriodKind.MONTH, first, last)]


_CLOSED = Q(status=Status.CLOSED)


def _month_annotations() -> dict[str, Any]:
    """The month table's figures as aggregates (named ``n_…``: several are also the names
    of Feedback fields, which an annotation may not take)."""
    counts: dict[str, Any] = {
        "n_received": Count("id"),
        "n_acknowledged": Count("id", _filter=Q(acknowledged_at__not_isnull=True)),
        "n_acknowledged_on_time": Count("id", _filter=Q(acknowledged_on_time=True)),
        "n_answered": Count("id", _filter=Q(answered_at__not_isnull=True)),
        "n_answered_on_time": Count(
            "id", _filter=Q(answered_at__not_isnull=True, answered_on_time=True)
        ),
        "n_closed": Count("id", _filter=_CLOSED),
        "n_reviews": Count("id", _filter=Q(stage=2)),
        "n_satisfaction_sum": Sum("satisfaction"),
        "n_satisfaction_count": Count("satisfaction"),
        "n_improvements": Count("id", _filter=_CLOSED & ~Q(improvement="")),
    }
    for outcome in Outcome:
        counts[f"n_{outcome.value}"] = Count("id", _filter=_CLOSED & Q(outcome=outcome))
    return counts


async def _count_month(organisation_id: int, month: date, zone: ZoneInfo) -> list[Any]:
    """The rows of the three tables for one month: three GROUP BYs over its range."""
    low, high = month_bounds(month, zone)
    records = Feedback.filter(
        organisation_id=organisation_id, received_at__gte=low, received_at__lt=high
    )
    common = {"organisation_id": organisation_id, "month": month}
    result: list[Any] = []
    for row in (
        await records.annotate(**_month_annotations())
        .group_by(*DIMENSIONS)
        .values(*DIMENSIONS, *(f"n_{name}" for name in MONTH_COUNTS))
    ):
        figures = {name: int(row[f"n_{name}"] or 0) for name in MONTH_COUNTS}
        result.append(FeedbackMonth(**common, **{d: row[d] for d in DIMENSIONS}, **figures))
    for row in (
        await records.filter(handling_days__not_isnull=True, answered_at__not_isnull=True)
        .annotate(n=Count("id"))
        .group_by(*DAYS_DIMENSIONS, "handling_days")
        .values(*DAYS_DIMENSIONS, "handling_days", "n")
    ):
        result.append(
            FeedbackHandlingDays(
                **common,
                **{d: row[d] for d in DAYS_DIMENSIONS},
                days=row["handling_days"],
                count=row["n"],
            )
        )
    for row in (
        await records.filter(status=Status.CLOSED, kind=Kind.COMPLAINT)
        .annotate(n=Count("id"), n_improved=Count("id", _filter=~Q(improvement="")))
        .group_by(*CAUSE_DIMENSIONS)
        .values(*CAUSE_DIMENSIONS, "n", "n_improved")
    ):
        result.append(
            FeedbackCauseMonth(
                **common,
                **{d: row[d] for d in CAUSE_DIMENSIONS},
                closed=row["n"],
                improvements=int(row["n_improved"] or 0),
            )
        )
    return result


TABLES = (FeedbackMonth, FeedbackHandlingDays, FeedbackCauseMonth)


async def _first(query: Any, order: str) -> datetime | None:
    """The first value of a timestamp in ``order`` ("-updated_at": the latest): one
    indexed read."""
    found = await query.order_by(order).first().values_list(order.lstrip("-"), flat=True)
    return cast(datetime | None, found)


async def _received_range(organisation_id: int) -> tuple[datetime, datetime] | None:
    records = Feedback.filter(organisation_id=organisation_id)
    first = await _first(records, "received_at")
    last = await _first(records, "-received_at")
    if first is None or last is None:
        return None
    return first, last


async def refresh(organisation: Any, full: bool = False) -> int:
    """Bring the organisation's month tables up to date; gives the number of months
    recounted. Incremental: the months of records changed (``updated_at``) since the last
    refresh; ``full``: every month, from the records.

    The months are counted first, then their rows replaced in one transaction, which
    begins by locking the organisation's FeedbackStatistics row, so that two processes
    refreshing at once do not both insert (PostgreSQL; SQLite has one writer anyway)."""
    started = datetime.now(UTC)
    zone = zone_of(organisation)
    state, _created = await FeedbackStatistics.get_or_create(organisation_id=organisation.id)
    records = Feedback.filter(organisation_id=organisation.id)
    latest = await _first(records, "-updated_at")
    full = full or state.watermark is None
    if not full and _unchanged(state, latest):
        return 0
    months: set[date] = set()
    if full:
        await fill_facts(organisation)
        found = await _received_range(organisation.id)
        if found is not None:
            months = set(months_between(month_of(found[0], zone), month_of(found[1], zone)))
    else:
        assert state.watermark is not None
        since = state.watermark - OVERLAP
        fixed = await fill_facts(organisation, since)
        changed = records.filter(updated_at__gt=since)
        months = {month_of(moment, zone) for moment in fixed}
        if await changed.count() > MAX_CHANGED:
            # Many (an import, a bulk change): every month from the first to the last
            # received of them, read by two indexed reads rather than their dates.
            first, last = (
                await _first(changed, "received_at"),
                await _first(changed, "-received_at"),
            )
            assert first is not None and last is not None
            months |= set(months_between(month_of(first, zone), month_of(last, zone)))
        else:
            moments = cast(list[datetime], await changed.values_list("received_at", flat=True))
            months |= {month_of(moment, zone) for moment in moments}
    rows: list[Any] = []
    for month in sorted(months):
        rows.extend(await _count_month(organisation.id, month, zone))
    await _replace(state, organisation.id, months, rows, full, latest, started)
    return len(months)


def _unchanged(state: FeedbackStatistics, latest: datetime | None) -> bool:
    """Nothing saved since the last refresh, which ran after the overlap had passed."""
    if state.watermark is None or state.refreshed_at is None:
        return False
    if latest is not None and latest > state.watermark:
        return False
    return state.refreshed_at > state.watermark + OVERLAP


async def _replace(
    state: FeedbackStatistics,
    organisation_id: int,
    months: set[date],
    rows: Sequence[Any],
    full: bool,
    latest: datetime | None,
    started: datetime,
) -> None:
    watermark = max(filter(None, [state.watermark if not full else None, latest]), default=None)
    async with in_transaction():
        await FeedbackStatistics.filter(id=state.id).select_for_update().first()
        for table in TABLES:
            stale = table.filter(organisation_id=organisation_id)
            if not full:
                stale = stale.filter(month__in=sorted(months))
            await stale.delete()
        for table in TABLES:
            mine: list[Any] = [row for row in rows if isinstance(row, table)]
            if mine:
                await table.bulk_create(mine, batch_size=INSERT_BATCH)
        await FeedbackStatistics.filter(id=state.id).update(
            watermark=watermark or started, refreshed_at=started
        )


# --- freshness for the panels -----------------------------------------------------------

_checked: dict[int, float] = {}
_locks: dict[tuple[int, int], asyncio.Lock] = {}


async def ensure_fresh(organisation: Any, max_age: float | None = None) -> None:
    """Refresh the organisation's figures unless this process did so within ``max_age``
    seconds (default MAX_AGE_SECONDS; 0: now). Panels call it first: the demo runs no
    jobs' process, and a page must not show stale figures for ever. Cheap when nothing
    changed: two indexed reads."""
    age = MAX_AGE_SECONDS if max_age is None else max_age
    if clock.monotonic() - _checked.get(organisation.id, -1e18) < age:
        return
    key = (organisation.id, id(asyncio.get_running_loop()))
    lock = _locks.setdefault(key, asyncio.Lock())
    async with lock:  # the panels of one page ask at once: one of them refreshes
        if age > 0 and clock.monotonic() - _checked.get(organisation.id, -1e18) < age:
            return
        try:
            await refresh(organisation)
        except Exception:  # stale figures are better than no page
            log.exception("refreshing the statistics of organisation %s", organisation.id)
            return
        _checked[organisation.id] = clock.monotonic()


def forget() -> None:
    """Forget when each organisation was refreshed (tests; a new app's database)."""
    _checked.clear()
    _locks.clear()


async def refresh_all(full: bool = False) -> str:
    """Every organisation's figures (the job)."""
    from servicedialog.models import Organisation

    months = 0
    organisations = await Organisation.all()
    for organisation in organisations:
        months += await refresh(organisation, full)
    return f"{months} months recounted for {len(organisations)} organisations"
