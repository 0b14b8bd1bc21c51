"""Benchmark of issue 12's pages: the review queue and the model page with 100,000
classified texts, against the problem-area list (a plain staff page) in the same run.

Seeds the demo (SQLite, a temporary directory), adds ``--labels`` classified texts to
Exempelkommun with one SQL batch (areas, confidences and dates spread as in the demo),
trains the organisation's model on the demo's reviewed texts, then serves the app
in-process (Starlette's TestClient: the application's own time, no network) and requests
each page ``--requests`` times as the demo's quality manager, in interleaved rounds.
Prints p50 and p99 per page and each page's ratio to the plain page. Target: p99 <= 300 ms.

    .venv/bin/python bench/insight_bench.py [--labels 100000] [--requests 60]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = {
    "plain: problem-area list": "/problem-areas/manage/",
    "review queue": "/problem-areas/review/",
    "review queue, disagreements": "/problem-areas/review/?view=disagree",
    "model page": "/problem-areas/model/",
    "rising problems": "/problem-areas/emerging/",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="per page")
    return parser.parse_args()


def add_labels(database: Path, count: int) -> None:
    """``count`` more classified texts for Exempelkommun, copied from the demo's own with
    other dates, confidences and areas: one executemany."""
    rng = random.Random(12)
    with closing(sqlite3.connect(database)) as db:
        org = db.execute("SELECT id FROM core_organisation WHERE slug='exempelkommun'").fetchone()
        areas = [
            r[0]
            for r in db.execute(
                "SELECT id FROM problem_areas_area WHERE organisation_id=? AND active", org
            )
        ]
        texts = [
            r[0]
            for r in db.execute("SELECT text FROM problem_areas_label WHERE organisation_id=?", org)
        ]
        now = datetime.now(UTC)
        rows = []
        for n in range(count):
            area = rng.choice(areas)
            at = (now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))).isoformat()
            rows.append(
                (
                    org[0],
                    "bench",
                    n + 1,
                    rng.choice(texts),
                    "sv",
                    at,
                    area,
                    round(rng.random(), 4),
                    area,
                    "v1",
                    "predicted",
                    rng.choice(areas) if rng.random() < 0.3 else None,
                    at,
                    at,
                )
            )
        db.executemany(
            "INSERT INTO problem_areas_label (organisation_id, source, source_id, text, "
            "language, received_at, area_id, confidence, predicted_area_id, model_version, "
            "state, hint_area_id, set_at, created_at, hidden) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            rows,
        )
        db.commit()
        db.execute("ANALYZE")


async def classify_arrivals(count: int) -> tuple[int, float, float]:
    """Queue ``count`` demo texts as new feedback would, classify them as the worker's
    arrivals task does, and measure the time and the event loop's longest pause meanwhile."""
    import asyncio

    from problem_areas.classify import Arrivals, Item
    from problem_areas.models import Label
    from servicedialog.models import Organisation

    org = await Organisation.get(slug="exempelkommun")
    rows = await Label.filter(organisation_id=org.id).limit(count).values_list("text", flat=True)
    texts = [str(text) for text in rows]
    queue = Arrivals()
    queue.queue = asyncio.Queue()
    now = datetime.now(UTC)
    for n in range(count):
        queue.add(org.id, Item("arrival", n + 1, texts[n % len(texts)], now))
    longest = 0.0
    done = False

    async def watch() -> None:
        nonlocal longest
        while not done:
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            longest = max(longest, (time.perf_counter() - start) * 1000 - 1)

    watcher = asyncio.get_running_loop().create_task(watch())
    start = time.perf_counter()
    classified = 0
    while not queue.queue.empty():
        classified += await queue.flush()
    seconds = time.perf_counter() - start
    done = True
    await watcher
    return classified, seconds, longest


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="insight-bench-") as tmp:
        database = Path(tmp) / "bench.sqlite3"
        env = {
            **os.environ,
            "VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite://{database}",
            "LOG_LEVEL": "WARNING",
        }
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "servicedialog"), "demo", "--seed-only"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        add_labels(database, args.labels)
        print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        os.environ.update(env)
        return measure(args)


def measure(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))
    from starlette.testclient import TestClient

    from servicedialog.app import create_app
    from servicedialog.settings import load_settings

    app = create_app(load_settings())
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.get("/login")
        client.post(
            "/login",
            data={
                "email": "kvalitet@exempelkommun.se",
                "password": "demo-servicedialog",
                "csrftoken": client.cookies["csrftoken"],
            },
        )
        labels = 0
        for name, url in PAGES.items():  # warm up, and check what the page shows
            page = client.get(url)
            assert page.status_code == 200, (url, page.status_code)
            if name == "review queue":
                labels = page.text.count('class="review-item"')
        for _ in range(args.requests):
            for name, url in PAGES.items():
                start = time.perf_counter()
                client.get(url)
                times[name].append((time.perf_counter() - start) * 1000)
        arrived = client.portal.call(classify_arrivals, 2000)  # type: ignore[union-attr]
    plain = statistics.median(times["plain: problem-area list"])
    print(f"{args.labels:,} classified texts added; the review page showed {labels} texts")
    print(
        f"classifying new texts as a worker does after they arrive: {arrived[0]:,} texts "
        f"in {arrived[1]:.2f} s ({arrived[0] / arrived[1]:,.0f} texts/s, chunks of 16); "
        f"longest pause of the event loop {arrived[2]:.1f} ms"
    )
    print("| page | p50 ms | p99 ms | p50 / plain page | target p99 ≤ 300 ms |")
    print("|---|---:|---:|---:|---|")
    for name, values in times.items():
        values.sort()
        p50 = statistics.median(values)
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        verdict = "PASS" if p99 <= 300 else "FAIL"
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {p50 / plain:.2f}x | {verdict} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
