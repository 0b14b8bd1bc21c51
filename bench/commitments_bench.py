"""Benchmarks of issue 3 (commitments), each against a baseline measured in the same run.

1. Import N case rows from CSV with `servicedialog import-cases` (a whole process: start-up,
   validation, time zones, upsert) against a plain `sqlite3` `executemany` script that
   reads the same CSV and inserts the rows unchecked into a table of the same shape (same
   unique key and indexes). Target: at most 3x; peak memory of the import at most 400 MB.
2. Recompute fulfilment of every commitment and period over those N cases (target: 3 s).
3. Public commitments page of an organisation with 50 commitments and the N cases, 2
   workers, wrk at concurrency 32 (target: p99 at most 150 ms).

Run from the repository root: .venv/bin/python bench/commitments_bench.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = 50
ORG = "bench"


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of a child process, from its own rusage."""
    with tempfile.TemporaryFile(mode="w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if child.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def catalogue() -> dict[str, object]:
    return {
        "services": [
            {
                "code": f"S{i:02d}",
                "name": {"sv": f"Tjänst {i}", "en": f"Service {i}"},
                "commitments": [
                    {
                        "promise": {"sv": f"Beslut inom {5 + i % 20} arbetsdagar."},
                        "unit": "working_days",
                        "threshold": 5 + i % 20,
                        "target_share": 0.9,
                        "period": "month",
                    }
                ],
            }
            for i in range(1, SERVICES + 1)
        ]
    }


def write_cases(path: Path, rows: int) -> None:
    """Cases over two years, received and completed at any minute of office hours."""
    rng = random.Random(3)
    start = date(2024, 12, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["service_code", "case_ref", "received_at", "completed_at", "pauses"])
        for n in range(rows):
            received = start + timedelta(days=rng.randrange(720))
            done = received + timedelta(days=1 + rng.randrange(40))
            pause = ""
            if rng.random() < 0.02:
                pause = f"{received + timedelta(days=1)}/{received + timedelta(days=4)}"
            minute_in, minute_out = rng.randrange(420, 1200), rng.randrange(480, 1020)
            completed = "" if rng.random() < 0.05 else f"{done}T{_hhmm(minute_out)}"
            writer.writerow(
                [
                    f"S{n % SERVICES + 1:02d}",
                    f"C{n:08d}",
                    f"{received}T{_hhmm(minute_in)}",
                    completed,
                    pause,
                ]
            )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


BASELINE = r"""
import csv, sqlite3, sys
db, path = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=NORMAL")
# The same table shape as commitments_case: the unique key and the two indexes.
con.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, service_id INT, case_ref TEXT, "
            "received_at TEXT, completed_at TEXT, pauses TEXT, UNIQUE (service_id, case_ref))")
con.execute("CREATE INDEX cases_done ON cases (service_id, completed_at)")
con.execute("CREATE INDEX cases_received ON cases (service_id, received_at)")
services = {f"S{i:02d}": i for i in range(1, 51)}
with open(path, newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle); next(reader); batch = []
    for code, ref, received, completed, pauses in reader:
        batch.append((services[code], ref, received, completed or None, pauses))
        if len(batch) == 5000:
            con.executemany("INSERT INTO cases (service_id, case_ref, received_at, "
                            "completed_at, pauses) VALUES (?, ?, ?, ?, ?)", batch)
            con.commit(); batch = []
    if batch:
        con.executemany("INSERT INTO cases (service_id, case_ref, received_at, completed_at, "
                        "pauses) VALUES (?, ?, ?, ?, ?)", batch)
        con.commit()
"""

RECOMPUTE = r"""
import asyncio, time
from tortoise.context import TortoiseContext
from commitments.queries import recompute_organisation
from servicedialog.db import tortoise_config
from servicedialog.features import discover
from servicedialog.models import Organisation
from servicedialog.settings import load_settings

async def main():
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(load_settings(), discover()))
        org = await Organisation.get(slug="bench")
        started = time.perf_counter()
        rows = await recompute_organisation(org)
        print(f"RECOMPUTE {time.perf_counter() - started:.3f} {rows}")

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure_page(env: dict[str, str], duration: int) -> tuple[float, float]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "servicedialog"),
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--no-migrate",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/commitments/{ORG}/"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        subprocess.run(["wrk", "-t2", "-c32", "-d3s", url], capture_output=True, check=True)
        out = subprocess.run(
            ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sd-bench-"))
    env = {
        **os.environ,
        "VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite://{tmp}/app.sqlite3",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ENVIRONMENT": "production",
        "LOG_LEVEL": "WARNING",
    }
    cli = [str(BIN / "servicedialog")]
    try:
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [*cli, "orgs", "create", ORG, "--name", "Benchkommun"],
            env=env,
            check=True,
            capture_output=True,
        )
        (tmp / "catalogue.json").write_text(json.dumps(catalogue()), encoding="utf-8")
        subprocess.run(
            [*cli, "catalogue", "import", str(tmp / "catalogue.json"), "--org", ORG],
            env=env,
            check=True,
            capture_output=True,
        )
        cases = tmp / "cases.csv"
        write_cases(cases, args.rows)
        base_s, base_mb, _ = run_timed(
            [sys.executable, "-c", BASELINE, str(tmp / "base.db"), str(cases)], env
        )
        ours_s, ours_mb, output = run_timed(
            [*cli, "import-cases", str(cases), "--org", ORG, "--no-recompute"], env
        )
        print(output.strip().splitlines()[-1])
        _s, rec_mb, rec_out = run_timed([sys.executable, "-c", RECOMPUTE], env)
        recompute_s = float(re.search(r"RECOMPUTE ([\d.]+)", rec_out).group(1))
        rps, p99 = measure_page(env, args.duration)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nrows: {args.rows:,}, cores: {os.cpu_count()}")
    print("| measure | value | baseline | ratio / target | result |")
    print("|---|---|---|---|---|")
    ratio = ours_s / base_s
    print(
        f"| import {args.rows:,} rows (s) | {ours_s:.1f} | sqlite3 executemany {base_s:.1f} "
        f"| {ratio:.2f}x (≤ 3x) | {'PASS' if ratio <= 3 else 'FAIL'} |"
    )
    print(
        f"| import peak memory (MB) | {ours_mb:.0f} | sqlite3 {base_mb:.0f} | ≤ 400 "
        f"| {'PASS' if ours_mb <= 400 else 'FAIL'} |"
    )
    print(
        f"| recompute all commitments (s) | {recompute_s:.2f} | – | ≤ 3 s "
        f"| {'PASS' if recompute_s <= 3 else 'FAIL'} |"
    )
    print(
        f"| public page, {SERVICES} commitments: p99 (ms) | {p99:.1f} | {rps:.0f} req/s "
        f"| ≤ 150 ms | {'PASS' if p99 <= 150 else 'FAIL'} |"
    )


if __name__ == "__main__":
    main()
