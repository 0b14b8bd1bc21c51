"""The SQL that differs between SQLite and PostgreSQL, in one place.

Hand-written queries (the aggregates that would otherwise be Python loops over rows) are
written once with ``?`` placeholders and these fragments; :func:`for_dialect` turns the
placeholders into PostgreSQL's ``$1, $2 …``. Everything else goes through the ORM."""

from __future__ import annotations

import re
from itertools import count
from typing import Any

from tortoise import connections

POSTGRES, SQLITE = "postgres", "sqlite"


def dialect_of(connection: Any = None) -> str:
    """ "postgres" or "sqlite" for ``connection`` (default: the app's database)."""
    connection = connection or connections.get("default")
    return POSTGRES if connection.capabilities.dialect == POSTGRES else SQLITE


def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's numbered ones (the queries here have no ``?``
    inside string literals)."""
    numbers = count(1)
    return re.sub(r"\?", lambda _match: f"${next(numbers)}", sql)


def for_dialect(sql: str, dialect: str) -> str:
    return numbered(sql) if dialect == POSTGRES else sql


def epoch(column: str, dialect: str) -> str:
    """A timestamp column as whole seconds since 1970 (UTC), the fraction cut off on both
    databases (PostgreSQL's CAST alone would round it, SQLite's strftime cuts it)."""
    if dialect == POSTGRES:
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def as_text(expression: str, dialect: str) -> str:
    """A JSON (jsonb) column as its text, to compare or parse."""
    return f"{expression}::text" if dialect == POSTGRES else expression


def json_param(dialect: str) -> str:
    """A placeholder for a JSON value given as text."""
    return "?::jsonb" if dialect == POSTGRES else "?"


def joined(expression: str, dialect: str, order_by: str) -> str:
    """The group's values of ``expression`` as one comma-separated text, in the order of
    ``order_by`` (SQLite's group_concat keeps the scan's order, which is that of the
    rowid here: the callers order by the primary key)."""
    if dialect == POSTGRES:
        return f"string_agg(({expression})::text, ',' ORDER BY {order_by})"
    return f"group_concat({expression})"
