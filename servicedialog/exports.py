"""Spreadsheet files the app writes (CSV now; XLSX goes through the same cell function).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
a formula by Excel, LibreOffice and Google Sheets when the file is opened ("CSV
injection": ``=HYPERLINK(…)`` in a feedback text phones home from the handler's computer).
Every such text cell gets a leading apostrophe, which the spreadsheet shows as text and
does not run (OWASP's advice). Numbers, dates and booleans are written as they are, so a
negative number stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from starlette.responses import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The cell value to write: text that a spreadsheet would run is made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return spreadsheet_safe(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str, private: bool = True
) -> Response:
    """A CSV download. ``private`` (the default: staff exports) forbids any cache to keep
    it; public open data may be cached."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    headers["Cache-Control"] = "no-store" if private else "public, max-age=300"
    return Response(csv_text(header, rows), media_type="text/csv; charset=utf-8", headers=headers)
