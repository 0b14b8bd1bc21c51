"""The feedback statistics: the month tables equal a direct count of the records (across a
change to or from summer time and a month boundary in the organisation's own time zone),
the refresh is incremental, the per-record facts count local dates and working days, the
histogram's percentiles are numpy's inverted-CDF ones, and each panel's link lists exactly
the records its row counts."""

from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
from bs4 import BeautifulSoup
from starlette.datastructures import URL

from commitments.models import Service
from commitments.services import import_catalogue
from complaints import panels, services, statistics
from complaints.handling import handling_terms
from complaints.models import (
    Feedback,
    FeedbackCauseMonth,
    FeedbackHandlingDays,
    FeedbackMonth,
)
from complaints.states import Channel, Kind, Outcome, Status
from problem_areas.models import ProblemArea
from servicedialog.calendars import zone_of
from servicedialog.features import PanelScope
from servicedialog.roles import Role
from tests.conftest import create_org, run

CATALOGUE = {
    "services": [
        {"code": "BYGG", "name": {"sv": "Bygglov", "en": "Building permits"}},
        {"code": "SKOLA", "name": {"sv": "Skola", "en": "School"}},
    ]
}
# Around the end of summer time (25 October 2026) and the month boundary after it, and a
# few records right around the local midnight of 1 November (UTC+1 in Stockholm, UTC+2 in
# Helsinki).
WINDOW = (datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 6, tzinfo=UTC))
EDGES = [
    datetime(2026, 10, 31, 21, 59, tzinfo=UTC) + timedelta(minutes=m) for m in range(0, 150, 7)
]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    statistics.forget()
    # No overlap: a test's records are all saved within a few seconds of each other.
    monkeypatch.setattr(statistics, "OVERLAP", timedelta(0))
    yield
    statistics.forget()


async def _setting(org: Any) -> dict[str, Any]:
    from servicedialog.orgs.services import create_unit

    units = [await create_unit(org, f"u{i}", f"Enhet {i}", f"Unit {i}") for i in range(2)]
    await import_catalogue(org, CATALOGUE)
    found = await Service.filter(organisation_id=org.id).order_by("code")
    areas = [
        await ProblemArea.create(organisation_id=org.id, code=f"a{i}", name_sv=f"Område {i}")
        for i in range(2)
    ]
    return {"units": units, "services": list(found), "areas": areas}


async def _seed(org: Any, rng: random.Random, n: int, setting: dict[str, Any]) -> list[int]:
    """``n`` records received at random in WINDOW (and at EDGES), handled at random;
    their facts are left for the refresh to compute."""
    zone = zone_of(org)
    low, high = WINDOW
    moments = EDGES + [
        low + timedelta(seconds=rng.randrange(int((high - low).total_seconds())))
        for _ in range(n - len(EDGES))
    ]
    rows = []
    for i, received in enumerate(moments):
        day = received.astimezone(zone).date()
        kind = rng.choice(list(Kind))
        record = Feedback(
            organisation_id=org.id,
            number=f"T-{i:05d}",
            kind=kind,
            channel=rng.choice(list(Channel)),
            unit_id=rng.choice([None, *(u.id for u in setting["units"])]),
            service_id=rng.choice([None, *(s.id for s in setting["services"])]),
            text="Text",
            received_at=received,
            acknowledge_due=day + timedelta(days=2),
            answer_due=day + timedelta(days=rng.choice([5, 10, 14])),
            tracking_hash=secrets.token_hex(32),
        )
        if rng.random() < 0.7:
            record.acknowledged_at = received + timedelta(hours=rng.randrange(1, 120))
        if rng.random() < 0.6:
            record.answered_at = received + timedelta(hours=rng.randrange(1, 500))
            record.acknowledged_at = record.acknowledged_at or record.answered_at
            record.status = Status.IN_PROGRESS
            if rng.random() < 0.6:
                record.status = Status.CLOSED
                record.closed_at = record.answered_at
                record.outcome = rng.choice(list(Outcome)) if kind is Kind.COMPLAINT else None
                record.root_cause_id = rng.choice([None, *(a.id for a in setting["areas"])])
                record.improvement = rng.choice(["", "", "Ny rutin"])
                record.satisfaction = rng.choice([None, 1, 3, 5])
                record.stage = rng.choice([1, 1, 1, 2])
        rows.append(record)
    await Feedback.bulk_create(rows)
    return [r.id for r in await Feedback.filter(organisation_id=org.id).only("id")]


def _direct(records: list[Feedback], zone: Any) -> dict[str, Counter[Any]]:
    """The three tables counted from the records in Python."""
    months: Counter[Any] = Counter()
    days: Counter[Any] = Counter()
    causes: Counter[Any] = Counter()
    for r in records:
        month = r.received_at.astimezone(zone).date().replace(day=1)
        key = (month, r.unit_id, r.service_id, str(r.kind), str(r.channel))
        closed = r.status is Status.CLOSED
        figures = {
            "received": 1,
            "acknowledged": r.acknowledged_at is not None,
            "acknowledged_on_time": bool(r.acknowledged_on_time),
            "answered": r.answered_at is not None,
            "answered_on_time": r.answered_at is not None and bool(r.answered_on_time),
            "closed": closed,
            "reviews": r.stage == 2,
            "satisfaction_sum": r.satisfaction or 0,
            "satisfaction_count": r.satisfaction is not None,
            "improvements": closed and r.improvement != "",
            **{o.value: closed and r.outcome == o for o in Outcome},
        }
        for name, value in figures.items():
            months[(*key, name)] += int(value)
        if r.answered_at is not None:
            days[(month, r.unit_id, r.service_id, str(r.channel), r.handling_days)] += 1
        if closed and r.kind is Kind.COMPLAINT:
            cause = (month, r.unit_id, r.service_id, str(r.channel), r.root_cause_id)
            causes[(*cause, "closed")] += 1
            causes[(*cause, "improvements")] += int(r.improvement != "")
    return {"months": +months, "days": +days, "causes": +causes}


async def _tables(org_id: int) -> dict[str, Counter[Any]]:
    months: Counter[Any] = Counter()
    for row in await FeedbackMonth.filter(organisation_id=org_id):
        key = (row.month, row.unit_id, row.service_id, str(row.kind), str(row.channel))
        for name in statistics.MONTH_COUNTS:
            months[(*key, name)] += getattr(row, name)
    days: Counter[Any] = Counter()
    for row in await FeedbackHandlingDays.filter(organisation_id=org_id):
        key = (row.month, row.unit_id, row.service_id, str(row.channel))
        days[(*key, row.days)] += row.count
    causes: Counter[Any] = Counter()
    for row in await FeedbackCauseMonth.filter(organisation_id=org_id):
        key = (row.month, row.unit_id, row.service_id, str(row.channel), row.root_cause_id)
        causes[(*key, "closed")] += row.closed
        causes[(*key, "improvements")] += row.improvements
    return {"months": +months, "days": +days, "causes": +causes}


@pytest.mark.parametrize("country", ["SE", "FI"])
def test_the_month_tables_equal_a_direct_count_across_summer_time_and_months(client, country):
    async def scenario():
        org = await create_org(f"stat{country.lower()}", country)
        assert str(zone_of(org)) == {"SE": "Europe/Stockholm", "FI": "Europe/Helsinki"}[country]
        await _seed(org, random.Random(country), 160, await _setting(org))
        months = await statistics.refresh(org, full=True)
        records = await Feedback.filter(organisation_id=org.id)
        return org, months, _direct(records, zone_of(org)), await _tables(org.id), records

    org, months, direct, tables, records = run(client, scenario)
    assert months == 2  # October and November, local
    assert tables == direct
    assert all(r.handling_days is not None for r in records if r.answered_at)  # filled
    # The records at the edges fall into the month of their local date.
    zone = zone_of(org)
    november = {r.id for r in records if r.received_at >= datetime(2026, 11, 1, tzinfo=zone)}
    in_november = sum(
        v for k, v in tables["months"].items() if k[0].month == 11 and k[-1] == "received"
    )
    assert in_november == len(november)


def test_the_refresh_recounts_only_the_months_that_changed(client, org, member):
    handler = member(Role.HANDLER, sign_in=False)

    async def scenario():
        await _seed(org, random.Random(7), 60, await _setting(org))
        assert await statistics.refresh(org, full=True) == 2
        assert await statistics.refresh(org) == 0  # nothing changed
        before = {(r.id, r.month) for r in await FeedbackMonth.filter(organisation_id=org.id)}
        record = await Feedback.filter(
            organisation_id=org.id,
            status=Status.RECEIVED,
            received_at__gte=datetime(2026, 11, 2, tzinfo=UTC),
        ).first()
        assert record is not None
        await services.close(
            record,
            handler,
            services.Closing(answer="Svar", outcome=Outcome.UPHELD, improvement="Bättre"),
        )
        recounted = await statistics.refresh(org)
        after = {(r.id, r.month) for r in await FeedbackMonth.filter(organisation_id=org.id)}
        records = await Feedback.filter(organisation_id=org.id)
        return recounted, before, after, _direct(records, zone_of(org)), await _tables(org.id)

    recounted, before, after, direct, tables = run(client, scenario)
    assert recounted == 1
    october = date(2026, 10, 1)
    assert {r for r in before if r[1] == october} == {r for r in after if r[1] == october}
    assert {r for r in before if r[1] != october} != {r for r in after if r[1] != october}
    assert tables == direct


def test_on_time_and_working_days_count_local_dates_and_the_calendar(client, org, member):
    handler = member(Role.HANDLER, sign_in=False)

    async def scenario():
        terms = await handling_terms(org)
        # Received on Friday 4 December 2026 at 16:00 in Stockholm.
        record = Feedback(
            received_at=datetime(2026, 12, 4, 15, tzinfo=UTC),
            acknowledge_due=date(2026, 12, 8),
            answer_due=date(2026, 12, 8),
        )
        cases = {}
        # Answered on Tuesday at 23:30 UTC: already Wednesday in Stockholm.
        for label, answered in {
            "tuesday": datetime(2026, 12, 8, 22, 30, tzinfo=UTC),
            "wednesday": datetime(2026, 12, 8, 23, 30, tzinfo=UTC),
            "same day": datetime(2026, 12, 4, 16, tzinfo=UTC),
            "saturday": datetime(2026, 12, 5, 10, tzinfo=UTC),
        }.items():
            cases[label] = statistics.facts(
                replace_record(record, answered_at=answered, acknowledged_at=answered), terms
            )
        cases["open"] = statistics.facts(record, terms)
        # Through the handling: the answer sets the facts, a review asked for clears them.
        new = services.NewFeedback(kind=Kind.COMPLAINT, text="Hej", contact_email="a@b.se")
        registered = await (await services.register(org, new)).record()
        await services.acknowledge(registered, handler)
        acknowledged = await Feedback.get(id=registered.id)
        await services.close(
            await Feedback.get(id=registered.id),
            handler,
            services.Closing(answer="Svar", outcome=Outcome.RESOLVED),
        )
        closed = await Feedback.get(id=registered.id)
        await services.request_review(await Feedback.get(id=registered.id), "Inte nöjd")
        reviewed = await Feedback.get(id=registered.id)
        return cases, acknowledged, closed, reviewed

    cases, acknowledged, closed, reviewed = run(client, scenario)
    assert cases["tuesday"] == {
        "acknowledged_on_time": True,
        "answered_on_time": True,
        "handling_days": 2,  # Monday and Tuesday
    }
    assert cases["wednesday"] == {
        "acknowledged_on_time": False,
        "answered_on_time": False,
        "handling_days": 3,
    }
    assert cases["same day"]["handling_days"] == 0
    assert cases["saturday"]["handling_days"] == 0  # no working day after Friday yet
    assert cases["open"] == dict.fromkeys(statistics.FACT_FIELDS)
    assert acknowledged.acknowledged_on_time is True and acknowledged.answered_on_time is None
    assert closed.answered_on_time is True and closed.handling_days == 0
    assert reviewed.answered_at is None and reviewed.answered_on_time is None
    assert reviewed.handling_days is None and reviewed.acknowledged_on_time is True


def replace_record(record: Feedback, **changes: Any) -> Feedback:
    copy = Feedback(
        received_at=record.received_at,
        acknowledge_due=record.acknowledge_due,
        answer_due=record.answer_due,
    )
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def test_percentiles_are_numpys_inverted_cdf():
    rng = np.random.default_rng(3)
    for size in (1, 2, 3, 4, 5, 10, 17, 40, 99):
        values = rng.integers(0, 30, size)
        histogram = list(Counter(values.tolist()).items())
        for q in (50, 90):
            expected = int(np.percentile(values, q, method="inverted_cdf"))
            assert panels.percentile(histogram, q) == expected, (size, q)
    assert panels.percentile([], 50) is None
    assert panels.percentile([(1, 1), (2, 1), (3, 1), (4, 1)], 50) == 2


def _scope(org: Any, **extra: Any) -> PanelScope:
    return PanelScope(org, date(2026, 10, 1), date(2026, 11, 30), today=date(2026, 12, 1), **extra)


def test_handling_time_panel_and_filters_match_the_records(client, org):
    async def scenario():
        setting = await _setting(org)
        await _seed(org, random.Random(11), 120, setting)
        scope = _scope(org)
        unit = setting["units"][0].id
        results = {
            "time": await panels.handling_time(scope),
            "received": await panels.received_by_kind(scope),
            "unit": await panels.received_by_kind(replace(scope, unit_id=unit)),
            "channel": await panels.on_time(replace(scope, channel="web")),
            "public": await panels.monthly(replace(scope, public=True, unit_id=unit)),
            "outcomes": await panels.outcomes(scope),
            "causes": await panels.root_causes(scope),
            "digital": await panels.received_by_channel(scope),
            "no population": await panels.received_per_inhabitant(scope),
        }
        org.population = 4000
        results["population"] = await panels.received_per_inhabitant(scope)
        return results, await Feedback.filter(organisation_id=org.id), unit

    results, records, unit = run(client, scenario)
    zone = zone_of(org)

    def month(r: Feedback) -> date:
        return r.received_at.astimezone(zone).date().replace(day=1)

    for row in results["time"]:
        values = [r.handling_days for r in records if r.answered_at and month(r) == row["month"]]
        assert row["answered"] == len(values)
        assert row["median"] == int(np.percentile(values, 50, method="inverted_cdf"))
        assert row["p90"] == int(np.percentile(values, 90, method="inverted_cdf"))
    for row in results["received"]:
        mine = [r for r in records if month(r) == row["month"]]
        assert row["received"] == len(mine)
        assert row["complaint"] == sum(r.kind is Kind.COMPLAINT for r in mine)
        assert row["per_1000"] is None  # no population
    for row in results["unit"]:
        assert row["received"] == sum(
            month(r) == row["month"] and r.unit_id == unit for r in records
        )
    for row in results["channel"]:
        web = [r for r in records if month(r) == row["month"] and r.channel is Channel.WEB]
        answered = [r for r in web if r.answered_at]
        assert row["answered"] == len(answered)
        assert row["answered_on_time"] == sum(bool(r.answered_on_time) for r in answered)
    # The public rows: organisation-wide (the unit filter ignored), only the open data's keys.
    assert [set(row) for row in results["public"]] == [set(panels.MONTHLY_KEYS)] * 2
    assert [row["month"] for row in results["public"]] == ["2026-10", "2026-11"]
    assert sum(row["received"] for row in results["public"]) == len(records)
    closed = [r for r in records if r.status is Status.CLOSED and r.kind is Kind.COMPLAINT]
    assert {row["outcome"]: row["closed"] for row in results["outcomes"]} == {
        o.value: sum(r.outcome == o for r in closed) for o in Outcome
    }
    assert {row["root_cause_id"]: row["closed"] for row in results["causes"]} == Counter(
        r.root_cause_id for r in closed
    )
    assert results["no population"] == []
    for row in results["population"]:
        assert row["per_1000"] == round(1000 * row["received"] / 4000, 2)
    assert len(results["population"]) == 2
    for row in results["digital"]:
        mine = [r for r in records if month(r) == row["month"]]
        digital = sum(r.channel in (Channel.WEB, Channel.OPEN311) for r in mine)
        assert row["digital_share"] == round(100 * digital / len(mine), 1)


class _Request:
    """What a panel's link needs of the request: url_for."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def url_for(self, name: str, **params: Any) -> URL:
        return URL("http://testserver" + self.app.url_path_for(name, **params))


def _listed(client: Any, url: str) -> set[str]:
    parts = urlsplit(url)
    page = BeautifulSoup(client.get(f"{parts.path}?{parts.query}").text, "html.parser")
    assert page.select_one(".pagination a[rel=next]") is None  # one page: all are listed
    return {a.text for a in page.select("tbody th a")}


def test_a_rows_link_lists_exactly_the_records_it_counts(client, org, member, monkeypatch):
    monkeypatch.setattr(statistics, "MAX_AGE_SECONDS", 0.0)

    async def scenario():
        setting = await _setting(org)
        await _seed(org, random.Random(5), 40, setting)
        unit = setting["units"][1].id
        scope = _scope(org, unit_id=unit)
        return (
            setting,
            scope,
            {
                "received": await panels.received_by_kind(scope),
                "outcomes": await panels.outcomes(scope),
                "causes": await panels.root_causes(scope),
                "web": await panels.received_by_kind(replace(scope, channel="web")),
            },
            await Feedback.filter(organisation_id=org.id),
        )

    setting, scope, results, records = run(client, scenario)
    member(Role.QUALITY_MANAGER)
    request = _Request(client.app)
    zone = zone_of(org)
    spec = {p.name: p for p in panels.PANELS}

    def month(r: Feedback) -> date:
        return r.received_at.astimezone(zone).date().replace(day=1)

    mine = [r for r in records if r.unit_id == scope.unit_id]
    for row in results["received"]:
        url = spec["complaints.received"].link(request, row, scope)
        expected = {r.number for r in mine if month(r) == row["month"]}
        assert len(expected) == row["received"]
        assert _listed(client, url) == expected
    for row in results["web"]:
        url = spec["complaints.received"].link(request, row, replace(scope, channel="web"))
        assert "channel=web" in url
        expected = {r.number for r in mine if month(r) == row["month"] and r.channel == "web"}
        assert _listed(client, url) == expected and len(expected) == row["received"]
    closed = [r for r in mine if r.status is Status.CLOSED and r.kind is Kind.COMPLAINT]
    for row in results["outcomes"]:
        url = spec["complaints.outcomes"].link(request, row, scope)
        assert "status=closed" in url and "kind=complaint" in url
        expected = {r.number for r in closed if r.outcome == row["outcome"]}
        assert _listed(client, url) == expected and len(expected) == row["closed"]
    for row in results["causes"]:
        url = spec["complaints.root_causes"].link(request, row, scope)
        expected = {r.number for r in closed if r.root_cause_id == row["root_cause_id"]}
        assert _listed(client, url) == expected and len(expected) == row["closed"]
    # The inbox says what it is filtered by.
    page = client.get("/feedback/manage/?status=all&channel=web&open_for=six_months").text
    assert "Filtrerad på" in page or "Filtered by" in page


def test_quality_counts_and_open_longer_than_six_months(client, org, member):
    async def scenario():
        from servicedialog.calendars import today_for

        today = today_for(org)  # the inbox counts from the real today
        zone = zone_of(org)
        limit = statistics.six_months_before(today)
        old = datetime.combine(limit - timedelta(days=1), time(23), zone)  # over six months
        border = datetime.combine(limit, time(0, 30), zone)  # not yet
        rows = []
        for i, (received, due, status) in enumerate(
            [
                (old, limit + timedelta(days=9), Status.IN_PROGRESS),
                (old, limit + timedelta(days=9), Status.CLOSED),
                (border, limit + timedelta(days=11), Status.RECEIVED),
                (border, today + timedelta(days=2), Status.RECEIVED),  # due soon
                (border, today + timedelta(days=20), Status.RECEIVED),
            ]
        ):
            rows.append(
                Feedback(
                    organisation_id=org.id,
                    number=f"Q-{i}",
                    kind=Kind.COMPLAINT,
                    text="Text",
                    received_at=received,
                    answer_due=due,
                    status=status,
                    tracking_hash=secrets.token_hex(32),
                )
            )
        await Feedback.bulk_create(rows)
        scope = replace(_scope(org), today=today)
        return (
            await panels.overdue(scope),
            await panels.due_soon(scope),
            await panels.open_too_long(scope),
            statistics.six_months_before(date(2026, 8, 31)),
        )

    late, soon, long_open, clamped = run(client, scenario)
    member(Role.QUALITY_MANAGER)
    spec = {p.name: p for p in panels.PANELS}
    url = spec["complaints.open_long"].link(_Request(client.app), long_open[0], _scope(org))
    assert "open_for=six_months" in url
    assert _listed(client, url) == {"Q-0"}  # open, received more than six months ago
    assert _listed(client, "/feedback/manage/?status=all&service=999999") == set()
    assert soon == [{"soon": 1, "overdue": 2}]
    assert long_open == [{"open_long": 1}]
    assert clamped == date(2026, 2, 28)


def test_ensure_fresh_refreshes_when_stale_and_the_feature_registers_it(client, org):
    from complaints.feature import feature

    async def scenario():
        await _seed(org, random.Random(1), 30, await _setting(org))
        await statistics.ensure_fresh(org, max_age=0)
        first = await FeedbackMonth.filter(organisation_id=org.id).count()
        record = await Feedback.filter(organisation_id=org.id).first()
        assert record is not None
        record.received_at = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # summer time begins
        await record.save()
        await statistics.ensure_fresh(org)  # within the max age: not refreshed
        march = await FeedbackMonth.filter(organisation_id=org.id, month=date(2026, 3, 1))
        await statistics.ensure_fresh(org, max_age=0)
        march_after = await FeedbackMonth.filter(organisation_id=org.id, month=date(2026, 3, 1))
        channels = await feature.dashboard_filters["channel"](org, "sv")
        assert (await statistics.refresh_all()).endswith("for 1 organisations")
        return first, march, march_after, channels

    first, march, march_after, channels = run(client, scenario)
    assert first > 0 and march == [] and sum(r.received for r in march_after) == 1
    assert ("web", "Webbformulär") in channels or ("web", "Web form") in channels
    assert len(channels) == len(Channel)

    assert feature.statistics is not None and {p.name for p in feature.panels} >= {
        "complaints.monthly",
        "complaints.on_time",
    }
    assert any(job.name == "complaints.statistics" for job in feature.jobs)
    public = [p for p in feature.panels if "public" in p.views]
    assert [p.name for p in public] == ["complaints.monthly"] and public[0].permission is None
    assert all(p.permission is not None for p in feature.panels if "public" not in p.views)
