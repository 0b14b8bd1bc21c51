"""E-mail to the person who gave feedback, in the language they chose, through the outbox
(so each message is sent only if the change it reports is stored)."""

from __future__ import annotations

import logging
from datetime import date

from babel.dates import format_date

from complaints.models import Feedback
from servicedialog.i18n import lazy as _
from servicedialog.i18n import translations
from servicedialog.mail import outbox_message
from servicedialog.models import Organisation, OutboxMessage

logger = logging.getLogger("servicedialog.complaints")

SIGNATURE = _("Kind regards,\n%(org)s")


FOLLOW = _("The page of your feedback, where you can read everything and answer us:\n%(link)s")
FOLLOW_FIRST = _("(The page of your feedback is at the link in our first e-mail.)")


def _message(
    feedback: Feedback,
    organisation: Organisation,
    subject: str,
    body: str,
    page: str | None = None,
    **values: str,
) -> OutboxMessage | None:
    """The e-mail to the person in their language, or None when there is no one to send it
    to (anonymous, no address, or an address the form accepted but SMTP would not). Every
    message but the receipt ends with the link to the person's page (``page``; an empty one:
    a pointer to the first e-mail, which holds it)."""
    if not feedback.contact_email or feedback.anonymous:
        return None
    gettext = translations(feedback.language).gettext
    values = {"number": feedback.number, "org": organisation.name(feedback.language), **values}
    text = gettext(body) % values
    if page is not None:
        text += "\n\n" + (gettext(FOLLOW) % {"link": page} if page else gettext(FOLLOW_FIRST))
    text += "\n\n" + gettext(SIGNATURE) % values
    try:
        return outbox_message(
            feedback.contact_email,
            gettext(subject) % values,
            text,
            organisation=organisation,
            language=feedback.language,
            reference=f"feedback:{feedback.id}",
        )
    except ValueError as error:
        logger.warning("feedback %s: no e-mail sent: %s", feedback.number, error)
        return None


async def _send(
    feedback: Feedback,
    organisation: Organisation,
    subject: str,
    body: str,
    page: str,
    **values: str,
) -> None:
    message = _message(feedback, organisation, subject, body, page, **values)
    if message is not None:
        await message.save(force_create=True)


def _day(feedback: Feedback, day: date | None) -> str:
    return format_date(day, "long", locale=feedback.language) if day else ""


def receipt(feedback: Feedback, organisation: Organisation, link: str) -> OutboxMessage | None:
    """The receipt with the private link; the caller stores it with the registration."""
    return _message(
        feedback,
        organisation,
        _("We have received your feedback %(number)s"),
        _(
            "Thank you for your feedback. It is registered as %(number)s.\n\n"
            "We will answer at the latest %(due)s. Follow your feedback, read our answers "
            "and add information here:\n%(link)s\n\n"
            "The link is personal: keep it to yourself."
        ),
        due=_day(feedback, feedback.answer_due),
        link=link,
    )


async def reply(feedback: Feedback, organisation: Organisation, text: str, link: str = "") -> None:
    await _send(
        feedback,
        organisation,
        _("Answer about your feedback %(number)s"),
        "%(text)s",
        link,
        text=text,
    )


async def paused(
    feedback: Feedback, organisation: Organisation, reason: str, link: str = ""
) -> None:
    await _send(
        feedback,
        organisation,
        _("We need more information about %(number)s"),
        _(
            "To go on with your feedback %(number)s we need more information from you: "
            "%(reason)s\n\nAnswer us on the page of your feedback."
        ),
        link,
        reason=reason,
    )


async def extended(
    feedback: Feedback, organisation: Organisation, new_due: date, reason: str, link: str = ""
) -> None:
    await _send(
        feedback,
        organisation,
        _("New date for the answer to %(number)s"),
        _(
            "We need more time to answer your feedback %(number)s. "
            "You will get our answer at the latest %(due)s.\n\nReason: %(reason)s"
        ),
        link,
        due=_day(feedback, new_due),
        reason=reason,
    )


async def closed(
    feedback: Feedback, organisation: Organisation, answer: str, link: str = ""
) -> None:
    await _send(
        feedback,
        organisation,
        _("Our answer to your feedback %(number)s"),
        _(
            "%(answer)s\n\nWe would like to know how satisfied you are with how we handled "
            "your feedback: you can answer one short question on the page of your feedback. "
            "If you are not satisfied with our answer, you can ask for a review there."
        ),
        link,
        answer=answer,
    )
