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
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from starlette.responses import Response, StreamingResponse

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


CHUNK_ROWS = 500


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    return "".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in pieces of CHUNK_ROWS rows: a large export is never one string."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for number, row in enumerate(rows, 1):
        writer.writerow([_cell(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str, private: bool = True
) -> Response:
    """A CSV download, streamed. ``private`` (the default: staff exports) forbids any cache
    to keep it; public open data may be cached. Every text cell is spreadsheet-safe."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    headers["Cache-Control"] = "no-store" if private else "public, max-age=300"
    return StreamingResponse(
        csv_chunks(header, rows), media_type="text/csv; charset=utf-8", headers=headers
    )
