"""Retention: remove the personal data of feedback whose retention period has ended.

Each record has a retention class (2, 3 or 10 years, counted from when it was closed). When
the period has ended the record is *anonymised*, not deleted: the registration number, kind,
service, dates, outcome and root cause stay (the statistics and the registry need them),
while contact details, the free text, the texts of the history and the attachments go.
``servicedialog retention --dry-run`` lists what would happen; run it without the flag from
cron or a systemd timer (see docs/feedback.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tortoise.transactions import in_transaction

from complaints.attachments import path_of
from complaints.models import Attachment, Feedback, FeedbackEvent
from complaints.states import RETENTION_YEARS, EventKind, RetentionClass, Status
from problem_areas.classify import forget_text
from servicedialog import audit

ANONYMISED = "[anonymiserad]"


@dataclass(frozen=True)
class Due:
    id: int
    number: str
    organisation_id: int
    closed_at: datetime
    retention_class: RetentionClass


def _ended(closed_at: datetime, years: int, now: datetime) -> bool:
    try:
        end = closed_at.replace(year=closed_at.year + years)
    except ValueError:  # 29 February
        end = closed_at.replace(year=closed_at.year + years, day=28)
    return end <= now


async def due_for_anonymisation(now: datetime | None = None) -> list[Due]:
    now = now or datetime.now(UTC)
    shortest = min(RETENTION_YEARS.values())
    candidates = await Feedback.filter(
        status=Status.CLOSED,
        anonymised_at=None,
        closed_at__lte=now.replace(year=now.year - shortest),
    ).values_list("id", "number", "organisation_id", "closed_at", "retention_class")
    return [
        Due(i, n, o, c, RetentionClass(r))
        for i, n, o, c, r in candidates
        if _ended(c, RETENTION_YEARS[RetentionClass(r)], now)
    ]


async def anonymise_due(var_dir: Path, dry_run: bool = False) -> list[Due]:
    """Anonymise every record whose period has ended (``dry_run``: only list them); the
    command line and the daily job both run this."""
    due = await due_for_anonymisation()
    if not dry_run:
        for item in due:
            await anonymise(item, var_dir)
    return due


async def anonymise(item: Due, var_dir: Path) -> None:
    files = await Attachment.filter(feedback_id=item.id)
    async with in_transaction():
        await Feedback.filter(id=item.id).update(
            text=ANONYMISED,
            masked_text=ANONYMISED,
            published_text="",
            published_answer="",
            published_at=None,
            place="",
            latitude=None,
            longitude=None,
            contact_name="",
            contact_email="",
            contact_phone="",
            satisfaction_comment="",
            remedy="",
            anonymised_at=datetime.now(UTC),
        )
        await FeedbackEvent.filter(feedback_id=item.id).exclude(body="").update(body=ANONYMISED)
        await FeedbackEvent.create(feedback_id=item.id, kind=EventKind.ANONYMISED)
        await Attachment.filter(feedback_id=item.id).delete()
        await forget_text(item.organisation_id, "feedback", item.id)
        await audit.record(
            "feedback.anonymised",
            organisation_id=item.organisation_id,
            number=item.number,
            retention_class=str(item.retention_class),
        )
    for attachment in files:
        path_of(attachment, var_dir).unlink(missing_ok=True)
