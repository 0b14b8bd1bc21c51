"""Benchmark of issue 13 (dashboards) at scale: the leadership overview, the public
statistics page and its JSON, and a drill-down list, served by 2 uvicorn workers on a
database of 1,000,000 feedback records and 2,000,000 case records (bench/dashboards_data.py),
against the panels' own queries run directly in the same run.

For every database given (SQLite and PostgreSQL side by side; with ``--tenth`` each also at
a tenth of the size, for the memory and cost-growth comparison):

1. Generate it (``--reuse``: keep a database that already has the data).
2. ``servicedialog serve --workers 2`` on it (feedback_bench.serving), sign in as the
   largest organisation's leadership user (and its quality manager), and check that the
   overview shows every panel offered for the "manage" view.
3. wrk at concurrency 8 (``-t2 -c8``, bench/feedback.lua with the session cookie, 3 s
   warm-up, a wait until the server is idle, ``--duration`` s measured) on: ``/healthz``
   (the noise baseline), the overview ``/dashboards/manage/``, the overview with a filter
   that drops panels, the public page ``/dashboards/<org>/`` and its
   ``statistics.json``, and the first ``data-drilldown`` link of the overview.
4. In a separate process with Tortoise on the same database: every "manage" panel's
   ``query(scope)`` for the page's scope (the organisation and the page's default period,
   the last 12 whole months), sequentially, ``--direct-rounds`` times; the median
   of the sum is the direct-SQL time. Page p50 / direct-SQL is the ratio of the target
   (≤ 2×); page p50 minus the sum of the panels it shows is what the page adds.
5. The RSS of the worker processes after the load (from /proc).

Prints the table with PASS/FAIL (it reports, it does not gate) and, with ``--results``,
puts it at the top of bench/RESULTS.md.

    .venv/bin/python bench/dashboards_bench.py --reuse --tenth \\
        --databases sqlite:///tmp/dash.sqlite3 postgres://app:app@127.0.0.1:5433/dashbench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dashboards_data as data  # noqa: E402
from bench.feedback_bench import APP_COMMAND, http, measure, serving, sign_in  # noqa: E402
from bench.load_pages import wait_quiet  # noqa: E402

ORG = data.ORGANISATIONS[0]
TARGETS = {
    "overview p50": 300.0,
    "overview p99": 800.0,
    "overview / direct SQL": 2.0,
    "public page p99": 100.0,
    "statistics.json p99": 100.0,
    "drill-down p99": 300.0,
    "memory growth": 1.25,  # full-size RSS / tenth-size RSS
    "added ms per panel": 5.0,  # (added, full page − added, fewer panels) / panels dropped
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases",
        nargs="+",
        default=["sqlite:///tmp/dash.sqlite3"],
        help="sqlite:///path and/or postgres://user:pw@host:port/name (not 'app')",
    )
    parser.add_argument("--feedback", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--organisations", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="Keep databases that have data.")
    parser.add_argument("--tenth", action="store_true", help="Each database also at 1/10.")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--direct-rounds", type=int, default=20)
    parser.add_argument(
        "--single-requests", type=int, default=30, help="Sequential requests per page (c=1)."
    )
    parser.add_argument(
        "--fewer",
        default="",
        help="Query of the overview that shows fewer panels (default: panels=<the first "
        "panel leadership sees>; a filter such as channel=web also works).",
    )
    parser.add_argument(
        "--max-other",
        type=float,
        default=0.25,
        help="Cores other processes may use; each page waits (at most 60 s) for a quiet "
        "machine first, and a run above it is noted.",
    )
    parser.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "peers")
    parser.add_argument("--results", type=Path, help="Put the section at the top of this file.")
    parser.add_argument("--markdown", type=Path, help="Also write the section to this file.")
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="An environment variable for the server, e.g. DASHBOARDS_CACHE_SECONDS=0 "
        "(every request runs its panels' queries).",
    )
    parser.add_argument("--drop", action="store_true", help="Delete the databases at the end.")
    parser.add_argument("--direct", help=argparse.SUPPRESS)  # the direct-SQL child process
    return parser.parse_args()


# --- the direct-SQL baseline (a child process) ----------------------------------------------


def month_start(today: date, back: int) -> date:
    month = today.year * 12 + today.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def default_period(today: date) -> tuple[date, date]:
    """The overview's default period, as the page computes it: the last 12 whole months
    (dashboards.filters.complete_months), or, before that existed, the first day of the
    month 11 months back to today."""
    try:
        from dashboards.filters import complete_months
    except ImportError:
        return month_start(today, 11), today
    return complete_months(today, 12)


async def direct(url: str, slug: str, rounds: int, fewer: str) -> dict[str, Any]:
    """Each "manage" panel's query for the overview's default scope, sequentially; the
    median time per panel and of the sum over ``rounds`` (after one untimed round)."""
    from tortoise.context import TortoiseContext

    from servicedialog.calendars import today_for
    from servicedialog.db import tortoise_config
    from servicedialog.features import PanelScope, discover
    from servicedialog.models import Organisation

    features = discover()
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(data.settings_for(url), features))
        org = await Organisation.get(slug=slug)
        today = today_for(org)
        panels = [p for f in features for p in f.panels if "manage" in p.views]
        start, end = default_period(today)
        scopes = {"full": PanelScope(org, start, end, today=today)}
        query = dict(urllib.parse.parse_qsl(fewer))
        if "channel" in query:
            scopes["fewer"] = PanelScope(org, start, end, channel=query["channel"], today=today)
        times: dict[str, dict[str, list[float]]] = {k: {p.name: [] for p in panels} for k in scopes}
        sums: dict[str, list[float]] = {k: [] for k in scopes}
        rows: dict[str, int] = {}
        for round_no in range(rounds + 1):
            for key, scope in scopes.items():
                total = 0.0
                for panel in panels:
                    started = time.perf_counter()
                    result = await panel.query(scope)
                    ms = (time.perf_counter() - started) * 1000
                    rows[panel.name] = len(result)
                    if round_no:
                        times[key][panel.name].append(ms)
                        total += ms
                if round_no:
                    sums[key].append(total)
        return {
            "panels": {
                key: {name: statistics.median(v) for name, v in by_panel.items()}
                for key, by_panel in times.items()
            },
            "sum": {key: statistics.median(v) for key, v in sums.items()},
            "rows": rows,
            "filters": {p.name: sorted(p.filters) for p in panels},
            "titles": {p.name: str(p.title) for p in panels},
        }


def run_direct(url: str, args: argparse.Namespace) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--direct",
            url,
            "--direct-rounds",
            str(args.direct_rounds),
            "--fewer",
            args.fewer,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# --- the pages ------------------------------------------------------------------------------


class Links(HTMLParser):
    """The first link with ``data-drilldown`` on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.drilldown: str | None = None
        self.inbox: str | None = None  # the first that leads to the complaints inbox

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "data-drilldown" in values and self.drilldown is None:
            self.drilldown = values.get("href") or values.get("data-drilldown") or None
        href = values.get("href") or ""
        if "data-drilldown" in values and self.inbox is None and "/feedback/manage" in href:
            self.inbox = href


def panel_id(name: str) -> str:
    """The id of a panel's section on the page (dashboards.present)."""
    return "panel-" + name.replace(".", "-").replace("_", "-")


def panels_shown(page: str, names: list[str]) -> list[str]:
    """The panels the page shows (by their sections' ids)."""
    return [n for n in names if f'id="{panel_id(n)}"' in page]


def one_at_a_time(url: str, cookie: str, requests: int) -> float:
    """The median time (ms) of ``requests`` sequential GETs, after two untimed ones."""
    times = []
    for n in range(requests + 2):
        started = time.perf_counter()
        http(url, cookie=cookie)
        if n >= 2:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def worker_rss_mb(pid: int) -> list[float]:
    """VmRSS (MB) of every process in the server's process group but its leader."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == pid:
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        if "resource_tracker" in (entry / "cmdline").read_bytes().decode(errors="replace"):
            continue  # multiprocessing's resource tracker, not a worker
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return sorted(sizes)


@dataclass
class Figures:
    label: str
    url: str
    facts: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)  # name -> Result
    direct: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, list[str]] = field(default_factory=dict)
    rss: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drilldown: str = ""
    inbox: str = ""
    single: dict[str, float] = field(default_factory=dict)  # c=1 medians, ms
    fewer_as: str = "leadership"  # whose overview the page with fewer panels is


def environment(url: str, tmp: Path, extra: list[str] = ()) -> dict[str, str]:  # type: ignore[assignment]
    return {
        **os.environ,
        "VAR_DIR": str(tmp),
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENVIRONMENT": "production",
        "LOG_LEVEL": "WARNING",
        "FEEDBACK_RATE_LIMIT": "0",
        **dict(item.split("=", 1) for item in extra),
    }


def measure_database(url: str, label: str, args: argparse.Namespace, tmp: Path) -> Figures:
    figures = Figures(label, url)
    target = SimpleNamespace(env=environment(url, tmp, args.server_env), restore=lambda: None)
    wrk = argparse.Namespace(
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
        warmup=args.warmup,
        peers=args.peers,
    )
    work = tmp / re.sub(r"\W+", "-", label)
    work.mkdir(exist_ok=True)
    with (
        (work / "server.log").open("wb") as log,
        serving(target, args.workers, log, APP_COMMAND) as server,
    ):  # type: ignore[arg-type]
        base = server.base_url
        leader = sign_in(base, ORG.leadership)
        quality = sign_in(base, ORG.quality_manager)
        status, _, page = http(f"{base}/dashboards/manage/", cookie=leader)
        if status != 200:
            figures.notes.append(f"overview: HTTP {status}")
        figures.direct = run_direct(url, args)
        names = list(figures.direct["titles"])
        figures.shown["full"] = panels_shown(page, names)
        quality_page = http(f"{base}/dashboards/manage/", cookie=quality)[2]
        figures.shown["quality"] = panels_shown(quality_page, names)
        # The page with fewer panels is leadership's when leadership sees two or more,
        # else the quality manager's (compared with the same person's whole overview).
        figures.fewer_as = "leadership" if len(figures.shown["full"]) >= 2 else "quality"
        fewer_cookie = leader if figures.fewer_as == "leadership" else quality
        if not args.fewer:
            first = figures.shown["full" if figures.fewer_as == "leadership" else "quality"]
            args.fewer = f"panels={(first or names)[0]}"
        fewer_page = http(f"{base}/dashboards/manage/?{args.fewer}", cookie=fewer_cookie)[2]
        figures.shown["fewer"] = panels_shown(fewer_page, names)
        hidden = sorted(set(names) - set(figures.shown["full"]))
        if hidden:
            figures.notes.append(
                f"leadership is not shown {', '.join(hidden)} (the panels' permission); "
                "the quality manager's overview shows "
                f"{len(figures.shown['quality'])} of {len(names)}"
            )
        parser = Links()
        parser.feed(page)
        drill_cookie = leader
        if parser.drilldown is None:
            parser.feed(quality_page)
            drill_cookie = quality
            figures.notes.append(
                "leadership's overview has no data-drilldown link: the quality manager's first"
            )
        drill = urllib.parse.urljoin(base + "/dashboards/manage/", parser.drilldown or "")
        if parser.drilldown is None:
            figures.notes.append("no data-drilldown link on the overview")
        elif http(drill, cookie=drill_cookie)[0] != 200:
            drill_cookie = quality
            figures.notes.append("drill-down as the quality manager (leadership: not 200)")
        figures.drilldown = parser.drilldown or ""
        targets = {
            "healthz (noise baseline)": (f"{base}/healthz", "", '"ok"'),
            "overview": (f"{base}/dashboards/manage/", leader, "</html>"),
            "overview, quality manager": (f"{base}/dashboards/manage/", quality, "</html>"),
            f"overview ?{args.fewer}": (
                f"{base}/dashboards/manage/?{args.fewer}",
                fewer_cookie,
                "</html>",
            ),
            "public page": (f"{base}/dashboards/{ORG.slug}/", "", "</html>"),
            "statistics.json": (f"{base}/dashboards/{ORG.slug}/statistics.json", "", ""),
        }
        if parser.drilldown is not None:
            targets["drill-down list"] = (drill, drill_cookie, "</html>")
        if parser.inbox is not None and parser.inbox != parser.drilldown:
            inbox = urllib.parse.urljoin(base + "/dashboards/manage/", parser.inbox)
            targets["drill-down: complaints inbox"] = (inbox, drill_cookie, "</html>")
            parts = urllib.parse.urlsplit(parser.inbox)
            figures.inbox = parts.path + (f"?{parts.query}" if parts.query else "")
        for name, (address, cookie, marker) in targets.items():
            check = http(address, cookie=cookie)[0]
            if check != 200:
                figures.notes.append(f"{name}: HTTP {check}")
            env = {
                "BENCH_METHOD": "GET",
                "BENCH_COOKIE": cookie,
                "BENCH_EXPECT": "200",
                "BENCH_MARKER": marker,
                "BENCH_JSON_OUT": str(work / "wrk.json"),
            }
            wait_quiet(args.max_other)
            figures.pages[name] = r = measure(address, server, wrk, env)
            if r.errors:
                figures.notes.append(f"{name}: {r.errors} of {r.requests} responses failed")
            if r.other_cores > args.max_other:
                figures.notes.append(f"{name}: other processes used {r.other_cores:.2f} cores")
            print(
                f"{label}: {name:<28} p50 {r.p50_ms:7.1f} p99 {r.p99_ms:7.1f} ms "
                f"{r.rps:7.1f} req/s ok {r.ok}/{r.requests} other {r.other_cores:.2f}",
                file=sys.stderr,
            )
        figures.rss = worker_rss_mb(server.process.pid)
        # One request at a time (no queue in front of the workers): the page's own time,
        # to set beside its panels' queries run one after the other.
        for name in (
            "healthz (noise baseline)",
            "overview",
            "overview, quality manager",
            f"overview ?{args.fewer}",
        ):
            address, cookie, _marker = targets[name]
            figures.single[name] = one_at_a_time(address, cookie, args.single_requests)
    return figures


# --- report ---------------------------------------------------------------------------------


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "–"
    return "PASS" if value <= limit else "FAIL"


def direct_sum(figures: Figures, shown: str, scope: str = "full") -> float:
    """The direct time of the panels a page showed."""
    times = figures.direct["panels"].get(scope) or figures.direct["panels"]["full"]
    return float(sum(times[name] for name in figures.shown[shown]))


def added(figures: Figures, page: str, shown: str, scope: str) -> float | None:
    """The page's p50 minus the direct time of the panels it shows."""
    result = figures.pages.get(page)
    if result is None or not result.requests or result.errors:
        return None
    return float(result.p50_ms - direct_sum(figures, shown, scope))


def report(runs: list[Figures], args: argparse.Namespace, started: str) -> str:
    fewer = f"overview ?{args.fewer}"
    head = "| figure | target | " + " | ".join(r.label for r in runs) + " |"
    lines = [head, "|---|---|" + "---:|" * len(runs)]

    def row(name: str, target: str, cells: list[str]) -> None:
        lines.append(f"| {name} | {target} | " + " | ".join(cells) + " |")

    def page(r: Figures, name: str, what: str) -> Any:
        """A page's figure; None when not measured or when a response failed (an error,
        another status, the page cut short): the table shows "–" and the note says why."""
        result = r.pages.get(name)
        if result is None or not result.requests or result.errors:
            return None
        return getattr(result, what)

    def cell(value: float | None, limit: float | None = None, fmt: str = "{:.1f}") -> str:
        if value is None:
            return "–"
        text = fmt.format(value)
        return f"{text} {verdict(value, limit)}" if limit is not None else text

    for name in [
        "healthz (noise baseline)",
        "overview",
        "overview, quality manager",
        fewer,
        "public page",
        "statistics.json",
        "drill-down list",
        "drill-down: complaints inbox",
    ]:
        for what, key in (("p50_ms", "p50"), ("p99_ms", "p99")):
            limit = TARGETS.get(f"{name} {key}") or TARGETS.get(
                f"{name.replace(' list', '')} {key}"
            )
            if name == "drill-down: complaints inbox":
                limit = TARGETS["drill-down p99"] if key == "p99" else None
            if name == "overview, quality manager":
                limit = TARGETS[f"overview {key}"]
            if name.startswith("overview ?"):
                limit = None
            target = f"≤ {limit:.0f} ms" if limit else ""
            row(f"{name} {key} ms", target, [cell(page(r, name, what), limit) for r in runs])
    row(
        "overview req/s (c=8)",
        "",
        [cell(page(r, "overview", "rps")) for r in runs],
    )
    row(
        "overview p50 / healthz p50",
        "",
        [
            cell(
                (page(r, "overview", "p50_ms") or 0) / page(r, "healthz (noise baseline)", "p50_ms")
                if page(r, "healthz (noise baseline)", "p50_ms")
                else None,
                fmt="{:.0f}x",
            )
            for r in runs
        ],
    )
    for name, shown in (("overview", "full"), ("overview, quality manager", "quality")):
        row(
            f"{name}: its panels' direct SQL, sum ms",
            "",
            [cell(direct_sum(r, shown)) for r in runs],
        )
        row(
            f"{name}: p50 / its panels' direct SQL",
            "≤ 2x",
            [
                cell(
                    page(r, name, "p50_ms") / direct_sum(r, shown)
                    if page(r, name, "p50_ms") and direct_sum(r, shown)
                    else None,
                    TARGETS["overview / direct SQL"],
                    "{:.2f}x",
                )
                for r in runs
            ],
        )
    row(
        "panels shown / offered (leadership, quality manager)",
        "all",
        [
            f"{len(r.shown['full'])}/{len(r.direct['titles'])}, "
            f"{len(r.shown['quality'])}/{len(r.direct['titles'])}"
            for r in runs
        ],
    )
    row(f"panels shown ?{args.fewer}", "", [str(len(r.shown["fewer"])) for r in runs])

    def whole(r: Figures) -> tuple[str, str]:
        """The whole overview the page with fewer panels is compared with."""
        if r.fewer_as == "leadership":
            return "overview", "full"
        return "overview, quality manager", "quality"

    row(
        "overview p50 − its panels' SQL, ms (leadership)",
        "",
        [cell(added(r, "overview", "full", "full")) for r in runs],
    )
    row(
        "overview p50 − its panels' SQL, ms (quality manager)",
        "",
        [cell(added(r, "overview, quality manager", "quality", "full")) for r in runs],
    )
    row(
        f"?{args.fewer} p50 − its panels' SQL, ms ("
        + ", ".join(sorted({r.fewer_as.replace("quality", "quality manager") for r in runs}))
        + ")",
        "",
        [cell(added(r, fewer, "fewer", "fewer")) for r in runs],
    )

    def per_panel(r: Figures) -> float | None:
        page_name, shown = whole(r)
        full, less = added(r, page_name, shown, "full"), added(r, fewer, "fewer", "fewer")
        dropped = len(r.shown[shown]) - len(r.shown["fewer"])
        if full is None or less is None or dropped <= 0:
            return None
        return (full - less) / dropped

    row(
        "c=8: added ms per panel shown",
        f"≤ {TARGETS['added ms per panel']:.0f}",
        [cell(per_panel(r), TARGETS["added ms per panel"]) for r in runs],
    )

    def single(r: Figures, name: str) -> float | None:
        return r.single.get(name)

    for name in ("healthz (noise baseline)", "overview", "overview, quality manager", fewer):
        row(f"c=1: {name}, median ms", "", [cell(single(r, name)) for r in runs])
    for name, shown in (("overview", "full"), ("overview, quality manager", "quality")):
        row(
            f"c=1: {name} / its panels' direct SQL",
            "≤ 2x",
            [
                cell(
                    single(r, name) / direct_sum(r, shown)  # type: ignore[operator]
                    if single(r, name) and direct_sum(r, shown)
                    else None,
                    TARGETS["overview / direct SQL"],
                    "{:.2f}x",
                )
                for r in runs
            ],
        )

    def single_added(r: Figures, name: str, shown: str) -> float | None:
        value = single(r, name)
        return None if value is None else value - direct_sum(r, shown)

    row(
        "c=1: whole overview − its panels' SQL, ms ("
        + ", ".join(sorted({r.fewer_as.replace("quality", "quality manager") for r in runs}))
        + ")",
        "",
        [cell(single_added(r, *whole(r))) for r in runs],
    )
    row(
        f"c=1: ?{args.fewer} − its panels' SQL, ms",
        "",
        [cell(single_added(r, fewer, "fewer")) for r in runs],
    )

    def single_per_panel(r: Figures) -> float | None:
        full, less = single_added(r, *whole(r)), single_added(r, fewer, "fewer")
        dropped = len(r.shown[whole(r)[1]]) - len(r.shown["fewer"])
        if full is None or less is None or dropped <= 0:
            return None
        return (full - less) / dropped

    row(
        "c=1: added ms per panel shown",
        f"≤ {TARGETS['added ms per panel']:.0f}",
        [cell(single_per_panel(r), TARGETS["added ms per panel"]) for r in runs],
    )
    row("worker RSS MB (each)", "", [" / ".join(f"{m:.0f}" for m in r.rss) or "–" for r in runs])
    tenth = {r.label.replace(" 1/10", ""): r for r in runs if r.label.endswith(" 1/10")}
    growth = []
    for r in runs:
        small = tenth.get(r.label) if not r.label.endswith(" 1/10") else None
        if small and small.rss and r.rss:
            growth.append(cell(max(r.rss) / max(small.rss), TARGETS["memory growth"], "{:.2f}x"))
        else:
            growth.append("–")
    row("worker RSS, full / tenth", f"≤ {TARGETS['memory growth']}x", growth)
    panel_names = sorted({n for r in runs for n in r.direct["panels"]["full"]})
    for name in panel_names:
        row(
            f"direct: {name} ms (rows)",
            "",
            [
                f"{r.direct['panels']['full'].get(name, 0):.1f} ({r.direct['rows'].get(name, 0)})"
                for r in runs
            ],
        )
    notes = [f"- {r.label}: {'; '.join(r.notes)}." for r in runs if r.notes]
    notes += [f"- {r.label}: drill-down list `{r.drilldown}`." for r in runs if r.drilldown]
    notes += [f"- {r.label}: complaints inbox `{r.inbox}`." for r in runs if r.inbox]
    sizes = ", ".join(
        f"{r.label}: {r.facts.get('counts', {}).get('feedback', '?'):,} feedback / "
        f"{r.facts.get('counts', {}).get('commitments_case', '?'):,} cases"
        if isinstance(r.facts.get("counts", {}).get("feedback"), int)
        else r.label
        for r in runs
    )
    command = "`.venv/bin/python bench/dashboards_bench.py " + " ".join(sys.argv[1:]) + "`"
    text = [
        "## Issue 13 – dashboards at 1,000,000 feedback and 2,000,000 cases",
        "",
        f"- **Command:** {command} ({started}, {os.cpu_count()} cores, commit `{git_head()}`).",
        f"- {args.workers} uvicorn workers, wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s after {args.warmup} s warm-up"
        + (f", server environment `{' '.join(args.server_env)}`" if args.server_env else "")
        + f"; as `{ORG.leadership}` "
        f"(leadership of {ORG.name_sv}, the largest organisation); data: {sizes}.",
        '- Direct SQL: each "manage" panel\'s `query(scope)` in a separate process with '
        "Tortoise on the same database, sequentially, median of "
        f"{args.direct_rounds} rounds; scope: the organisation and the page's default "
        "period (the last 12 whole months).",
        "",
        *lines,
        "",
        *notes,
    ]
    return "\n".join(text).rstrip() + "\n"


def git_head() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "?"


def insert_results(path: Path, section: str) -> None:
    """The section after the file's header paragraph (newest first)."""
    text = path.read_text(encoding="utf-8")
    at = text.find("\n## ")
    at = len(text) if at < 0 else at + 1
    path.write_text(text[:at] + section + "\n" + text[at:], encoding="utf-8")


# --- the run --------------------------------------------------------------------------------


def tenth_url(url: str) -> str:
    if data.is_sqlite(url):
        return re.sub(r"(\.sqlite3?)?$", lambda m: "-tenth" + (m.group(1) or ""), url, count=1)
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path + "_tenth"))


def has_data(url: str, feedback: int) -> bool:
    try:
        counts = asyncio.run(data.count_rows(url))
    except Exception:  # no file, no database, no tables
        return False
    return counts.get("feedback") == feedback


def label_of(url: str) -> str:
    return "SQLite" if data.is_sqlite(url) else "PostgreSQL"


def main() -> int:
    args = parse_args()
    if args.direct:
        print(
            json.dumps(asyncio.run(direct(args.direct, ORG.slug, args.direct_rounds, args.fewer)))
        )
        return 0
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    plan = []
    for url in args.databases:
        if args.tenth:
            plan.append((tenth_url(url), f"{label_of(url)} 1/10", 10))
        plan.append((url, label_of(url), 1))
    runs = []
    tmp = Path(tempfile.mkdtemp(prefix="sd-dash-bench-"))
    try:
        for url, label, divisor in plan:
            feedback, cases = args.feedback // divisor, args.cases // divisor
            if args.reuse and has_data(url, feedback):
                facts = {"counts": asyncio.run(data.count_rows(url)), "reused": True}
                print(f"{label}: reusing {url}", file=sys.stderr)
            else:
                print(f"{label}: generating {url}", file=sys.stderr)
                facts = asyncio.run(
                    data.generate(url, feedback, cases, args.years, args.organisations)
                )
            figures = measure_database(url, label, args, tmp)
            figures.facts = facts
            runs.append(figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.drop:
            for url, _, _ in plan:
                asyncio.run(data.drop_database(url))
    section = report(runs, args, started)
    print(section)
    if args.markdown:
        args.markdown.write_text(section, encoding="utf-8")
    if args.results:
        insert_results(args.results, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
