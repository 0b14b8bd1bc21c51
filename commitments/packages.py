"""The permit-needs guide: which services of a package apply to a business's answers,
from which authority, with the promise and the measured times, and the total lead time."""

from __future__ import annotations

from dataclasses import dataclass

from commitments.models import (
    CommitmentSummary,
    CommitmentVersion,
    PackageQuestion,
    PackageStep,
    ServicePackage,
)
from commitments.states import CommitmentStatus
from servicedialog.clock import ClockUnit

# Rough calendar days per unit, to add steps measured in different units together.
DAYS_PER_UNIT = {
    ClockUnit.WORKING_DAYS: 7 / 5,
    ClockUnit.CALENDAR_DAYS: 1.0,
    ClockUnit.WEEKS: 7.0,
    ClockUnit.HOURS: 1 / 24,
}


@dataclass(frozen=True)
class GuideStep:
    step: PackageStep
    version: CommitmentVersion | None
    summary: CommitmentSummary | None

    @property
    def median_days(self) -> float | None:
        return self._days(self.summary.median_elapsed if self.summary else None)

    @property
    def p90_days(self) -> float | None:
        return self._days(self.summary.p90_elapsed if self.summary else None)

    def _days(self, value: float | None) -> float | None:
        if value is None or self.version is None:
            return None
        return value * DAYS_PER_UNIT[ClockUnit(self.version.unit)]


@dataclass(frozen=True)
class Guide:
    steps: list[GuideStep]

    @property
    def unmeasured(self) -> int:
        return sum(1 for s in self.steps if s.median_days is None)

    @property
    def typical_days(self) -> float:
        """Steps follow one another, so their times add up."""
        return sum(s.median_days or 0.0 for s in self.steps)

    @property
    def cautious_days(self) -> float:
        return sum(s.p90_days or 0.0 for s in self.steps)


def parse_answers(questions: list[PackageQuestion], params: dict[str, str]) -> dict[str, bool]:
    """Only "yes" and "no" count; anything else is left unanswered."""
    answers = {}
    for question in questions:
        value = params.get(question.key)
        if value in ("yes", "no"):
            answers[question.key] = value == "yes"
    return answers


async def build_guide(package: ServicePackage, answers: dict[str, bool]) -> Guide:
    steps = (
        await PackageStep.filter(package_id=package.id)
        .select_related("service__organisation", "question")
        .order_by("position")
    )
    chosen = [s for s in steps if s.question is None or answers.get(s.question.key, False)]
    service_ids = [s.service_id for s in chosen]
    versions: dict[int, CommitmentVersion] = {}
    for version in (
        await CommitmentVersion.filter(
            commitment__service_id__in=service_ids,
            commitment__status=CommitmentStatus.PUBLISHED,
            kind="timeliness",
        )
        .select_related("commitment")
        .order_by("commitment__key", "version")
    ):
        # The newest version of the first timeliness commitment of each service.
        first = versions.get(version.commitment.service_id)
        if first is None or first.commitment_id == version.commitment_id:
            versions[version.commitment.service_id] = version
    summaries = {
        s.commitment_id: s
        for s in await CommitmentSummary.filter(
            commitment_id__in=[v.commitment_id for v in versions.values()]
        )
    }
    return Guide(
        [
            GuideStep(
                s,
                versions.get(s.service_id),
                summaries.get(versions[s.service_id].commitment_id)
                if s.service_id in versions
                else None,
            )
            for s in chosen
        ]
    )
