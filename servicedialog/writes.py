"""Short write transactions for the busiest writes (the public feedback form).

SQLite has one writer at a time for the whole database, across all worker processes.
Tortoise gives each process one SQLite connection behind an ``asyncio.Lock`` and runs a
transaction statement by statement through the event loop, so the write lock stays taken
while the loop serves other requests (a few statements of 0.02 ms each held the lock for 1
to 40 ms), and a process that waits for it sleeps in SQLite's busy handler (1, 2, 5, 10 ms
…) with its only connection blocked. On the feedback form that capped two workers at about
600 submissions a second with a p99 over 100 ms (``bench/RESULTS.md``).

Here a transaction is written once, as a *plan*: a generator that yields its statements
(:class:`Insert` of one row, :class:`Query` of raw SQL) and receives each one's result:
the new row's id for an insert (so the plan passes it on, e.g. to the history event of the
record it has just inserted), the rows for a query. :func:`run` carries it out:

* on a SQLite file, in **one call on a connection of its own**: each process has, per
  database file, one standard-library ``sqlite3`` connection, opened and used by one
  thread of its own; the event loop and Tortoise's connection go on meanwhile. For each
  plan that thread takes an ``flock`` on ``<database>-writers.lock``, which queues the
  writers of all processes, then runs ``BEGIN IMMEDIATE``, the statements and ``COMMIT``:
  the database's write lock is held for the statements only. The two connections see
  what the other committed (WAL). An event loop hands over one plan at a time, as it did
  to Tortoise's connection before (see :meth:`_SideConnection.run` for why).
* on PostgreSQL, or inside a transaction that is already open (which it then joins),
  statement by statement through Tortoise's public API (``in_transaction``,
  ``execute_query_dict``): a row lock there does not stop other writers. (So does an
  in-memory SQLite database, which only Tortoise's connection can see.)

It uses supported interfaces only (it used to run inside aiosqlite's thread and Tortoise's
executor through their private attributes), so that an upgrade of either cannot silently
change what happens here:

* The database file and its PRAGMAs come from the connection's URL in Tortoise's public
  ``db_config``: the URL :func:`servicedialog.db.tortoise_config` builds from the settings,
  with :data:`servicedialog.db.SQLITE_PRAGMAS`. So the side connection has the settings
  Tortoise's has (WAL, busy timeout, synchronous, foreign keys, and any PRAGMA added to
  ``DATABASE_URL``, such as ``query_only``). When the file cannot be told, the write fails:
  it never goes ahead without the writers' lock.
* A plan waits for its turn at most the busy timeout, as a write waits for a busy
  database; then it fails as a busy database does (``OperationalError("database is
  locked …")``), which the app answers with 503 and the form as typed
  (:mod:`servicedialog.errors`). ``flock`` itself cannot wait with a time limit, and polling
  it with ``LOCK_NB`` and short sleeps (50 µs growing to 1 ms) costs CPU and wakes late:
  740–910 against 1,000–1,070 submissions a second on two workers. So the thread waits in
  a blocking ``flock``, which the kernel ends as soon as the lock is free, and the time
  limit is kept by the event loop: a plan whose time is up before its turn is abandoned
  (never started); one that has started is waited for, as it holds the lock and finishes
  shortly.
* An insert is plain SQL: :meth:`Insert.of` takes a model instance's table, columns and
  values from the model's metadata (``_meta.db_table``, ``fields_db_projection``,
  ``fields_map``) and each field's ``to_db_value`` (which validates and fills
  ``auto_now_add``), as Tortoise's own ``save()`` does; generated columns and database
  defaults are left to the database, and the primary key comes back (``RETURNING``). The
  instance is not marked as saved: to work with the stored record, load it by its id. Save
  signals are not sent (we use none).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import fcntl
import functools
import os
import queue
import sqlite3
import threading
import weakref
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import tortoise.backends.sqlite  # noqa: F401  # the sqlite3 adapters for dates and decimals
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection, get_connections
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.fields.base import DatabaseDefault
from tortoise.models import Model
from tortoise.transactions import in_transaction

from servicedialog import sql as sql_dialect
from servicedialog.db import sqlite_path

T = TypeVar("T")

LOCK_SUFFIX = "-writers.lock"  # the writers' lock file, next to the database


@dataclass(frozen=True)
class Insert:
    """Insert one row into ``table``: ``values`` maps column names to database values.
    The step's result is the new row's ``returning`` column (its id)."""

    table: str
    values: dict[str, Any]
    returning: str = "id"

    @classmethod
    def of(cls, instance: Model) -> Insert:
        """The row of an unsaved model instance, as ``save()`` would write it."""
        meta = instance._meta
        values: dict[str, Any] = {}
        for name, column in meta.fields_db_projection.items():
            model_field = meta.fields_map[name]
            value = getattr(instance, name)
            if model_field.generated or isinstance(value, DatabaseDefault):
                continue  # the database fills it
            values[column] = model_field.to_db_value(value, instance)
        return cls(meta.db_table, values, meta.fields_db_projection[meta.pk_attr])


@dataclass(frozen=True)
class Query:
    """Raw SQL with ``?`` placeholders (turned into ``$1``, ``$2`` … on PostgreSQL); the
    result is the list of rows as dicts (e.g. of a ``RETURNING`` clause)."""

    sql: str
    params: list[Any] = field(default_factory=list)


Step = Insert | Query
Plan = Generator[Step, Any, T]


async def run(plan: Plan[T], connection_name: str = "default") -> T:
    """Carry out ``plan`` as one transaction and return what it returns."""
    client = get_connection(connection_name)
    if isinstance(client, TransactionalDBClient):  # inside the caller's transaction
        return await _run_async(plan, client)
    if client.capabilities.dialect == "sqlite":
        while (side := _side_connection(connection_name)) is not None:
            with contextlib.suppress(_Reopen):
                return await side.run(plan)
    # PostgreSQL, or an in-memory SQLite database (one process, Tortoise's own connection)
    async with in_transaction(connection_name) as transaction:
        return await _run_async(plan, transaction)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], returning: str) -> str:
    return (
        f"INSERT INTO {_quoted(table)} ({', '.join(map(_quoted, columns))}) "
        f"VALUES ({', '.join('?' for _ in columns)}) RETURNING {_quoted(returning)}"
    )


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
    dialect = sql_dialect.dialect_of(connection)

    async def execute(sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return await connection.execute_query_dict(sql_dialect.for_dialect(sql, dialect), params)

    try:
        step, result = _send(plan, None)
        while step is not None:
            if isinstance(step, Insert):
                sql = _insert_sql(step.table, tuple(step.values), step.returning)
                rows = await execute(sql, list(step.values.values()))
                step, result = _send(plan, rows[0][step.returning])
            else:
                step, result = _send(plan, await execute(step.sql, step.params))
        return result  # type: ignore[return-value]  # the plan's own return value
    finally:
        plan.close()


# --- SQLite: one connection and thread per process and database file -------------------


Database = tuple[str, tuple[tuple[str, str], ...]]  # a SQLite file and its PRAGMAs


def _database(connection_name: str) -> Database | None:
    """The SQLite file and PRAGMAs of a connection, from Tortoise's configuration (our URL
    or a dict in Tortoise's own form); None for an in-memory database."""
    info = get_connections().db_config[connection_name]
    if isinstance(info, str):
        return _from_url(info)
    credentials = dict(info.get("credentials", {}))
    path = str(credentials.pop("file_path", ""))
    return _checked(path, {key: str(value) for key, value in credentials.items()})


@functools.lru_cache(maxsize=64)
def _from_url(url: str) -> Database | None:
    return _checked(sqlite_path(url), dict(parse_qsl(urlsplit(url).query)))


def _checked(path: str, pragmas: dict[str, str]) -> Database | None:
    if path == ":memory:" or path.startswith("file::memory:"):
        return None
    if not path:
        raise OperationalError(
            "servicedialog.writes: cannot tell the SQLite file from the connection's "
            "configuration; not writing without the writers' lock"
        )
    return os.path.abspath(path), tuple(pragmas.items())


# sqlite3.connect's own default busy timeout, which Tortoise's connection (aiosqlite passes
# it on) has too when the URL sets none.
_SQLITE3_DEFAULT_TIMEOUT_MS = 5000


class _Reopen(Exception):
    """The side connection was closed while a plan waited for it: use a new one."""


class _Job:
    """One plan handed to the side connection's thread. It is *abandoned* (by the event
    loop: its time was up, or the request was cancelled) or *started* (by the thread, once
    it holds the writers' lock), whichever comes first."""

    __slots__ = ("plan", "context", "loop", "future", "state")

    def __init__(self, plan: Plan[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.plan = plan
        self.context = contextvars.copy_context()  # as asyncio.to_thread does
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.state = "queued"


class _SideConnection:
    """This process's connection to one database file (with one set of PRAGMAs): a
    ``sqlite3`` connection opened and used by one thread of its own, and the writers' lock
    file."""

    def __init__(self, path: str, pragmas: tuple[tuple[str, str], ...]) -> None:
        self.path = path
        # The busy timeout first, so that the other PRAGMAs wait for a busy database too.
        self.pragmas = sorted(pragmas, key=lambda item: item[0] != "busy_timeout")
        busy_ms = dict(pragmas).get("busy_timeout", _SQLITE3_DEFAULT_TIMEOUT_MS)
        self.timeout = int(busy_ms) / 1000  # for the writers' lock as for the database's
        self.lock = os.open(path + LOCK_SUFFIX, os.O_RDWR | os.O_CREAT, 0o600)
        self.connection: sqlite3.Connection | None = None
        self.states = threading.Lock()  # guards the jobs' states, `closed` and `turns`
        self.closed = False
        # One plan at a time from each event loop (see run)
        self.turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        # A daemon: a thread waiting for a lock that another process never lets go of
        # must not keep this process from exiting.
        self.thread = threading.Thread(target=self._serve, name="servicedialog.writes")
        self.thread.daemon = True
        self.thread.start()

    async def run(self, plan: Plan[T]) -> T:
        """Carry out ``plan`` in the connection's thread, or fail as a busy database does
        when it has not had its turn within the busy timeout.

        One plan at a time from each event loop, as with Tortoise's own connection: the
        next one is handed over when the loop has resumed the request whose plan is
        done, so that another process's waiting thread gets the writers' lock first and
        the thread does not hold the lock while the loop (with the GIL) finishes the
        other requests. (Handing over every plan at once, the thread wrote while the
        event loop waited for the GIL and the other process for the lock: 720 against 960
        submissions a second, p99 85 ms against 58 ms, on two workers.)"""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        with self.states:
            turn = self.turns.get(loop) or self.turns.setdefault(loop, asyncio.Lock())
        try:
            if turn.locked():
                await asyncio.wait_for(turn.acquire(), self.timeout)
            else:
                await turn.acquire()
        except TimeoutError:
            plan.close()
            raise self._busy() from None
        try:
            job = _Job(plan, loop)
            with self.states:
                if self.closed:
                    raise _Reopen
                self.jobs.put(job)
            timer = loop.call_at(deadline, self._expire, job)
            try:
                result: T = await job.future
                return result
            except asyncio.CancelledError:
                self._abandon(job)
                raise
            finally:
                timer.cancel()
        finally:
            turn.release()

    def close(self) -> None:
        """Close the connection and the lock file after the plans already handed over."""
        with self.states:
            self.closed = True
            self.jobs.put(None)

    def _busy(self) -> OperationalError:
        return OperationalError(
            f"database is locked: no turn at {self.path}{LOCK_SUFFIX} within the busy "
            f"timeout ({self.timeout * 1000:.0f} ms)"
        )

    def _abandon(self, job: _Job) -> bool:
        with self.states:
            if job.state != "queued":
                return False
            job.state = "abandoned"
        job.plan.close()
        return True

    def _expire(self, job: _Job) -> None:
        """In the event loop, when the busy timeout has passed: a plan that has not got
        the writers' lock yet fails as a busy database does (and is never written)."""
        if self._abandon(job) and not job.future.done():
            job.future.set_exception(self._busy())

    # In the connection's thread:

    def _serve(self) -> None:
        while (job := self.jobs.get()) is not None:
            if job.state != "queued":
                continue  # abandoned before its turn
            try:
                outcome, value = True, job.context.run(self._transaction, job)
            except BaseException as error:
                outcome, value = False, error
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                job.loop.call_soon_threadsafe(_settle, job.future, outcome, value)
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        os.close(self.lock)

    def _connect(self) -> sqlite3.Connection:
        if self.connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None)
            try:
                connection.row_factory = sqlite3.Row
                for name, value in self.pragmas:
                    connection.execute(f"PRAGMA {name}={value}").fetchall()
            except BaseException:
                connection.close()
                raise
            self.connection = connection
        return self.connection

    def _transaction(self, job: _Job) -> Any:
        try:
            connection = self._connect()
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        # flock() cannot wait with a time limit, but the kernel wakes the waiter as soon
        # as the lock is free; the time limit is kept by the event loop (_expire).
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        try:
            with self.states:
                if job.state != "queued":
                    return None  # abandoned while this thread waited for the lock
                job.state = "started"
            try:
                return _commit(connection, job.plan)
            finally:
                job.plan.close()
        finally:
            fcntl.flock(self.lock, fcntl.LOCK_UN)


def _settle(future: asyncio.Future[Any], outcome: bool, value: Any) -> None:
    if future.done():  # failed by _expire, or cancelled
        return
    if outcome:
        future.set_result(value)
    else:
        future.set_exception(value)


def _commit(connection: sqlite3.Connection, plan: Plan[T]) -> T:
    """The plan as one transaction on ``connection`` (the writers' lock held)."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = _drive(plan, lambda step: _sqlite_step(connection, step))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    except sqlite3.IntegrityError as error:  # as Tortoise reports them elsewhere
        raise IntegrityError(error) from error
    except sqlite3.OperationalError as error:
        raise OperationalError(error) from error
    return result


def _sqlite_step(connection: sqlite3.Connection, step: Step) -> Any:
    if isinstance(step, Query):
        return [dict(row) for row in connection.execute(step.sql, step.params).fetchall()]
    sql = _insert_sql(step.table, tuple(step.values), step.returning)
    rows = connection.execute(sql, list(step.values.values())).fetchall()
    return rows[0][0]


_sides: dict[tuple[int, str, tuple[tuple[str, str], ...]], _SideConnection] = {}
_sides_lock = threading.Lock()  # the app's event loop and a test's portal are threads


def _side_connection(connection_name: str) -> _SideConnection | None:
    """This process's side connection to the connection's database (None for an
    in-memory database). Kept per process id: a forked child opens its own, since an
    inherited lock file descriptor would share the parent's lock (and the parent's thread
    is not there)."""
    database = _database(connection_name)
    if database is None:
        return None
    key = (os.getpid(), *database)
    with _sides_lock:
        side = _sides.get(key)
        if side is None:
            side = _sides[key] = _SideConnection(*database)
        return side


def close() -> None:
    """Close this process's side connections once their queued plans are done (the app
    does at shutdown); the next write opens one again."""
    pid = os.getpid()
    with _sides_lock:
        for key in [key for key in _sides if key[0] == pid]:
            _sides.pop(key).close()
