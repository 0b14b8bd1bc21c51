"""The handling deadlines of feedback: the organisation's own published commitments.

Each organisation publishes two complaint-handling commitments on a service with the code
``SYNPUNKT`` in its catalogue: ``acknowledge`` (we confirm that we have read it within N
working days) and ``answer`` (we answer within M working days). Their clocks are the
commitment clocks of :mod:`servicedialog.clock`, so holidays, closed days and pauses work the
same as for every other promise, and their fulfilment can be measured and published the same
way. An organisation that has not published them gets the defaults below.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from commitments.models import CommitmentVersion
from commitments.states import CommitmentStatus
from servicedialog.calendars import calendar_for, zone_of
from servicedialog.clock import ClockUnit, Pauses, WorkCalendar, deadline, working_day_deadline
from servicedialog.models import Organisation

SERVICE_CODE = "SYNPUNKT"
DEFAULT_ACKNOWLEDGE_DAYS = 2
DEFAULT_ANSWER_DAYS = 10


@dataclass(frozen=True)
class Clock:
    unit: ClockUnit
    threshold: int


@dataclass(frozen=True)
class HandlingTerms:
    acknowledge: Clock
    answer: Clock
    calendar: WorkCalendar
    zone: ZoneInfo
    # Deadlines without pauses by (clock, day received): every submission asks for two, and
    # most on the same few days. The terms themselves live a minute (handling_terms).
    _unpaused: dict[tuple[Clock, date], date] = field(
        default_factory=dict, compare=False, repr=False
    )

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def due(self, clock: Clock, received: date, pauses: list[tuple[date, date]]) -> date:
        if not pauses:
            key = (clock, received)
            if key not in self._unpaused:
                self._unpaused[key] = self._due(clock, received, pauses)
            return self._unpaused[key]
        return self._due(clock, received, pauses)

    def _due(self, clock: Clock, received: date, pauses: list[tuple[date, date]]) -> date:
        unit = ClockUnit.WORKING_DAYS if clock.unit is ClockUnit.HOURS else clock.unit
        flat = Pauses.of((0, start, end) for start, end in pauses)
        days = deadline(
            self.calendar, unit, np.array([received], "datetime64[D]"), clock.threshold, flat
        )
        return date.fromisoformat(str(days[0]))

    def latest_extension(self, answer_due: date) -> date:
        """Extensions are capped: at most one more answer period after the current deadline."""
        days = working_day_deadline(
            self.calendar, np.array([answer_due], "datetime64[D]"), self.answer.threshold
        )
        return date.fromisoformat(str(days[0]))

    def working_days_left(self, today: date, due: date) -> int:
        return int(np.busday_count(today, due, busdaycal=self.calendar.busdaycal))


TERMS_TTL_SECONDS = 60.0
_terms_cache: dict[tuple[int, object], tuple[float, HandlingTerms]] = {}


async def handling_terms(organisation: Organisation) -> HandlingTerms:
    """The organisation's handling terms, kept for a minute in each process: every
    submission needs them, and a changed commitment or closed day may apply to new
    feedback a minute later."""
    key = (organisation.id, organisation.created_at)
    cached = _terms_cache.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    terms = await _load_terms(organisation)
    _terms_cache[key] = (now + TERMS_TTL_SECONDS, terms)
    return terms


def forget_handling_terms() -> None:
    _terms_cache.clear()


async def _load_terms(organisation: Organisation) -> HandlingTerms:
    versions = await CommitmentVersion.filter(
        commitment__service__organisation_id=organisation.id,
        commitment__service__code=SERVICE_CODE,
        commitment__status=CommitmentStatus.PUBLISHED,
        commitment__key__in=("acknowledge", "answer"),
    ).values("commitment__key", "version", "unit", "threshold")
    latest: dict[str, Clock] = {}
    for row in sorted(versions, key=lambda r: r["version"]):
        latest[row["commitment__key"]] = Clock(ClockUnit(row["unit"]), int(row["threshold"]))
    zone = zone_of(organisation)
    return HandlingTerms(
        latest.get("acknowledge", Clock(ClockUnit.WORKING_DAYS, DEFAULT_ACKNOWLEDGE_DAYS)),
        latest.get("answer", Clock(ClockUnit.WORKING_DAYS, DEFAULT_ANSWER_DAYS)),
        await calendar_for(organisation),
        zone,
    )


def handling_catalogue() -> dict[str, object]:
    """The SYNPUNKT service with the two handling commitments, for ``catalogue import``
    (the demo loads it; an organisation edits the figures like any other commitment)."""
    return {
        "services": [
            {
                "code": SERVICE_CODE,
                "name": {"sv": "Synpunkter och klagomål", "en": "Feedback and complaints"},
                "description": {
                    "sv": "Du kan lämna synpunkter, klagomål, förslag och beröm om våra tjänster.",
                    "en": "You can give feedback, complaints, suggestions and praise "
                    "about our services.",
                },
                "channels": ["web", "phone", "visit", "email", "letter"],
                "commitments": [
                    {
                        "key": "acknowledge",
                        "promise": {
                            "sv": "Vi bekräftar att vi har läst din synpunkt inom 2 arbetsdagar.",
                            "en": "We confirm that we have read your feedback "
                            "within 2 working days.",
                        },
                        "unit": "working_days",
                        "threshold": DEFAULT_ACKNOWLEDGE_DAYS,
                        "target_share": 0.95,
                        "period": "month",
                    },
                    {
                        "key": "answer",
                        "promise": {
                            "sv": "Du får svar på din synpunkt inom 10 arbetsdagar.",
                            "en": "You get an answer to your feedback within 10 working days.",
                        },
                        "unit": "working_days",
                        "threshold": DEFAULT_ANSWER_DAYS,
                        "target_share": 0.9,
                        "period": "month",
                        "needs": {
                            "sv": "Dina kontaktuppgifter, om du vill ha svar.",
                            "en": "Your contact details, if you want an answer.",
                        },
                    },
                ],
            }
        ]
    }
