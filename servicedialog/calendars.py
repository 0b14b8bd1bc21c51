"""An organisation's day and working calendar: its time zone, its "today", and the country's
working days with the organisation's own closed days. Every feature that counts days or
decides what "today" is asks here, so a Finnish city's deadline falls on a Finnish working
day in Finnish time whichever server runs it."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from servicedialog.clock import WorkCalendar, country_calendar

# The zone a new organisation of each country gets (Organisation.time_zone).
TIME_ZONES = {"SE": "Europe/Stockholm", "FI": "Europe/Helsinki"}
DEFAULT_TIME_ZONE = TIME_ZONES["SE"]


def default_time_zone(country: str) -> str:
    return TIME_ZONES.get(country, DEFAULT_TIME_ZONE)


@lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_of(organisation: Any) -> ZoneInfo:
    """The organisation's time zone (its own setting, else its country's)."""
    name = getattr(organisation, "time_zone", "") or default_time_zone(organisation.country)
    return _zone(name)


def today_for(organisation: Any, now: datetime | None = None) -> date:
    """The organisation's date now (or at ``now``, an aware datetime): the day a deadline
    is counted from, a form's "not in the future" is checked against, a period runs to."""
    moment = now or datetime.now(tz=zone_of(organisation))
    return moment.astimezone(zone_of(organisation)).date()


async def calendar_for(organisation: Any) -> WorkCalendar:
    """The country's working-day calendar plus the organisation's own closed days."""
    from servicedialog.models import ClosedDay

    days = await ClosedDay.filter(organisation_id=organisation.id).values_list("day", flat=True)
    return country_calendar(organisation.country, frozenset(days))
