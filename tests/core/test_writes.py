"""servicedialog.writes: a plan is one transaction on SQLite (one call in the database
thread) and on PostgreSQL (statement by statement), with the same results."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from servicedialog import writes
from servicedialog.mail import outbox_message
from servicedialog.models import Organisation, OutboxMessage
from servicedialog.writes import Insert, Plan, Query
from tests.conftest import run


def _mail(n: int) -> OutboxMessage:
    return outbox_message(f"p{n}@example.se", f"Ämne {n}", "Text")


def test_a_plan_writes_its_rows_and_returns_what_it_computed(client, org):
    def plan() -> Plan[tuple[int, int]]:
        first = _mail(1)
        yield Insert(first)
        second = _mail(2)
        second.reference = f"after:{first.id}"
        yield Insert(second)
        rows = yield Query(
            "SELECT count(*) AS n FROM core_outbox_message WHERE to_address LIKE ?",
            ["p%@example.se"],
        )
        return first.id, rows[0]["n"]

    first_id, counted = run(client, writes.run, plan())
    assert counted == 2
    stored = run(client, lambda: OutboxMessage.all().order_by("id"))
    assert [m.id for m in stored][0] == first_id
    assert stored[1].reference == f"after:{first_id}"
    assert stored[0].created_at is not None  # auto_now_add filled like save() does


def test_a_failing_plan_leaves_nothing_behind(client, org):
    def plan() -> Plan[None]:
        yield Insert(_mail(1))
        yield Query("UPDATE core_organisation SET name_sv = ? WHERE id = ?", ["Ändrad", org.id])
        raise RuntimeError("something went wrong half-way")

    with pytest.raises(RuntimeError):
        run(client, writes.run, plan())
    assert run(client, OutboxMessage.all().count) == 0
    assert run(client, Organisation.get, id=org.id).name_sv == org.name_sv


def test_a_constraint_error_is_tortoises_and_rolls_back(client, org):
    def plan() -> Plan[None]:
        yield Insert(_mail(1))
        yield Insert(Organisation(slug=org.slug, name_sv="Dubblett", name_en="Duplicate"))

    with pytest.raises(IntegrityError):
        run(client, writes.run, plan())
    assert run(client, OutboxMessage.all().count) == 0


def test_inside_an_open_transaction_the_plan_is_part_of_it(client, org):
    def plan() -> Plan[None]:
        yield Insert(_mail(1))

    async def outer() -> None:
        async with in_transaction():
            await writes.run(plan())
            assert await OutboxMessage.all().count() == 1
            raise LookupError("roll the outer transaction back")

    with pytest.raises(LookupError):
        run(client, outer)
    assert run(client, OutboxMessage.all().count) == 0


def test_question_marks_become_numbered_parameters_for_postgres():
    assert writes._numbered("SELECT ? + ?, ?") == "SELECT $1 + $2, $3"
