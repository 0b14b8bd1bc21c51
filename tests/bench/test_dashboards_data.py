"""A smoke test of issue 13's generator (bench/dashboards_data.py) at a tiny size."""

from __future__ import annotations

import asyncio

from bench import dashboards_data as data
from servicedialog.settings import Settings


def test_generator_fills_every_table(settings: Settings) -> None:
    facts = asyncio.run(
        data.generate(
            settings.database_url,
            feedback=200,
            cases=400,
            years=2,
            organisations=2,
            say=lambda line: None,
            fresh=False,
        )
    )
    counts = facts["counts"]
    assert counts["core_organisation"] == 2
    assert counts["commitments_case"] == 400
    assert counts["feedback"] == counts["problem_areas_label"] == counts["feedback_event"] == 200
    assert counts["commitments_fulfilment"] > 0  # the statistics were brought up to date
    sink_counts = asyncio.run(
        _scalars(
            settings.database_url,
            "SELECT count(*) FROM core_organisation WHERE population IS NOT NULL",
            "SELECT count(DISTINCT organisation_id) FROM feedback",
            "SELECT count(*) FROM feedback f JOIN problem_areas_label l "
            "ON l.source = 'feedback' AND l.source_id = f.id",
            "SELECT count(*) FROM core_membership WHERE role = 'leadership'",
        )
    )
    assert sink_counts == [2, 2, 200, 2]


async def _scalars(url: str, *queries: str) -> list[int]:
    if data.is_sqlite(url):
        from servicedialog.db import sqlite_path

        sink: data.Sink = data.SqliteSink(sqlite_path(url))
    else:
        sink = await data.PostgresSink.connect(url)
    try:
        return [int(await sink.scalar(q)) for q in queries]
    finally:
        await sink.close()
