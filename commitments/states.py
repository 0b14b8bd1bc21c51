"""Choices for services and commitments, in one place."""

from __future__ import annotations

from enum import StrEnum

from servicedialog.i18n import lazy as _
from servicedialog.i18n import lazy_plural


class CommitmentStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class CommitmentKind(StrEnum):
    TIMELINESS = "timeliness"
    ACCESSIBILITY = "accessibility"
    QUALITY = "quality"


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Channel(StrEnum):
    WEB = "web"
    PHONE = "phone"
    VISIT = "visit"
    EMAIL = "email"
    LETTER = "letter"


class EServiceLevel(StrEnum):
    """The e-service ladder (seed 004): information → interaction → transaction → integration."""

    INFORMATION = "information"
    INTERACTION = "interaction"
    TRANSACTION = "transaction"
    INTEGRATION = "integration"


STATUS_LABELS = {
    CommitmentStatus.DRAFT: _("Draft"),
    CommitmentStatus.PUBLISHED: _("Published"),
    CommitmentStatus.RETIRED: _("Retired"),
}

PERIOD_LABELS = {Period.MONTH: _("month"), Period.QUARTER: _("quarter"), Period.YEAR: _("year")}

UNIT_LABELS = {
    "working_days": _("working days"),
    "calendar_days": _("days"),
    "weeks": _("weeks"),
    "hours": _("hours"),
}

# "1 vecka", "10 veckor": a number with its unit (templates: amount(n, unit)).
UNIT_AMOUNTS = {
    "working_days": lazy_plural("%(num)s working day", "%(num)s working days"),
    "calendar_days": lazy_plural("%(num)s day", "%(num)s days"),
    "weeks": lazy_plural("%(num)s week", "%(num)s weeks"),
    "hours": lazy_plural("%(num)s hour", "%(num)s hours"),
}

CHANNEL_LABELS = {
    Channel.WEB: _("Web"),
    Channel.PHONE: _("Phone"),
    Channel.VISIT: _("Visit"),
    Channel.EMAIL: _("E-mail"),
    Channel.LETTER: _("Letter"),
}

ESERVICE_LABELS = {
    EServiceLevel.INFORMATION: _("Information"),
    EServiceLevel.INTERACTION: _("Interaction"),
    EServiceLevel.TRANSACTION: _("Transaction"),
    EServiceLevel.INTEGRATION: _("Integration"),
}
