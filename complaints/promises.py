"""The promise a complaint says was broken, with its deadline for that case where it can be
known: shown on the tracking page, the case page, the inbox, the export and Open311.

The deadline is the commitment's own clock (its unit and threshold, on the organisation's
calendar) counted from the day the matter began, when the person gave it (for example the
day they applied for the permit); for the organisation's feedback-handling promises
(``SYNPUNKT``: acknowledge, answer) it is the record's own deadline. A clock in hours, or a
promise without a start day, has no deadline here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from commitments.models import Commitment, CommitmentVersion, Service
from complaints.handling import SERVICE_CODE
from complaints.models import Feedback
from servicedialog.calendars import calendar_for
from servicedialog.clock import ClockUnit, Pauses, deadline
from servicedialog.models import Organisation


@dataclass(frozen=True)
class NamedPromise:
    commitment: Commitment
    service: Service
    version: CommitmentVersion  # the terms in force when the matter began (or the latest)
    started_on: date | None
    due: date | None  # the promise's deadline for this case, if it can be known

    def promise(self, language: str) -> str:
        return self.version.promise(language)

    def passed_on(self, day: date) -> bool | None:
        """Whether the deadline had passed by ``day`` (None: no deadline known)."""
        return None if self.due is None else self.due < day


def _in_force(versions: list[CommitmentVersion], day: date | None) -> CommitmentVersion:
    chosen = versions[-1]
    if day is not None:
        for version in versions:
            if version.valid_from is None or version.valid_from <= day:
                chosen = version
    return chosen


async def named_promise(feedback: Feedback, organisation: Organisation) -> NamedPromise | None:
    """The promise ``feedback`` names, or None."""
    if feedback.commitment_id is None:
        return None
    commitment = await Commitment.get_or_none(id=feedback.commitment_id).select_related("service")
    versions = (
        await CommitmentVersion.filter(commitment_id=feedback.commitment_id).order_by("version")
        if commitment is not None
        else []
    )
    if commitment is None or not versions:
        return None
    version = _in_force(list(versions), feedback.matter_started_on)
    due: date | None = None
    if commitment.service.code == SERVICE_CODE and commitment.key == "acknowledge":
        due = feedback.acknowledge_due
    elif commitment.service.code == SERVICE_CODE and commitment.key == "answer":
        due = feedback.answer_due
    elif feedback.matter_started_on is not None and version.unit != ClockUnit.HOURS:
        calendar = await calendar_for(organisation)
        days = deadline(
            calendar,
            ClockUnit(version.unit),
            np.array([feedback.matter_started_on], "datetime64[D]"),
            version.threshold,
            Pauses.none(),
        )
        due = date.fromisoformat(str(days[0]))
    return NamedPromise(commitment, commitment.service, version, feedback.matter_started_on, due)


async def promise_texts(commitment_ids: set[int], language: str) -> dict[int, str]:
    """The current promise text of each commitment, for lists and exports."""
    if not commitment_ids:
        return {}
    versions = await CommitmentVersion.filter(commitment_id__in=commitment_ids).order_by(
        "commitment_id", "version"
    )
    return {v.commitment_id: v.promise(language) for v in versions}  # the latest wins


async def deadlines(
    organisation: Organisation, rows: list[tuple[int | None, date | None]]
) -> list[date | None]:
    """The promise's deadline for each (commitment id, day the matter began) row, counted
    with the version in force on that day; None where there is no start day, no such
    commitment or a clock in hours. One calendar computation per version, not per row."""
    wanted = {c for c, started in rows if c is not None and started is not None}
    if not wanted:
        return [None] * len(rows)
    versions: dict[int, list[CommitmentVersion]] = {}
    for version in await CommitmentVersion.filter(commitment_id__in=wanted).order_by("version"):
        versions.setdefault(version.commitment_id, []).append(version)
    calendar = await calendar_for(organisation)
    by_version: dict[int, list[int]] = {}
    chosen: dict[int, CommitmentVersion] = {}
    for index, (commitment_id, started) in enumerate(rows):
        if commitment_id in versions and started is not None:
            version = _in_force(versions[commitment_id], started)
            if version.unit != ClockUnit.HOURS:
                by_version.setdefault(version.id, []).append(index)
                chosen[version.id] = version
    result: list[date | None] = [None] * len(rows)
    for version_id, indexes in by_version.items():
        version = chosen[version_id]
        starts = np.array([rows[i][1] for i in indexes], "datetime64[D]")
        days = deadline(calendar, ClockUnit(version.unit), starts, version.threshold, Pauses.none())
        for i, day in zip(indexes, days, strict=True):
            result[i] = date.fromisoformat(str(day))
    return result
