"""Load benchmark: public pages of `servicedialog serve` against a bare Starlette floor.

Seeds a fresh SQLite database in a temporary directory, starts the app and the floor
(bench/floor_app.py) with two uvicorn workers each on 127.0.0.1, and runs wrk against each
app page and its floor page (the same template rendered by bare Starlette), plus the older
base-template floor, in interleaved rounds. Reports the median requests/s and p99 latency
per target and each app page's ratio to its own floor page. Always exits 0: it is a report.

The machine may be shared: every run also records the CPU used by other processes (from
/proc/stat, minus the servers, wrk and this script). Runs where that exceeds --max-other
cores are marked disturbed and left out of the medians; disturbed rounds are repeated, at
most --extra-rounds times. Linux only.

Run from the repository root: .venv/bin/python bench/load_pages.py [--duration 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
TARGET_RATIO = 0.7
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
TICK = os.sysconf("SC_CLK_TCK")  # the unit of /proc CPU times


@dataclass(frozen=True)
class Run:
    rps: float
    p99_ms: float
    errors: int  # socket errors plus non-2xx/3xx responses
    requests: int
    server_cpu_s: float  # CPU seconds of the measured server's processes during the run
    other_cores: float  # average cores used by anything but servers, wrk and this script

    def disturbed(self, max_other: float) -> bool:
        return self.other_cores > max_other

    @property
    def server_us_per_request(self) -> float:
        return self.server_cpu_s / max(self.requests, 1) * 1e6


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--rounds", type=int, default=2, help="Interleaved rounds per target.")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of wrk warm-up.")
    parser.add_argument(
        "--max-other",
        type=float,
        default=0.15,
        help="Cores other processes may use during a run before it counts as disturbed.",
    )
    parser.add_argument(
        "--extra-rounds", type=int, default=4, help="Most rounds added to replace disturbed runs."
    )
    parser.add_argument("--markdown", type=Path, help="Also write the table to this file.")
    return parser.parse_args()


def bench_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite://{database_path(tmp)}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENVIRONMENT": "production",
        "LOG_LEVEL": "WARNING",
    }


def database_path(tmp: Path) -> Path:
    return tmp / "bench.sqlite3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(name: str, command: list[str], env: dict[str, str], log: IO[bytes]) -> Server:
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Server(name, f"http://{HOST}:{port}", process)


def wait_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        try:
            with urllib.request.urlopen(server.base_url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer 200 on {path} within {timeout:.0f}s")


def stop(server: Server) -> None:
    """Stop the server's whole process group (uvicorn's supervisor and its workers)."""
    if server.process.poll() is not None:
        return
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=5)
    except ProcessLookupError:
        pass


# --- CPU accounting (Linux /proc) ---------------------------------------------------------


def busy_ticks() -> int:
    """CPU time used on the whole machine so far (all but idle and iowait), in ticks."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(n) for n in stat.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq + steal


def group_ticks(pgids: Iterable[int]) -> dict[int, int]:
    """CPU time (user + system, in ticks) of the live processes in each process group."""
    totals = dict.fromkeys(pgids, 0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                after_name = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        pgrp = int(after_name[2])
        if pgrp in totals:
            totals[pgrp] += int(after_name[11]) + int(after_name[12])
    return totals


def own_seconds() -> float:
    """CPU seconds of this script and its waited-for children (wrk)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def wait_quiet(max_other: float, limit: float = 60.0) -> None:
    """Wait (at most ``limit`` seconds) until other processes use under ``max_other`` cores;
    the servers are idle between runs, so the machine's busy time is other work."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before, mine = busy_ticks(), own_seconds()
        time.sleep(2.0)
        other = (busy_ticks() - before) / TICK - (own_seconds() - mine)
        if other / 2.0 <= max_other:
            return
        print(f"waiting: other processes use {other / 2.0:.2f} cores", file=sys.stderr)


# --- wrk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p99_ms: float
    errors: int
    requests: int


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if rps is None or p99 is None or total is None:
        raise RuntimeError(f"cannot parse wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    p99_ms = float(p99.group(1)) * UNITS_MS[p99.group(2)]
    return WrkResult(float(rps.group(1)), p99_ms, errors, int(total.group(1)))


def wrk(url: str, seconds: int, args: argparse.Namespace) -> WrkResult:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    return parse_wrk(done.stdout)


def measured_wrk(url: str, server: Server, servers: list[Server], args: argparse.Namespace) -> Run:
    """One wrk run, with the CPU time of the server under test and of everything else."""
    groups = [s.process.pid for s in servers]
    started = time.monotonic()
    busy, mine, ours = busy_ticks(), own_seconds(), group_ticks(groups)
    result = wrk(url, args.duration, args)
    elapsed = time.monotonic() - started
    busy, mine = busy_ticks() - busy, own_seconds() - mine
    ours = {pgid: ticks - ours[pgid] for pgid, ticks in group_ticks(groups).items()}
    other_s = busy / TICK - sum(ours.values()) / TICK - mine
    return Run(
        result.rps,
        result.p99_ms,
        result.errors,
        result.requests,
        server_cpu_s=ours[server.process.pid] / TICK,
        other_cores=max(other_s, 0.0) / elapsed,
    )


# --- the benchmark --------------------------------------------------------------------------


def seed(env: dict[str, str], database: Path) -> None:
    """Seed the demo data, and give the floor the same organisations (as JSON in
    BENCH_ORGANISATIONS) in the order the start page lists them."""
    command = [str(BIN / "servicedialog"), "demo", "--seed-only"]
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, timeout=120, check=True)
    query = "SELECT slug, name_sv, name_en, country FROM core_organisation ORDER BY name_sv"
    with closing(sqlite3.connect(database)) as db:
        db.row_factory = sqlite3.Row
        env["BENCH_ORGANISATIONS"] = json.dumps([dict(row) for row in db.execute(query)])


def start_servers(env: dict[str, str], log: IO[bytes], servers: list[Server]) -> None:
    """Start the floor and the app (appending to ``servers`` at once, for clean-up)."""
    listen = ["--host", HOST, "--port", "{port}", "--workers", "2"]
    floor = [str(BIN / "uvicorn"), "bench.floor_app:app", "--no-access-log", *listen]
    app = [str(BIN / "servicedialog"), "serve", *listen]
    servers.append(start("floor", floor, env, log))
    servers.append(start("app", app, env, log))
    wait_ready(servers[0], "/")
    wait_ready(servers[1], "/healthz")


class _Shape(HTMLParser):
    """The page's elements with their attribute names: markup without text and values."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))


@dataclass(frozen=True)
class Page:
    size: int  # bytes of the body
    shape: tuple[tuple[str, tuple[str, ...]], ...]


def fetch_page(url: str) -> Page:
    """One response, to check that an app page and its floor page have the same markup
    (they differ in the language of the text, the CSRF token and the nonce)."""
    with urllib.request.urlopen(url, timeout=5) as response:
        body = response.read()
    parser = _Shape()
    parser.feed(body.decode("utf-8"))
    return Page(len(body), tuple(parser.tags))


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    server: Server


def measure(
    targets: list[Target], servers: list[Server], args: argparse.Namespace
) -> dict[str, list[Run]]:
    """Warm every target up, then run them interleaved, ``args.rounds`` times, and add
    rounds (at most ``args.extra_rounds``) while a target has fewer undisturbed runs."""
    for target in targets:
        wrk(target.url, args.warmup, args)
    runs: dict[str, list[Run]] = {target.label: [] for target in targets}

    def clean(label: str) -> int:
        return sum(not r.disturbed(args.max_other) for r in runs[label])

    round_no = 0
    while round_no < args.rounds or (
        round_no < args.rounds + args.extra_rounds
        and any(clean(t.label) < args.rounds for t in targets)
    ):
        round_no += 1
        wait_quiet(args.max_other)
        for target in targets:
            runs[target.label].append(run := measured_wrk(target.url, target.server, servers, args))
            mark = "  disturbed" if run.disturbed(args.max_other) else ""
            print(
                f"round {round_no}  {target.label:<12} {run.rps:9.0f} req/s"
                f"  p99 {run.p99_ms:7.1f} ms  server {run.server_us_per_request:5.0f} µs/req"
                f"  other {run.other_cores:4.2f} cores{mark}",
                file=sys.stderr,
            )
    return runs


# Each app page is compared with the floor page that renders the same template.
FLOOR_OF = {"app /": "floor /", "app /login": "floor /login"}
BASE_FLOOR = "floor base"
HEADER = [
    "target",
    "req/s",
    "p99 ms",
    "ratio",
    f"≥ {TARGET_RATIO}",
    "vs floor base",
    "server µs/req",
    "CPU ratio",
    "bytes",
    "same markup",
    "errors",
    "runs (req/s; * disturbed)",
]


def counted(results: list[Run], max_other: float) -> list[Run]:
    """The undisturbed runs, or all of them when every run was disturbed."""
    return [r for r in results if not r.disturbed(max_other)] or results


def median_rps(results: list[Run], max_other: float) -> float:
    return statistics.median(r.rps for r in counted(results, max_other))


def median_cpu(results: list[Run], max_other: float) -> float:
    """Server CPU µs per request: steadier than req/s when the machine is shared."""
    return statistics.median(r.server_us_per_request for r in counted(results, max_other))


def row(
    label: str, runs: dict[str, list[Run]], pages: dict[str, Page], max_other: float
) -> list[str]:
    results = counted(runs[label], max_other)
    rps = median_rps(runs[label], max_other)
    p99 = statistics.median(r.p99_ms for r in results)
    cpu = median_cpu(runs[label], max_other)
    floor = FLOOR_OF.get(label)
    if floor is None:
        ratio, verdict, same, cpu_ratio = "—", "—", "—", "—"
    else:
        cpu_ratio = f"{median_cpu(runs[floor], max_other) / cpu:.2f}"
        same = "yes" if pages[label].shape == pages[floor].shape else "NO"
        value = rps / median_rps(runs[floor], max_other)
        ratio = f"{value:.2f}"
        verdict = "PASS" if value >= TARGET_RATIO else "FAIL"
    vs_base = f"{rps / median_rps(runs[BASE_FLOOR], max_other):.2f}"
    errors = sum(r.errors for r in runs[label])
    each = ", ".join(f"{r.rps:.0f}" + ("*" if r.disturbed(max_other) else "") for r in runs[label])
    figures = [f"{rps:.0f}", f"{p99:.1f}", ratio, verdict, vs_base, f"{cpu:.0f}", cpu_ratio]
    return [label, *figures, str(pages[label].size), same, str(errors), each]


def table(runs: dict[str, list[Run]], pages: dict[str, Page], max_other: float) -> list[list[str]]:
    return [HEADER] + [row(label, runs, pages, max_other) for label in runs]


def as_text(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def as_markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> list[list[str]]:
    env = bench_env(tmp)
    seed(env, database_path(tmp))
    with (tmp / "servers.log").open("wb") as log:
        start_servers(env, log, servers)
        floor, app = servers
        targets = [
            Target(BASE_FLOOR, floor.base_url + "/base", floor),
            Target("floor /", floor.base_url + "/", floor),
            Target("app /", app.base_url + "/", app),
            Target("floor /login", floor.base_url + "/login", floor),
            Target("app /login", app.base_url + "/login", app),
        ]
        pages = {target.label: fetch_page(target.url) for target in targets}
        return table(measure(targets, servers, args), pages, args.max_other)


def report(rows: list[list[str]], args: argparse.Namespace, load_before: float) -> None:
    """Print the table; the load average shows whether something else shared the CPUs."""
    note = (
        f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after;"
        f" runs with other processes above {args.max_other:.2f} cores are disturbed (*)"
        " and left out of the medians"
    )
    print(as_text(rows) + "\n" + note)
    if args.markdown:
        args.markdown.write_text(as_markdown(rows) + "\n" + note + "\n", encoding="utf-8")


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="servicedialog-bench-"))
    servers: list[Server] = []
    try:
        rows = run(args, tmp, servers)
    except (RuntimeError, subprocess.SubprocessError) as error:
        log = tmp / "servers.log"
        print(log.read_text(errors="replace")[-3000:] if log.exists() else "", file=sys.stderr)
        sys.exit(f"benchmark failed: {error}")
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    report(rows, args, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
