"""Where the time of the feedback scenarios goes: one process, no HTTP, no wrk.

Builds the same database as ``feedback_bench.py`` (demo seed plus bulk feedback), then calls
the ASGI app directly, ``--concurrency`` requests at a time, for the public feedback POST
and the staff inbox. For each it prints the process CPU per request, every SQL statement
with its count and time per request (timed in aiosqlite's worker thread), and with
``--cprofile`` the functions that take the most time on the event loop thread.

Run from the repository root:
    .venv/bin/python bench/profile_feedback.py [--requests 2000] [--cprofile]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import multiprocessing
import os
import pstats
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import uvloop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feedback_bench import DEMO_PASSWORD, HANDLER, ORG, prepare  # noqa: E402

SQL_TIMES: dict[str, list[float]] = defaultdict(list)  # statement -> seconds of each call
_lock = threading.Lock()


def time_sql() -> None:
    """Wrap aiosqlite's worker-thread calls so that every statement is timed."""
    from aiosqlite import core

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, sql: str, parameters: Any = None, *rest: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(self, sql, parameters, *rest)
            finally:
                spent = time.perf_counter() - started
                key = re.sub(r"\s+", " ", sql)[:160]
                with _lock:
                    SQL_TIMES[key].append(spent)

        return wrapper

    for name in ("_execute_fetchall", "_execute_insert"):
        setattr(core.Connection, name, timed(getattr(core.Connection, name)))
    original_execute = core.Connection.execute

    async def execute(self: Any, sql: str, parameters: Any = None) -> Any:
        started = time.perf_counter()
        try:
            return await original_execute(self, sql, parameters)
        finally:
            key = re.sub(r"\s+", " ", sql)[:160] + "  (execute, wall)"
            SQL_TIMES[key].append(time.perf_counter() - started)

    setattr(core.Connection, "execute", execute)  # noqa: B010

    from tortoise.backends.sqlite import client

    context = client.SqliteTransactionContext
    enter, leave = context.__aenter__, context.__aexit__

    opened: dict[int, float] = {}

    async def timed_enter(self: Any) -> Any:
        started = time.perf_counter()
        connection = await enter(self)
        opened[id(self)] = time.perf_counter()
        SQL_TIMES["(transaction: waiting for the connection lock, wall)"].append(
            opened[id(self)] - started
        )
        return connection

    async def timed_leave(self: Any, *exc: Any) -> Any:
        try:
            return await leave(self, *exc)
        finally:
            SQL_TIMES["(transaction: BEGIN to COMMIT, wall)"].append(
                time.perf_counter() - opened.pop(id(self))
            )

    setattr(context, "__aenter__", timed_enter)  # noqa: B010
    setattr(context, "__aexit__", timed_leave)  # noqa: B010


RENDER = [0, 0.0]  # calls, seconds in Jinja2Templates.TemplateResponse (render + response)


def time_render() -> None:
    from starlette.templating import Jinja2Templates

    original = Jinja2Templates.TemplateResponse

    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            RENDER[0] += 1
            RENDER[1] += time.perf_counter() - started

    setattr(Jinja2Templates, "TemplateResponse", timed)  # noqa: B010


class Client:
    """Calls the ASGI app in process, like uvicorn would, and keeps no cookies."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def request(
        self, method: str, path: str, body: bytes = b"", cookie: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"profile")]
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        if body:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
            headers.append((b"content-length", str(len(body)).encode()))
        path, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        received = False
        status = 0
        cookies: dict[str, str] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal received
            if not received:
                received = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for key, value in message.get("headers", []):
                    if key.lower() == b"set-cookie":
                        name, _, rest = value.decode().partition("=")
                        cookies[name] = rest.split(";", 1)[0]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, cookies, b"".join(chunks)


async def load(
    make: Callable[[int], Any], requests: int, concurrency: int
) -> tuple[float, float, dict[int, int], list[float]]:
    """(wall seconds, CPU seconds of the process, statuses, sorted latencies) of
    ``requests`` calls, ``concurrency`` at a time (closed loop, like wrk)."""
    statuses: dict[int, int] = defaultdict(int)
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for n in counter:
            started = time.perf_counter()
            status, _, _ = await make(n)
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - wall, time.process_time() - cpu, dict(statuses), sorted(latencies)


def report_sql(requests: int) -> None:
    """Each statement: calls per request, µs per request, mean, p99 and max µs per call
    (in aiosqlite's thread: includes waiting for SQLite's write lock, not the hop)."""
    rows = sorted(SQL_TIMES.items(), key=lambda item: -sum(item[1]))
    print(f"{'per req':>7} {'µs/req':>7} {'mean':>7} {'p99':>7} {'max':>7}  statement")
    for sql, times in rows[:20]:
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"{len(times) / requests:7.2f} {sum(times) / requests * 1e6:7.0f} "
            f"{sum(times) / len(times) * 1e6:7.0f} {p99 * 1e6:7.0f} {times[-1] * 1e6:7.0f}  {sql}"
        )
    SQL_TIMES.clear()


async def scenario(
    name: str, make: Callable[[int], Any], args: argparse.Namespace, profiler: Any
) -> None:
    await load(make, min(200, args.requests), args.concurrency)  # warm-up
    if args.barrier is not None:  # the other processes start measuring at the same time
        await asyncio.get_running_loop().run_in_executor(None, args.barrier.wait)
    SQL_TIMES.clear()
    RENDER[:] = [0, 0.0]
    if profiler is not None:
        profiler.enable()
    wall, cpu, statuses, latencies = await load(make, args.requests, args.concurrency)
    p50, p99 = (latencies[int(len(latencies) * q)] * 1000 for q in (0.5, 0.99))
    if profiler is not None:
        profiler.disable()
    print(
        f"\n== {name}: {args.requests} requests, {args.concurrency} at a time: "
        f"{args.requests / wall:.0f} req/s in one process, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"{cpu / args.requests * 1e6:.0f} µs CPU/request, statuses {statuses}; "
        f"templates: {RENDER[0] / args.requests:.2f} renders and "
        f"{RENDER[1] / args.requests * 1e6:.0f} µs per request"
    )
    report_sql(args.requests)
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        profiler.clear()


async def main_async(args: argparse.Namespace, facts: dict[str, int]) -> None:
    time_sql()
    time_render()
    from servicedialog.app import create_app

    app = create_app()
    client = Client(app)
    profiler = cProfile.Profile() if args.cprofile else None
    async with app.router.lifespan_context(app):
        _, cookies, _ = await client.request("GET", f"/feedback/{ORG}/")
        token = cookies["csrftoken"]
        body = (
            f"csrftoken={token}&kind=complaint&service={facts['service']}"
            "&text=Gatlyset+utanf%C3%B6r+nummer+12+har+varit+sl%C3%A4ckt+i+en+vecka.+Ref+{n}"
            "&contact_email=medborgare%2B{n}%40example.invalid&consent=yes&website="
        )

        def post(n: int) -> Any:
            return client.request(
                "POST",
                f"/feedback/{ORG}/",
                body.replace("{n}", str(n)).encode(),
                cookie=f"csrftoken={token}",
            )

        if "post" in args.only:
            await scenario("feedback POST", post, args, profiler)

        login = (
            f"csrftoken={token}&email={quote_plus(HANDLER)}&password={quote_plus(DEMO_PASSWORD)}"
        )
        status, cookies, _ = await client.request(
            "POST", "/login", login.encode(), cookie=f"csrftoken={token}"
        )
        session = f"csrftoken={token}; sd_session={cookies['sd_session']}"

        def inbox(n: int) -> Any:
            return client.request("GET", "/feedback/manage/", cookie=session)

        if "inbox" in args.only:
            status, _, page = await inbox(0)
            rows = page.count(b'<th scope="row">')
            print(f"\ninbox check: HTTP {status}, {rows} rows")
            if status == 200:
                await scenario("staff inbox", inbox, args, profiler)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", nargs="+", default=["post", "inbox"])
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="Run the load from this many processes at once on the same database (like "
        "uvicorn workers), each with its share of --concurrency and --requests; shows the "
        "wait for SQLite's write lock in the statements' times.",
    )
    args = parser.parse_args()
    args.barrier = None
    tmp = Path(tempfile.mkdtemp(prefix="sd-feedback-profile-"))
    try:
        ours, facts = prepare(tmp, args.records)
        os.environ.update(ours.env)
        if args.processes == 1:
            uvloop.run(main_async(args, facts))
            return 0
        context = multiprocessing.get_context("fork")
        args.barrier = context.Barrier(args.processes)
        args.concurrency //= args.processes
        args.requests //= args.processes
        children = [
            context.Process(target=_child, args=(args, facts, tmp / f"out-{n}.txt"))
            for n in range(args.processes)
        ]
        for child in children:
            child.start()
        for n, child in enumerate(children):
            child.join()
            print(f"\n######## process {n + 1} of {args.processes}")
            print((tmp / f"out-{n}.txt").read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _child(args: argparse.Namespace, facts: dict[str, int], out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        uvloop.run(main_async(args, facts))


if __name__ == "__main__":
    sys.exit(main())
