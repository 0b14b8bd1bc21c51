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
    plain = statistics.median(times["plain: problem-area list"])
    print(f"{args.labels:,} classified texts added; the review page showed {labels} texts")
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
