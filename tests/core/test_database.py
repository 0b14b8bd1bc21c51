"""The schema comes from migrations, and the migrations match the models."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from servicedialog.db import normalise_url, pending_migrations, tortoise_config
from tests.conftest import FEATURES


def test_models_and_migrations_agree(settings):
    async def changes():
        config = tortoise_config(settings, FEATURES)
        async with TortoiseContext() as ctx:
            await ctx.init(config=config)
            return await MigrationAutodetector(ctx.apps, config["apps"]).changes()

    assert asyncio.run(changes()) == [], "run `tortoise makemigrations` and commit the result"


def test_a_migrated_database_has_nothing_pending(settings):
    assert asyncio.run(pending_migrations(settings, FEATURES)) == []


def test_sqlite_urls_get_the_pragmas_for_concurrent_writers(tmp_path):
    url = normalise_url(f"sqlite://{tmp_path}/sub/db.sqlite3")
    assert "busy_timeout=10000" in url and "synchronous=NORMAL" in url
    assert (tmp_path / "sub").is_dir()
    assert "busy_timeout=500" in normalise_url(f"sqlite://{tmp_path}/db.sqlite3?busy_timeout=500")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(client, settings):
    if not settings.is_sqlite:
        pytest.skip("SQLite pragmas; this run is on PostgreSQL")
    from tests.conftest import run

    async def pragmas():
        conn = Tortoise.get_connection("default")
        return [
            (await conn.execute_query_dict(f"PRAGMA {name}"))[0]
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        ]

    journal, foreign_keys, busy = run(client, pragmas)
    assert journal["journal_mode"] == "wal"
    assert foreign_keys["foreign_keys"] == 1
    assert busy["timeout"] == 10000


def test_postgres_reset_empties_every_table_and_restarts_every_used_sequence(settings):
    """tests.conftest._empty_postgres stands in for TRUNCATE … RESTART IDENTITY CASCADE:
    a row in a child and a parent table, a sequence used by a row since deleted, and the
    migrations kept."""
    if settings.is_sqlite:
        pytest.skip("the PostgreSQL reset between tests; SQLite tests get a fresh file")
    from tests.conftest import _PG, _empty_postgres

    async def write(connection):
        org = await connection.fetchval(
            "INSERT INTO core_organisation (slug, name_sv, name_en, country, kind, created_at)"
            " VALUES ('a', 'A', 'A', 'SE', 'municipality', now()) RETURNING id"
        )
        await connection.execute(
            "INSERT INTO core_unit (organisation_id, code, name_sv, name_en, created_at)"
            " VALUES ($1, 'u', 'U', 'U', now())",
            org,
        )
        await connection.execute("DELETE FROM core_unit")  # its sequence stays used
        await connection.execute(
            "INSERT INTO core_unit (organisation_id, code, name_sv, name_en, created_at)"
            " VALUES ($1, 'v', 'V', 'V', now())",
            org,
        )
        return org, await connection.fetchval("SELECT id FROM core_unit")

    async def state(connection):
        tables = [
            row["tablename"]
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        counts = {t: await connection.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}
        used = await connection.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            " AND last_value IS NOT NULL AND sequencename NOT LIKE 'tortoise_migrations%'"
        )
        return counts, [row[0] for row in used]

    assert _PG.run(write) == (1, 2)  # the unit's second id: the first row was deleted
    _PG.run(_empty_postgres)
    counts, used = _PG.run(state)
    assert counts.pop("tortoise_migrations") > 0
    assert set(counts.values()) == {0}, counts
    assert used == []
    assert _PG.run(write) == (1, 2)  # the ids start again as in the first test
