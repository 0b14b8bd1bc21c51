"""The problem areas' precomputed month table (AreaMonth), the dashboards' source for the
volume panels: texts per area and local month, rebuilt from the labels by the feature's
statistics hook (the job ``dashboards.refresh``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio.to_thread
import numpy as np
from tortoise import connections
from tortoise.transactions import in_transaction

from problem_areas.models import AreaMonth
from servicedialog import sql
from servicedialog.calendars import zone_of
from servicedialog.localtime import month_counts


async def refresh_area_months(organisation: Any, full: bool = True) -> int:
    """Count the organisation's labelled texts per area and local month of receipt and
    replace its AreaMonth rows; returns how many rows were written.

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
    rows = await anyio.to_thread.run_sync(
        _months, organisation.id, [tuple(g) for g in groups], zone
    )
    async with in_transaction():
        await AreaMonth.filter(organisation_id=organisation.id).delete()
        await AreaMonth.bulk_create(rows, batch_size=1000)
    return len(rows)


def _months(organisation_id: int, groups: list[tuple[Any, ...]], zone: str) -> list[AreaMonth]:
    rows = []
    for area_id, received_text in groups:
        seconds = np.fromstring(received_text, dtype=np.int64, sep=",")
        months, counts = month_counts(seconds, zone)
        rows.extend(
            AreaMonth(
                organisation_id=organisation_id, area_id=int(area_id), month=month, texts=count
            )
            for month, count in zip(months.astype(date).tolist(), counts.tolist(), strict=True)
        )
    return rows
