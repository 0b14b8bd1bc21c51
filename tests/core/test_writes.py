"""servicedialog.writes: a plan is one transaction on SQLite (one call on the process's own
connection, behind the writers' lock of all processes) and on PostgreSQL (statement by
statement), with the same results."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from servicedialog import sql, writes
from servicedialog.app import create_app
from servicedialog.db import sqlite_path
from servicedialog.errors import unavailable_reason
from servicedialog.mail import outbox_message
from servicedialog.models import Organisation, OutboxMessage
from servicedialog.writes import Insert, Plan, Query
from tests.conftest import FEATURES, TEST_DATABASE_URL, run, writers_lock_held

sqlite_only = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="SQLite's own connection and writers' lock"
)


def _mail(n: int) -> OutboxMessage:
    return outbox_message(f"p{n}@example.se", f"Ämne {n}", "Text")


def _one_mail() -> Plan[int]:
    new_id: int = yield Insert.of(_mail(1))
    return new_id


def test_a_plan_writes_its_rows_and_returns_what_it_computed(client, org):
    def plan() -> Plan[tuple[int, int, int]]:
        first_id = yield Insert.of(_mail(1))
        second = _mail(2)
        second.reference = f"after:{first_id}"
        second_id = yield Insert.of(second)
        rows = yield Query(
            "SELECT count(*) AS n FROM core_outbox_message WHERE to_address LIKE ?",
            ["p%@example.se"],
        )
        return first_id, second_id, rows[0]["n"]

    first_id, second_id, counted = run(client, writes.run, plan())
    assert counted == 2
    stored = run(client, lambda: OutboxMessage.all().order_by("id"))
    assert [m.id for m in stored] == [first_id, second_id]  # the ids the plan received
    assert stored[1].reference == f"after:{first_id}"
    assert stored[0].created_at is not None  # auto_now_add filled like save() does
    assert stored[0].subject == "Ämne 1" and stored[0].next_attempt_at is not None


def test_a_failing_plan_leaves_nothing_behind(client, org):
    def plan() -> Plan[None]:
        yield Insert.of(_mail(1))
        yield Query("UPDATE core_organisation SET name_sv = ? WHERE id = ?", ["Ändrad", org.id])
        raise RuntimeError("something went wrong half-way")

    with pytest.raises(RuntimeError):
        run(client, writes.run, plan())
    assert run(client, OutboxMessage.all().count) == 0
    assert run(client, Organisation.get, id=org.id).name_sv == org.name_sv


def test_a_constraint_error_is_tortoises_and_rolls_back(client, org):
    def plan() -> Plan[None]:
        yield Insert.of(_mail(1))
        yield Insert.of(Organisation(slug=org.slug, name_sv="Dubblett", name_en="Duplicate"))

    with pytest.raises(IntegrityError):
        run(client, writes.run, plan())
    assert run(client, OutboxMessage.all().count) == 0


def test_inside_an_open_transaction_the_plan_is_part_of_it(client, org):
    async def outer() -> None:
        async with in_transaction():
            await writes.run(_one_mail())
            assert await OutboxMessage.all().count() == 1
            raise LookupError("roll the outer transaction back")

    with pytest.raises(LookupError):
        run(client, outer)
    assert run(client, OutboxMessage.all().count) == 0


def test_plans_at_once_are_each_their_own_transaction(client, org):
    """Plans that wait together (on SQLite: written in one turn at the writers' lock) do
    not share a transaction: one that fails leaves the others written."""

    def duplicate() -> Plan[None]:
        yield Insert.of(_mail(99))
        yield Insert.of(Organisation(slug=org.slug, name_sv="Dubblett", name_en="Duplicate"))

    async def together() -> list[Any]:
        plans = [_one_mail(), _one_mail(), duplicate(), _one_mail(), _one_mail()]
        return await asyncio.gather(*(writes.run(p) for p in plans), return_exceptions=True)

    results = run(client, together)
    assert isinstance(results[2], IntegrityError)
    ids = [r for i, r in enumerate(results) if i != 2]
    assert len(set(ids)) == 4 and all(isinstance(i, int) for i in ids)
    stored = run(client, lambda: OutboxMessage.all().values_list("id", flat=True))
    assert sorted(stored) == sorted(ids)


def test_question_marks_become_numbered_parameters_for_postgres():
    assert sql.numbered("SELECT ? + ?, ?") == "SELECT $1 + $2, $3"


def test_an_insert_is_a_table_and_its_column_values(client, org):
    row = Insert.of(Organisation(slug="annan", name_sv="Annan", name_en="Other"))
    assert row.table == "core_organisation" and row.returning == "id"
    assert row.values["slug"] == "annan" and "id" not in row.values  # generated

    def plan() -> Plan[tuple[int, int]]:
        new_id = yield row
        hand_made = yield Insert(
            "core_organisation",
            {**row.values, "slug": "tredje", "name_sv": "Tredje"},
        )
        return new_id, hand_made

    new_id, hand_made = run(client, writes.run, plan())
    assert run(client, Organisation.get, id=new_id).slug == "annan"
    assert run(client, Organisation.get, id=hand_made).name_sv == "Tredje"


# --- SQLite: the process's own connection and the writers' lock ----------------------------


def _pragmas(names: tuple[str, ...]) -> Plan[list[Any]]:
    values = []
    for name in names:
        rows = yield Query(f"PRAGMA {name}")
        values.append(next(iter(rows[0].values())))
    return values


@sqlite_only
def test_the_write_connection_has_the_settings_of_tortoises(client):
    names = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")

    async def tortoises() -> list[Any]:
        connection = get_connection("default")
        return [
            next(iter((await connection.execute_query_dict(f"PRAGMA {name}"))[0].values()))
            for name in names
        ]

    ours = run(client, writes.run, _pragmas(names))
    assert ours == run(client, tortoises)
    assert ours == ["wal", 1, 10000, 1]  # servicedialog.db.SQLITE_PRAGMAS; 1 is NORMAL


@sqlite_only
@pytest.mark.parametrize("pragma", ["busy_timeout=250", "query_only=1"])
def test_a_pragma_added_to_the_database_url_applies_to_writes_too(settings, pragma):
    url = f"{settings.database_url}?{pragma}"
    app = create_app(dataclasses.replace(settings, database_url=url), features=FEATURES)
    with TestClient(app) as client:
        if pragma.startswith("busy"):
            assert run(client, writes.run, _pragmas(("busy_timeout",))) == [250]
        else:
            with pytest.raises(OperationalError, match="readonly"):
                run(client, writes.run, _one_mail())


@sqlite_only
def test_a_write_waits_for_the_writers_lock_another_process_holds(client, settings):
    database = sqlite_path(settings.database_url)
    with writers_lock_held(database) as release:
        done: list[int] = []
        writer = threading.Thread(target=lambda: done.append(run(client, writes.run, _one_mail())))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive(), "the write went ahead while another process held the lock"
        # The app's event loop and Tortoise's connection are free meanwhile.
        assert run(client, OutboxMessage.all().count) == 0
        release()
        writer.join(5)
    assert not writer.is_alive() and len(done) == 1
    assert run(client, lambda: OutboxMessage.all().values_list("id", flat=True)) == done


@sqlite_only
@pytest.mark.parametrize("holder", ["writers' lock", "database's write lock"])
def test_a_lock_held_longer_than_the_busy_timeout_is_a_busy_database(settings, holder):
    """Whether another process holds the writers' lock or (outside servicedialog.writes)
    SQLite's own write lock, the write ends after the busy timeout with the same error,
    which the app answers with 503 (tests/security/test_database_unavailable.py)."""
    database = sqlite_path(settings.database_url)
    url = f"{settings.database_url}?busy_timeout=300"
    app = create_app(dataclasses.replace(settings, database_url=url), features=FEATURES)
    with TestClient(app) as client:
        held = writers_lock_held if holder == "writers' lock" else _write_lock_held
        with held(database):
            started = time.monotonic()
            with pytest.raises(OperationalError) as raised:
                run(client, writes.run, _one_mail())
            waited = time.monotonic() - started
        assert run(client, writes.run, _one_mail())  # it writes again once the lock is free
        assert run(client, OutboxMessage.all().count) == 1  # the one that gave up: never
    assert 0.3 <= waited < 3
    assert "database is locked" in str(raised.value)
    assert ("writers.lock" in str(raised.value)) == (holder == "writers' lock")
    assert unavailable_reason(raised.value) is not None


@sqlite_only
def test_every_write_waits_at_most_the_busy_timeout_and_a_cancelled_one_is_not_made(settings):
    """Plans from one event loop take turns; the time waiting for the turn counts, so
    three writes at once all end after one busy timeout, not three. A write given up
    before its turn (the request cancelled) is never made."""
    url = f"{settings.database_url}?busy_timeout=300"
    app = create_app(dataclasses.replace(settings, database_url=url), features=FEATURES)

    async def three() -> list[Any]:
        writes_ = (writes.run(_one_mail()) for _ in range(3))
        return await asyncio.gather(*writes_, return_exceptions=True)

    async def cancelled() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(writes.run(_one_mail()), 0.1)

    with TestClient(app) as client:
        with writers_lock_held(sqlite_path(settings.database_url)):
            started = time.monotonic()
            results = run(client, three)
            waited = time.monotonic() - started
            run(client, cancelled)
        assert run(client, writes.run, _one_mail())
        assert run(client, OutboxMessage.all().count) == 1
    assert all(isinstance(r, OperationalError) for r in results)
    assert 0.3 <= waited < 0.8


@contextlib.contextmanager
def _write_lock_held(database: str) -> Iterator[None]:
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_in_memory_database_is_written_through_tortoise():
    def plan() -> Plan[list[dict[str, Any]]]:
        yield Query("CREATE TABLE t (x INTEGER)")
        rowid = yield Insert("t", {"x": 5}, returning="rowid")
        rows = yield Query("SELECT rowid, x FROM t")
        assert rows == [{"rowid": rowid, "x": 5}]
        return list(rows)

    async def main() -> list[dict[str, Any]]:
        async with TortoiseContext() as context:
            await context.init(
                config={
                    "connections": {"default": "sqlite://:memory:"},
                    "apps": {"core": {"models": ["servicedialog.models"]}},
                }
            )
            return await writes.run(plan())

    assert asyncio.run(main()) == [{"rowid": 1, "x": 5}]
