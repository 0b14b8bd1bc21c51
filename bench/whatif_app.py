"""What-if servers for `feedback_bench.py`: the app with one template fixed, and optionally
one listening socket per worker.

`templates/complaints/inbox.html` imports the pagination macro without context
(`{% from "_macros/tables.html" import pagination %}`), and the macro calls `_()` and
`fmt`, which need the request: with more than one page of records the inbox answers 500
(`KeyError: 'request'` in `servicedialog/templating.py`). `templates/orgs/audit.html`
imports the same macro `with context`; this factory serves the inbox template with that
one change, read through a wrapped loader, and changes nothing else.

    uvicorn bench.whatif_app:create_app --factory --workers 2

With `WHATIF_POST_FIXES=1` in the environment (`--post-fixes`), the public feedback POST
also gets the three changes `RESULTS.md` suggests, as in-memory patches: (1) the
organisation, its services and its handling terms are looked up once per process instead
of on every submission; (2) the registration's writes run as one call in the database
thread (`BEGIN IMMEDIATE`, the counter as one `INSERT … ON CONFLICT DO UPDATE … RETURNING`,
the two inserts, `COMMIT`) instead of seven awaits through the event loop while the write
lock is held; (3) the writers of all worker processes queue on an `flock` of a file in
VAR_DIR around that transaction, so a waiting worker is woken as soon as the lock is free
instead of polling in SQLite's busy handler (1, 2, 5, 10, … ms sleeps). The caches never
expire here: a what-if for measuring, not an implementation.

`python -m bench.whatif_app --port P --workers 2 --reuseport` serves the same app from
worker processes that each listen on their own socket with SO_REUSEPORT, so that the kernel
spreads new connections over the workers by a hash of their addresses. `uvicorn --workers`
(and `servicedialog serve`) share one socket between the workers instead: the worker whose
event loop wakes first accepts whatever is queued, and a burst of keep-alive connections
(wrk's 32, or a proxy's pool) can end up 1/31 on the two workers for as long as they stay
open. Without `--reuseport` this runs `uvicorn.run(..., workers=N)` as `servicedialog
serve` does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

import jinja2
import uvicorn

from servicedialog.app import create_app as create_real_app

BROKEN = '{% from "_macros/tables.html" import pagination %}'
FIXED = '{% from "_macros/tables.html" import pagination with context %}'


class _InboxFixLoader(jinja2.BaseLoader):
    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template == "complaints/inbox.html":
            source = source.replace(BROKEN, FIXED)
        return source, filename, uptodate


def patch_post() -> None:
    """The three POST changes described above, applied to the modules in memory."""
    import fcntl
    import secrets

    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from tortoise import connections

    from commitments.models import Service
    from complaints import forms, services, views
    from complaints.handling import handling_terms as real_terms
    from complaints.models import Feedback, FeedbackEvent
    from complaints.states import EventKind
    from servicedialog.models import Organisation
    from servicedialog.settings import load_settings

    organisations: dict[str, Any] = {}
    terms: dict[int, Any] = {}
    service_rows: dict[tuple[Any, ...], Any] = {}

    async def organisation(request: Request) -> Any:
        slug = request.path_params["org"]
        if slug not in organisations:
            organisations[slug] = await Organisation.get_or_none(slug=slug)
        if organisations[slug] is None:
            raise HTTPException(404)
        return organisations[slug]

    async def handling_terms(org: Any) -> Any:
        if org.id not in terms:
            terms[org.id] = await real_terms(org)
        return terms[org.id]

    class CachedService:
        get = Service.get

        @staticmethod
        async def get_or_none(**filters: Any) -> Any:
            key = tuple(sorted(filters.items()))
            if key not in service_rows:
                service_rows[key] = await Service.get_or_none(**filters)
            return service_rows[key]

    lock: list[int] = []

    async def register(org: Any, new: Any) -> Any:
        assert not new.attachments, "the what-if stores no attachments"
        handling = await handling_terms(org)
        received_at = new.received_at or services._now()
        received = handling.local_day(received_at)
        token = secrets.token_urlsafe(24)
        if new.anonymous:
            new.contact_name = new.contact_email = new.contact_phone = ""
        feedback = Feedback(
            organisation_id=org.id,
            number="",
            kind=new.kind,
            channel=new.channel,
            service_id=new.service.id if new.service else None,
            commitment_id=new.commitment.id if new.commitment else None,
            unit_id=new.service.unit_id if new.service is not None else None,
            text=new.text,
            place=new.place,
            latitude=new.latitude,
            longitude=new.longitude,
            anonymous=new.anonymous,
            contact_name=new.contact_name,
            contact_email=new.contact_email,
            contact_phone=new.contact_phone,
            language=new.language,
            registered_by_id=new.registered_by.id if new.registered_by else None,
            received_at=received_at,
            acknowledge_due=handling.due(handling.acknowledge, received, []),
            answer_due=handling.due(handling.answer, received, []),
            retention_class=services.retention_for(new.kind),
            tracking_hash=services.token_hash(token),
            updated_at=services._now(),
        )
        event = FeedbackEvent(
            feedback_id=0,
            kind=EventKind.REGISTERED,
            author_id=new.registered_by.id if new.registered_by else None,
            visible_to_person=True,
            data={"channel": str(new.channel)},
            created_at=services._now(),
        )
        client: Any = connections.get("default")
        if client._connection is None:
            await client.create_connection(with_db=True)
        if not lock:
            path = os.path.join(str(load_settings().var_dir), "sqlite-writer.lock")
            lock.append(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        feedback_insert = client.executor_class(model=Feedback, db=client)
        event_insert = client.executor_class(model=FeedbackEvent, db=client)
        raw = client._connection._conn
        year = received.year

        def values(executor: Any, instance: Any) -> list[Any]:
            fields = instance._meta.fields_map
            return [
                fields[name].to_db_value(getattr(instance, name), instance)
                for name in executor.regular_columns
            ]

        def write() -> int:  # runs in aiosqlite's thread: one hop for the whole transaction
            fcntl.flock(lock[0], fcntl.LOCK_EX)
            try:
                raw.execute("BEGIN IMMEDIATE")
                try:
                    (last,) = raw.execute(
                        "INSERT INTO feedback_counter (organisation_id, year, last_number) "
                        "VALUES (?, ?, 1) ON CONFLICT (organisation_id, year) DO UPDATE SET "
                        "last_number = last_number + 1 RETURNING last_number",
                        (org.id, year),
                    ).fetchone()
                    feedback.number = f"{services.NUMBER_PREFIX}-{year}-{last:06d}"
                    row_id = raw.execute(
                        feedback_insert.insert_query, values(feedback_insert, feedback)
                    ).lastrowid
                    event.feedback_id = row_id
                    raw.execute(event_insert.insert_query, values(event_insert, event))
                    raw.execute("COMMIT")
                except BaseException:
                    raw.execute("ROLLBACK")
                    raise
                return int(row_id)
            finally:
                fcntl.flock(lock[0], fcntl.LOCK_UN)

        async with client._lock:  # the process's one connection, as a transaction takes it
            feedback.id = await client._connection._execute(write)
        return services.Registered(feedback, token)

    for module, name, value in (
        (views, "_organisation", organisation),
        (services, "handling_terms", handling_terms),
        (services, "register", register),
        (forms, "Service", CachedService),
    ):
        setattr(module, name, value)


def create_app() -> Any:
    if os.environ.get("WHATIF_POST_FIXES") == "1":
        patch_post()
    app = create_real_app()
    env = app.state.templates.env
    env.loader = _InboxFixLoader(env.loader)
    if env.cache is not None:
        env.cache.clear()
    return app


APP = "bench.whatif_app:create_app"


def serve(host: str, port: int, workers: int) -> None:
    """One SO_REUSEPORT socket and one uvicorn server per worker process."""
    sockets = []
    for _ in range(workers):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sockets.append(sock)
    children = []
    for sock in sockets:
        pid = os.fork()
        if pid == 0:
            config = uvicorn.Config(
                APP, factory=True, proxy_headers=True, access_log=False, log_level="warning"
            )
            uvicorn.Server(config).run(sockets=[sock])
            os._exit(0)
        children.append(pid)

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        os.waitpid(child, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description="What-if server for feedback_bench.py")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuseport", action="store_true")
    parser.add_argument("--post-fixes", action="store_true", help="Set WHATIF_POST_FIXES=1.")
    args = parser.parse_args()
    if args.post_fixes:
        os.environ["WHATIF_POST_FIXES"] = "1"  # read by create_app in every worker
    if args.reuseport:
        serve(args.host, args.port, args.workers)
    else:
        uvicorn.run(
            APP,
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            proxy_headers=True,
            access_log=False,
            log_level="warning",
        )


if __name__ == "__main__":
    main()
