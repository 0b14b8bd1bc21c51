"""Text clean-up for the classifier: redaction of personal data and normalisation for features.

:func:`redact` is what may be shown on pages and in exports (training examples, review
queues, discovered topics); :func:`normalise` is what the features are computed from. Both
work on shape alone and redact on the safe side: an identity number with a wrong check digit
is still somebody's number with a typo, so it is masked too (``servicedialog.identity``
validates the check digit because it decides what to *store*; here we decide what to *show*).
"""

from __future__ import annotations

import re
import unicodedata

PERSONAL_NUMBER = "[personnummer]"
EMAIL = "[e-post]"
PHONE = "[telefon]"
NUMBER_TOKEN = "_num_"

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")

# Swedish personnummer and samordningsnummer (day + 60): optional century, YYMMDD, an
# optional -, + or space, four digits; not part of a longer number.
_SWEDISH_ID = re.compile(
    r"(?<![\d+])(?:(?:18|19|20)\d{2}|\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"[-+ ]?\d{4}(?![\d])"
)
# Finnish henkilötunnus: DDMMYY, a century sign, three digits and a check character.
_FINNISH_ID = re.compile(
    r"(?<![\w-])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[-+A-FU-Y]\d{3}[0-9A-Y](?![\w])"
)
# International form: + or 00, country code, then groups of digits with single separators.
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ -]?\(0\))?(?:[ -]?\d{1,4}){2,6}(?![\d])"
)
# National form (Sweden and Finland both dial a leading 0): an area or mobile prefix, an
# optional - or /, then digit groups of two to four separated by single spaces or dashes.
_PHONE_NATIONAL = re.compile(r"(?<![\w+,.])0\d{1,3}[ /-]?\d{2,8}(?:[ -]\d{2,4}){0,3}(?![\d])")

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
# Every identity or phone number has a run of at least 6 digits, spaces and dashes; most
# texts have none, and one search for it spares them the five patterns above (speed).
_CANDIDATE = re.compile(r"\d[\d ()+-]{5,}")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _luhn(number: str) -> bool:
    """The check digit of a Swedish identity number (Luhn over the last ten digits)."""
    digits = [int(ch) for ch in number if ch.isdigit()][-10:]
    total = sum(d if i % 2 else (2 * d) // 10 + (2 * d) % 10 for i, d in enumerate(digits))
    return total % 10 == 0


def _checked_id(match: re.Match[str]) -> str:
    return PERSONAL_NUMBER if _luhn(match.group()) else match.group()


def _phone(match: re.Match[str], low: int, high: int) -> str:
    """Only digit counts real phone numbers have (7 to 15, E.164) are masked, so dates,
    amounts and short reference numbers that happen to start with 0 stay readable."""
    return PHONE if low <= _digits(match.group()) <= high else match.group()


def redact(text: str) -> str:
    """``text`` with identity numbers, e-mail addresses and phone numbers replaced by
    ``[personnummer]``, ``[e-post]`` and ``[telefon]``; everything else unchanged.

    E-mail goes first (addresses may hold digits). A Swedish mobile number such as
    ``0701234567`` also has the shape of an identity number (born 2007-01-23), so identity
    numbers with a valid check digit go next, then phone numbers, and last whatever still has
    the shape of an identity number (a mistyped one is masked all the same)."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if not _CANDIDATE.search(text):
        return text
    text = _SWEDISH_ID.sub(_checked_id, text)
    text = _FINNISH_ID.sub(PERSONAL_NUMBER, text)
    text = _PHONE_INTERNATIONAL.sub(lambda m: _phone(m, 7, 15), text)
    text = _PHONE_NATIONAL.sub(lambda m: _phone(m, 7, 11), text)
    return _SWEDISH_ID.sub(PERSONAL_NUMBER, text)


def normalise(text: str) -> str:
    """The form features are computed from: redacted (personal data never becomes a feature
    in a stored model), NFC (an ``ä`` typed as ``a`` + combining diaeresis is the same
    letter), lower case, every number one token (``15-årig`` and ``45-årig`` share the
    ``årig`` part; the figures themselves carry no topic), whitespace collapsed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _NUMBER.sub(NUMBER_TOKEN, redact(text).lower())
    return " ".join(text.split())
