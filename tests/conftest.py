"""Shared fixtures: a fresh database per test (SQLite file, or the PostgreSQL server named by
TEST_DATABASE_URL), an app built by the factory, and an in-process client that runs the
lifespan. Helpers run ORM calls inside the client's event loop through its portal."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from servicedialog.app import create_app
from servicedialog.db import migrate
from servicedialog.features import discover
from servicedialog.roles import Role
from servicedialog.settings import Settings

PASSWORD = "correct horse battery"
FEATURES = discover()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker process gets a PostgreSQL database of its own
    (``<name>_gw0`` …), created on first use from the one named by TEST_DATABASE_URL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_{worker}"


SHARED_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_DATABASE_URL = _worker_database(SHARED_DATABASE_URL)
# PostgreSQL: a test that needs an unmigrated database gets this one, beside the migrated
# TEST_DATABASE_URL, which thus keeps its schema for the whole session (migrating it again
# after such a test took 2-3 s).
BLANK_DATABASE_URL = TEST_DATABASE_URL and f"{TEST_DATABASE_URL}_blank"
# Servers the tests start (a worker per test, several per session) train the starter model
# when a text first needs it rather than at startup: test_insight.py tests the warm start.
os.environ.setdefault("PROBLEM_AREAS_WARM_STARTER", "false")
os.environ.setdefault("DASHBOARDS_CACHE_SECONDS", "0")  # figures fresh after each change


# PostgreSQL: whether the worker's database holds every migration yet.
_POSTGRES = {"migrated": False}
MIGRATIONS_TABLE = "tortoise_migrations"


def database_url(tmp_path: Path) -> str:
    """An empty, unmigrated database of the test's own: a new SQLite file, or on
    PostgreSQL the worker's blank database with its schema dropped (not the database the
    ``settings`` fixture migrates)."""
    if TEST_DATABASE_URL:
        _BLANK.run(_drop_schema)
        return BLANK_DATABASE_URL
    return f"sqlite://{tmp_path / 'test.sqlite3'}"


def _pg_dsn(url: str) -> str:
    return url.replace("asyncpg://", "postgresql://", 1)


class _PostgresSession:
    """One connection to a PostgreSQL test database for the whole session, used only to
    reset it between tests, on an event loop of its own (each test's app runs on another,
    in TestClient's thread). Connecting costs about 10 ms, as much as the reset itself."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connection: Any = None

    def run(self, fn: Callable[[Any], Any]) -> Any:
        """``await fn(connection)`` on the session's loop and connection."""
        if self.loop is None:
            self.loop = asyncio.new_event_loop()
        if self.connection is None or self.connection.is_closed():
            self.connection = self.loop.run_until_complete(_connect_postgres(self.url))
        return self.loop.run_until_complete(fn(self.connection))

    def close(self) -> None:
        if self.loop is None:
            return
        if self.connection is not None and not self.connection.is_closed():
            self.loop.run_until_complete(self.connection.close())
        self.loop.close()
        self.loop = self.connection = None


_PG = _PostgresSession(TEST_DATABASE_URL)
_BLANK = _PostgresSession(BLANK_DATABASE_URL)


@pytest.fixture(scope="session", autouse=True)
def _postgres_sessions() -> Iterator[None]:
    yield
    _PG.close()
    _BLANK.close()


async def _connect_postgres(url: str) -> Any:
    """Connect, first creating the database when it is not the one TEST_DATABASE_URL
    names and does not exist yet (the role needs CREATEDB)."""
    import asyncpg

    if url != SHARED_DATABASE_URL:
        name = _pg_dsn(url).rpartition("/")[2]
        connection = await asyncpg.connect(_pg_dsn(SHARED_DATABASE_URL))
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await connection.execute(f"CREATE DATABASE {_quote(name)}")
        finally:
            await connection.close()
    # No statement cache: the queries name tables that a test may drop and create again.
    connection = await asyncpg.connect(_pg_dsn(url), statement_cache_size=0)
    # A test database is thrown away, so its commits need not wait for the WAL to reach
    # the disk (what is committed is seen at once all the same; only a crash of the
    # server could lose it). For every connection made from now on (the app's, the
    # servers' and commands' the tests start): the demo seed's thousands of commits
    # take half the time. Left as it is where the role does not own the database.
    with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
        await connection.execute(
            f"ALTER DATABASE {_quote(url.rpartition('/')[2])} SET synchronous_commit = off"
        )
    await connection.execute("SET synchronous_commit = off")
    return connection


async def _drop_schema(connection: Any) -> None:
    await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


# The tables of the public schema (but the migrations' own), each with the tables its
# foreign keys point to, and the sequences their columns own (serial and identity ids).
_TABLES_QUERY = """
SELECT t.relname AS name,
       array(SELECT DISTINCT p.relname FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid
             WHERE c.contype = 'f' AND c.conrelid = t.oid AND c.confrelid <> t.oid) AS parents,
       array(SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
             WHERE d.refobjid = t.oid AND d.classid = 'pg_class'::regclass
               AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
               AND s.relkind = 'S') AS sequences
FROM pg_class t
WHERE t.relnamespace = 'public'::regnamespace AND t.relkind IN ('r', 'p') AND t.relname <> $1
"""


def _quote(name: str) -> str:
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


async def _empty_postgres(connection: Any) -> None:
    """Every table emptied and every id sequence restarted, the schema and migrations
    kept, as ``TRUNCATE <every table> RESTART IDENTITY CASCADE`` would, in a tenth of its
    time or less.

    TRUNCATE gives each table new files, which the server creates, syncs and unlinks:
    200-500 ms for the 27 tables on the CI machines, even when a test wrote nothing. Here
    one query finds the tables that hold rows and the sequences that were used
    (``pg_sequence_last_value`` is NULL until the first ``nextval`` and again after a
    restart), and one transaction deletes those rows, children before parents so that no
    foreign key objects, and restarts those sequences: under 1 ms after a test that wrote
    nothing, about 15 ms after one that filled 16 tables. The catalogue is read every
    time, as a test may have dropped the schema and migrated it again."""
    import graphlib

    tables = await connection.fetch(_TABLES_QUERY, MIGRATIONS_TABLE)
    sequences = [name for table in tables for name in table["sequences"]]
    probes = [
        f"SELECT {_literal(t['name'])} WHERE EXISTS (SELECT FROM {_quote(t['name'])})"
        for t in tables
    ] + [
        f"SELECT {_literal(name)} WHERE pg_sequence_last_value("
        f"{_literal(_quote(name))}::regclass) IS NOT NULL"
        for name in sequences
    ]
    if not probes:
        return
    written = {row[0] for row in await connection.fetch(" UNION ALL ".join(probes))}
    parents_first = graphlib.TopologicalSorter(
        {t["name"]: t["parents"] for t in tables}
    ).static_order()
    statements = [
        f"DELETE FROM {_quote(name)}" for name in reversed(list(parents_first)) if name in written
    ] + [f"ALTER SEQUENCE {_quote(name)} RESTART" for name in sequences if name in written]
    if statements:
        async with connection.transaction():
            await connection.execute("; ".join(statements))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with every migration applied, made once per test session; each
    test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    template = Settings(
        environment="test",
        var_dir=path.parent,
        database_url=f"sqlite://{path}",
        secret_key="test-secret-key-" + "x" * 32,
    )
    asyncio.run(migrate(template, FEATURES))
    return path


def migrated_database_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated, empty database of the test's own (copied or emptied, not migrated)."""
    if TEST_DATABASE_URL:
        if _POSTGRES["migrated"]:
            _PG.run(_empty_postgres)
        else:  # the first test of the session: whatever an earlier session left is dropped
            _PG.run(_drop_schema)
            asyncio.run(migrate(make_settings(tmp_path, database_url=TEST_DATABASE_URL), FEATURES))
            _POSTGRES["migrated"] = True
        return TEST_DATABASE_URL
    template: Path = request.getfixturevalue("migrated_sqlite")
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite://{target}"


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "var_dir": tmp_path,
        "secret_key": "test-secret-key-" + "x" * 32,
        "base_url": "http://testserver",
    }
    values.update(overrides)
    if "database_url" not in values:
        values["database_url"] = database_url(tmp_path)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    return make_settings(tmp_path, database_url=migrated_database_url(tmp_path, request))


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings, features=FEATURES)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


def run(client: TestClient, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an async function (an ORM call) on the app's event loop."""
    assert client.portal is not None

    async def call() -> Any:
        return await fn(*args, **kwargs)

    return client.portal.call(call)


def csrf_token(client: TestClient) -> str:
    if "csrftoken" not in client.cookies:
        client.get("/login")
    return str(client.cookies["csrftoken"])


def post_form(client: TestClient, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    return client.post(url, data={"csrftoken": csrf_token(client), **(data or {})}, **kw)


def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in, then open a page with a form as a browser would after the redirect: the
    CSRF token is bound to the session, so the one from before signing in is spent."""
    client.get("/login")  # as a browser opens the form: a token for this (lack of) session
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    client.get("/account/")
    return response


async def create_org(slug: str = "exempelkommun", country: str = "SE") -> Any:
    from servicedialog.orgs.services import create_organisation

    return await create_organisation(slug, f"Org {slug}", f"Org {slug} (en)", country)


async def create_member(
    email: str, org: Any, *roles: Role, superuser: bool = False, unit: Any = None
) -> Any:
    from servicedialog.models import User
    from servicedialog.orgs.services import create_user, grant_role

    user = await User.get_or_none(email=email) or await create_user(
        email, PASSWORD, email.split("@")[0].title(), is_superuser=superuser
    )
    for role in roles:
        await grant_role(user, org, role, unit)
    return user


async def register_feedback(org: Any, new: Any, base_url: str = "") -> Any:
    """complaints.services.register, and the stored record it registered."""
    from complaints import services

    return await (await services.register(org, new, base_url)).record()


@pytest.fixture
def org(client: TestClient) -> Any:
    return run(client, create_org)


@pytest.fixture
def member(client: TestClient, org: Any) -> Callable[..., Any]:
    """member(Role.ADMIN) -> a signed-in user holding that role in ``org``."""

    def make(*roles: Role, email: str | None = None, sign_in: bool = True, **kw: Any) -> Any:
        address = email or f"{'-'.join(r.value for r in roles) or 'nobody'}@example.se"
        user = run(client, create_member, address, org, *roles, **kw)
        if sign_in:
            login(client, address)
        return user

    return make


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SMTPRecorder:
    """An aiosmtpd handler: keeps every message it accepts, parsed, with the connection it
    came over; ``replies[address]`` lists RCPT answers to give (in order) before accepting."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self.peers: list[Any] = []
        self.replies: dict[str, list[str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        scripted = self.replies.get(address)
        if scripted:
            return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[SMTPRecorder]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread) that records mail."""
    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp_server: SMTPRecorder) -> Settings:
    """The test settings, with mail going to ``smtp_server``."""
    return dataclasses.replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_timeout=5,
        mail_from="Servicedialog <noreply@exempelkommun.se>",
    )


@pytest.fixture
def live_server(settings: Settings) -> Iterator[Callable[..., str]]:
    """start(workers=2, **env) runs `servicedialog serve` on the test's database and gives
    its base URL; every server started is stopped at the end of the test."""
    import subprocess
    import sys
    import time
    import urllib.request

    started: list[subprocess.Popen[bytes]] = []

    def start(workers: int = 2, **extra_env: str) -> str:
        port = free_port()
        env = {
            **os.environ,
            "VAR_DIR": str(settings.var_dir),
            "DATABASE_URL": settings.database_url,
            "SECRET_KEY": settings.secret_key,
            "BASE_URL": f"http://127.0.0.1:{port}",
            "ENVIRONMENT": "test",
            "LOG_LEVEL": "WARNING",
            **extra_env,
        }
        command = [sys.executable, "-m", "servicedialog", "serve", "--no-migrate"]
        process = subprocess.Popen(
            [*command, "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server exited"
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                    return url
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.1)

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_HOLD_WRITERS_LOCK = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def writers_lock_held(database: str) -> Iterator[Callable[[], None]]:
    """Another process holds the writers' lock of servicedialog.writes (an ``flock`` on
    ``<database>-writers.lock``) until the block ends or it calls the release function."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITERS_LOCK, database + "-writers.lock"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"

    def release() -> None:
        if holder.poll() is None:
            holder.communicate(timeout=10)  # its stdin closed: it exits, the lock with it

    try:
        yield release
    finally:
        release()
