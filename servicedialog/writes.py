"""Short write transactions for the busiest writes (the public feedback form).

SQLite has one writer at a time for the whole database, across all worker processes.
Tortoise gives each process one SQLite connection behind an ``asyncio.Lock`` and runs a
transaction statement by statement through the event loop, so the write lock stays taken
while the loop serves other requests (a few statements of 0.02 ms each held the lock for 1
to 40 ms), and a process that waits for it sleeps in SQLite's busy handler (1, 2, 5, 10 ms
…) with its only connection blocked. On the feedback form that capped two workers at about
600 submissions a second with a p99 over 100 ms (``bench/RESULTS.md``).

Here a transaction is written once, as a *plan*: a generator that yields its statements
(:class:`Insert` of an unsaved model instance, :class:`Query` of raw SQL) and receives each
one's result. :func:`run` carries it out:

* on SQLite in **one call in the connection's thread**: an ``flock`` on a file next to the
  database queues the writers of all processes (a waiting process wakes as soon as the
  lock is free), then ``BEGIN IMMEDIATE``, the statements and ``COMMIT``. The database's
  write lock is held for the statements only.
* on PostgreSQL, or inside a transaction that is already open, statement by statement
  through Tortoise in a transaction (a row lock there does not stop other writers).

Inserts use Tortoise's own INSERT statement and field conversion (which validates), so a
model written here must have a generated integer key and no database defaults (checked),
and its save signals are not sent (we use none).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from itertools import count
from typing import Any, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.models import Model
from tortoise.transactions import in_transaction

T = TypeVar("T")


@dataclass
class Insert:
    """Insert an unsaved model instance; its primary key is set afterwards."""

    instance: Model


@dataclass
class Query:
    """Raw SQL with ``?`` placeholders (turned into ``$1``, ``$2`` … on PostgreSQL); the
    result is the list of rows as dicts (e.g. of a ``RETURNING`` clause)."""

    sql: str
    params: list[Any] = field(default_factory=list)


Step = Insert | Query
Plan = Generator[Step, Any, T]


async def run(plan: Plan[T], connection_name: str = "default") -> T:
    """Carry out ``plan`` as one transaction and return what it returns."""
    client = connections.get(connection_name)
    if isinstance(client, TransactionalDBClient):  # inside the caller's transaction
        return await _run_async(plan, client)
    if client.capabilities.dialect != "sqlite":
        async with in_transaction(connection_name) as transaction:
            return await _run_async(plan, transaction)
    lock = _writer_lock(getattr(client, "filename", ""))
    async with client.acquire_connection() as connection:  # this process's one connection
        # aiosqlite runs each call in the connection's own thread; `_execute` is how its
        # public methods do it, used here to run the whole transaction in one call.
        result: T = await connection._execute(_run_sqlite, plan, connection._conn, lock, client)
        return result


def _send(plan: Plan[T], value: Any) -> tuple[Step | None, T | None]:
    """The plan's next step, or (None, what it returned) when it is done."""
    try:
        return plan.send(value), None
    except StopIteration as stop:
        return None, stop.value


def _drive(plan: Plan[T], execute: Callable[[Step], Any]) -> T:
    step, result = _send(plan, None)
    while step is not None:
        step, result = _send(plan, execute(step))
    return result  # type: ignore[return-value]  # the plan's own return value


async def _run_async(plan: Plan[T], connection: BaseDBAsyncClient) -> T:
    postgres = connection.capabilities.dialect == "postgres"
    step, result = _send(plan, None)
    while step is not None:
        if isinstance(step, Insert):
            await step.instance.save(using_db=connection, force_create=True)
            step, result = _send(plan, None)
        else:
            sql = _numbered(step.sql) if postgres else step.sql
            step, result = _send(plan, await connection.execute_query_dict(sql, step.params))
    return result  # type: ignore[return-value]


def _numbered(sql: str) -> str:
    numbers = count(1)
    return re.sub(r"\?", lambda _match: f"${next(numbers)}", sql)


# --- SQLite, in the connection's thread ------------------------------------------------

_lock_files: dict[tuple[int, str], int] = {}


def _writer_lock(database: str) -> int | None:
    """This process's descriptor of the writers' lock file of ``database`` (None for an
    in-memory database). Kept per process id: a forked child must open its own, since an
    inherited descriptor would share the parent's lock."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    key = (os.getpid(), database)
    if key not in _lock_files:
        _lock_files[key] = os.open(database + "-writers.lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[key]


def _run_sqlite(
    plan: Plan[T], conn: sqlite3.Connection, lock: int | None, client: BaseDBAsyncClient
) -> T:
    import fcntl

    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = _drive(plan, lambda step: _sqlite_step(conn, client, step))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.IntegrityError as error:  # as Tortoise reports them elsewhere
            raise IntegrityError(error) from error
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        return result
    finally:
        plan.close()
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sqlite_step(conn: sqlite3.Connection, client: BaseDBAsyncClient, step: Step) -> Any:
    if isinstance(step, Query):
        cursor = conn.execute(step.sql, step.params)
        return [dict(row) for row in cursor.fetchall()]
    instance = step.instance
    executor = client.executor_class(model=type(instance), db=client)
    if instance._custom_generated_pk or executor._has_db_default_values(
        instance, executor.regular_columns
    ):
        raise TypeError(f"{type(instance).__name__} cannot be written by servicedialog.writes")
    fields = instance._meta.fields_map
    values = [
        fields[name].to_db_value(getattr(instance, name), instance)
        for name in executor.regular_columns
    ]
    cursor = conn.execute(executor.insert_query, values)
    instance.pk = cursor.lastrowid
    instance._saved_in_db = True
    return None
