"""Case data import: streamed, upserted, each bad line reported with its reason."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from click.testing import CliRunner

from commitments.imports import import_cases
from commitments.models import CaseRecord
from commitments.services import import_catalogue
from servicedialog.cli import main
from tests.conftest import run

CATALOGUE = {
    "services": [
        {
            "code": "BYGG",
            "name": {"sv": "Bygglov"},
            "commitments": [
                {"promise": {"sv": "Beslut inom 10 veckor."}, "unit": "weeks", "threshold": 10}
            ],
        },
        {"code": "EPOST", "name": {"sv": "E-post"}, "commitments": []},
    ]
}

GOOD = """service_code,case_ref,received_at,completed_at,pauses
BYGG,B-1,2026-01-05,2026-02-20,2026-01-10/2026-01-20
BYGG,B-2,2026-01-07T09:30:00,,
EPOST,E-1,2026-03-02T08:00:00+01:00,2026-03-03T10:00:00+01:00,
"""

BAD = (
    GOOD
    + """NOPE,X-1,2026-01-05,,
BYGG,,2026-01-05,,
BYGG,B-3,yesterday,,
BYGG,B-4,2026-02-01,2026-01-01,
BYGG,B-5,2026-02-01,,2026-02-05/2026-02-03
BYGG,B-6,2026-02-01,,2026-02-02/2026-02-10;2026-02-05/2026-02-12
EPOST,E-2,2026-03-04,,
"""
)


def load(client, org, text, batch_size=2):
    run(client, import_catalogue, org, CATALOGUE)
    return run(client, import_cases, org, io.StringIO(text), None, batch_size)


def test_good_file_imports_every_case_with_local_time_converted(client, org):
    report = load(client, org, GOOD)
    assert (report.imported, report.rejected) == (3, 0)
    b2 = run(client, CaseRecord.get, case_ref="B-2")
    assert b2.received_at == datetime(2026, 1, 7, 8, 30, tzinfo=UTC)  # 09:30 in Stockholm
    assert b2.completed_at is None
    b1 = run(client, CaseRecord.get, case_ref="B-1")
    assert b1.pauses == [["2026-01-10", "2026-01-20", ""]]


def test_reimport_updates_rather_than_duplicates(client, org):
    load(client, org, GOOD)
    updated = GOOD.replace(
        "BYGG,B-2,2026-01-07T09:30:00,,", "BYGG,B-2,2026-01-07T09:30:00,2026-03-01,"
    )
    report = run(client, import_cases, org, io.StringIO(updated))
    assert report.imported == 3
    assert run(client, CaseRecord.all().count) == 3
    assert run(client, CaseRecord.get, case_ref="B-2").completed_at is not None


def test_bad_lines_are_reported_by_number_and_the_good_ones_kept(client, org):
    report = load(client, org, BAD)
    assert report.imported == 4
    assert [(e.line, e.message) for e in report.errors] == [
        (5, "unknown service_code NOPE"),
        (6, "case_ref must be 1–64 characters"),
        (7, "received_at is not an ISO 8601 date or time"),
        (8, "completed_at is before received_at"),
        (9, "pause 2026-02-05/2026-02-03 ends before it starts"),
        (10, "pauses overlap"),
    ]
    assert run(client, CaseRecord.filter(case_ref="E-2").exists)


def test_command_line_import_with_report(tmp_path, monkeypatch, client, org, settings):
    run(client, import_catalogue, org, CATALOGUE)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", settings.secret_key)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(main, ["import-cases", str(good), "--org", org.slug])
    assert result.exit_code == 0, result.output
    assert "imported 3 case(s); rejected 0 line(s)" in result.output
    result = CliRunner().invoke(main, ["import-cases", str(bad), "--org", org.slug])
    assert result.exit_code == 1
    assert "line 5: unknown service_code NOPE" in result.output
    assert "6 line(s) rejected; the others were imported" in result.output
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-cases", str(headerless), "--org", org.slug])
    assert result.exit_code == 1 and "lacks the column(s)" in result.output


def test_fast_and_careful_paths_agree_on_local_times():
    """Batch parsing (numpy) and row parsing (zoneinfo) give the same UTC instant,
    outside the two hours a year when the clocks change."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from commitments.imports import parse_moment
    from servicedialog.localtime import from_local

    tz = ZoneInfo("Europe/Stockholm")

    @settings(max_examples=300, deadline=None)
    @given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)))
    def check(moment):
        moment = moment.replace(microsecond=0)
        shifted = (moment - timedelta(hours=1)).replace(tzinfo=tz).utcoffset()
        if shifted != (moment + timedelta(hours=1)).replace(tzinfo=tz).utcoffset():
            return  # within an hour of a clock change
        text = moment.isoformat()
        careful = parse_moment(text, tz).timestamp()
        fast = int(from_local(np.array([text], dtype="datetime64[s]"), "Europe/Stockholm")[0])
        assert fast == careful

    check()
