"""One chart helper: the SVG chart and the table of the same figures, in the house theme."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup

from servicedialog.chart_tables import HOUSE_COLOURS, Line, period_line_chart
from servicedialog.periods import periods


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_house_colours_are_distinct_and_readable_on_white():
    assert len(set(HOUSE_COLOURS)) == len(HOUSE_COLOURS)
    for colour in HOUSE_COLOURS:
        assert 1.05 / (relative_luminance(colour) + 0.05) >= 4.5, colour


def test_the_chart_and_its_table_show_the_same_figures_in_the_readers_language():
    quarters = periods("quarter", date(2026, 1, 1), date(2026, 12, 31))
    chart = period_line_chart(
        "Andel i tid",
        quarters,
        [Line("Andel", [91.5, None, 88.0, 100.0]), Line("Mål", [90] * 4, dashed=True, step=True)],
        "sv",
        suffix=" %",
        period_heading="Period",
    )
    assert chart.table.columns == ["Period", "Andel", "Mål"]
    assert chart.table.rows[0] == ["K1 2026", "91,5 %", "90 %"]
    assert chart.table.rows[1][1] == "–"  # no figure: a gap in the line, a dash in the table
    svg = BeautifulSoup(str(chart.svg), "html.parser").svg
    assert svg["aria-hidden"] == "true"  # the table is what assistive technology reads
    assert HOUSE_COLOURS[0] in str(chart.svg) and HOUSE_COLOURS[1] in str(chart.svg)
    assert "K4 2026" in str(chart.svg)
    english = period_line_chart("Share", quarters, [Line("Share", [91.5, 1, 2, 3])], "en")
    assert english.table.rows[0][0] == "Q1 2026" and english.table.rows[0][1] == "91.5"


def test_a_line_with_the_wrong_number_of_values_is_refused():
    quarters = periods("quarter", date(2026, 1, 1), date(2026, 6, 30))
    with pytest.raises(ValueError, match="one value per period"):
        period_line_chart("x", quarters, [Line("a", [1.0])], "sv")


def test_the_macro_draws_the_chart_and_the_table(app):
    from types import SimpleNamespace

    quarters = periods("quarter", date(2026, 1, 1), date(2026, 6, 30))
    chart = period_line_chart("Andel i tid", quarters, [Line("Andel", [50.0, 75.0])], "sv")
    template = app.state.templates.env.from_string(
        '{% from "_macros/charts.html" import chart_with_table with context %}'
        '{{ chart_with_table(chart, "c") }}'
    )
    request = SimpleNamespace(state=SimpleNamespace(language="sv"))
    page = BeautifulSoup(template.render(chart=chart, request=request), "html.parser")
    assert page.select_one("figure#c svg") is not None
    assert "Samma siffror finns i tabellen nedan." in page.figcaption.text
    assert page.caption.text == "Andel i tid"
    assert [th.text for th in page.select("tbody th")] == ["K1 2026", "K2 2026"]
    assert [td.text for td in page.select("tbody td")] == ["50", "75"]
