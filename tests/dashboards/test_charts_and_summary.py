"""The dashboards' charts escape what they draw, the scale is round, and the summary says
what changed beyond chance in the reader's language."""

from __future__ import annotations

import json
from datetime import date

from dashboards.figures import figure
from dashboards.present import present
from dashboards.summary import sentences
from servicedialog.charts import figure_json
from servicedialog.features import Panel, PanelScope
from servicedialog.svgchart import Series, bar_chart, nice_scale, stacked_chart


async def _none(scope):  # pragma: no cover - the rows are given
    return []


SHARE = Panel(
    name="t.share",
    title="Share kept",
    query=_none,
    chart="multiples",
    x="period_start",
    y=("share",),
    columns=(("period_start", "Period"), ("share", "Share kept")),
    unit="%",
    group="name",
    band=("low", "high"),
    target="target",
    marker="significant",
)


def _rows(name, shares, significant_last):
    rows = []
    for month, share in enumerate(shares, start=1):
        rows.append(
            {
                "name_sv": name,
                "name_en": name + " (en)",
                "period_start": date(2026, month, 1),
                "share": share,
                "low": share - 5,
                "high": share + 5,
                "target": 90.0,
                "significant": significant_last and month == len(shares),
            }
        )
    return rows


def test_the_summary_names_significant_changes_only():
    rows = _rows("Bygglov", [92.0, 93.0, 71.0], True) + _rows("Avlopp", [80.0, 60.0], False)
    scope = PanelScope(None, date(2026, 1, 1), date(2026, 3, 31), language="sv")
    said = sentences([present(SHARE, rows, scope)], "sv")
    assert said == [
        "Bygglov sjönk från 93\u00a0% till 71\u00a0% under mars 2026, mer än slumpen förklarar."
    ]
    english = sentences(
        [present(SHARE, rows, PanelScope(None, scope.start, scope.end, language="en"))], "en"
    )
    assert english[0].startswith("Bygglov (en) fell from 93\u00a0% to 71\u00a0%")


def test_each_group_gets_its_own_small_chart_with_band_and_ring():
    rows = _rows("Bygglov", [92.0, 93.0, 71.0], True) + _rows("Avlopp", [80.0, 60.0], False)
    view = present(SHARE, rows, PanelScope(None, date(2026, 1, 1), date(2026, 3, 31)))
    assert [name for name, _svg, _link in view.multiples] == ["Bygglov", "Avlopp"]
    bygg = view.multiples[0][1]
    assert "<polygon" in bygg  # the interval
    assert bygg.count('r="9"') == 1  # one ring: the significant change


def test_drawn_text_is_escaped():
    evil = '<script>alert(1)</script>"'
    bars = bar_chart([evil], [Series(evil, [3.0], "#000")], str, 10.0)
    stacked = stacked_chart([evil], [Series(evil, [3.0], "#000")], str, 10.0, 2.5)
    for svg in (bars, stacked):
        assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_plotly_figure_cannot_close_its_script_element_and_links_only_rows():
    panel = Panel(
        name="t.bar",
        title="T",
        query=_none,
        chart="bar",
        x="name",
        y=("texts",),
        columns=(("name", "Area"), ("texts", "Texts")),
    )
    rows = [{"name": "</script><b>", "texts": 4}]
    drawn = figure(panel, rows, "sv", ["/feedback/manage/?root_cause=1"])
    text = figure_json(drawn)
    assert "</script>" not in text and "<" not in text
    assert json.loads(text)["data"][0]["customdata"] == ["/feedback/manage/?root_cause=1"]


def test_round_scales():
    assert nice_scale(0) == (1.0, 0.25)
    assert nice_scale(37) == (40, 10)
    assert nice_scale(1234)[0] >= 1234


def test_a_count_that_stopped_at_its_limit_says_or_more():
    panel = Panel(name="t.n", title="T", query=_none, chart="number", x="", y=("waiting",))
    scope = PanelScope(None, date(2026, 1, 1), date(2026, 1, 31), language="sv")
    assert (
        present(panel, [{"waiting": 1000, "capped": True}], scope).headline
        == "1\u00a0000 eller fler"
    )
    assert present(panel, [{"waiting": 12, "capped": False}], scope).headline == "12"
