"""The problem areas' precomputed tables, the dashboards' source: texts per area and local
month (AreaMonth, the volume panels) and per area and local day (AreaDay, the rising
problems' weekly windows), rebuilt from the labels by the feature's statistics hook (the
job ``dashboards.refresh``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio.to_thread
import numpy as np
from tortoise import connections
from tortoise.transactions import in_transaction

from problem_areas.models import AreaDay, AreaMonth
from servicedialog import sql
from servicedialog.calendars import zone_of
from servicedialog.localtime import month_counts, to_local


async def refresh_area_months(organisation: Any, full: bool = True) -> int:
    """Count the organisation's labelled texts per area and local month (and day) of
    receipt and replace its AreaMonth and AreaDay rows; returns how many month rows were
    written.

    Always a rebuild, ``full`` or not: one grouped query reads the receipt times from the
    (organisation, area, received_at) index and numpy counts them (a fraction of a second
    for 200,000 texts), and a label's area may change at any time (review, merge, split),
    so counting only recent months would miss the corrections of earlier ones."""
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
    zone = zone_of(organisation).key
    months, days = await anyio.to_thread.run_sync(
        _count, organisation.id, [tuple(g) for g in groups], zone
    )
    async with in_transaction():
        await AreaMonth.filter(organisation_id=organisation.id).delete()
        await AreaDay.filter(organisation_id=organisation.id).delete()
        await AreaMonth.bulk_create(months, batch_size=1000)
        await AreaDay.bulk_create(days, batch_size=1000)
    return len(months)


def _count(
    organisation_id: int, groups: list[tuple[Any, ...]], zone: str
) -> tuple[list[AreaMonth], list[AreaDay]]:
    months, days = [], []
    for area_id, received_text in groups:
        seconds = np.fromstring(received_text, dtype=np.int64, sep=",")
        starts, counts = month_counts(seconds, zone)
        months.extend(
            AreaMonth(
                organisation_id=organisation_id, area_id=int(area_id), month=month, texts=count
            )
            for month, count in zip(starts.astype(date).tolist(), counts.tolist(), strict=True)
        )
        numbers, per_day = np.unique(
            to_local(seconds, zone).astype("datetime64[D]").astype(np.int64), return_counts=True
        )
        days.extend(
            AreaDay(organisation_id=organisation_id, area_id=int(area_id), day=day, texts=count)
            for day, count in zip(numbers.tolist(), per_day.tolist(), strict=True)
        )
    return months, days
