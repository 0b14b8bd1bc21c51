"""Personal identity numbers (personnummer, samordningsnummer) in free text.

Candidates are found by shape and then *validated* with the ``personnummer`` package (date
and Luhn check digit), so order numbers and phone numbers that merely look similar are left
alone. Masking keeps the text readable: ``19900101-0017`` becomes ``[personnummer]``.
Finnish personal identity codes (henkilötunnus, ``131052-308T``) are checked with their own
control character.
"""

from __future__ import annotations

import re

from personnummer import personnummer as pn

MASK = "[personnummer]"

# 10 or 12 digits, optionally with - or + before the last four, not inside a longer number.
SWEDISH = re.compile(r"(?<![\d-])(?:19|20)?\d{6}[-+ ]?\d{4}(?![\d])")
FINNISH = re.compile(r"(?<![\w-])\d{6}[-+ABCDEFYXWVU]\d{3}[0-9A-Y](?![\w])")
FINNISH_CONTROL = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _valid_swedish(candidate: str) -> bool:
    try:
        return bool(pn.valid(candidate.replace(" ", "-")))
    except Exception:  # the package raises on shapes it cannot parse
        return False


def _valid_finnish(candidate: str) -> bool:
    digits = candidate[:6] + candidate[7:10]
    return FINNISH_CONTROL[int(digits) % 31] == candidate[10]


def find(text: str) -> list[tuple[int, int]]:
    """Spans of valid identity numbers in ``text``."""
    spans = [m.span() for m in SWEDISH.finditer(text) if _valid_swedish(m.group())]
    spans += [m.span() for m in FINNISH.finditer(text) if _valid_finnish(m.group())]
    return sorted(spans)


def mask(text: str) -> str:
    """``text`` with every valid identity number replaced by ``[personnummer]``."""
    if not text:
        return text
    spans = find(text)
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        parts.append(text[last:start])
        parts.append(MASK)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def contains(text: str) -> bool:
    return bool(text) and bool(find(text))
