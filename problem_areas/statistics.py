"""The problem areas' precomputed tables, the dashboards' source: texts per area and local
month (AreaMonth, the volume panels) and per area and local day (AreaDay, the rising
problems' weekly windows), kept up to date from the labels by the feature's statistics
hook (the job ``dashboards.refresh``, every minute).

A refresh recounts the current and the previous month (where new texts and nearly all
corrections land) in one grouped query over the (organisation, area, received_at) index,
which also counts every area's texts of all time; when those totals do not agree with the
table (an older text moved to another area: a late correction, a merge, a split), the
whole table is rebuilt (a second for 200,000 texts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import anyio.to_thread
import numpy as np
from tortoise import connections
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from problem_areas.models import AreaDay, AreaMonth
from servicedialog import sql
from servicedialog.calendars import today_for, zone_of
from servicedialog.localtime import month_counts, to_local

EPOCH_DAY = date(1970, 1, 1)


def recount_from(today: date) -> date:
    """The first day of the month before ``today``'s: what a refresh recounts."""
    index = today.year * 12 + today.month - 2
    return date(index // 12, index % 12 + 1, 1)


async def refresh_area_months(
    organisation: Any, full: bool = True, today: date | None = None
) -> str:
    """Bring the organisation's AreaMonth and AreaDay rows up to date; ``full`` rebuilds
    them from every label. Returns what was done: "rebuilt" or "recounted"."""
    if full:
        await _rebuild(organisation)
        return "rebuilt"
    first_month = recount_from(today or today_for(organisation))
    zone = zone_of(organisation)
    since = datetime.combine(first_month, time(), tzinfo=zone).astimezone(UTC)
    connection = connections.get("default")
    dialect = sql.dialect_of(connection)
    recent = f"CASE WHEN received_at >= ? THEN {sql.epoch('received_at', dialect)} END"
    _, groups = await connection.execute_query(
        sql.for_dialect(
            f"SELECT area_id, COUNT(*), {sql.joined(recent, dialect, 'id')} "
            "FROM problem_areas_label WHERE organisation_id = ? AND area_id IS NOT NULL "
            "GROUP BY area_id",
            dialect,
        ),
        [since, organisation.id],
    )
    totals = {int(g[0]): int(g[1]) for g in (tuple(row) for row in groups)}
    lists = [(int(g[0]), g[2] or "") for g in (tuple(row) for row in groups)]
    months, days = await anyio.to_thread.run_sync(_count, organisation.id, lists, zone.key)
    earlier = dict(
        await AreaMonth.filter(organisation_id=organisation.id, month__lt=first_month)
        .annotate(total=Sum("texts"))
        .group_by("area_id")
        .values_list("area_id", "total")
    )
    counted: dict[int, int] = {int(a): int(n) for a, n in earlier.items()}
    for row in months:
        counted[row.area_id] = counted.get(row.area_id, 0) + row.texts
    if {a: n for a, n in counted.items() if n} != {a: n for a, n in totals.items() if n}:
        await _rebuild(organisation)
        return "rebuilt"
    async with in_transaction():
        await AreaMonth.filter(organisation_id=organisation.id, month__gte=first_month).delete()
        await AreaDay.filter(
            organisation_id=organisation.id, day__gte=(first_month - EPOCH_DAY).days
        ).delete()
        await AreaMonth.bulk_create(months, batch_size=1000)
        await AreaDay.bulk_create(days, batch_size=1000)
    return "recounted"


async def _rebuild(organisation: Any) -> None:
    """Count every labelled text of the organisation per area and local month and day, and
    replace its rows: one grouped query of receipt times, counted by numpy in a thread."""
    connection = connections.get("default")
    dialect = sql.dialect_of(connection)
    received = sql.joined(sql.epoch("received_at", dialect), dialect, "id")
    _, groups = await connection.execute_query(
        sql.for_dialect(
            f"SELECT area_id, {received} FROM problem_areas_label "
            "WHERE organisation_id = ? AND area_id IS NOT NULL GROUP BY area_id",
            dialect,
        ),
        [organisation.id],
    )
    lists = [(int(g[0]), g[1] or "") for g in (tuple(row) for row in groups)]
    zone = zone_of(organisation).key
    months, days = await anyio.to_thread.run_sync(_count, organisation.id, lists, zone)
    async with in_transaction():
        await AreaMonth.filter(organisation_id=organisation.id).delete()
        await AreaDay.filter(organisation_id=organisation.id).delete()
        await AreaMonth.bulk_create(months, batch_size=1000)
        await AreaDay.bulk_create(days, batch_size=1000)


def _count(
    organisation_id: int, groups: list[tuple[int, str]], zone: str
) -> tuple[list[AreaMonth], list[AreaDay]]:
    """The month and day rows of each area's comma-separated receipt times."""
    months, days = [], []
    for area_id, received_text in groups:
        if not received_text:
            continue
        seconds = np.fromstring(received_text, dtype=np.int64, sep=",")
        starts, counts = month_counts(seconds, zone)
        months.extend(
            AreaMonth(organisation_id=organisation_id, area_id=area_id, month=month, texts=count)
            for month, count in zip(starts.astype(date).tolist(), counts.tolist(), strict=True)
        )
        numbers, per_day = np.unique(
            to_local(seconds, zone).astype("datetime64[D]").astype(np.int64), return_counts=True
        )
        days.extend(
            AreaDay(organisation_id=organisation_id, area_id=area_id, day=day, texts=count)
            for day, count in zip(numbers.tolist(), per_day.tolist(), strict=True)
        )
    return months, days
