"""Case data import from CSV: streamed in batches, upserted, every bad line reported.

Columns: ``service_code, case_ref, received_at, completed_at, pauses``. Dates and times are
ISO 8601; a time without an offset is local time of the organisation's country. ``pauses``
holds ``start/end`` intervals separated by ``;``. Importing the same file again updates the
cases instead of adding them again (a case is identified by service and case_ref). A bad
line never stops the good ones: the report lists each rejected line and why.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_thread
import numpy as np
import numpy.typing as npt
from tortoise import connections

from commitments.models import Service
from servicedialog import sql
from servicedialog.bounds import moment_in_range, parse_day
from servicedialog.calendars import zone_of
from servicedialog.i18n import lazy as _
from servicedialog.localtime import from_local
from servicedialog.models import Organisation

COLUMNS = ("service_code", "case_ref", "received_at", "completed_at", "pauses")
BATCH_SIZE = 5000
MAX_REPORTED_ERRORS = 1000


class RowProblem(ValueError):
    """What is wrong with a line: an English msgid with %(name)s placeholders and their
    values, so the CLI prints English and the web pages translate it."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params)
        self.template = template
        self.params = params


@dataclass(frozen=True)
class RowError:
    line: int
    template: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params


@dataclass
class CaseImportReport:
    imported: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)

    def reject(self, error: RowError) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)


@dataclass(frozen=True)
class CaseRow:
    service_id: int
    case_ref: str
    received: int  # UTC epoch seconds
    completed: int | None
    pauses: list[list[str]]


class HeaderError(ValueError):
    pass


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """An ISO date or date-time between 1970 and 2100; dates mean the start of the day,
    local time. Raises ValueError for anything else."""
    value = datetime.fromisoformat(text) if "T" in text or " " in text.strip() else None
    if value is None:
        value = datetime.combine(date.fromisoformat(text), time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    try:
        moment = value.astimezone(UTC)
    except OverflowError:  # the year 1 east of Greenwich
        raise ValueError(text) from None
    if not moment_in_range(moment):
        raise ValueError(text)
    return moment


def parse_pauses(text: str) -> list[list[str]]:
    pauses = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        start_text, _sep, end_text = part.partition("/")
        start, end = parse_day(start_text), parse_day(end_text)
        if start is None or end is None:
            raise RowProblem(_("pause %(pause)s is not two dates start/end"), pause=part) from None
        if end < start:
            raise RowProblem(_("pause %(pause)s ends before it starts"), pause=part)
        pauses.append([start.isoformat(), end.isoformat(), ""])
    pauses.sort()
    for before, after in zip(pauses, pauses[1:], strict=False):
        if after[0] < before[1]:
            raise RowProblem(_("pauses overlap"))
    return pauses


def parse_row(row: dict[str, str], services: dict[str, int], tz: ZoneInfo) -> CaseRow:
    code, ref = (row.get("service_code") or "").strip(), (row.get("case_ref") or "").strip()
    if code not in services:
        raise RowProblem(_("unknown service_code %(code)s"), code=code)
    if not ref or len(ref) > 64:
        raise RowProblem(_("case_ref must be 1–64 characters"))
    try:
        received = parse_moment((row.get("received_at") or "").strip(), tz)
    except ValueError:
        raise RowProblem(_("received_at is not an ISO 8601 date or time")) from None
    completed_text = (row.get("completed_at") or "").strip()
    try:
        completed = parse_moment(completed_text, tz) if completed_text else None
    except ValueError:
        raise RowProblem(_("completed_at is not an ISO 8601 date or time")) from None
    if completed is not None and completed < received:
        raise RowProblem(_("completed_at is before received_at"))
    return CaseRow(
        services[code],
        ref,
        int(received.timestamp()),
        int(completed.timestamp()) if completed else None,
        parse_pauses(row.get("pauses") or ""),
    )


SIMPLE_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$")


def _simple(text: str) -> bool:
    """A plain local time of 1970–2100 (other years go the careful way, to be refused)."""
    return bool(SIMPLE_MOMENT.match(text)) and "1970" <= text[:4] <= "2100"


def read_batches(
    lines: Iterable[str],
    services: dict[str, int],
    zone: str,
    report: CaseImportReport,
    size: int,
) -> Iterator[list[CaseRow]]:
    """Batches of parsed rows. Plain rows (known service, local times without offset, no
    pauses) are parsed for a whole batch at once with numpy; every other row goes through
    :func:`parse_row`, which also words the errors. Both give the same result."""
    reader = csv.reader(lines)
    header = next(reader, [])
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise HeaderError(f"the header lacks the column(s) {', '.join(missing)}")
    index = [header.index(c) for c in COLUMNS]
    tz = ZoneInfo(zone)
    pending: list[tuple[int, list[str]]] = []
    for fields in reader:
        pending.append((reader.line_num, fields))
        if len(pending) >= size:
            yield _parse_batch(pending, index, services, zone, tz, report)
            pending = []
    if pending:
        yield _parse_batch(pending, index, services, zone, tz, report)


def _parse_batch(
    raw: list[tuple[int, list[str]]],
    index: list[int],
    services: dict[str, int],
    zone: str,
    tz: ZoneInfo,
    report: CaseImportReport,
) -> list[CaseRow]:
    plain: list[tuple[int, str, str, str, str]] = []
    slow: list[tuple[int, dict[str, str]]] = []
    for line, fields in raw:
        values = [fields[i].strip() if i < len(fields) else "" for i in index]
        code, ref, received, completed, pauses = values
        if (
            code in services
            and 0 < len(ref) <= 64
            and not pauses
            and _simple(received)
            and (not completed or _simple(completed))
        ):
            plain.append((line, code, ref, received, completed))
        else:
            slow.append((line, dict(zip(COLUMNS, values, strict=True))))
    rows = _parse_plain(plain, services, zone, slow)
    for line, row in sorted(slow):
        try:
            rows.append(parse_row(row, services, tz))
        except RowProblem as problem:
            report.reject(RowError(line, problem.template, problem.params))
    return rows


def _parse_plain(
    plain: list[tuple[int, str, str, str, str]],
    services: dict[str, int],
    zone: str,
    slow: list[tuple[int, dict[str, str]]],
) -> list[CaseRow]:
    if not plain:
        return []
    try:
        received = np.array([p[3] for p in plain], dtype="datetime64[s]")
        completed = np.array([p[4] or "NaT" for p in plain], dtype="datetime64[s]")
    except ValueError:  # an impossible date somewhere: let the careful path find it
        slow.extend((p[0], dict(zip(COLUMNS, (*p[1:], ""), strict=True))) for p in plain)
        return []
    received_utc = from_local(received, zone)
    open_case = np.isnat(completed)
    completed_utc = np.where(
        open_case, 0, from_local(np.where(open_case, received, completed), zone)
    )
    backwards = ~open_case & (completed_utc < received_utc)
    rows = []
    for i, (line, code, ref, received_text, completed_text) in enumerate(plain):
        if backwards[i]:
            slow.append(
                (
                    line,
                    dict(zip(COLUMNS, (code, ref, received_text, completed_text, ""), strict=True)),
                )
            )
            continue
        rows.append(
            CaseRow(
                services[code],
                ref,
                int(received_utc[i]),
                None if open_case[i] else int(completed_utc[i]),
                [],
            )
        )
    return rows


UPSERT = (
    "INSERT INTO commitments_case (service_id, case_ref, received_at, completed_at, pauses) "
    "VALUES ({values}) ON CONFLICT (service_id, case_ref) DO UPDATE SET "
    "received_at = excluded.received_at, completed_at = excluded.completed_at, "
    "pauses = excluded.pauses"
)


def _upsert_sql(dialect: str) -> str:
    return sql.for_dialect(UPSERT.format(values=f"?, ?, ?, ?, {sql.json_param(dialect)}"), dialect)


NO_PAUSES = "[]"


def _sql_values(rows: list[CaseRow], dialect: str) -> list[list[Any]]:
    """Parameters for the upsert, one list per row; times formatted for the whole batch."""
    pauses = [json.dumps(r.pauses) if r.pauses else NO_PAUSES for r in rows]
    completed_seconds = [r.completed if r.completed is not None else -1 for r in rows]
    if dialect == sql.POSTGRES:
        return [
            [
                r.service_id,
                r.case_ref,
                datetime.fromtimestamp(r.received, UTC),
                datetime.fromtimestamp(r.completed, UTC) if r.completed is not None else None,
                p,
            ]
            for r, p in zip(rows, pauses, strict=True)
        ]
    # The text Tortoise writes for an aware UTC datetime: "2026-01-05 08:00:00+00:00".
    received = _as_text(np.fromiter((r.received for r in rows), np.int64, len(rows)))
    completed = _as_text(np.array(completed_seconds, dtype=np.int64))
    return [
        [
            r.service_id,
            r.case_ref,
            received[i],
            completed[i] if r.completed is not None else None,
            pauses[i],
        ]
        for i, r in enumerate(rows)
    ]


def _as_text(seconds: npt.NDArray[np.int64]) -> list[str]:
    iso = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    return [f"{t[:10]} {t[11:]}+00:00" for t in iso.tolist()]


async def import_cases(
    organisation: Organisation,
    lines: Iterable[str],
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> CaseImportReport:
    """Stream ``lines`` (an open CSV file) into the database; memory stays at one batch
    whatever the file's size. ``progress`` is told how many rows each batch held."""
    services = dict(await Service.filter(organisation_id=organisation.id).values_list("code", "id"))
    zone = zone_of(organisation).key
    report = CaseImportReport()
    connection = connections.get("default")
    dialect = sql.dialect_of(connection)
    upsert = _upsert_sql(dialect)
    # Reading and parsing a batch (file reads, numpy) happens in a worker thread, so a
    # large upload does not stall this worker's other requests; the writes stay here.
    batches = read_batches(lines, services, zone, report, batch_size)
    while (batch := await anyio.to_thread.run_sync(next, batches, None)) is not None:
        if not batch:
            continue
        await connection.execute_many(upsert, _sql_values(batch, dialect))
        report.imported += len(batch)
        if progress:
            progress(len(batch))
    return report


@dataclass
class PreviewLine:
    line: int
    row: CaseRow | None
    raw: dict[str, str]
    error: RowError | None = None


@dataclass
class Preview:
    lines: list[PreviewLine] = field(default_factory=list)
    checked: int = 0
    errors: int = 0
    more: bool = False
    header_error: str = ""


async def preview(organisation: Organisation, path: Any, limit: int) -> Preview:
    """Parse the first ``limit`` lines of an uploaded file without writing anything."""
    services = dict(await Service.filter(organisation_id=organisation.id).values_list("code", "id"))
    tz = zone_of(organisation)
    return await anyio.to_thread.run_sync(_preview_file, path, services, tz, limit)


def _preview_file(path: Any, services: dict[str, int], tz: ZoneInfo, limit: int) -> Preview:
    result = Preview()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            result.header_error = ", ".join(missing)
            return result
        for row in reader:
            if result.checked >= limit:
                result.more = True
                break
            result.checked += 1
            try:
                result.lines.append(PreviewLine(reader.line_num, parse_row(row, services, tz), row))
            except RowProblem as problem:
                result.errors += 1
                error = RowError(reader.line_num, problem.template, problem.params)
                result.lines.append(PreviewLine(reader.line_num, None, row, error))
    return result
