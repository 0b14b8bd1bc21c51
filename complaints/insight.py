"""Feedback as a source of text for the classifier (:mod:`problem_areas.classify`): each
text is queued for classification when it is registered, a handler's root cause is the
person's view of it, and the scheduled job finds texts that were missed."""

from __future__ import annotations

from problem_areas.classify import Item, later, set_hidden, set_hint
from problem_areas.sources import Source, register
from servicedialog.sql import dialect_of, for_dialect

SOURCE = "feedback"


def arrived(
    organisation_id: int, feedback_id: int, text: str, received_at: object, language: str
) -> None:
    later(
        organisation_id,
        Item(SOURCE, feedback_id, text, received_at, language),  # type: ignore[arg-type]
    )


async def root_cause_set(organisation_id: int, feedback_id: int, area_id: int | None) -> None:
    await set_hint(organisation_id, SOURCE, feedback_id, area_id)


async def secrecy_set(organisation_id: int, feedback_id: int, secret: bool) -> None:
    """A secret record's text is for its handlers only: the insight pages hide it."""
    await set_hidden(organisation_id, SOURCE, feedback_id, secret)


async def pending(limit: int) -> list[tuple[int, Item]]:
    """Feedback without a label (not anonymised), oldest first: one anti-join."""
    from tortoise import connections

    connection = connections.get("default")
    sql = for_dialect(
        "SELECT f.organisation_id, f.id, f.text, f.received_at, f.language, f.root_cause_id, "
        "f.secret "
        "FROM feedback f LEFT JOIN problem_areas_label l ON l.organisation_id = "
        "f.organisation_id AND l.source = 'feedback' AND l.source_id = f.id "
        "WHERE l.id IS NULL AND f.anonymised_at IS NULL ORDER BY f.id LIMIT ?",
        dialect_of(connection),
    )
    _, rows = await connection.execute_query(sql, [limit])
    result = []
    for row in rows:
        values = list(row.values()) if isinstance(row, dict) else list(row)
        organisation_id, feedback_id, text, received_at, language, root_cause, secret = values
        if isinstance(received_at, str):
            from datetime import datetime

            received_at = datetime.fromisoformat(received_at)
        result.append(
            (
                int(organisation_id),
                Item(
                    SOURCE,
                    int(feedback_id),
                    text,
                    received_at,
                    language,
                    root_cause,
                    hidden=bool(secret),
                ),
            )
        )
    return result


register(Source(SOURCE, pending))
