"""The data of issue 13's scale benchmark: organisations, services, published commitments
with versions, case records, classified feedback and problem-area labels over N years.

The database is migrated with the app's own migrations and the small tables (organisations,
units, users, services, commitments, problem areas) are written through the ORM; the large
ones (cases, feedback, their labels and registration events) with plain SQL in batches:
``sqlite3`` ``executemany`` on SQLite, asyncpg's COPY on PostgreSQL. All randomness comes
from one seed. The figures have trends to show: arrivals grow, the web takes over from the
phone, one commitment per organisation slips over the last eighteen months, one
organisation answers feedback more slowly in the last year, and one problem area (the
e-services) rises over the last year with a spike in the last ten days.

Then every installed feature's ``Feature.statistics(organisation, full=True)`` hook brings
the precomputed tables up to date (and commitments' ``recompute_organisation`` if the
commitments feature has no hook). Columns that other work adds to ``feedback`` later
(``acknowledged_on_time``, ``answered_on_time``, ``handling_days``) are filled when the
table has them.

    .venv/bin/python bench/dashboards_data.py --database sqlite:///tmp/dash.sqlite3 \\
        --feedback 1000000 --cases 2000000 --years 10 --organisations 5
    .venv/bin/python bench/dashboards_data.py \\
        --database postgres://app:app@127.0.0.1:5433/dashbench --feedback 20000 --cases 40000

The SQLite file (with -wal, -shm) or the PostgreSQL database is dropped and made anew.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "demo-servicedialog"
BATCH = 50_000
DAY = 86_400


# --- what is generated ---------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    unit: str
    name_sv: str
    name_en: str
    clock: str  # commitments' ClockUnit value
    threshold: int
    # The threshold (in calendar days) over the mean handling time: about 2.1 keeps 90 %
    # of the cases within it (handling times are gamma-distributed with shape 2).
    margin: float
    weight: float  # share of the organisation's cases
    channels: tuple[str, ...] = ("web", "letter")
    period: str = "month"
    new_threshold: int | None = None  # a second version (changed terms) three years ago


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name_sv: str
    name_en: str
    country: str
    kind: str
    population: int
    weight: float  # share of all cases and feedback
    units: tuple[tuple[str, str, str], ...]
    services: tuple[ServiceSpec, ...]
    slower_answers: bool = False  # feedback answered more slowly in the last year

    @property
    def domain(self) -> str:
        return f"{self.slug}.example"

    @property
    def leadership(self) -> str:
        return f"ledning@{self.domain}"

    @property
    def quality_manager(self) -> str:
        return f"kvalitet@{self.domain}"

    @property
    def handler(self) -> str:
        return f"handlaggare1@{self.domain}"


MUNICIPAL_UNITS = (
    ("bygg", "Samhällsbyggnadsförvaltningen", "Planning and Building"),
    ("miljo", "Miljöförvaltningen", "Environment"),
    ("teknik", "Tekniska förvaltningen", "Technical Services"),
    ("social", "Socialförvaltningen", "Social Services"),
    ("utbildning", "Utbildningsförvaltningen", "Education"),
    ("kontaktcenter", "Kontaktcenter", "Contact Centre"),
)


def _municipal_services(scale: float) -> tuple[ServiceSpec, ...]:
    return (
        ServiceSpec(
            "BYGG",
            "bygg",
            "Bygglov",
            "Building permit",
            "weeks",
            10,
            2.2,
            0.10 * scale,
            new_threshold=8,
        ),
        ServiceSpec(
            "LIVS",
            "miljo",
            "Livsmedelsregistrering",
            "Food premises registration",
            "working_days",
            10,
            2.3,
            0.05,
            period="quarter",
        ),
        ServiceSpec(
            "AVLOPP",
            "miljo",
            "Tillstånd för enskilt avlopp",
            "Private sewage permit",
            "weeks",
            8,
            1.9,
            0.04,
        ),
        ServiceSpec(
            "EPOST",
            "kontaktcenter",
            "Frågor via e-post",
            "Questions by e-mail",
            "working_days",
            2,
            2.2,
            0.30,
            ("email",),
            new_threshold=1,
        ),
        ServiceSpec(
            "TELEFON",
            "kontaktcenter",
            "Återkoppling på telefon",
            "Call-backs",
            "working_days",
            1,
            2.1,
            0.18,
            ("phone",),
        ),
        ServiceSpec(
            "BISTAND",
            "social",
            "Ekonomiskt bistånd",
            "Financial support",
            "working_days",
            15,
            2.0,
            0.10,
        ),
        ServiceSpec(
            "FORSKOLA",
            "utbildning",
            "Förskoleplats",
            "Pre-school place",
            "calendar_days",
            120,
            2.3,
            0.08,
            ("web",),
        ),
        ServiceSpec(
            "FELANM",
            "teknik",
            "Felanmälan gata och park",
            "Street and park faults",
            "working_days",
            5,
            1.8,
            0.15,
            ("web", "phone"),
        ),
    )


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "storstad",
        "Storstads kommun",
        "Storstad Municipality",
        "SE",
        "municipality",
        620_000,
        0.34,
        MUNICIPAL_UNITS,
        _municipal_services(1.0),
        slower_answers=True,
    ),
    OrgSpec(
        "region-exempel",
        "Region Exempellän",
        "Region Exempellän",
        "SE",
        "region",
        1_300_000,
        0.26,
        (
            ("vard", "Hälso- och sjukvård", "Health care"),
            ("tandvard", "Folktandvården", "Public dental care"),
            ("kollektivtrafik", "Kollektivtrafiken", "Public transport"),
            ("kontaktcenter", "Kontaktcenter", "Contact Centre"),
        ),
        (
            ServiceSpec(
                "REMISS",
                "vard",
                "Remissvar",
                "Referral answer",
                "working_days",
                10,
                2.2,
                0.35,
                ("letter", "web"),
                new_threshold=7,
            ),
            ServiceSpec(
                "TANDVARD",
                "tandvard",
                "Tid hos tandläkare",
                "Dentist appointment",
                "calendar_days",
                30,
                2.1,
                0.25,
                ("phone", "web"),
            ),
            ServiceSpec(
                "FARDTJ",
                "kollektivtrafik",
                "Färdtjänsttillstånd",
                "Mobility service permit",
                "weeks",
                3,
                2.4,
                0.15,
            ),
            ServiceSpec(
                "EPOST",
                "kontaktcenter",
                "Frågor via e-post",
                "Questions by e-mail",
                "working_days",
                2,
                2.0,
                0.25,
                ("email",),
            ),
        ),
    ),
    OrgSpec(
        "esimerkkila",
        "Exempelby (Esimerkkilä)",
        "Example Town (Esimerkkilä)",
        "FI",
        "municipality",
        210_000,
        0.18,
        (
            ("rakennusvalvonta", "Byggnadstillsynen", "Building Control"),
            ("ymparisto", "Miljötjänster", "Environmental Services"),
            ("sosiaali", "Socialtjänsten", "Social Services"),
            ("asiakaspalvelu", "Kundtjänst", "Customer Service"),
        ),
        (
            ServiceSpec(
                "RAKLUPA", "rakennusvalvonta", "Bygglov", "Building permit", "weeks", 8, 35, 0.20
            ),
            ServiceSpec(
                "YMPLUPA",
                "ymparisto",
                "Miljötillstånd",
                2.2,
                "weeks",
                12,
                60,
                0.10,
            ),
            ServiceSpec(
                "TOIMEENTULO",
                "sosiaali",
                "Utkomststöd",
                "Social assistance",
                "working_days",
                7,
                2.1,
                0.30,
            ),
            ServiceSpec(
                "SAHKOPOSTI",
                "asiakaspalvelu",
                "Frågor via e-post",
                "Questions by e-mail",
                "working_days",
                2,
                1.9,
                0.40,
                ("email",),
            ),
        ),
    ),
    OrgSpec(
        "mellanby",
        "Mellanby kommun",
        "Mellanby Municipality",
        "SE",
        "municipality",
        95_000,
        0.14,
        MUNICIPAL_UNITS,
        _municipal_services(1.0),
    ),
    OrgSpec(
        "lillby",
        "Lillby kommun",
        "Lillby Municipality",
        "SE",
        "municipality",
        12_500,
        0.08,
        MUNICIPAL_UNITS[:4] + MUNICIPAL_UNITS[5:],
        _municipal_services(1.0)[:4],
    ),
)
SLIPPING = {  # the commitment that slips over the last eighteen months, per organisation
    "storstad": "BYGG",
    "region-exempel": "TANDVARD",
    "esimerkkila": "RAKLUPA",
    "mellanby": "FORSKOLA",
    "lillby": "BYGG",
}
CALENDAR_DAYS = {"weeks": 7.0, "working_days": 1.45, "calendar_days": 1.0, "hours": 1 / 24}
ESERVICE_LEVELS = ("transaction", "interaction", "information", "transaction", "integration")
UNIT_WORDS = {"weeks": "veckor", "working_days": "arbetsdagar", "calendar_days": "dagar"}
RISING_AREA = "e_tjanster"
KINDS = ("complaint", "suggestion", "praise", "question")
KIND_P = (0.6, 0.2, 0.1, 0.1)
CHANNELS = ("web", "phone", "email", "visit", "letter", "open311")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "resolved")
IMPROVEMENTS = (
    "Vi har förtydligat informationen på webbplatsen.",
    "Rutinen för återkoppling är ändrad: alla får besked inom en vecka.",
    "Blanketten är omarbetad och kortare.",
    "Telefontiderna är utökade på måndagar.",
    "E-tjänsten har fått en ny inloggning som fungerar med alla BankID-appar.",
    "Personalen har fått utbildning i bemötande.",
)


def _share(specs: Sequence[Any]) -> npt.NDArray[np.float64]:
    weights = np.array([s.weight for s in specs], dtype=float)
    return weights / weights.sum()


def _split(total: int, shares: npt.NDArray[np.float64]) -> list[int]:
    """``total`` split by ``shares``, the rounding remainder to the first."""
    counts = np.floor(total * shares).astype(int)
    counts[0] += total - counts.sum()
    return [int(c) for c in counts]


# --- the databases -------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a batch: its values and kind ("int", "float", "str", "bool", "dt"
    (datetime64[s], UTC), "date" (datetime64[D]), "json" (str)), with ``null`` where None."""

    kind: str
    values: Any
    null: npt.NDArray[np.bool_] | None = None


class Sink:
    """Where the bulk rows go: a plain connection beside the ORM's."""

    dialect = ""

    async def columns(self, table: str) -> set[str]:
        raise NotImplementedError

    async def insert(self, table: str, columns: dict[str, Column], start: int, stop: int) -> None:
        raise NotImplementedError

    async def execute(self, sql: str, *params: Any) -> None:
        raise NotImplementedError

    async def scalar(self, sql: str, *params: Any) -> Any:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def convert(self, column: Column, start: int, stop: int) -> list[Any]:
        values = column.values[start:stop]
        if column.kind == "dt":
            out = self.datetimes(values)
        elif column.kind == "date":
            out = self.dates(values)
        elif isinstance(values, np.ndarray):
            out = values.tolist()
            if column.kind == "bool":
                out = self.bools(out)
        else:
            out = list(values)
        if column.null is not None:
            null = column.null[start:stop].tolist()
            out = [None if m else v for v, m in zip(out, null, strict=True)]
        return out

    def datetimes(self, values: npt.NDArray[Any]) -> list[Any]:
        raise NotImplementedError

    def dates(self, values: npt.NDArray[Any]) -> list[Any]:
        raise NotImplementedError

    def bools(self, values: list[bool]) -> list[Any]:
        return values

    async def insert_all(self, table: str, columns: dict[str, Column], n: int) -> None:
        """Only the columns the table has (others' work may add or drop some)."""
        have = await self.columns(table)
        wanted = {k: v for k, v in columns.items() if k in have}
        for start in range(0, n, BATCH):
            await self.insert(table, wanted, start, min(start + BATCH, n))


class SqliteSink(Sink):
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, timeout=60)
        self.db.execute("PRAGMA busy_timeout = 60000")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -400000")

    async def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}

    async def insert(self, table: str, columns: dict[str, Column], start: int, stop: int) -> None:
        names = list(columns)
        data = [self.convert(columns[name], start, stop) for name in names]
        marks = ", ".join("?" * len(names))
        self.db.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", zip(*data, strict=True)
        )
        self.db.commit()

    async def execute(self, sql: str, *params: Any) -> None:
        self.db.execute(sql, params)
        self.db.commit()

    async def scalar(self, sql: str, *params: Any) -> Any:
        return self.db.execute(sql, params).fetchone()[0]

    async def close(self) -> None:
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    def datetimes(self, values: npt.NDArray[Any]) -> list[Any]:
        # As Tortoise writes an aware datetime on SQLite: "2026-12-01 09:30:00+00:00".
        text = np.datetime_as_string(values, unit="s").tolist()
        return [None if s == "NaT" else s.replace("T", " ") + "+00:00" for s in text]

    def dates(self, values: npt.NDArray[Any]) -> list[Any]:
        text = np.datetime_as_string(values, unit="D").tolist()
        return [None if s == "NaT" else s for s in text]

    def bools(self, values: list[bool]) -> list[Any]:
        return [int(v) for v in values]


class PostgresSink(Sink):
    dialect = "postgres"

    def __init__(self, connection: Any) -> None:
        self.db = connection

    @classmethod
    async def connect(cls, url: str) -> PostgresSink:
        import asyncpg

        return cls(await asyncpg.connect(_asyncpg_url(url)))

    async def columns(self, table: str) -> set[str]:
        rows = await self.db.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table
        )
        return {row[0] for row in rows}

    async def insert(self, table: str, columns: dict[str, Column], start: int, stop: int) -> None:
        names = list(columns)
        data = [self.convert(columns[name], start, stop) for name in names]
        await self.db.copy_records_to_table(table, records=zip(*data, strict=True), columns=names)

    async def execute(self, sql: str, *params: Any) -> None:
        await self.db.execute(_numbered(sql), *params)

    async def scalar(self, sql: str, *params: Any) -> Any:
        return await self.db.fetchval(_numbered(sql), *params)

    async def close(self) -> None:
        await self.db.close()

    def datetimes(self, values: npt.NDArray[Any]) -> list[Any]:
        naive = values.astype("datetime64[us]").astype(object).tolist()
        return [None if v is None else v.replace(tzinfo=UTC) for v in naive]

    def dates(self, values: npt.NDArray[Any]) -> list[Any]:
        out: list[Any] = values.astype(object).tolist()
        return out


def _numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, …``."""
    parts = sql.split("?")
    return "".join(f"{p}${i + 1}" if i < len(parts) - 1 else p for i, p in enumerate(parts))


def _asyncpg_url(url: str, database: str | None = None) -> str:
    parts = urlsplit(url)
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, "", ""))


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def _remove_sqlite(path: str, make_folder: bool = True) -> None:
    for suffix in ("", "-wal", "-shm", "-writers.lock"):
        Path(path + suffix).unlink(missing_ok=True)
    if make_folder:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def fresh_database(url: str) -> None:
    """Remove the SQLite file, or drop and create the PostgreSQL database."""
    if is_sqlite(url):
        from servicedialog.db import sqlite_path

        _remove_sqlite(sqlite_path(url))
        return
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    if not name or name == "app" or name.startswith("test"):
        raise SystemExit(f"refusing to drop the database {name!r}: name one of your own")
    admin = await asyncpg.connect(_asyncpg_url(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop_database(url: str) -> None:
    """Remove a generated database (the SQLite files, or the PostgreSQL database)."""
    if is_sqlite(url):
        from servicedialog.db import sqlite_path

        _remove_sqlite(sqlite_path(url), make_folder=False)
        return
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    if not name or name == "app" or name.startswith("test"):
        raise SystemExit(f"refusing to drop the database {name!r}")
    admin = await asyncpg.connect(_asyncpg_url(url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def settings_for(url: str) -> Any:
    from servicedialog.settings import Settings

    return Settings(database_url=url, secret_key="dashboards-data")


# --- the small tables, through the ORM -----------------------------------------------------


@dataclass
class OrgFacts:
    spec: OrgSpec
    id: int
    zone: str
    calendar: Any  # WorkCalendar
    units: dict[str, int]
    services: list[tuple[ServiceSpec, int, int | None]]  # spec, service id, unit id
    commitments: dict[int, int]  # service id -> commitment id
    areas: dict[str, int]  # problem-area code -> id
    handlers: list[int]
    contact_centre: int
    extra: dict[str, Any] = field(default_factory=dict)


async def create_small(specs: Sequence[OrgSpec], today: date, years: int) -> list[OrgFacts]:
    from commitments.models import Commitment, CommitmentVersion, Service
    from commitments.services import import_catalogue
    from commitments.states import CommitmentStatus
    from complaints.handling import handling_catalogue
    from problem_areas.models import ProblemArea
    from problem_areas.services import seed_demo as seed_areas
    from servicedialog.auth import hash_password
    from servicedialog.calendars import calendar_for
    from servicedialog.models import Membership, Unit, User
    from servicedialog.orgs.services import create_organisation
    from servicedialog.roles import Role

    password_hash = hash_password(PASSWORD)  # once: argon2 takes a while per call
    first_day = today.replace(day=1) - timedelta(days=365 * years)
    result = []
    for spec in specs:
        org = await create_organisation(
            spec.slug, spec.name_sv, spec.name_en, spec.country, spec.kind
        )
        org.population = spec.population
        await org.save(update_fields=["population"])
        units = {}
        for code, sv, en in spec.units:
            units[code] = (
                await Unit.create(organisation=org, code=code, name_sv=sv, name_en=en)
            ).id

        async def user(
            local: str,
            name: str,
            role: Role,
            unit: str | None = None,
            org: Any = org,
            units: dict[str, int] = units,
            domain: str = spec.domain,
        ) -> int:
            account = await User.create(
                email=f"{local}@{domain}", display_name=name, password_hash=password_hash
            )
            await Membership.create(
                user=account, organisation=org, role=role, unit_id=units.get(unit) if unit else None
            )
            return int(account.id)

        await user("admin", "Ada Admin", Role.ADMIN)
        await user("ledning", "Leo Ledning", Role.LEADERSHIP)
        await user("kvalitet", "Kia Kvalitet", Role.QUALITY_MANAGER)
        contact = await user(
            "kontakt", "Kari Kontakt", Role.CONTACT_CENTRE, next(iter(units)) if units else None
        )
        handlers = [
            await user(f"handlaggare{i}", f"Handläggare {i}", Role.HANDLER) for i in range(1, 7)
        ]
        services: list[tuple[ServiceSpec, int, int | None]] = []
        commitments: dict[int, int] = {}
        for s in spec.services:
            service = await Service.create(
                organisation=org,
                unit_id=units.get(s.unit),
                code=s.code,
                name_sv=s.name_sv,
                name_en=s.name_en,
                channels=list(s.channels),
                eservice_level=ESERVICE_LEVELS[len(services) % len(ESERVICE_LEVELS)],
            )
            services.append((s, service.id, units.get(s.unit)))
            commitment = await Commitment.create(
                service=service, key="beslut", status=CommitmentStatus.PUBLISHED
            )
            commitments[service.id] = commitment.id
            words = UNIT_WORDS.get(s.clock, s.clock)
            promise = f"Vi ger besked om {s.name_sv.lower()} inom {s.threshold} {words}."
            await CommitmentVersion.create(
                commitment=commitment,
                version=1,
                promise_sv=promise,
                unit=s.clock,
                threshold=s.threshold,
                target_share=0.9,
                period=s.period,
                valid_from=first_day,
            )
            if s.new_threshold is not None:
                await CommitmentVersion.create(
                    commitment=commitment,
                    version=2,
                    promise_sv=promise.replace(str(s.threshold), str(s.new_threshold)),
                    unit=s.clock,
                    threshold=s.new_threshold,
                    target_share=0.9,
                    period=s.period,
                    valid_from=date(today.year - 3, 1, 1),
                )
        await import_catalogue(org, handling_catalogue())  # SYNPUNKT: acknowledge, answer
        await seed_areas(org)
        areas = {a.code: a.id for a in await ProblemArea.filter(organisation_id=org.id)}
        result.append(
            OrgFacts(
                spec,
                org.id,
                org.time_zone,
                await calendar_for(org),
                units,
                services,
                commitments,
                areas,
                handlers,
                contact,
            )
        )
    return result


# --- the big tables ------------------------------------------------------------------------


def _arrivals(rng: np.random.Generator, n: int, growth: float = 1.0) -> npt.NDArray[np.float64]:
    """``n`` moments as fractions of the span, sorted, with a density rising by
    ``growth`` from the first day to the last."""
    u = rng.random(n)
    t = (np.sqrt(1 + (2 * growth + growth**2) * u) - 1) / growth
    t.sort()
    return t


def _office_seconds(
    rng: np.random.Generator, t: npt.NDArray[np.float64], start: np.datetime64, days: int
) -> npt.NDArray[Any]:
    """Moments on the day ``t`` falls on, 07:00–17:00 UTC."""
    day = np.minimum(np.floor(t * days), days - 1).astype(np.int64)
    seconds = day * DAY + 7 * 3600 + rng.integers(0, 10 * 3600, len(t))
    return start + seconds.astype("timedelta64[s]")


async def bulk_cases(
    sink: Sink,
    rng: np.random.Generator,
    org: OrgFacts,
    n: int,
    start: np.datetime64,
    days: int,
    now: np.datetime64,
) -> int:
    shares = _share([s for s, _, _ in org.services])
    counts = _split(n, shares)
    total = 0
    for (spec, service_id, _unit), count in zip(org.services, counts, strict=True):
        if count == 0:
            continue
        t = _arrivals(rng, count, growth=0.8)
        received = _office_seconds(rng, t, start, days)
        months = received.astype("datetime64[M]").astype(np.int64) % 12 + 1
        threshold = (spec.new_threshold or spec.threshold) * CALENDAR_DAYS[spec.clock]
        handling = rng.gamma(2.0, threshold / spec.margin / 2.0, count)
        handling *= np.where(months == 7, 1.5, 1.0)  # the summer holidays
        if SLIPPING.get(org.spec.slug) == spec.code:
            handling *= 1 + 1.2 * np.clip((t - (1 - 1.5 / (days / 365))) * (days / 365) / 1.5, 0, 1)
        completed = received + (handling * DAY).astype("timedelta64[s]")
        stuck = rng.random(count) < 0.003
        open_ = (completed > now) | stuck
        paused = rng.random(count) < 0.02
        pause_start = received.astype("datetime64[D]") + 1
        pause_end = pause_start + rng.integers(2, 15, count).astype("timedelta64[D]")
        pauses = ["[]"] * count
        for i in np.flatnonzero(paused).tolist():
            pauses[i] = json.dumps(
                [[str(pause_start[i]), str(pause_end[i]), "Väntar på komplettering"]]
            )
            completed[i] += (pause_end[i] - pause_start[i]).astype("timedelta64[s]")
        channel = rng.choice(np.array(spec.channels, dtype=object), count)
        columns = {
            "service_id": Column("int", np.full(count, service_id)),
            "case_ref": Column("str", [f"{spec.code}-{i:07d}" for i in range(count)]),
            "received_at": Column("dt", received),
            "completed_at": Column("dt", completed, null=open_),
            "pauses": Column("json", pauses),
            "channel": Column("str", channel, null=rng.random(count) < 0.1),
        }
        await sink.insert_all("commitments_case", columns, count)
        total += count
    return total


def _local_days(moments: npt.NDArray[Any], zone: str) -> npt.NDArray[Any]:
    """UTC moments as the organisation's local dates (the offset of standard time plus
    one hour in summer, near enough for deadlines counted in days)."""
    offset = 2 if zone == "Europe/Helsinki" else 1
    months = moments.astype("datetime64[M]").astype(np.int64) % 12 + 1
    summer = (months >= 4) & (months <= 10)
    local = moments + ((offset + summer) * 3600).astype("timedelta64[s]")
    return local.astype("datetime64[D]")


async def bulk_feedback(
    sink: Sink,
    rng: np.random.Generator,
    org: OrgFacts,
    n: int,
    first_id: int,
    start: np.datetime64,
    days: int,
    now: np.datetime64,
    pool: dict[str, list[tuple[str, str]]],
) -> dict[str, Any]:
    """``n`` feedback records (ids from ``first_id``), their labels and registration
    events; returns the registration counters' last numbers per year."""
    if n == 0:
        return {"counters": {}}
    years = days / 365
    t = _arrivals(rng, n, growth=1.5)
    received = start + (np.minimum(t * days * DAY, days * DAY - 1)).astype("timedelta64[s]")
    age_days = (now - received).astype("timedelta64[s]").astype(np.int64) / DAY
    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    codes = sorted(pool)
    # The area each text is about: the e-services rise over the last year, with a spike
    # in the last ten days (the rising-problems panel flags it).
    base = np.array([3.0 if c == "handlaggningstid" else 1.0 for c in codes])
    rising = codes.index(RISING_AREA) if RISING_AREA in codes else 0
    area_index = rng.choice(len(codes), n, p=base / base.sum())
    last_year = np.clip((t - (1 - 1 / years)) * years, 0, 1)
    area_index[rng.random(n) < 0.12 * last_year] = rising
    area_index[(age_days < 10) & (rng.random(n) < 0.35)] = rising
    pick = rng.random(n)
    texts: list[str] = []
    languages: list[str] = []
    for code_index, p in zip(area_index.tolist(), pick.tolist(), strict=True):
        options = pool[codes[code_index]]
        text, language = options[int(p * len(options))]
        texts.append(text)
        languages.append(language)
    kind = rng.choice(np.array(KINDS, dtype=object), n, p=KIND_P)
    # Channels: the web takes over from the phone over the years.
    p_web = 0.35 + 0.3 * t
    p_phone = 0.3 - 0.15 * t
    rest = 1 - p_web - p_phone
    probs = np.stack([p_web, p_phone, rest * 0.45, rest * 0.2, rest * 0.15, rest * 0.2], axis=1)
    channel_index = (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    channel = np.array(CHANNELS, dtype=object)[np.minimum(channel_index, len(CHANNELS) - 1)]
    service_pick = rng.integers(0, len(org.services), n)
    has_service = rng.random(n) < 0.9
    service_ids = np.array([s[1] for s in org.services])[service_pick]
    service_units = np.array([s[2] or 0 for s in org.services])[service_pick]
    unit_ids = np.array(list(org.units.values()))
    unit = np.where(has_service, service_units, unit_ids[rng.integers(0, len(unit_ids), n)])
    no_unit = (unit == 0) | (~has_service & (rng.random(n) < 0.5))
    commitment_ids = np.array([org.commitments[s[1]] for s in org.services])[service_pick]
    has_commitment = has_service & (kind == "complaint") & (rng.random(n) < 0.3)
    anonymous = rng.random(n) < 0.15
    # Status by age: nearly everything of the last weeks open, a thin tail of older ones.
    open_p = np.maximum(0.002, 0.95 * np.exp(-age_days / 20))
    is_open = rng.random(n) < open_p
    status = np.where(is_open, "in_progress", "closed").astype(object)
    open_pick = rng.random(n)
    status[is_open & (open_pick < 0.25)] = "received"
    status[is_open & (age_days < 2)] = "received"
    status[is_open & (open_pick > 0.8)] = "waiting"
    status[is_open & (open_pick > 0.92)] = "review"
    closed = status == "closed"
    acknowledged = status != "received"
    received_day = _local_days(received, org.zone)
    cal = org.calendar.busdaycal
    ack_due = np.busday_offset(received_day, 2, roll="forward", busdaycal=cal)
    extended = rng.random(n) < 0.03
    answer_due = np.busday_offset(
        received_day, np.where(extended, 20, 10), roll="forward", busdaycal=cal
    )
    ack_delay = rng.gamma(1.4, 0.9, n) * DAY
    acknowledged_at = received + ack_delay.astype("timedelta64[s]")
    typical = np.full(n, 7.0)
    if org.spec.slower_answers:
        typical *= 1 + 0.7 * last_year
    answered_at = received + (rng.gamma(2.0, typical / 2.0) * DAY + 3600).astype("timedelta64[s]")
    acknowledged_at = np.minimum(acknowledged_at, answered_at)
    for moments in (acknowledged_at, answered_at):
        np.minimum(moments, now - np.timedelta64(60, "s"), out=moments)
    closed_at = answered_at + rng.integers(0, 7200, n).astype("timedelta64[s]")
    np.minimum(closed_at, now, out=closed_at)
    complaint = kind == "complaint"
    outcome_index = rng.choice(len(OUTCOMES), n, p=(0.3, 0.25, 0.3, 0.15))
    outcome = np.array(OUTCOMES, dtype=object)[outcome_index]
    area_ids = np.array([org.areas.get(c, 0) for c in codes])[area_index]
    other_area = np.array([org.areas.get(c, 0) for c in codes])[rng.integers(0, len(codes), n)]
    has_root = closed & (kind != "praise") & (rng.random(n) < 0.85)
    root_cause = np.where(rng.random(n) < 0.9, area_ids, other_area)
    upheld = closed & complaint & (outcome_index <= 1)
    improved = upheld & (rng.random(n) < 0.15)
    improvement = np.full(n, "", dtype=object)
    improvement[improved] = np.array(IMPROVEMENTS, dtype=object)[
        rng.integers(0, len(IMPROVEMENTS), int(improved.sum()))
    ]
    improvement_ref = np.full(n, "", dtype=object)
    refs = np.flatnonzero(improved & (rng.random(n) < 0.5))
    improvement_ref[refs] = [f"FÖRB-{i}" for i in range(len(refs))]
    rated = closed & ~anonymous & (rng.random(n) < 0.3)
    satisfaction = rng.choice(5, n, p=(0.12, 0.13, 0.2, 0.3, 0.25)) + 1
    secret = rng.random(n) < 0.01
    handlers = np.array(org.handlers)
    assigned = handlers[rng.integers(0, len(handlers), n)]
    by_contact = np.isin(channel, ("phone", "visit", "letter")) & (rng.random(n) < 0.8)
    years_of = received.astype("datetime64[Y]").astype(np.int64) + 1970
    counters: dict[int, int] = {}
    numbers = []
    for year in years_of.tolist():
        counters[year] = counters.get(year, 0) + 1
        numbers.append(f"SYN-{year}-{counters[year]:06d}")
    paused_since = np.where(
        status == "waiting", np.datetime64(str(now)[:10]) - 3, np.datetime64("NaT")
    ).astype("datetime64[D]")
    answered_day = _local_days(answered_at, org.zone)
    ack_day = _local_days(acknowledged_at, org.zone)
    handling_days = np.busday_count(received_day, answered_day, busdaycal=cal)
    contact_names = [f"Person {i}" for i in ids.tolist()]
    contact_emails = [f"person{i}@example.se" for i in ids.tolist()]
    columns = {
        "id": Column("int", ids),
        "organisation_id": Column("int", np.full(n, org.id)),
        "number": Column("str", numbers),
        "kind": Column("str", kind),
        "channel": Column("str", channel),
        "service_id": Column("int", service_ids, null=~has_service),
        "commitment_id": Column("int", commitment_ids, null=~has_commitment),
        "unit_id": Column("int", unit, null=no_unit),
        "text": Column("str", texts),
        "masked_text": Column("str", texts),
        "place": Column("str", [""] * n),
        "anonymous": Column("bool", anonymous),
        "contact_name": Column("str", np.where(anonymous, "", np.array(contact_names))),
        "contact_email": Column("str", np.where(anonymous, "", np.array(contact_emails))),
        "contact_phone": Column("str", [""] * n),
        "language": Column("str", languages),
        "registered_by_id": Column("int", np.full(n, org.contact_centre), null=~by_contact),
        "status": Column("str", status),
        "stage": Column("int", np.where(status == "review", 2, 1)),
        "assigned_to_id": Column("int", assigned, null=~acknowledged),
        "received_at": Column("dt", received),
        "acknowledge_due": Column("date", ack_due),
        "answer_due": Column("date", answer_due),
        "acknowledged_at": Column("dt", acknowledged_at, null=~acknowledged),
        "answered_at": Column("dt", answered_at, null=~closed),
        "closed_at": Column("dt", closed_at, null=~closed),
        "paused_since": Column("date", paused_since),
        "pause_reason": Column("str", np.where(status == "waiting", "Väntar på komplettering", "")),
        "pauses": Column("json", ["[]"] * n),
        "extended": Column("bool", extended),
        "outcome": Column("str", outcome, null=~(closed & complaint)),
        "remedy": Column("str", [""] * n),
        "root_cause_id": Column("int", root_cause, null=~has_root | (root_cause == 0)),
        "improvement": Column("str", improvement),
        "improvement_ref": Column("str", improvement_ref),
        "satisfaction": Column("int", satisfaction, null=~rated),
        "satisfaction_comment": Column("str", [""] * n),
        "secret": Column("bool", secret),
        "public_summary": Column("str", [""] * n),
        "retention_class": Column("str", np.where(complaint, "standard", "short")),
        "published_text": Column("str", [""] * n),
        "published_answer": Column("str", [""] * n),
        "tracking_hash": Column(
            "str", [hashlib.sha256(f"dash-{i}".encode()).hexdigest() for i in ids.tolist()]
        ),
        "updated_at": Column("dt", np.where(closed, closed_at, received)),
        # Columns others add for the dashboards: written when the table has them (the
        # statistics hook with full=True computes them again from the records).
        "acknowledged_on_time": Column("bool", ack_day <= ack_due, null=~acknowledged),
        "answered_on_time": Column("bool", answered_day <= answer_due, null=~closed),
        "handling_days": Column("int", handling_days, null=~closed),
    }
    await sink.insert_all("feedback", columns, n)
    # One label per record: what the classifier said (mostly right), some confirmed or
    # corrected by a person.
    wrong = rng.random(n) < 0.08
    state_pick = rng.random(n)
    state = np.where(state_pick < 0.8, "predicted", "confirmed").astype(object)
    corrected = (state_pick > 0.94) | (wrong & (state_pick >= 0.8))
    state[corrected] = "corrected"
    predicted = np.where(wrong, other_area, area_ids)
    label_area = np.where(state == "predicted", predicted, area_ids)
    set_at = received + np.timedelta64(60, "s")
    labels = {
        "organisation_id": Column("int", np.full(n, org.id)),
        "source": Column("str", ["feedback"] * n),
        "source_id": Column("int", ids),
        "text": Column("str", texts),
        "language": Column("str", languages),
        "received_at": Column("dt", received),
        "area_id": Column("int", label_area, null=label_area == 0),
        "confidence": Column("float", np.round(rng.beta(5, 2, n), 4)),
        "predicted_area_id": Column("int", predicted, null=predicted == 0),
        "model_version": Column("str", ["v1"] * n),
        "state": Column("str", state),
        "hint_area_id": Column("int", root_cause, null=~has_root | (root_cause == 0)),
        "hidden": Column("bool", secret),
        "set_at": Column("dt", set_at),
        "created_at": Column("dt", set_at),
    }
    await sink.insert_all("problem_areas_label", labels, n)
    return {"counters": counters}


async def registration_events(sink: Sink, after_id: int) -> None:
    """One 'registered' event per record, in one statement."""
    if sink.dialect == "postgres":
        data, yes = "jsonb_build_object('channel', channel)", "TRUE"
    else:
        data, yes = "json_object('channel', channel)", "1"
    await sink.execute(
        "INSERT INTO feedback_event (kind, body, visible_to_person, data, created_at, "
        f"author_id, feedback_id) SELECT 'registered', '', {yes}, {data}, received_at, NULL, id "
        "FROM feedback WHERE id > ?",
        after_id,
    )


# --- the whole run -------------------------------------------------------------------------


def text_pool(seed: int, size: int = 6000) -> dict[str, list[tuple[str, str]]]:
    """The demo's hand-written texts by problem-area code: (text, language)."""
    from problem_areas.starter.demo_texts import demo_texts

    pool: dict[str, list[tuple[str, str]]] = {}
    for text, language, code in demo_texts(random.Random(seed), size):
        pool.setdefault(code, []).append((text, language))
    return pool


async def generate(
    database: str,
    feedback: int = 20_000,
    cases: int = 40_000,
    years: int = 10,
    organisations: int = 5,
    seed: int = 13,
    say: Callable[[str], object] = lambda line: print(line, file=sys.stderr, flush=True),
    fresh: bool = True,
) -> dict[str, Any]:
    """Make the database anew (``fresh=False``: use it as it is, migrated or empty) and
    fill it; returns the counts and each step's seconds."""
    from tortoise.context import TortoiseContext

    from servicedialog.db import migrate, tortoise_config
    from servicedialog.features import discover

    if not 1 <= organisations <= len(ORGANISATIONS):
        raise ValueError(f"--organisations must be 1 to {len(ORGANISATIONS)}")
    specs = ORGANISATIONS[:organisations]
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now_ = time.perf_counter()
        steps[name] = round(now_ - clock, 2)
        say(f"{name}: {steps[name]:.1f} s")
        clock = now_

    if fresh:
        await fresh_database(database)
    settings = settings_for(database)
    features = discover()
    await migrate(settings, features)
    step("migrate")
    today = datetime.now(UTC).date()
    days = 365 * years
    start = np.datetime64(today - timedelta(days=days), "s")
    now = np.datetime64(datetime.now(UTC).replace(tzinfo=None), "s")
    rng = np.random.default_rng(seed)
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(settings, features))
        orgs = await create_small(specs, today, years)
        step("organisations, users, services, commitments, areas")
        if is_sqlite(database):
            from servicedialog.db import sqlite_path

            sink: Sink = SqliteSink(sqlite_path(database))
        else:
            sink = await PostgresSink.connect(database)
        try:
            shares = _share(specs)
            total_cases = 0
            for org, count in zip(orgs, _split(cases, shares), strict=True):
                total_cases += await bulk_cases(sink, rng, org, count, start, days, now)
            step(f"cases ({total_cases:,})")
            pool = text_pool(seed)
            first = int(await sink.scalar("SELECT coalesce(max(id), 0) FROM feedback"))
            next_id = first + 1
            counter_rows = []
            for org, count in zip(orgs, _split(feedback, shares), strict=True):
                made = await bulk_feedback(sink, rng, org, count, next_id, start, days, now, pool)
                next_id += count
                counter_rows += [(org.id, y, last) for y, last in made["counters"].items()]
            for org_id, year, last in counter_rows:
                await sink.execute(
                    "INSERT INTO feedback_counter (organisation_id, year, last_number) "
                    "VALUES (?, ?, ?)",
                    org_id,
                    year,
                    last,
                )
            step(f"feedback and labels ({next_id - first - 1:,})")
            await registration_events(sink, first)
            if sink.dialect == "postgres":
                for table in ("feedback", "problem_areas_label", "commitments_case"):
                    await sink.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
            step("registration events")
            await sink.execute("ANALYZE")
            step("analyze")
        finally:
            await sink.close()
        await refresh_statistics(orgs, features, step)
    counts = await count_rows(database)
    say(f"rows: {counts}")
    return {
        "steps": steps,
        "counts": counts,
        "organisations": [o.spec.slug for o in orgs],
        "seconds": round(sum(steps.values()), 1),
    }


async def refresh_statistics(
    orgs: Sequence[OrgFacts], features: Sequence[Any], step: Callable[[str], None]
) -> None:
    """Every feature's statistics hook in full; commitments' recompute without a hook."""
    from servicedialog.models import Organisation

    hooked = [f for f in features if getattr(f, "statistics", None) is not None]
    for feature in hooked:
        for org in orgs:
            await feature.statistics(await Organisation.get(id=org.id), True)
        step(f"statistics hook: {feature.name}")
    if not any(f.name == "commitments" for f in hooked):
        from commitments.queries import recompute_organisation

        for org in orgs:
            await recompute_organisation(await Organisation.get(id=org.id))
        step("commitments: recompute_organisation")


TABLES = (
    "core_organisation",
    "commitments_service",
    "commitments_version",
    "commitments_case",
    "commitments_fulfilment",
    "feedback",
    "problem_areas_label",
    "feedback_event",
)


async def count_rows(database: str) -> dict[str, int]:
    if is_sqlite(database):
        from servicedialog.db import sqlite_path

        sink: Sink = SqliteSink(sqlite_path(database))
    else:
        sink = await PostgresSink.connect(database)
    try:
        return {t: int(await sink.scalar(f"SELECT count(*) FROM {t}")) for t in TABLES}
    finally:
        if isinstance(sink, SqliteSink):
            sink.db.close()
        else:
            await sink.close()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", required=True, help="sqlite:///path or postgres://user:pw@host:port/name"
    )
    parser.add_argument("--feedback", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=40_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--organisations", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args()
    facts = asyncio.run(
        generate(
            args.database, args.feedback, args.cases, args.years, args.organisations, args.seed
        )
    )
    print(json.dumps(facts, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
