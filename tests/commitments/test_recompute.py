"""Fulfilment recomputed from stored cases, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
from datetime import date

from commitments.imports import import_cases
from commitments.models import FulfilmentPeriod
from commitments.queries import recompute_organisation
from commitments.services import import_catalogue
from tests.conftest import run

CATALOGUE = {
    "services": [
        {
            "code": "EPOST",
            "name": {"sv": "E-post"},
            "commitments": [
                {
                    "promise": {"sv": "Svar inom 2 arbetsdagar."},
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.8,
                    "period": "month",
                }
            ],
        }
    ]
}


def csv_rows() -> str:
    lines = ["service_code,case_ref,received_at,completed_at,pauses"]
    # March 2026: 12 cases answered the next day (met) and 3 a week later (breached).
    for i in range(12):
        lines.append(f"EPOST,M{i},2026-03-02T09:00:00,2026-03-03T09:00:00,")
    for i in range(3):
        lines.append(f"EPOST,L{i},2026-03-02T09:00:00,2026-03-09T09:00:00,")
    # Received Sunday 22:30 UTC = Monday 00:30 in Stockholm, answered Tuesday: 1 working day.
    lines.append("EPOST,TZ,2026-04-05T22:30:00+00:00,2026-04-07T10:00:00+02:00,")
    # Open since 20 April, deadline 22 April: a breach counted in April.
    lines.append("EPOST,OPEN,2026-04-20T09:00:00,,")
    # Paused while waiting for the sender: met thanks to the pause.
    lines.append("EPOST,P,2026-04-13T09:00:00,2026-04-17T09:00:00,2026-04-13/2026-04-16")
    return "\n".join(lines) + "\n"


def test_recompute_writes_one_row_per_period(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    run(client, import_cases, org, io.StringIO(csv_rows()))
    written = run(client, recompute_organisation, org, date(2026, 5, 1))
    assert written == 2
    rows = run(
        client,
        FulfilmentPeriod.all().order_by("period_start").values,
        "period_start",
        "total_volume",
        "volume_meeting_target",
        "performance",
        "target_met",
        "too_few_cases",
        "median_elapsed",
    )
    march, april = rows
    assert (march["period_start"], march["total_volume"], march["volume_meeting_target"]) == (
        date(2026, 3, 1),
        15,
        12,
    )
    assert march["performance"] == 0.8 and march["target_met"] is True
    assert march["median_elapsed"] == 1.0
    assert (april["total_volume"], april["volume_meeting_target"]) == (3, 2)
    assert april["too_few_cases"] is True and april["performance"] is None


def test_recompute_replaces_earlier_figures(client, org):
    run(client, import_catalogue, org, CATALOGUE)
    run(client, import_cases, org, io.StringIO(csv_rows()))
    run(client, recompute_organisation, org, date(2026, 5, 1))
    run(client, recompute_organisation, org, date(2026, 5, 1))
    assert run(client, FulfilmentPeriod.all().count) == 2


def test_the_dashboard_panel_sums_the_periods_in_one_query(client, org):
    from commitments.feature import feature
    from servicedialog.features import PanelScope
    from tests.conftest import create_org

    panel = {p.name: p for p in feature.panels}["commitments.kept"]
    assert (panel.x, tuple(panel.y), panel.chart) == ("period_start", ("share",), "line")
    run(client, import_catalogue, org, CATALOGUE)
    run(client, import_cases, org, io.StringIO(csv_rows()))
    run(client, recompute_organisation, org, date(2026, 5, 1))
    rows = run(client, panel.query, PanelScope(org, date(2026, 1, 1), date(2026, 12, 31)))
    assert rows == [
        {"period_start": date(2026, 3, 1), "cases": 15, "kept": 12, "share": 80.0},
        {"period_start": date(2026, 4, 1), "cases": 3, "kept": 2, "share": 66.7},
    ]
    scope = PanelScope(org, date(2026, 4, 1), date(2026, 4, 30))
    assert run(client, panel.query, scope)[0]["cases"] == 3
    other = run(client, create_org, "annan")
    assert run(client, panel.query, PanelScope(other, date(2026, 1, 1), date(2026, 12, 31))) == []
