"""Deadline warnings: one e-mail a day to each handler with their feedback that is due within
two working days or already overdue (run ``servicedialog feedback warnings`` daily)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from complaints.handling import handling_terms
from complaints.models import Feedback
from complaints.states import OPEN_STATUSES
from servicedialog.calendars import today_for
from servicedialog.i18n import translations
from servicedialog.mail import queue_mail
from servicedialog.models import Organisation, User

WARN_WORKING_DAYS = 2


async def queue_warnings(day: date | None, base_url: str) -> int:
    """Queue the digests for ``day`` (None: each organisation's today); returns how many
    handlers got one."""
    sent = 0
    for organisation in await Organisation.all():
        today = day or today_for(organisation)
        terms = await handling_terms(organisation)
        rows = await Feedback.filter(
            organisation_id=organisation.id,
            status__in=OPEN_STATUSES,
            answered_at=None,
            assigned_to_id__not_isnull=True,
            answer_due__lte=date.fromordinal(today.toordinal() + 7),
        ).values_list("id", "number", "answer_due", "assigned_to_id")
        per_handler: dict[int, list[tuple[int, str, date, int]]] = defaultdict(list)
        for feedback_id, number, due, handler in rows:
            left = terms.working_days_left(today, due)
            if left <= WARN_WORKING_DAYS:
                per_handler[handler].append((feedback_id, number, due, left))
        for handler_id, items in per_handler.items():
            user = await User.get_or_none(id=handler_id, is_active=True)
            if user is None:
                continue
            gettext = translations("sv").gettext
            lines = []
            for feedback_id, number, due, left in sorted(items, key=lambda i: i[2]):
                state = (
                    gettext("overdue")
                    if left < 0
                    else gettext("due %(date)s") % {"date": due.isoformat()}
                )
                lines.append(f"{number} ({state}): {base_url}/feedback/manage/{feedback_id}")
            await queue_mail(
                user.email,
                gettext("Feedback due soon: %(count)s") % {"count": len(items)},
                "\n".join(lines),
                organisation=organisation,
                reference=f"feedback-warnings:{today.isoformat()}",
            )
            sent += 1
    return sent
