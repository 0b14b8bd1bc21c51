"""The commitments' dashboard panels: each query's rows against a direct count over the raw
rows of a small data set, the scope's filters, the z-test, and the public panels' keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from commitments import panels
from commitments.fulfilment import wilson_interval
from commitments.models import CaseMonth, CaseRecord, Commitment, FulfilmentPeriod, Service
from commitments.queries import recompute_organisation
from commitments.services import import_catalogue
from servicedialog.features import PanelScope
from servicedialog.models import Unit
from servicedialog.roles import Role
from tests.conftest import run

TODAY = date(2026, 4, 15)
CATALOGUE = {
    "services": [
        {
            "code": "BYGG",
            "name": {"sv": "Bygglov", "en": "Building permits"},
            "unit": "SBF",
            "eservice_level": "transaction",
            "commitments": [
                {
                    "promise": {"sv": "Svar inom 2 arbetsdagar.", "en": "An answer in 2 days."},
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.8,
                    "period": "month",
                }
            ],
        },
        {
            "code": "EPOST",
            "name": {"sv": "E-post", "en": "E-mail"},
            "commitments": [
                {
                    "promise": {"sv": "Svar inom 2 arbetsdagar."},
                    "unit": "working_days",
                    "threshold": 2,
                    "target_share": 0.9,
                    "period": "month",
                }
            ],
        },
    ]
}
# (service code, month, met, late): received on the first Monday, answered the next day
# (met) or a week later (late).
CASES = [
    ("BYGG", 1, 20, 0),  # 100 %: met
    ("BYGG", 2, 10, 10),  # 50 %: missed, a significant drop
    ("BYGG", 3, 3, 2),  # too few cases
    ("EPOST", 1, 15, 5),  # 75 %: missed
    ("EPOST", 2, 19, 1),  # 95 %: met
    ("EPOST", 3, 18, 2),  # 90 %: met
    ("EPOST", 4, 3, 0),  # the running period, too few so far
]
CHANNELS = ["web", "phone", "web", None, "email"]


def first_monday(month: int) -> datetime:
    day = date(2026, month, 1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC)


async def seed(org):
    await Unit.create(organisation=org, code="SBF", name_sv="Förvaltningen", name_en="Office")
    await import_catalogue(org, CATALOGUE)
    services = {s.code: s for s in await Service.filter(organisation_id=org.id)}
    records, n = [], 0
    for code, month, met, late in CASES:
        received = first_monday(month)
        for i in range(met + late):
            n += 1
            done = received + timedelta(days=1 if i < met else 7)
            records.append(
                CaseRecord(
                    service=services[code],
                    case_ref=f"C{n}",
                    received_at=received,
                    completed_at=done,
                    channel=CHANNELS[n % len(CHANNELS)],
                )
            )
    await CaseRecord.bulk_create(records)
    await recompute_organisation(org, TODAY)
    return services


@pytest.fixture
def services(client, org):
    return run(client, seed, org)


def scope(org, **kw):
    values = {"start": date(2026, 1, 1), "end": date(2026, 12, 31), "today": TODAY, **kw}
    return PanelScope(organisation=org, **values)


async def raw_periods(org):
    """Every stored period as plain values (the expected figures are counted from these)."""
    return await FulfilmentPeriod.filter(
        version__commitment__service__organisation_id=org.id
    ).values(
        "period_start",
        "period_end",
        "total_volume",
        "volume_meeting_target",
        "too_few_cases",
        "target_met",
        "version__commitment_id",
        "version__commitment__service__code",
        "version__target_share",
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((20, 20), (10, 20), True),  # 100 % against 50 %
        ((15, 20), (19, 20), False),  # 75 % against 95 %: z = 1.82
        ((18, 20), (19, 20), False),
        ((900, 1000), (850, 1000), True),
        ((0, 0), (5, 10), False),  # nothing to compare with
        ((10, 10), (20, 20), False),  # all kept in both
    ],
)
def test_significant_change(a, b, expected):
    assert panels.significant_change(*a, *b) is expected
    assert panels.significant_change(*b, *a) is expected


def test_meeting_counts_the_latest_complete_period(client, org, services):
    rows = run(client, panels.meeting, scope(org))
    periods = run(client, raw_periods, org)
    complete = [p for p in periods if p["period_end"] < TODAY]
    latest: dict[int, list] = {}
    for p in sorted(complete, key=lambda p: p["period_start"], reverse=True):
        latest.setdefault(p["version__commitment_id"], []).append(p)
    newest = [ps[0] for ps in latest.values()]
    measured = [p for p in newest if not p["too_few_cases"]]
    met = [p for p in measured if p["target_met"]]
    assert rows == [
        {
            "period_start": date(2026, 3, 1),
            "share": round(100 * len(met) / len(measured), 1),
            "previous_share": 50.0,  # February: EPOST met, BYGG missed
            "met": len(met),
            "measured": len(measured),
            "too_few": len(newest) - len(measured),
        }
    ]
    assert rows[0]["met"] == 1 and rows[0]["too_few"] == 1  # EPOST met, BYGG too few


def test_meeting_honours_the_service_and_unit_filters(client, org, services):
    bygg = services["BYGG"]
    only = run(client, panels.meeting, scope(org, service_id=services["EPOST"].id))
    assert only[0]["met"] == 1 and only[0]["too_few"] == 0 and only[0]["share"] == 100.0
    by_unit = run(client, panels.meeting, scope(org, unit_id=bygg.unit_id))
    assert by_unit[0]["too_few"] == 1 and by_unit[0]["measured"] == 0
    assert by_unit[0]["share"] is None and by_unit[0]["previous_share"] == 0.0
    assert run(client, panels.meeting, scope(org, end=date(2025, 12, 31))) == []


def test_each_commitment_per_period(client, org, services):
    rows = run(client, panels.each_commitment, scope(org))
    periods = run(client, raw_periods, org)
    assert len(rows) == len(periods)
    by_key = {(r["commitment_id"], r["period_start"]): r for r in rows}
    for p in periods:
        row = by_key[(p["version__commitment_id"], p["period_start"])]
        assert row["cases"] == p["total_volume"]
        assert row["target"] == round(100 * p["version__target_share"], 1)
        assert row["too_few"] is p["too_few_cases"]
        if p["too_few_cases"]:
            assert row["share"] is None and row["low"] is None
        else:
            share = p["volume_meeting_target"] / p["total_volume"]
            low, high = wilson_interval(p["volume_meeting_target"], p["total_volume"])
            assert row["share"] == round(100 * share, 1)
            assert (row["low"], row["high"]) == (round(100 * low, 1), round(100 * high, 1))
    bygg = [r for r in rows if r["name_sv"].startswith("Bygglov")]
    assert [r["significant"] for r in bygg] == [False, True, False]  # Feb's drop; Mar too few
    assert bygg[0]["name_en"] == "Building permits: An answer in 2 days."
    epost = [r for r in rows if r["name_sv"].startswith("E-post")]
    assert not any(r["significant"] for r in epost)


def test_each_commitment_links_to_its_page(client, org, services):
    rows = run(client, panels.each_commitment, scope(org, service_id=services["BYGG"].id))
    assert {r["name_sv"] for r in rows} == {"Bygglov: Svar inom 2 arbetsdagar."}
    panel = next(p for p in panels.PANELS if p.name == "commitments.each")
    commitment_id = rows[0]["commitment_id"]
    quality = viewer(client, Role.QUALITY_MANAGER)
    assert panel.link(quality, rows[0], scope(org)) == (
        f"/commitments/manage/commitments/{commitment_id}"
    )
    # Leadership may not manage commitments: the public page with the same history.
    leadership = viewer(client, Role.LEADERSHIP)
    assert panel.link(leadership, rows[0], scope(org)) == (
        f"/commitments/{org.slug}/{commitment_id}"
    )
    ladder = next(p for p in panels.PANELS if p.name == "channels.eservices")
    service = run(client, panels.eservice_ladder, scope(org))[0]
    assert ladder.link(quality, service, scope(org)) == (
        f"/commitments/manage/services/{service['service_id']}"
    )
    assert ladder.link(leadership, service, scope(org)) == (
        f"/commitments/{org.slug}/services/BYGG"
    )


def viewer(client, role):
    """A stand-in request of a signed-in staff member holding ``role``."""
    state = SimpleNamespace(roles=frozenset({role}), user=SimpleNamespace(is_superuser=False))
    return SimpleNamespace(app=client.app, state=state)


def test_kept_per_period_sums_the_periods(client, org, services):
    rows = run(client, panels.kept_per_period, scope(org))
    periods = run(client, raw_periods, org)
    for row in rows:
        same = [p for p in periods if p["period_start"] == row["period_start"]]
        assert row["cases"] == sum(p["total_volume"] for p in same)
        assert row["kept"] == sum(p["volume_meeting_target"] for p in same)
    assert [r["cases"] for r in rows] == [40, 40, 25, 3]
    unit = run(client, panels.kept_per_period, scope(org, unit_id=services["BYGG"].unit_id))
    assert [r["cases"] for r in unit] == [20, 20, 5]


def test_published_kept_is_the_latest_complete_period(client, org, services):
    rows = run(client, panels.published_kept, scope(org, public=True))
    assert [(r["name_sv"], r["period_start"], r["share"], r["cases"]) for r in rows] == [
        ("Bygglov: Svar inom 2 arbetsdagar.", date(2026, 3, 1), None, 5),
        ("E-post: Svar inom 2 arbetsdagar.", date(2026, 3, 1), 90.0, 20),
    ]
    assert rows[1]["met"] is True and rows[0]["met"] is None


def test_public_panels_hold_no_personal_data(client, org, services):
    personal = {"case_ref", "received_at", "completed_at", "pauses", "owner", "email", "text"}
    for panel in panels.PANELS:
        if "public" not in panel.views:
            continue
        assert panel.min_cases, panel.name
        assert panel.permission is None, panel.name  # the public sees only such panels
        for row in run(client, panel.query, scope(org, public=True)):
            assert not personal & set(row), panel.name


def test_at_risk_lists_commitments_below_target(client, org, services):
    # BYGG: under three measured periods, so no trend, and too few cases in April so far;
    # EPOST: 75, 95 and 90 %, a line still above its 90 % in April.
    assert run(client, panels.at_risk, scope(org)) == []
    # A commitment whose running period is below its target is listed for that reason.
    run(client, _late_april, services["BYGG"])
    rows = run(client, panels.at_risk, scope(org))
    assert len(rows) == 1
    bygg = rows[0]
    assert bygg["name_sv"].startswith("Bygglov") and bygg["below_target"]
    assert bygg["share"] == 0.0 and bygg["cases"] == 12 and bygg["target"] == 80.0


def test_trend_is_a_line_through_the_latest_shares():
    assert panels._trend([0.75, 0.95, 0.90, None], ahead=False) == pytest.approx(1.0167, 1e-3)
    assert panels._trend([0.95, 0.90, 0.85], ahead=True) == pytest.approx(0.80)
    assert 0.85 < panels._trend([0.95, None, 0.90, 0.85], ahead=False) < 0.86
    assert panels._trend([None, 0.9, 0.8], ahead=True) is None  # two points: no trend


async def _late_april(service):
    received = datetime(2026, 4, 1, 8, tzinfo=UTC)  # still open: late by the 8th of April
    await CaseRecord.bulk_create(
        CaseRecord(service=service, case_ref=f"A{i}", received_at=received) for i in range(12)
    )
    await recompute_organisation(await service.organisation, TODAY)


def test_channels_count_the_cases(client, org, services):
    rows = run(client, panels.cases_by_channel, scope(org))
    cases = run(client, CaseRecord.all().values, "received_at", "channel")
    for row in rows:
        month = [c for c in cases if c["received_at"].month == row["month"].month]
        assert row["cases"] == len(month)
        for channel in ("web", "phone", "email"):
            assert row[channel] == sum(1 for c in month if c["channel"] == channel)
        assert row["unknown"] == sum(1 for c in month if c["channel"] is None)
        known = [c for c in month if c["channel"] is not None]
        web = sum(1 for c in known if c["channel"] == "web")
        assert row["digital_share"] == round(100 * web / len(known), 1)
    assert [r["month"] for r in rows] == [date(2026, m, 1) for m in (1, 2, 3, 4)]
    epost = run(client, panels.cases_by_channel, scope(org, service_id=services["EPOST"].id))
    assert [r["cases"] for r in epost] == [20, 20, 20, 3]


def test_case_months_are_rebuilt_by_recompute(client, org, services):
    assert run(client, CaseMonth.all().count) > 0
    total = sum(run(client, CaseMonth.all().values_list, "cases", flat=True))
    assert total == run(client, CaseRecord.all().count)


def test_eservice_ladder(client, org, services):
    rows = run(client, panels.eservice_ladder, scope(org, end=date(2026, 12, 31)))
    assert [(r["code"], r["step"], r["level"], r["cases"]) for r in rows] == [
        ("BYGG", 3, "Transaktion", 45),
        ("EPOST", 1, "Information", 63),
    ]
    # Twelve months up to February 2027: January and February 2026 are left out.
    later = run(client, panels.eservice_ladder, scope(org, end=date(2027, 2, 28), language="en"))
    assert [(r["level"], r["cases"]) for r in later] == [("Transaction", 5), ("Information", 23)]


def test_service_filter_choices(client, org, services):
    choices = run(client, panels.service_choices, org, "en")
    assert choices == [
        (str(services["BYGG"].id), "Building permits"),
        (str(services["EPOST"].id), "E-mail"),
    ]


def test_drafts_are_not_shown(client, org, services):
    run(client, Commitment.all().update, status="draft")
    assert run(client, panels.published_kept, scope(org, public=True)) == []
    assert run(client, panels.each_commitment, scope(org)) == []


def test_the_statistics_hook_recomputes_only_when_needed(client, org, services):
    from commitments.feature import feature

    run(client, CaseMonth.all().delete)
    run(client, feature.statistics, org, False)  # the month table was missing
    assert run(client, CaseMonth.all().count) > 0
    run(client, FulfilmentPeriod.all().delete)
    run(client, feature.statistics, org, False)  # nothing to do every minute
    assert run(client, FulfilmentPeriod.all().count) == 0
    run(client, feature.statistics, org, True)
    assert run(client, FulfilmentPeriod.all().count) > 0
    assert feature.dashboard_filters["service"] is panels.service_choices
