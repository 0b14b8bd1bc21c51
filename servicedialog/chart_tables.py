"""One way to chart figures: a server-drawn SVG chart *and* a table of the same figures, in
the house theme. The chart is a picture for sighted readers (hidden from assistive
technology); the table is the accessible, printable and copyable version, so the two are
made from the same numbers in one call. ``templates/_macros/charts.html`` renders both:
``chart_with_table(chart)``, or ``data_table(table)`` alone.

The house colours are colour-blind safe (distinct for deuteranopia, protanopia and
tritanopia, after Okabe and Ito) and each has at least 4.5:1 contrast on white, so a line
and its legend text can be told apart without colour too (lines also differ in dash)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_decimal
from markupsafe import Markup

from servicedialog.periods import Period
from servicedialog.svgchart import Series, line_chart

# Dark blue, dark orange, bluish green, reddish purple, dark grey-blue, vermilion.
HOUSE_COLOURS = ("#1d4f91", "#9a4a00", "#00735c", "#8c3a6b", "#3d4f61", "#b03a00")
LOCALES = {"sv": "sv_SE", "en": "en_GB"}


@dataclass(frozen=True)
class DataTable:
    caption: str
    columns: Sequence[str]  # the first names the row headers (the periods)
    rows: Sequence[Sequence[str]]  # formatted cells, the first of each row its header


@dataclass(frozen=True)
class Chart:
    svg: Markup
    table: DataTable
    description: str  # what the chart shows, for its caption


@dataclass(frozen=True)
class Line:
    name: str  # already in the reader's language
    values: Sequence[float | None]  # one per period; None: no figure (a gap)
    dashed: bool = False
    step: bool = False


# The group and decimal symbols of babel's "#,##0.#" in each locale (checked against babel
# by tests/core/test_number_format.py).
SYMBOLS = {"sv_SE": ("\u00a0", ","), "en_GB": (",", ".")}


def number_format(language: str) -> Callable[[float], str]:
    """Numbers the reader's way with at most one decimal, as babel's ``#,##0.#`` writes
    them, at a fraction of its cost: a dashboard writes thousands of cells per page, and
    babel parses the pattern and the locale for every one."""
    locale = LOCALES.get(language, "sv_SE")
    group, point = SYMBOLS[locale]

    def write(value: float) -> str:
        if type(value) is int:  # most cells are counts: no rounding to do
            text = f"{abs(value):,}".replace(",", group)
            return ("-" if value < 0 else "") + text
        if not isinstance(value, int | float) or value != value or value in (INF, -INF):
            return format_decimal(value, "#,##0.#", locale=locale)
        exact = Decimal(str(value))
        whole, tenth = divmod(abs(exact.quantize(TENTH, rounding=ROUND_HALF_EVEN)), 1)
        text = f"{int(whole):,}".replace(",", group)
        if tenth:
            text += point + str(int(tenth * 10))
        return ("-" if exact.is_signed() else "") + text

    return write


TENTH = Decimal("0.1")
INF = float("inf")


def period_line_chart(
    description: str,
    periods: Sequence[Period],
    lines: Sequence[Line],
    language: str,
    *,
    y_max: float = 100.0,
    y_step: float = 25.0,
    suffix: str = "",
    period_heading: str = "",
) -> Chart:
    """Lines over periods (their labels in the reader's language), and the table."""
    if any(len(line.values) != len(periods) for line in lines):
        raise ValueError("every line needs one value per period")
    number = number_format(language)
    labels = [period.label(language) for period in periods]
    series = [
        Series(
            line.name,
            line.values,
            HOUSE_COLOURS[index % len(HOUSE_COLOURS)],
            dashed=line.dashed,
            step=line.step,
            markers=not line.step,
        )
        for index, line in enumerate(lines)
    ]
    svg = line_chart(labels, series, number=number, y_max=y_max, y_step=y_step, y_suffix=suffix)

    def cell(value: float | None) -> str:
        return "–" if value is None else number(value) + suffix

    rows = [[label, *(cell(line.values[i]) for line in lines)] for i, label in enumerate(labels)]
    table = DataTable(description, [period_heading, *(line.name for line in lines)], rows)
    return Chart(svg, table, description)
