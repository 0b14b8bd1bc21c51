"""Text kept in Swedish and English (``<field>_sv``, ``<field>_en``): the reader's language,
falling back to Swedish, which every bilingual text has (the default language of the
authorities this is for). Written once here for every model of every feature."""

from __future__ import annotations

from typing import Any

FALLBACK = "sv"


def in_language(record: Any, field: str, language: str) -> str:
    """``record.<field>_<language>`` when it is filled in, else the Swedish text."""
    if language != FALLBACK:
        text = getattr(record, f"{field}_{language}", "")
        if text:
            return str(text)
    return str(getattr(record, f"{field}_{FALLBACK}") or "")
