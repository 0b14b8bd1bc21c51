"""The SQL fragments that differ between the databases give the same answers on both."""

from __future__ import annotations

from tortoise import connections

from servicedialog import sql
from servicedialog.models import Organisation
from tests.conftest import create_org, run


def test_placeholders_are_numbered_for_postgresql_only():
    assert sql.numbered("SELECT ? + ?, ?") == "SELECT $1 + $2, $3"
    assert sql.for_dialect("a = ? AND b = ?", sql.SQLITE) == "a = ? AND b = ?"
    assert sql.for_dialect("a = ? AND b = ?", sql.POSTGRES) == "a = $1 AND b = $2"


def test_epoch_and_joined_lists_agree_on_this_database(client):
    for slug in ("c-org", "a-org", "b-org"):
        run(client, create_org, slug)

    async def work():
        connection = connections.get("default")
        dialect = sql.dialect_of(connection)
        ids = sql.joined("id", dialect, "id")
        _, rows = await connection.execute_query(
            sql.for_dialect(
                f"SELECT {ids}, MIN({sql.epoch('created_at', dialect)}) FROM core_organisation "
                "WHERE kind = ?",
                dialect,
            ),
            ["municipality"],
        )
        created = await Organisation.all().order_by("id").values_list("created_at", flat=True)
        return tuple(rows[0]), created

    (listed, first), created = run(client, work)
    assert listed == "1,2,3"
    assert int(first) == int(created[0].timestamp())
