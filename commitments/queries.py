"""Reading case data for the clocks, and keeping the precomputed fulfilment up to date."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import anyio.to_thread
import numpy as np
import numpy.typing as npt
from tortoise import connections
from tortoise.transactions import in_transaction

from commitments.fulfilment import Cases, PeriodResult, Terms, elapsed_in_unit, measure
from commitments.models import (
    CaseMonth,
    Commitment,
    CommitmentSummary,
    CommitmentVersion,
    FulfilmentPeriod,
    Service,
)
from commitments.states import Channel, CommitmentStatus, Period
from servicedialog import sql
from servicedialog.calendars import calendar_for, today_for, zone_of
from servicedialog.clock import ClockUnit, Pauses, WorkCalendar, deadline
from servicedialog.localtime import to_local
from servicedialog.models import Organisation

# The public catalogue and what is derived from it (the feedback form's services and
# promises) are cached per worker under this prefix, and dropped when the organisation's
# services, commitments or fulfilment change.
CATALOGUE_TTL_SECONDS = 60.0


def catalogue_cache_key(org: Organisation) -> str:
    return f"commitments:catalogue:{org.id}:"


# The channels as small numbers in the case lists (0: none recorded).
CHANNEL_CODES = {channel.value: number for number, channel in enumerate(Channel, start=1)}


def _channel_code(column: str) -> str:
    cases = " ".join(f"WHEN '{value}' THEN {number}" for value, number in CHANNEL_CODES.items())
    return f"CASE {column} {cases} ELSE 0 END"


def _aggregate_sql(dialect: str) -> str:
    """One row per service, its cases' ids, times and channels as comma-separated lists.
    The lists of one row are built in the same pass (SQLite) or the same order
    (PostgreSQL), so their n-th elements belong to the same case; numpy parses them in C."""
    received = sql.epoch("c.received_at", dialect)
    completed = f"COALESCE({sql.epoch('c.completed_at', dialect)}, -1)"
    expressions = ("c.id", received, completed, _channel_code("c.channel"))
    lists = ", ".join(sql.joined(e, dialect, "c.id") for e in expressions)
    return sql.for_dialect(
        f"SELECT c.service_id, {lists} "
        "FROM commitments_case c WHERE c.service_id IN "
        "(SELECT id FROM commitments_service WHERE organisation_id = ?) "
        "GROUP BY c.service_id",
        dialect,
    )


def _numbers(text: str) -> npt.NDArray[np.int64]:
    return np.fromstring(text, dtype=np.int64, sep=",")


@dataclass(frozen=True)
class LoadedCases:
    """Per service: its cases, and each case's channel code (CHANNEL_CODES; 0: none)."""

    cases: dict[int, Cases]
    channels: dict[int, npt.NDArray[np.int64]]


async def load_organisation_cases(organisation: Organisation, zone: str) -> dict[int, Cases]:
    """Every case of the organisation's services as numpy arrays in local time, per service:
    two queries (times, and the few cases with pauses) and no Python object per case."""
    return (await load_cases_and_channels(organisation, zone)).cases


async def load_cases_and_channels(organisation: Organisation, zone: str) -> LoadedCases:
    """:func:`load_organisation_cases` with each case's channel (the same queries)."""
    connection = connections.get("default")
    dialect = sql.dialect_of(connection)
    _, groups = await connection.execute_query(_aggregate_sql(dialect), [organisation.id])
    pauses_text = sql.as_text("c.pauses", dialect)
    _, paused = await connection.execute_query(
        sql.for_dialect(
            f"SELECT c.service_id, c.id, {pauses_text} FROM commitments_case c "
            "WHERE c.service_id IN (SELECT id FROM commitments_service "
            f"WHERE organisation_id = ?) AND {pauses_text} <> '[]'",
            dialect,
        ),
        [organisation.id],
    )
    pauses_by_service: dict[int, list[tuple[int, Any]]] = {}
    for sid, case_id, text in paused:
        pauses_by_service.setdefault(int(sid), []).append((int(case_id), json.loads(text)))
    return await anyio.to_thread.run_sync(_parse_cases, groups, pauses_by_service, zone)


def _parse_cases(
    groups: list[Any], pauses_by_service: dict[int, list[tuple[int, Any]]], zone: str
) -> LoadedCases:
    """The services' comma-separated lists as arrays in local time (numpy, in a thread)."""
    result, channels = {}, {}
    for sid, ids_text, received_text, completed_text, channel_text in groups:
        ids, completed = _numbers(ids_text), _numbers(completed_text)
        local_completed = to_local(completed, zone)
        local_completed[completed == -1] = np.datetime64("NaT")
        result[int(sid)] = Cases(
            to_local(_numbers(received_text), zone),
            local_completed,
            _pauses_at(ids, pauses_by_service.get(int(sid), [])),
        )
        channels[int(sid)] = _numbers(channel_text)
    return LoadedCases(result, channels)


def _pauses_at(ids: npt.NDArray[np.int64], pause_rows: list[tuple[int, Any]]) -> Pauses:
    """The pauses of the listed cases, indexed by each case's position in ``ids``."""
    if not pause_rows:
        return Pauses.none()
    order = np.argsort(ids)
    wanted = np.array([case_id for case_id, _ in pause_rows], dtype=np.int64)
    positions = order[np.searchsorted(ids, wanted, sorter=order)]
    return Pauses.of(
        (int(position), date.fromisoformat(p[0]), date.fromisoformat(p[1]))
        for position, (_case_id, pauses) in zip(positions.tolist(), pause_rows, strict=True)
        for p in pauses
    )


def terms_of(version: CommitmentVersion) -> Terms:
    return Terms(
        ClockUnit(version.unit), version.threshold, version.target_share, Period(version.period)
    )


def version_in_force(versions: list[CommitmentVersion], period_start: date) -> CommitmentVersion:
    """The latest version valid from on or before the period's start (else the first)."""
    chosen = versions[0]
    for version in versions:
        if version.valid_from is None or version.valid_from <= period_start:
            chosen = version
    return chosen


EMPTY = Cases(
    np.array([], dtype="datetime64[s]"), np.array([], dtype="datetime64[s]"), Pauses.none()
)


def measure_commitment(
    versions: list[CommitmentVersion], calendar: WorkCalendar, cases: Cases, today: date
) -> tuple[list[FulfilmentPeriod], CommitmentSummary]:
    """The period rows and the twelve-month summary of one commitment (not yet saved)."""
    results = {v.id: measure(calendar, terms_of(v), cases, today) for v in versions}
    periods = [
        FulfilmentPeriod(version_id=vid, **asdict(r)) for vid, r in _choose(versions, results)
    ]
    summary = CommitmentSummary(
        commitment_id=versions[0].commitment_id,
        **last_year_summary(calendar, terms_of(versions[-1]), cases, today),
    )
    return periods, summary


def last_year_summary(
    calendar: WorkCalendar, terms: Terms, cases: Cases, today: date
) -> dict[str, float | int | None]:
    """Median and 90th percentile time of the cases completed in the last 365 days."""
    since = np.datetime64(today, "D") - np.timedelta64(365, "D")
    recent = ~np.isnat(cases.completed) & (cases.completed_day >= since)
    elapsed = elapsed_in_unit(calendar, terms, cases)[recent]
    if not len(elapsed):
        return {"cases": 0, "median_elapsed": None, "p90_elapsed": None}
    return {
        "cases": int(len(elapsed)),
        "median_elapsed": float(np.median(elapsed)),
        "p90_elapsed": float(np.percentile(elapsed, 90)),
    }


def _choose(
    versions: list[CommitmentVersion], results: dict[int, list[PeriodResult]]
) -> list[tuple[int, PeriodResult]]:
    starts = sorted({r.period_start for rs in results.values() for r in rs})
    chosen = []
    for start in starts:
        version = version_in_force(versions, start)
        match = next((r for r in results[version.id] if r.period_start == start), None)
        if match is not None:
            chosen.append((version.id, match))
    return chosen


def _measure_all(
    commitments: list[Commitment],
    versions: dict[int, list[CommitmentVersion]],
    calendar: WorkCalendar,
    cases: dict[int, Cases],
    today: date,
) -> tuple[list[FulfilmentPeriod], list[CommitmentSummary]]:
    periods: list[FulfilmentPeriod] = []
    summaries: list[CommitmentSummary] = []
    for commitment in commitments:
        if commitment.id in versions:
            rows, summary = measure_commitment(
                versions[commitment.id], calendar, cases.get(commitment.service_id, EMPTY), today
            )
            periods.extend(rows)
            summaries.append(summary)
    return periods, summaries


async def recompute_organisation(organisation: Organisation, today: date | None = None) -> int:
    """Recompute every measured commitment of the organisation and replace the stored
    figures in one transaction; returns how many period rows were written."""
    today = today or today_for(organisation)
    calendar = await calendar_for(organisation)
    zone = zone_of(organisation).key
    loaded = await load_cases_and_channels(organisation, zone)
    cases = loaded.cases
    commitments = await Commitment.filter(service__organisation_id=organisation.id).exclude(
        status=CommitmentStatus.DRAFT
    )
    versions: dict[int, list[CommitmentVersion]] = {}
    for version in await CommitmentVersion.filter(
        commitment_id__in=[c.id for c in commitments]
    ).order_by("version"):
        versions.setdefault(version.commitment_id, []).append(version)
    # numpy work (1.5 s per million cases) in a worker thread: the event loop keeps serving
    # this worker's other requests meanwhile.
    periods, summaries = await anyio.to_thread.run_sync(
        _measure_all, commitments, versions, calendar, cases, today
    )
    months = await anyio.to_thread.run_sync(case_months, loaded)
    ids = [c.id for c in commitments]
    async with in_transaction():
        await FulfilmentPeriod.filter(version__commitment_id__in=ids).delete()
        await CommitmentSummary.filter(commitment_id__in=ids).delete()
        await CaseMonth.filter(service__organisation_id=organisation.id).delete()
        await FulfilmentPeriod.bulk_create(periods, batch_size=1000)
        await CommitmentSummary.bulk_create(summaries, batch_size=1000)
        await CaseMonth.bulk_create(months, batch_size=1000)
    return len(periods)


def case_months(loaded: LoadedCases) -> list[CaseMonth]:
    """The cases counted per service, local month of receipt and channel (not yet saved),
    from the arrays the recompute has loaded anyway: numpy, no query."""
    names = {number: value for value, number in CHANNEL_CODES.items()}
    rows = []
    for service_id, cases in loaded.cases.items():
        months = cases.received.astype("datetime64[M]").astype(np.int64)
        key = months * 16 + loaded.channels[service_id]
        unique, counts = np.unique(key, return_counts=True)
        for value, count in zip(unique.tolist(), counts.tolist(), strict=True):
            month = np.datetime64(value // 16, "M").astype("datetime64[D]").astype(date)
            channel = names.get(value % 16, "")
            rows.append(CaseMonth(service_id=service_id, month=month, channel=channel, cases=count))
    return rows


@dataclass(frozen=True)
class PublishedCommitment:
    commitment: Commitment
    service: Service
    version: CommitmentVersion
    latest: FulfilmentPeriod | None


async def published_commitments(
    organisation: Organisation, today: date | None = None
) -> list[PublishedCommitment]:
    """Each published commitment of the organisation with its current version and latest
    finished period (the running one only while nothing has finished), ordered by service
    code: the public catalogue page in three queries."""
    today = today or today_for(organisation)
    commitments = (
        await Commitment.filter(
            service__organisation_id=organisation.id, status=CommitmentStatus.PUBLISHED
        )
        .select_related("service")
        .order_by("service__code", "key")
    )
    ids = [c.id for c in commitments]
    latest_versions: dict[int, CommitmentVersion] = {}
    for version in await CommitmentVersion.filter(commitment_id__in=ids).order_by("version"):
        latest_versions[version.commitment_id] = version
    # Pick the latest finished period of each commitment from light rows, then load only
    # those (the history of 50 commitments is over a thousand rows).
    chosen: dict[int, int] = {}
    ended: dict[int, bool] = {}
    rows = (
        await FulfilmentPeriod.filter(version__commitment_id__in=ids)
        .order_by("period_start")
        .values_list("id", "version__commitment_id", "period_end")
    )
    for period_id, commitment_id, period_end in rows:
        if commitment_id not in chosen or period_end < today or not ended[commitment_id]:
            chosen[commitment_id] = period_id
            ended[commitment_id] = period_end < today
    latest_periods = {p.id: p for p in await FulfilmentPeriod.filter(id__in=list(chosen.values()))}
    latest = {cid: latest_periods[pid] for cid, pid in chosen.items()}
    return [
        PublishedCommitment(c, c.service, latest_versions[c.id], latest.get(c.id))
        for c in commitments
        if c.id in latest_versions
    ]


async def commitment_history(commitment: Commitment) -> list[FulfilmentPeriod]:
    return list(
        await FulfilmentPeriod.filter(version__commitment_id=commitment.id)
        .select_related("version")
        .order_by("period_start")
    )


async def open_data_rows(organisation: Organisation) -> list[dict[str, object]]:
    """The open-data columns of issue 3, one row per commitment version and period."""
    periods = (
        await FulfilmentPeriod.filter(
            version__commitment__service__organisation_id=organisation.id,
            version__commitment__status=CommitmentStatus.PUBLISHED,
        )
        .select_related("version__commitment__service")
        .order_by("version__commitment__service__code", "version__commitment_id", "period_start")
    )
    return [
        {
            "organisation": organisation.slug,
            "service_code": p.version.commitment.service.code,
            "commitment_id": p.version.commitment_id,
            "version": p.version.version,
            "promise": p.version.promise_sv,
            "unit": str(p.version.unit.value),
            "threshold": p.version.threshold,
            "target_share": p.version.target_share,
            "period_start": p.period_start.isoformat(),
            "period_end": p.period_end.isoformat(),
            "total_volume": p.total_volume,
            "volume_meeting_target": p.volume_meeting_target,
            "performance": p.performance,
            "target_met": p.target_met,
        }
        for p in periods
    ]


@dataclass(frozen=True)
class OpenCase:
    service_code: str
    service_name: str
    case_ref: str
    received: date
    deadline: date
    working_days_left: int  # negative: working days since the deadline passed
    over_six_months: bool  # förvaltningslagen 12 §: the party may demand a decision


async def open_cases_by_deadline(
    organisation: Organisation, today: date, within_working_days: int = 5, limit: int = 500
) -> tuple[list[OpenCase], list[OpenCase]]:
    """(at risk, breached): open cases whose deadline falls within the next
    ``within_working_days`` working days, and open cases already past it; soonest first."""
    calendar = await calendar_for(organisation)
    zone = zone_of(organisation).key
    today_day = np.datetime64(today, "D")
    horizon = np.busday_offset(
        today_day, within_working_days, roll="forward", busdaycal=calendar.busdaycal
    )
    at_risk: list[OpenCase] = []
    breached: list[OpenCase] = []
    for item in await published_commitments(organisation, today):
        service, version = item.service, item.version
        rows = await _open_cases(service.id)
        if not rows:
            continue
        received = to_local(np.array([r[1] for r in rows], dtype=np.int64), zone).astype(
            "datetime64[D]"
        )
        pauses = Pauses.of(
            (i, date.fromisoformat(p[0]), date.fromisoformat(p[1]))
            for i, r in enumerate(rows)
            if r[2] and r[2] != "[]"
            for p in json.loads(r[2])
        )
        unit = ClockUnit(version.unit)
        if unit is ClockUnit.HOURS:
            continue  # hour clocks are watched where the cases are handled, not per day
        due = deadline(
            calendar,
            unit,
            received,
            version.threshold,
            pauses,
        )
        left = np.busday_count(today_day, due, busdaycal=calendar.busdaycal)
        six_months = (received.astype("datetime64[M]") + np.timedelta64(6, "M")).astype(
            "datetime64[D]"
        ) <= today_day
        for i in np.flatnonzero(due <= horizon):
            case = OpenCase(
                service.code,
                service.name_sv,
                rows[i][0],
                received[i].astype(date),
                due[i].astype(date),
                int(left[i]),
                bool(six_months[i]),
            )
            (breached if due[i] < today_day else at_risk).append(case)
    at_risk.sort(key=lambda c: c.deadline)
    breached.sort(key=lambda c: c.deadline)
    return at_risk[:limit], breached[:limit]


async def _open_cases(service_id: int) -> list[tuple[str, int, str]]:
    connection = connections.get("default")
    dialect = sql.dialect_of(connection)
    epoch, pauses = sql.epoch("received_at", dialect), sql.as_text("pauses", dialect)
    _, rows = await connection.execute_query(
        sql.for_dialect(
            f"SELECT case_ref, {epoch}, {pauses} FROM commitments_case "
            "WHERE service_id = ? AND completed_at IS NULL ORDER BY id",
            dialect,
        ),
        [service_id],
    )
    return [(r[0], r[1], r[2]) for r in rows]
