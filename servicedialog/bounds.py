"""The bounds of every number and date a person or a client may send: one place, so that a
huge page number, a superscript digit or the year 1 is a clear error (400, or a form error)
and never an overflow in Python, SQLite or PostgreSQL (a 500).

``str.isdigit()`` is true for "²" and "٣", which ``int()`` refuses or reads as another
digit; numbers here are ASCII digits only. Dates are between 1970 and 2100: a record from
before 1970 is a typing error, and the year 1 cannot be turned into UTC in a time zone east
of Greenwich.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

MAX_INT = 2_147_483_647  # a 32-bit integer column
MAX_PAGE = 100_000  # no list is that long; deeper offsets are refused, not run
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST_MOMENT = datetime(1970, 1, 2, tzinfo=UTC)  # a day's margin for any time zone
LATEST_MOMENT = datetime(2100, 12, 31, tzinfo=UTC)


def parse_int(raw: object, low: int = 0, high: int = MAX_INT) -> int | None:
    """``raw`` as an int if it is ASCII digits (an optional leading minus when ``low`` is
    negative) within ``low`` … ``high``; else None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") and low < 0 else text
    if not digits or len(digits) > 19 or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_day(raw: object) -> date | None:
    """An ISO date (2026-12-31) between 1970 and 2100, or None."""
    if not isinstance(raw, str) or len(raw.strip()) != 10:
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return day if day_in_range(day) else None


def day_in_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def moment_in_range(moment: datetime) -> bool:
    """A time-zone-aware moment between 1970 and 2100."""
    return EARLIEST_MOMENT <= moment <= LATEST_MOMENT


def fits(model: type[Any], field: str, value: str) -> bool:
    """Whether ``value`` fits the character column ``model.field``: a longer value can match
    no row, and PostgreSQL refuses to compare it ("value too long"), so look-ups by what a
    client sent check this first and answer "not found"."""
    max_length = getattr(model._meta.fields_map[field], "max_length", None)
    return max_length is None or len(value) <= max_length
