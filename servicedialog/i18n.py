"""Translations (gettext catalogues read with Babel) and locale-aware formatting.

English msgids live in the code and templates; ``servicedialog/locale/<lang>/LC_MESSAGES/
messages.po`` holds Swedish and English. The .po files are compiled in memory at start-up,
so a checkout needs no build step. The language of a request comes from the ``lang``
cookie (set by the language switch, which works without JavaScript), else the
Accept-Language header, else the configured default.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from servicedialog.settings import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext_module.NullTranslations:
    path = po_path(language)
    if not path.exists():
        return gettext_module.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def negotiate(cookie: str | None, accept_language: str | None, default: str) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        code = part.split(";", 1)[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


class Formatter:
    """Dates, times and numbers as people in ``language`` write them, in local time."""

    def __init__(self, language: str, time_zone: str) -> None:
        self.locale = Locale.parse("sv_SE" if language == "sv" else "en_GB")
        self.tz = ZoneInfo(time_zone)

    def datetime(self, value: dt.datetime | None, format: str = "medium") -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(self.tz), format=format, locale=self.locale)

    def date(self, value: dt.date | dt.datetime | None, format: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.tz).date()
        return format_date(value, format=format, locale=self.locale)

    def number(self, value: float | int | None, decimals: int | None = None) -> str:
        if value is None:
            return ""
        if decimals is None:
            return format_decimal(value, locale=self.locale)
        pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float | None, decimals: int = 0) -> str:
        """A share (0.9) as "90 %", with a no-break space: the sign never wraps alone."""
        if share is None:
            return ""
        return f"{self.number(share * 100, decimals)}\u00a0%"


def lazy(message: str) -> str:
    """Mark a module-level string for extraction; it is translated where it is shown."""
    return message


def lazy_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural for extraction; ``ngettext`` picks the form where it
    is shown (templates: the ``amount()`` global)."""
    return singular, plural


def plural_count(n: float) -> int:
    """The count gettext's plural rule needs: a whole number as itself; any other number
    takes the plural form (1,5 veckor, 0,5 days), as Swedish and English write it."""
    if float(n).is_integer():
        return abs(int(n))
    return 2
