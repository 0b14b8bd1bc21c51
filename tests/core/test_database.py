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
