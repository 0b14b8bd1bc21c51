"""Benchmark of issue 4 (feedback): our public feedback POST and staff inbox against
django-helpdesk's public ticket POST and ticket list data, measured in the same run.

1. The peer: ``../shared/peers/setup.sh`` once, then ``ONLY="b c2" WORKERS=2 run.sh helpdesk``
   per round (gunicorn, 2 sync workers, SQLite WAL, 100,000 tickets); its req/s, p99,
   errors and stored-row delta are read from ``results/<RUN_ID>-gunicorn/results.jsonl``.
2. Ours: a temporary VAR_DIR on SQLite, ``servicedialog demo --seed-only`` (migrates, seeds
   the demo organisations and users), then bulk inserts in plain ``sqlite3`` so that the
   organisation holds 100,000 feedback records (one year, realistic status, kind, service,
   unit, handler and deadline distribution, one history event each, registration counters
   set to the numbers given). That database is kept as a pristine copy and restored before
   every scenario; each scenario gets a fresh ``servicedialog serve --workers 2`` (uvicorn
   with uvloop) with ``FEEDBACK_RATE_LIMIT=0``.
3. POST /feedback/<org>/ with the CSRF cookie and token from one GET of the form, a unique
   text and e-mail per request; success is a 303 to the tracking page. Afterwards every
   tracking link wrk received is looked up in the database (by the hash the app stores),
   and the row delta is compared with the 303 count.
4. GET /feedback/manage/ as the demo handler (signed in through POST /login); success is a
   200 whose body contains the whole table.

wrk settings are the peer harness's: 1 thread, 32 connections, 3 s warm-up, a wait until
the server is idle, 15 s measured, 30 s timeout. Rounds alternate peer and ours; the table
shows medians. Every measured run also records the CPU other processes used meanwhile
(``other cores``); the machine is shared, so compare ratios from the same run.

Run from the repository root: .venv/bin/python bench/feedback_bench.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_pages import (  # noqa: E402
    TICK,
    Server,
    busy_ticks,
    group_ticks,
    own_seconds,
    start,
    stop,
    wait_quiet,
    wait_ready,
)

BIN = Path(sys.executable).parent
LUA = Path(__file__).resolve().parent / "feedback.lua"
ORG = "exempelkommun"
HANDLER = "handlaggare@exempelkommun.se"
DEMO_PASSWORD = "demo-servicedialog"
POST_TARGET = (5.0, 100.0)  # at least 5x the peer's req/s, p99 at most 100 ms
INBOX_TARGET = (50.0, 250.0)  # at least 50x the peer's req/s, p99 at most 250 ms
# The form as a person sends it: kind, service, text, e-mail with consent, the empty
# honeypot; about as long as the peer's ticket body.
POST_BODY = (
    "csrftoken={csrf}&kind=complaint&service={service}"
    "&text=Gatlyset+utanf%C3%B6r+nummer+12+har+varit+sl%C3%A4ckt+i+en+vecka.+Gatan+%C3%A4r"
    "+helt+m%C3%B6rk+p%C3%A5+kv%C3%A4llarna+och+barnen+g%C3%A5r+hem+fr%C3%A5n+skolan+h%C3%A4r."
    "+Skicka+n%C3%A5gon+som+kan+laga+det.+Ref+{n}"
    "&contact_email=medborgare%2B{n}%40example.invalid&consent=yes&website="
)
INBOX_MARKER = "</table>"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="Peer and ours, alternating.")
    parser.add_argument("--records", type=int, default=100_000, help="Feedback in the inbox.")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--peers",
        type=Path,
        default=Path(os.environ.get("PEERS_DIR", ROOT.parent / "shared" / "peers")),
        help="The peer harness (default ../shared/peers).",
    )
    parser.add_argument("--no-peer", action="store_true", help="Measure ours only.")
    parser.add_argument("--only", nargs="+", choices=["post", "inbox"], default=["post", "inbox"])
    parser.add_argument(
        "--max-other",
        type=float,
        default=0.25,
        help="Cores other processes may use during a run before it counts as disturbed (*): "
        "left out of the medians. Each round first waits (at most 60 s) for a quiet machine.",
    )
    parser.add_argument(
        "--extra-rounds",
        type=int,
        default=2,
        help="Most rounds added while a series has fewer than --rounds undisturbed runs.",
    )
    parser.add_argument("--markdown", type=Path, help="Also write the table to this file.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory.")
    return parser.parse_args()


# --- our database ------------------------------------------------------------------------

TEXTS = {
    "complaint": [
        "Jag har väntat i sju veckor på beslut om mitt bygglov och ingen svarar när jag ringer.",
        "Handläggaren lovade att återkomma men jag har inte hört något på tre veckor.",
        "E-tjänsten hänger sig när jag laddar upp ritningar.",
        "Avgiften för livsmedelskontrollen är högre än det som står på webbplatsen.",
        "Ingen svarade på mitt mejl till kundtjänst trots att ni lovar svar inom två dagar.",
        "Receptionen i stadshuset var stängd under ordinarie öppettid.",
    ],
    "suggestion": [
        "Det vore bra om man kunde se var i kön ens ärende ligger.",
        "Skicka gärna en påminnelse innan tillsynsbesöket.",
    ],
    "praise": ["Tack till handläggaren som förklarade allt så tydligt!"],
    "question": ["Behöver jag bygglov för ett attefallshus på 25 kvadratmeter?"],
}
KINDS = ["complaint"] * 6 + ["suggestion"] * 2 + ["praise", "question"]
CHANNELS = ["web"] * 6 + ["phone"] * 2 + ["email", "visit", "letter"]
OUTCOMES = ["upheld", "partly_upheld", "not_upheld", "resolved"]
COLUMNS = (
    "organisation_id, number, kind, channel, service_id, unit_id, text, place, anonymous, "
    "contact_name, contact_email, contact_phone, language, status, stage, assigned_to_id, "
    "received_at, acknowledge_due, answer_due, acknowledged_at, answered_at, closed_at, "
    "pause_reason, pauses, extended, outcome, remedy, improvement, improvement_ref, "
    "satisfaction_comment, secret, public_summary, retention_class, tracking_hash, updated_at"
)


def _stamp(moment: datetime) -> str:
    """A datetime as Tortoise stores it on SQLite."""
    return moment.isoformat(sep=" ")


def _open_status(age_days: int, rng: random.Random) -> str | None:
    """About a quarter open, like the peer's tickets: nearly all of the last weeks, a tail of
    older ones (waiting for the person, in review, forgotten)."""
    if rng.random() >= max(0.08, 0.95 * 2.718281828 ** (-age_days / 90)):
        return None
    if age_days < 3 or rng.random() < 0.2:
        return "received"
    return rng.choices(["in_progress", "waiting", "review"], [70, 18, 12])[0]


def bulk_feedback(database: Path, records: int, seed_value: int = 4) -> dict[str, int]:
    """Fill the organisation up to ``records`` feedback records with plain sqlite3, as fast
    as the peer's bulk_create seed; registration numbers continue each year's counter."""
    rng = random.Random(seed_value)
    with closing(sqlite3.connect(database)) as db:
        org_id, country = db.execute(
            "SELECT id, country FROM core_organisation WHERE slug = ?", (ORG,)
        ).fetchone()
        zone = ZoneInfo("Europe/Helsinki" if country == "FI" else "Europe/Stockholm")
        existing = db.execute(
            "SELECT count(*) FROM feedback WHERE organisation_id = ?", (org_id,)
        ).fetchone()[0]
        services = db.execute(
            "SELECT id, unit_id FROM commitments_service WHERE organisation_id = ? "
            "AND code != 'SYNPUNKT'",
            (org_id,),
        ).fetchall()
        handlers = [
            row[0]
            for row in db.execute(
                "SELECT DISTINCT user_id FROM core_membership WHERE organisation_id = ? "
                "AND role IN ('handler', 'admin')",
                (org_id,),
            )
        ]
        counters = dict(
            db.execute(
                "SELECT year, last_number FROM feedback_counter WHERE organisation_id = ?",
                (org_id,),
            ).fetchall()
        )
        now = datetime.now(UTC)
        stamps = sorted(
            now - timedelta(seconds=rng.randrange(365 * 86400))
            for _ in range(max(records - existing, 0))
        )
        rows: list[tuple[Any, ...]] = []
        for i, received_at in enumerate(stamps):
            local_day = received_at.astimezone(zone).date()
            counters[local_day.year] = counters.get(local_day.year, 0) + 1
            number = f"SYN-{local_day.year}-{counters[local_day.year]:06d}"
            age = (now - received_at).days
            kind = rng.choice(KINDS)
            service_id, unit_id = rng.choice(services) if rng.random() < 0.9 else (None, None)
            anonymous = rng.random() < 0.15
            status = _open_status(age, rng) or "closed"
            handler = None if status == "received" else rng.choice(handlers)
            answered = received_at + timedelta(days=rng.choice([2, 5, 8, 9, 12, 15, 25]))
            closed = status == "closed"
            rows.append(
                (
                    org_id,
                    number,
                    kind,
                    rng.choice(CHANNELS),
                    service_id,
                    unit_id,
                    rng.choice(TEXTS[kind]),
                    "",
                    int(anonymous),
                    "" if anonymous else f"Person {i}",
                    "" if anonymous else f"person{i}@example.se",
                    "",
                    "sv" if rng.random() < 0.93 else "en",
                    status,
                    2 if status == "review" else 1,
                    handler,
                    _stamp(received_at),
                    (local_day + timedelta(days=rng.choice([2, 2, 3, 4]))).isoformat(),
                    (local_day + timedelta(days=rng.choice([14, 14, 14, 15, 16]))).isoformat(),
                    _stamp(answered) if handler else None,
                    _stamp(answered) if closed else None,
                    _stamp(answered) if closed else None,
                    "",
                    "[]",
                    0,
                    rng.choice(OUTCOMES) if closed and kind == "complaint" else None,
                    "",
                    "",
                    "",
                    "",
                    int(rng.random() < 0.02),
                    "",
                    "standard" if kind == "complaint" else "short",
                    hashlib.sha256(f"bench-{i}-{rng.random()}".encode()).hexdigest(),
                    _stamp(now),
                )
            )
        last_id = db.execute("SELECT coalesce(max(id), 0) FROM feedback").fetchone()[0]
        marks = ", ".join("?" * len(COLUMNS.split(",")))
        db.executemany(f"INSERT INTO feedback ({COLUMNS}) VALUES ({marks})", rows)
        db.execute(
            "INSERT INTO feedback_event (kind, body, visible_to_person, data, created_at, "
            "author_id, feedback_id) SELECT 'registered', '', 1, json_object('channel', channel),"
            " received_at, NULL, id FROM feedback WHERE id > ?",
            (last_id,),
        )
        db.executemany(
            "INSERT INTO feedback_counter (organisation_id, year, last_number) VALUES (?, ?, ?) "
            "ON CONFLICT (organisation_id, year) DO UPDATE SET last_number = excluded.last_number",
            [(org_id, year, last) for year, last in counters.items()],
        )
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        total = db.execute(
            "SELECT count(*) FROM feedback WHERE organisation_id = ?", (org_id,)
        ).fetchone()[0]
        opened = db.execute(
            "SELECT count(*) FROM feedback WHERE organisation_id = ? AND status != 'closed'",
            (org_id,),
        ).fetchone()[0]
    return {"total": total, "open": opened, "inserted": len(rows), "service": services[0][0]}


@dataclass
class Ours:
    tmp: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.tmp / "app.sqlite3"

    @property
    def pristine(self) -> Path:
        return self.tmp / "pristine.sqlite3"

    def restore(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.pristine, self.database)

    def count(self, sql: str = "SELECT count(*) FROM feedback", *params: Any) -> int:
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)) as db:
            return int(db.execute(sql, params).fetchone()[0])


def prepare(tmp: Path, records: int) -> tuple[Ours, dict[str, int]]:
    ours = Ours(
        tmp,
        {
            **os.environ,
            "VAR_DIR": str(tmp),
            "DATABASE_URL": f"sqlite://{tmp / 'app.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ENVIRONMENT": "production",
            "LOG_LEVEL": "WARNING",
            "FEEDBACK_RATE_LIMIT": "0",
        },
    )
    subprocess.run(
        [str(BIN / "servicedialog"), "demo", "--seed-only"],
        cwd=ROOT,
        env=ours.env,
        stdout=subprocess.DEVNULL,
        timeout=300,
        check=True,
    )
    started = time.perf_counter()
    facts = bulk_feedback(ours.database, records)
    facts["seconds"] = round(time.perf_counter() - started)
    shutil.copyfile(ours.database, ours.pristine)
    return ours, facts


APP_COMMAND = [str(BIN / "servicedialog"), "serve", "--no-migrate", "--port", "{port}"]


@contextmanager
def serving(ours: Ours, workers: int, log: Any, command: list[str]) -> Iterator[Server]:
    """A fresh server on a freshly restored database."""
    ours.restore()
    server = start("app", [*command, "--workers", str(workers)], ours.env, log)
    try:
        wait_ready(server, "/healthz")
        yield server
    finally:
        stop(server)


# --- HTTP helpers ------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(
    url: str, data: dict[str, str] | None = None, cookie: str = ""
) -> tuple[int, dict[str, str], str]:
    """One request without following redirects: status, cookies set, body."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie} if cookie else {})
    try:
        response = _opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # 3xx and 4xx arrive here
        response = error
    with response:
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, cookies, response.read().decode("utf-8", "replace")


def csrf_cookie(url: str) -> str:
    """GET a form once; the double-submit token is the csrftoken cookie's value."""
    status, cookies, _ = http(url)
    if status != 200 or "csrftoken" not in cookies:
        raise RuntimeError(f"no csrftoken cookie from {url} ({status})")
    return cookies["csrftoken"]


def sign_in(base: str, email: str = HANDLER, password: str = DEMO_PASSWORD) -> str:
    """Sign in through POST /login with CSRF: the Cookie header of the session."""
    token = csrf_cookie(base + "/login")
    status, cookies, _ = http(
        base + "/login",
        {"csrftoken": token, "email": email, "password": password},
        cookie=f"csrftoken={token}",
    )
    if status != 303 or "sd_session" not in cookies:
        raise RuntimeError(f"sign-in as {email} failed ({status})")
    return f"csrftoken={token}; sd_session={cookies['sd_session']}"


# --- wrk -----------------------------------------------------------------------------------


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    ok: int
    errors: int
    other_cores: float = 0.0
    server_us: float | None = None  # server CPU per request (ours only)
    spread: str = ""  # connections per worker (ours only)
    checks: dict[str, Any] = field(default_factory=dict)
    sound: bool = True  # every check passed (stored rows, page content)
    note: str = ""  # why there is no measurement


def unmeasured(note: str) -> Result:
    return Result(0.0, 0.0, 0.0, 0, 0, 0, sound=False, note=note)


def run_wrk(url: str, seconds: int, args: argparse.Namespace, env: dict[str, str]) -> Any:
    """One wrk run with the peer harness's settings; the summary feedback.lua writes."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s"]
    command += ["--timeout", "30s", "--latency", "-s", str(LUA), url]
    subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, timeout=seconds + 60, check=True
    )
    return json.loads(Path(env["BENCH_JSON_OUT"]).read_text(encoding="utf-8"))


def drain(server: Server, peers: Path) -> None:
    """Wait until the server is idle (the peer harness's idle_wait.py, at most 120 s)."""
    command = [sys.executable, str(peers / "idle_wait.py"), "--pid", str(server.process.pid)]
    subprocess.run(command, capture_output=True, timeout=150, check=False)


def stable_count(ours: Ours) -> int:
    """The feedback row count once it stops changing (as the peer harness counts)."""
    count = ours.count()
    for _ in range(20):
        time.sleep(0.5)
        again = ours.count()
        if again == count:
            break
        count = again
    return count


def connections_per_worker(port: int) -> str:
    """wrk's keep-alive connections per server process, e.g. "12/20" (from ``ss``): the
    kernel spreads them over the workers when wrk connects, not always evenly, and the
    busier worker sets the tail latency."""
    try:
        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        counts[pid] = counts.get(pid, 0) + 1
    return "/".join(str(n) for n in sorted(counts.values())) or "?"


def measure(
    url: str,
    server: Server,
    args: argparse.Namespace,
    env: dict[str, str],
    on_idle: Callable[[], object] | None = None,
) -> Result:
    """Warm-up, wait for idle (then ``on_idle()``), the measured run (with the CPU of the
    server and of everything else on the machine meanwhile), wait for idle again."""
    tag = f"{int(time.time())}{secrets.token_hex(2)}"
    run_wrk(url, args.warmup, args, {**env, "BENCH_TAG": tag + "w"})
    drain(server, args.peers)
    if on_idle is not None:
        on_idle()
    pid = server.process.pid
    busy, mine, ticks = busy_ticks(), own_seconds(), group_ticks([pid])[pid]
    port = int(urllib.parse.urlsplit(url).port or 80)
    spread: list[str] = []
    sampler = threading.Timer(
        args.duration / 2, lambda: spread.append(connections_per_worker(port))
    )
    started = time.monotonic()
    sampler.start()
    data = run_wrk(url, args.duration, args, {**env, "BENCH_TAG": tag})
    elapsed = time.monotonic() - started
    sampler.join()
    busy, mine = busy_ticks() - busy, own_seconds() - mine
    server_s = (group_ticks([pid])[pid] - ticks) / TICK
    drain(server, args.peers)
    return Result(
        rps=data["rps"],
        p50_ms=data["lat_ms"]["p50"],
        p99_ms=data["lat_ms"]["p99"],
        requests=data["requests"],
        ok=data["ok"],
        errors=sum(data["socket_errors"].values()) + data["requests"] - data["ok"],
        other_cores=max(busy / TICK - server_s - mine, 0.0) / elapsed,
        server_us=server_s / max(data["requests"], 1) * 1e6,
        spread=spread[0] if spread else "?",
    )


def ours_post(
    ours: Ours, facts: dict[str, int], args: argparse.Namespace, log: Any, command: list[str]
) -> Result:
    work = ours.tmp / "post"
    work.mkdir(exist_ok=True)
    locations = work / "locations.txt"
    with serving(ours, args.workers, log, command) as server:
        form = f"{server.base_url}/feedback/{ORG}/"
        token = csrf_cookie(form)
        body = POST_BODY.replace("{csrf}", token).replace("{service}", str(facts["service"]))
        env = {
            "BENCH_METHOD": "POST",
            "BENCH_BODY": body,
            "BENCH_COOKIE": f"csrftoken={token}",
            "BENCH_EXPECT": "303",
            "BENCH_JSON_OUT": str(work / "wrk.json"),
            "BENCH_LOCATIONS": str(locations),
        }
        counts: dict[str, int] = {}
        result = measure(
            form, server, args, env, on_idle=lambda: counts.setdefault("before", stable_count(ours))
        )
        after = stable_count(ours)
    delta = after - counts["before"]
    result.checks, result.sound = verify_stored(ours, locations, delta, result, args)
    return result


def verify_stored(
    ours: Ours, locations: Path, delta: int, result: Result, args: argparse.Namespace
) -> tuple[dict[str, Any], bool]:
    """Every tracking link wrk got with a 303 names a stored record (the app stores the
    SHA-256 of the link's token); the row delta exceeds the 303s by at most the requests
    in flight when wrk stopped; each new record has its history event; this year's
    registration numbers are unique and without gaps up to the counter."""
    links = [line for line in locations.read_text(encoding="utf-8").splitlines() if line]
    hashes = {
        hashlib.sha256(link.split("?")[0].rsplit("/", 1)[-1].encode()).hexdigest()
        for link in links
        if "/feedback/track/" in link
    }
    with closing(sqlite3.connect(f"file:{ours.database}?mode=ro", uri=True)) as db:
        stored = {row[0] for row in db.execute("SELECT tracking_hash FROM feedback")}
        last, count, distinct, highest = db.execute(
            "SELECT c.last_number, count(f.id), count(DISTINCT f.number), "
            "max(CAST(substr(f.number, 10) AS INTEGER)) FROM feedback_counter c "
            "JOIN core_organisation o ON o.id = c.organisation_id AND o.slug = ? "
            "JOIN feedback f ON f.organisation_id = c.organisation_id "
            "AND f.number LIKE 'SYN-' || c.year || '-%' WHERE c.year = ? GROUP BY c.id",
            (ORG, date.today().year),
        ).fetchone()
        events = db.execute(
            "SELECT count(*) FROM feedback_event WHERE kind = 'registered' AND feedback_id IN "
            "(SELECT id FROM feedback ORDER BY id DESC LIMIT ?)",
            (delta,),
        ).fetchone()[0]
    missing = len(hashes - stored)
    gapless = last == count == distinct == highest
    checks = {
        "303": result.ok,
        "links": len(hashes),
        "not stored": missing,
        "rows Δ": delta,
        "Δ−303": delta - result.ok,
        "events": events,
        "numbers gapless": gapless,
    }
    sound = (
        len(hashes) == result.ok
        and missing == 0
        and 0 <= delta - result.ok <= args.connections
        and events == delta
        and gapless
    )
    return checks, sound


def ours_inbox(ours: Ours, args: argparse.Namespace, log: Any, command: list[str]) -> Result:
    work = ours.tmp / "inbox"
    work.mkdir(exist_ok=True)
    with serving(ours, args.workers, log, command) as server:
        cookie = sign_in(server.base_url)
        url = f"{server.base_url}/feedback/manage/"
        status, _, page = http(url, cookie=cookie)
        rows = page.count('<th scope="row"')
        if status != 200 or INBOX_MARKER not in page or rows != 25:
            return unmeasured(f"page check: HTTP {status}, {rows} rows")
        env = {
            "BENCH_METHOD": "GET",
            "BENCH_COOKIE": cookie,
            "BENCH_EXPECT": "200",
            "BENCH_MARKER": INBOX_MARKER,
            "BENCH_JSON_OUT": str(work / "wrk.json"),
        }
        result = measure(url, server, args, env)
    result.checks = {"rows": rows, "bytes": len(page.encode())}
    result.sound = result.ok == result.requests
    return result


# --- the peer ------------------------------------------------------------------------------


def peer_root() -> Path:
    return Path(os.environ.get("PEER_ROOT") or Path(tempfile.gettempdir()) / "peer-bench")


def peer_setup(args: argparse.Namespace) -> None:
    env = {**os.environ, "PEER_ROOT": str(peer_root())}
    command = ["bash", str(args.peers / "setup.sh")]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def peer_round(args: argparse.Namespace, round_no: int) -> dict[str, Result]:
    """Scenarios b and c2 of the peer harness, as its run.sh runs them (a fresh gunicorn
    and a restored database for each); the figures are its results.jsonl."""
    run_id = f"feedback-{time.strftime('%Y%m%d-%H%M%S')}-r{round_no}"
    env = {
        **os.environ,
        "ONLY": " ".join({"post": "b", "inbox": "c2"}[key] for key in args.only),
        "PEER_ROOT": str(peer_root()),  # load.sh needs it exported
        "WORKERS": str(args.workers),
        "RUN_ID": run_id,
        "DURATION": str(args.duration),
        "WARMUP": str(args.warmup),
        "CONC": str(args.connections),
        "THREADS": str(args.threads),
    }
    busy, mine, started = busy_ticks(), own_seconds(), time.monotonic()
    command = ["bash", str(args.peers / "run.sh"), "helpdesk"]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, timeout=900)
    # run.sh and everything it started are waited-for children: their CPU is in own_seconds
    other = max((busy_ticks() - busy) / TICK - (own_seconds() - mine), 0.0)
    other /= time.monotonic() - started
    results: dict[str, Result] = {}
    path = peer_root() / "results" / f"{run_id}-gunicorn" / "results.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        delta = record["rows_delta"]
        checks = {"rows Δ": delta, "Δ−302": delta - record["ok"]} if delta is not None else {}
        results["post" if record["name"].startswith("b_") else "inbox"] = Result(
            rps=record["rps"],
            p50_ms=record["p50_ms"],
            p99_ms=record["p99_ms"],
            requests=record["requests"],
            ok=record["ok"],
            errors=record["errors"],
            other_cores=other,
            checks=checks,
            sound=delta is None or 0 <= delta - record["ok"] <= args.connections,
        )
    results["dir"] = unmeasured(str(path.parent))
    return results


# --- report --------------------------------------------------------------------------------

SCENARIOS = {  # ours -> (label, the peer's scenario, its label, target)
    "post": ("feedback POST", "post", "ticket POST (b)", POST_TARGET),
    "inbox": ("staff inbox, page 1", "inbox", "ticket list data (c2)", INBOX_TARGET),
}


@dataclass(frozen=True)
class Summary:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_us: float | None
    sound: bool
    note: str
    checks: dict[str, Any]
    runs: str


def summarise(runs: list[Result], max_other: float) -> Summary:
    """Medians over the undisturbed rounds (over all when every round was disturbed);
    errors summed over all rounds; checks from the last run."""
    measured = [r for r in runs if not r.note]
    clean = [r for r in measured if r.other_cores <= max_other] or measured
    cpu = [r.server_us for r in clean if r.server_us is not None]
    return Summary(
        rps=statistics.median(r.rps for r in clean) if clean else 0.0,
        p50_ms=statistics.median(r.p50_ms for r in clean) if clean else 0.0,
        p99_ms=statistics.median(r.p99_ms for r in clean) if clean else 0.0,
        errors=sum(r.errors for r in runs),
        server_us=statistics.median(cpu) if cpu else None,
        sound=all(r.sound for r in runs),
        note=next((r.note for r in runs if r.note), ""),
        checks=runs[-1].checks,
        runs=f"{runs[0].note} (every round)"
        if all(r.note for r in runs)
        else ", ".join(
            r.note
            or f"{r.rps:.0f} / {r.p99_ms:.0f} / {r.other_cores:.2f}"
            + (f" / {r.spread}" if r.spread else "")
            + ("*" if r.other_cores > max_other else "")
            for r in runs
        ),
    )


def report(
    rounds: list[dict[str, dict[str, Result]]], facts: dict[str, int], args: argparse.Namespace
) -> str:
    def runs_of(who: str, key: str) -> list[Result]:
        return [r[who][key] for r in rounds if key in r.get(who, {})]

    lines = [
        f"Ours: {facts['total']:,} feedback records ({facts['open']:,} open) in `{ORG}`; "
        f"django-helpdesk: 100,000 tickets (about 25 % open). {args.workers} workers each, "
        f"SQLite WAL; wrk -t{args.threads} -c{args.connections} -d{args.duration}s after a "
        f"{args.warmup} s warm-up; {len(rounds)} round(s), medians.",
        "",
        "| scenario | app | req/s | p50 ms | p99 ms | errors | server µs/req | checks (last run)"
        " | runs: req/s / p99 ms / other cores / connections per worker |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    verdicts = []
    shown_peer: set[str] = set()
    for key, (label, peer_key, peer_label, (min_ratio, max_p99)) in SCENARIOS.items():
        peer_runs, ours_runs = runs_of("peer", peer_key), runs_of("ours", key)
        if not ours_runs:
            continue
        peer = summarise(peer_runs, args.max_other) if peer_runs else None
        if peer is not None and peer_key not in shown_peer:
            shown_peer.add(peer_key)
            lines.append(
                f"| {peer_label} | django-helpdesk | {peer.rps:.1f} | {peer.p50_ms:.1f} "
                f"| {peer.p99_ms:.1f} | {peer.errors} | – | "
                f"{', '.join(f'{k} {v}' for k, v in peer.checks.items()) or '–'} | {peer.runs} |"
            )
        ours = summarise(ours_runs, args.max_other)
        checks = ", ".join(f"{k} {v}" for k, v in ours.checks.items())
        cpu = f"{ours.server_us:.0f}" if ours.server_us is not None else "–"
        figures = (
            f"{ours.rps:.1f} | {ours.p50_ms:.1f} | {ours.p99_ms:.1f}" if ours.rps else "– | – | –"
        )
        lines.append(
            f"| {label} | servicedialog | {figures} | {ours.errors} | {cpu} "
            f"| {ours.note or checks} | {ours.runs} |"
        )
        if peer is None:
            continue
        ratio = ours.rps / peer.rps if peer.rps else 0.0
        clean = ours.sound and ours.errors == 0 and not ours.note
        passed = clean and ratio >= min_ratio and ours.p99_ms <= max_p99
        per_round = ", ".join(
            f"{r['ours'][key].rps / r['peer'][peer_key].rps:.1f}x"
            for r in rounds
            if peer_key in r.get("peer", {}) and key in r["ours"] and not r["ours"][key].note
        )
        shown_ratio = f"{ratio:.1f}x" if ours.rps else "–"
        shown_p99 = f"{ours.p99_ms:.1f}" if ours.rps else "–"
        verdicts.append(
            f"| {label} vs {peer_label} | {shown_ratio} | ≥ {min_ratio:.0f}x | {shown_p99} "
            f"| ≤ {max_p99:.0f} | {'yes' if clean else 'NO'} | {per_round or '–'} "
            f"| {'PASS' if passed else 'FAIL'} |"
        )
    if verdicts:
        lines += [
            "",
            "| target | req/s ratio | needed | p99 ms | needed | no errors, checks pass "
            "| ratio per round | result |",
            "|---|---:|---|---:|---|---|---|---|",
            *verdicts,
        ]
    peer_dirs = [r["peer"]["dir"].note for r in rounds if "peer" in r]
    if peer_dirs:
        lines += ["", "Peer results: " + ", ".join(f"`{d}`" for d in peer_dirs)]
    return "\n".join(lines) + "\n"


def few_clean(rounds: list[dict[str, dict[str, Result]]], wanted: int, max_other: float) -> bool:
    """Whether some series has fewer than ``wanted`` undisturbed runs."""
    series: dict[tuple[str, str], int] = {}
    for this in rounds:
        for who, results in this.items():
            for key, r in results.items():
                if key != "dir" and not r.note:
                    series[who, key] = series.get((who, key), 0) + (r.other_cores <= max_other)
    return any(n < wanted for n in series.values())


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    if not args.no_peer:
        print("peer: setup.sh", file=sys.stderr)
        peer_setup(args)
    tmp = Path(tempfile.mkdtemp(prefix="sd-feedback-bench-"))
    load_before = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rounds: list[dict[str, dict[str, Result]]] = []
    try:
        print(f"ours: seeding {args.records:,} feedback records in {tmp}", file=sys.stderr)
        ours, facts = prepare(tmp, args.records)
        print(f"ours: {facts}", file=sys.stderr)
        with (tmp / "server.log").open("wb") as log:
            round_no = 0
            while round_no < args.rounds or (
                round_no < args.rounds + args.extra_rounds
                and few_clean(rounds, args.rounds, args.max_other)
            ):
                round_no += 1
                wait_quiet(args.max_other)
                this: dict[str, dict[str, Result]] = {}
                if not args.no_peer:
                    this["peer"] = peer_round(args, round_no)
                this["ours"] = {}
                if "post" in args.only:
                    this["ours"]["post"] = ours_post(ours, facts, args, log, APP_COMMAND)
                if "inbox" in args.only:
                    this["ours"]["inbox"] = ours_inbox(ours, args, log, APP_COMMAND)
                for who, results in this.items():
                    for key, r in results.items():
                        if key != "dir":
                            print(
                                f"round {round_no} {who:<4} {key:<12} {r.rps:8.1f} req/s "
                                f"p99 {r.p99_ms:7.1f} ms errors {r.errors} "
                                f"other {r.other_cores:.2f} cores {r.spread} "
                                f"{r.note or r.checks}",
                                file=sys.stderr,
                            )
                rounds.append(this)
    except (RuntimeError, subprocess.SubprocessError) as error:
        log_file = tmp / "server.log"
        if log_file.exists():
            print(log_file.read_text(errors="replace")[-3000:], file=sys.stderr)
        sys.exit(f"benchmark failed: {error}")
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    text = report(rounds, facts, args)
    text += (
        f"\nStarted {started}; {os.cpu_count()} cores; load average (1 min) "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after. `other cores`: CPU used "
        "by other processes during each measured run (peer: over its whole run.sh); "
        "`server µs/req`: CPU of our server's processes per request; runs marked * had other "
        f"processes above {args.max_other} cores and are left out of the medians.\n"
    )
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
