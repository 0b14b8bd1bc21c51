"""The insight's dashboard panels: the month table and each query against a direct count
over the raw labels of a small data set, the links to the texts behind a row, the list of
texts (secret texts never shown) and the public panel's keys."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from problem_areas import emerging, panels
from problem_areas.models import AreaDay, AreaMonth, Label, ProblemArea
from problem_areas.statistics import refresh_area_months
from servicedialog.features import PanelScope
from servicedialog.roles import Role
from tests.conftest import run

STOCKHOLM = ZoneInfo("Europe/Stockholm")
END = date(2026, 6, 30)
# Area index -> texts per month, January to June 2026 (area 7 and 8 are small: "other").
VOLUMES = {
    0: [10, 12, 9, 11, 30, 40],
    1: [8, 8, 8, 8, 8, 8],
    2: [5, 6, 7, 8, 9, 10],
    3: [4, 4, 4, 4, 4, 4],
    4: [3, 3, 3, 3, 3, 3],
    5: [2, 2, 2, 2, 2, 2],
    6: [1, 1, 1, 1, 1, 1],
    7: [0, 1, 0, 1, 0, 1],
}


def label(org, area, n, when, hidden=False):
    return Label(
        organisation=org,
        source="feedback",
        source_id=n,
        text=f"Text {n} med personnummer borttaget",
        received_at=when,
        area=area,
        hidden=hidden,
        set_at=when,
        created_at=when,
    )


async def seed(org):
    areas = [
        await ProblemArea.create(
            organisation=org, code=f"a{i}", name_sv=f"Område {i}", name_en=f"Area {i}"
        )
        for i in range(8)
    ]
    rows, n = [], 0
    for index, per_month in VOLUMES.items():
        for month, count in enumerate(per_month, start=1):
            for i in range(count):
                n += 1
                when = datetime(2026, month, 3 + i % 20, 10, tzinfo=UTC)
                rows.append(label(org, areas[index], n, when, hidden=i == 0 and index == 0))
    # 31 January 23:30 UTC is 1 February in Stockholm: a February text.
    rows.append(label(org, areas[1], n + 1, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)))
    rows.append(label(org, None, n + 2, datetime(2026, 3, 3, tzinfo=UTC)))  # not classified
    await Label.bulk_create(rows)
    await refresh_area_months(org)
    return areas


@pytest.fixture
def areas(client, org):
    return run(client, seed, org)


def scope(org, **kw):
    values = {"start": date(2026, 1, 1), "end": END, "today": END, **kw}
    return PanelScope(organisation=org, **values)


async def raw_counts(org):
    """(area id, local month) -> texts, counted over the labels themselves."""
    labels = await Label.filter(organisation_id=org.id, area_id__not_isnull=True).values(
        "area_id", "received_at"
    )
    return Counter(
        (row["area_id"], row["received_at"].astimezone(STOCKHOLM).date().replace(day=1))
        for row in labels
    )


def test_month_table_equals_a_count_of_the_labels(client, org, areas):
    stored = run(
        client, AreaMonth.filter(organisation_id=org.id).values, "area_id", "month", "texts"
    )
    expected = run(client, raw_counts, org)
    assert {(r["area_id"], r["month"]): r["texts"] for r in stored} == dict(expected)
    assert expected[(areas[1].id, date(2026, 2, 1))] == 9  # the late January text
    days = run(client, AreaDay.filter(organisation_id=org.id).values_list, "texts", flat=True)
    assert sum(days) == sum(expected.values())
    # Rebuilt, not added to: a second refresh writes the same rows.
    run(client, refresh_area_months, org, True)
    assert run(client, AreaMonth.filter(organisation_id=org.id).count) == len(stored)


async def table(org):
    months = await AreaMonth.filter(organisation_id=org.id).values_list("area_id", "month", "texts")
    days = await AreaDay.filter(organisation_id=org.id).values_list("area_id", "day", "texts")
    return sorted(months), sorted(days)


def test_a_refresh_recounts_the_last_two_months(client, org, areas):
    # New texts in May and June (the months a refresh on 10 June recounts).
    run(client, _more, org, areas[3], [datetime(2026, 5, 31, 22, 30, tzinfo=UTC)] * 2)
    run(client, _more, org, areas[3], [datetime(2026, 6, 9, 8, tzinfo=UTC)] * 3)
    done = run(client, refresh_area_months, org, False, date(2026, 6, 10))
    assert done == "recounted"
    recounted = run(client, table, org)
    run(client, refresh_area_months, org, True)
    assert recounted == run(client, table, org)
    expected = run(client, raw_counts, org)
    assert expected[(areas[3].id, date(2026, 6, 1))] == 4 + 5  # 31 May 22:30 UTC is June


def test_a_refresh_rebuilds_when_an_older_text_moved(client, org, areas):
    first = run(client, Label.filter(area_id=areas[0].id).order_by("received_at").first)
    run(client, Label.filter(id=first.id).update, area_id=areas[5].id)  # January
    assert run(client, refresh_area_months, org, False, date(2026, 6, 10)) == "rebuilt"
    stored = run(
        client, AreaMonth.filter(organisation_id=org.id).values, "area_id", "month", "texts"
    )
    assert {(r["area_id"], r["month"]): r["texts"] for r in stored} == dict(
        run(client, raw_counts, org)
    )


async def _more(org, area, moments):
    start = await Label.filter(organisation_id=org.id).count()
    await Label.bulk_create(
        label(org, area, 50_000 + start + i, when) for i, when in enumerate(moments)
    )


def test_volume_has_the_six_largest_areas_and_other(client, org, areas):
    rows = run(client, panels.volume_by_month, scope(org))
    expected = run(client, raw_counts, org)
    top = {areas[i].id for i in range(6)}
    assert {r["area_id"] for r in rows} == top | {None}
    for row in rows:
        if row["area_id"] is None:
            others = {areas[6].id, areas[7].id}
            assert row["texts"] == sum(
                n
                for (area_id, month), n in expected.items()
                if area_id in others and month == row["month"]
            )
            assert row["name_sv"] == "Övriga områden"
        else:
            assert row["texts"] == expected.get((row["area_id"], row["month"]), 0)
    assert [r["rank"] for r in rows if r["month"] == date(2026, 1, 1)] == [1, 2, 3, 4, 5, 6, 7]
    months = sorted({r["month"] for r in rows})
    assert months == [date(2026, m, 1) for m in range(1, 7)]


def test_volume_months_follow_the_scope(client, org, areas):
    rows = run(client, panels.volume_by_month, scope(org, start=date(2026, 5, 10)))
    assert sorted({r["month"] for r in rows}) == [date(2026, 5, 1), date(2026, 6, 1)]
    assert (
        run(
            client,
            panels.volume_by_month,
            scope(org, start=date(2025, 1, 1), end=date(2025, 12, 31)),
        )
        == []
    )


def test_quarter_against_last(client, org, areas):
    rows = run(client, panels.quarter_against_last, scope(org))
    expected = run(client, raw_counts, org)
    for row in rows:
        this = sum(n for (a, m), n in expected.items() if a == row["area_id"] and m.month >= 4)
        last = sum(n for (a, m), n in expected.items() if a == row["area_id"] and m.month < 4)
        assert (row["this_quarter"], row["last_quarter"]) == (this, last)
        assert row["change"] == this - last
    assert rows[0]["code"] == "a0" and rows[0]["this_quarter"] == 81
    assert rows[0]["change_percent"] == round(100 * (81 - 31) / 31, 1)
    assert len(rows) == 8


def test_texts_per_area_and_its_links(client, org, areas):
    rows = run(client, panels.texts_per_area, scope(org, public=True))
    expected = run(client, raw_counts, org)
    for row in rows:
        assert row["texts"] == sum(n for (a, _m), n in expected.items() if a == row["area_id"])
    assert [r["code"] for r in rows][:2] == ["a0", "a1"]
    panel = next(p for p in panels.PANELS if p.name == "problem_areas.texts")
    quality = viewer(client, Role.QUALITY_MANAGER)
    assert panel.link(quality, rows[0], scope(org, public=True)) is None
    url = panel.link(quality, rows[0], scope(org))
    assert url == f"/problem-areas/texts/?area={areas[0].id}&from=2026-01-01&to=2026-06-30"
    # Leadership sees the counts, not the texts behind them.
    assert panel.link(viewer(client, Role.LEADERSHIP), rows[0], scope(org)) is None
    volume = next(p for p in panels.PANELS if p.name == "problem_areas.volume")
    assert volume.permission.held_by(frozenset({Role.LEADERSHIP}))
    assert not volume.permission.held_by(frozenset({Role.HANDLER}))


def viewer(client, role):
    """A stand-in request of a signed-in staff member holding ``role``."""
    state = SimpleNamespace(roles=frozenset({role}), user=SimpleNamespace(is_superuser=False))
    return SimpleNamespace(app=client.app, state=state)


def test_public_panels_hold_no_personal_data(client, org, areas):
    personal = {"text", "source_id", "set_by_id", "received_at", "language", "hint_area_id"}
    for panel in panels.PANELS:
        if "public" in panel.views:
            assert panel.min_cases == "texts"
            for row in run(client, panel.query, scope(org, public=True)):
                assert not personal & set(row)


async def spike(org, area):
    """Two texts a week for twelve weeks, then twenty in the last seven days to END."""
    end = datetime(2026, 6, 30, 12, tzinfo=UTC)
    rows = [
        label(org, area, 10_000 + week * 10 + i, end - timedelta(days=7 * week + 1))
        for week in range(1, 13)
        for i in range(2)
    ]
    rows += [label(org, area, 20_000 + i, end - timedelta(hours=i)) for i in range(20)]
    await Label.bulk_create(rows)
    await refresh_area_months(org)


def test_rising_links_to_the_texts_of_the_week(client, org):
    area = run(client, ProblemArea.create, organisation=org, code="snow", name_sv="Snö")
    run(client, spike, org, area)
    rows = run(client, panels.rising, scope(org))
    assert [(r["code"], r["observed"]) for r in rows] == [("snow", 20)]
    panel = next(p for p in panels.PANELS if p.name == "problem_areas.rising")
    assert panel.link(viewer(client, Role.QUALITY_MANAGER), rows[0], scope(org)) == (
        f"/problem-areas/texts/?area={area.id}&from=2026-06-24&to=2026-06-30"
    )


def test_weekly_counts_from_days_equal_those_of_the_labels(client, org, areas):
    area = run(client, ProblemArea.create, organisation=org, code="snow", name_sv="Snö")
    run(client, spike, org, area)
    for today in (END, date(2026, 3, 31), date(2026, 2, 1)):
        from_labels = run(client, emerging.weekly_counts, org, today)
        from_days = run(client, emerging.weekly_counts_from_days, org, today)
        assert from_days == from_labels


def test_the_texts_behind_a_row_hide_secret_texts(client, org, areas, member):
    member(Role.QUALITY_MANAGER)
    quality = viewer(client, Role.QUALITY_MANAGER)
    url = panels.texts_link(quality, areas[0].id, date(2026, 1, 1), date(2026, 1, 31))
    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count('class="review-item"') == 9  # ten in January, one secret
    assert "Text 1 " not in page.text  # the secret one
    assert "Text 2 " in page.text
    other = client.get(panels.texts_link(quality, areas[1].id, date(2026, 1, 1), date(2026, 1, 31)))
    assert other.text.count('class="review-item"') == 8


@pytest.mark.parametrize("role", [Role.HANDLER, Role.LEADERSHIP])
def test_only_reviewers_read_the_texts(client, org, areas, member, role):
    member(role)
    assert client.get("/problem-areas/texts/").status_code == 403
