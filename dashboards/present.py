"""A panel's rows made into what a page shows: the chart, the table of the same figures,
the links behind each row, and the plain values of the downloads.

Everything a reader sees is made here from the panel's rows in one pass, so the chart, its
table, the CSV and the XLSX can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

from servicedialog.chart_tables import HOUSE_COLOURS, DataTable, number_format
from servicedialog.features import Panel, PanelScope
from servicedialog.i18n import translations
from servicedialog.periods import Period, PeriodKind
from servicedialog.svgchart import Band, Series, bar_chart, line_chart, nice_scale, stacked_chart

MAX_TABLE_ROWS = 200  # a panel's table shows at most this many rows (downloads hold all)


def value(row: Mapping[str, Any], key: str, language: str) -> Any:
    """``row[key]``, or its ``key_<language>`` version (``name_sv``/``name_en``)."""
    if f"{key}_{language}" in row and row[f"{key}_{language}"] not in (None, ""):
        return row[f"{key}_{language}"]
    if f"{key}_sv" in row:
        return row[f"{key}_sv"]
    return row.get(key)


def _month(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and len(raw) == 7 and raw[4] == "-":
        try:
            return date(int(raw[:4]), int(raw[5:]), 1)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Cells:
    """How values are written for one reader."""

    language: str
    suffix: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_number", number_format(self.language))
        object.__setattr__(self, "_gettext", translations(self.language).gettext)

    def cell(self, raw: Any, *, period: bool = False, share: bool = False) -> str:
        gettext: Callable[[str], str] = self._gettext  # type: ignore[attr-defined]
        if raw is None:
            return "–"
        if isinstance(raw, bool):
            return gettext("Yes") if raw else gettext("No")
        if period:
            month = _month(raw)
            if month is not None:
                return Period(PeriodKind.MONTH, month).label(self.language)
        if isinstance(raw, date):
            return raw.isoformat()
        if isinstance(raw, int | float):
            text: str = self._number(raw)  # type: ignore[attr-defined]
            return text + ("\u00a0%" if share else "")
        return str(raw)


@dataclass
class PanelView:
    panel: Panel
    id: str
    title: str
    description: str
    table: DataTable
    links: list[str | None]  # one per table row
    chart: Markup | None = None
    headline: str = ""  # chart "number": the figure
    comparison: str = ""  # and what it is compared with
    multiples: list[tuple[str, Markup, str | None]] = field(default_factory=list)
    ignored_filters: list[str] = field(default_factory=list)
    empty: bool = False
    suppressed: bool = False
    truncated: int = 0  # rows left out of the table (they are in the downloads)
    seconds: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)
    figure: str = ""  # the plotly figure as JSON (staff pages), drawn over the SVG


def present(
    panel: Panel,
    rows: list[dict[str, Any]],
    scope: PanelScope,
    link: Callable[[Mapping[str, Any]], str | None] | None = None,
    active_filters: frozenset[str] = frozenset(),
) -> PanelView:
    """The panel's rows as a chart and a table, in ``scope.language``."""
    language = scope.language
    gettext = translations(language).gettext
    share = panel.unit == "%"
    cells = Cells(language)
    columns = list(panel.columns) or [(panel.x, panel.x), *((k, k) for k in panel.y)]
    timeline = panel.chart in {"line", "stacked", "multiples"}
    share_keys = set(panel.y) | set(panel.band or ()) | ({panel.target} if panel.target else set())
    shown = rows[:MAX_TABLE_ROWS]
    table_rows = [
        [
            cells.cell(
                value(row, key, language),
                period=timeline and key == panel.x,
                share=share and key in share_keys,
            )
            for key, _label in columns
        ]
        for row in shown
    ]
    table = DataTable(gettext(panel.title), [gettext(label) for _key, label in columns], table_rows)
    view = PanelView(
        panel=panel,
        id="panel-" + panel.name.replace(".", "-").replace("_", "-"),
        title=gettext(panel.title),
        description=gettext(panel.description) if panel.description else "",
        table=table,
        links=[link(row) if link else None for row in shown],
        empty=not rows,
        suppressed=any(row.get("suppressed") for row in rows),
        truncated=max(0, len(rows) - MAX_TABLE_ROWS),
        ignored_filters=sorted(active_filters - panel.filters),
        rows=rows,
    )
    if rows:
        _draw(view, panel, rows, language, cells)
    return view


def _names(panel: Panel, language: str) -> list[str]:
    gettext = translations(language).gettext
    labels = dict(panel.columns)
    return [gettext(labels[key]) if key in labels else key for key in panel.y]


def _floats(rows: Sequence[Mapping[str, Any]], key: str, language: str) -> list[float | None]:
    out: list[float | None] = []
    for row in rows:
        raw = value(row, key, language)
        out.append(
            float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
        )
    return out


def _line(panel: Panel, rows: Sequence[Mapping[str, Any]], language: str) -> Markup:
    number = number_format(language)
    labels = [Cells(language).cell(value(r, panel.x, language), period=True) for r in rows]
    series = [
        Series(
            name,
            _floats(rows, key, language),
            HOUSE_COLOURS[index % len(HOUSE_COLOURS)],
            dashed=index > 0,
            rings=[bool(r.get(panel.marker)) for r in rows] if panel.marker and index == 0 else (),
        )
        for index, (key, name) in enumerate(zip(panel.y, _names(panel, language), strict=True))
    ]
    if panel.target:
        gettext = translations(language).gettext
        series.append(
            Series(
                gettext("Target"),
                _floats(rows, panel.target, language),
                HOUSE_COLOURS[len(series) % len(HOUSE_COLOURS)],
                dashed=True,
                step=True,
                markers=False,
            )
        )
    band = None
    if panel.band:
        band = Band(
            _floats(rows, panel.band[0], language),
            _floats(rows, panel.band[1], language),
            HOUSE_COLOURS[0],
        )
    if panel.unit == "%":
        y_max, y_step = 100.0, 25.0
    else:
        largest = max((v for s in series for v in s.values if v is not None), default=0.0)
        y_max, y_step = nice_scale(largest)
    suffix = "\u00a0%" if panel.unit == "%" else ""
    return line_chart(
        labels, series, number, y_max=y_max, y_step=y_step, y_suffix=suffix, band=band
    )


def _draw(
    view: PanelView, panel: Panel, rows: list[dict[str, Any]], language: str, cells: Cells
) -> None:
    number = number_format(language)
    if panel.chart == "line":
        view.chart = _line(panel, rows, language)
    elif panel.chart == "stacked":
        labels = [cells.cell(value(r, panel.x, language), period=True) for r in rows]
        series = [
            Series(name, _floats(rows, key, language), HOUSE_COLOURS[i % len(HOUSE_COLOURS)])
            for i, (key, name) in enumerate(zip(panel.y, _names(panel, language), strict=True))
        ]
        largest = max(
            (sum(s.values[i] or 0 for s in series) for i in range(len(labels))), default=0.0
        )
        y_max, y_step = nice_scale(float(largest))
        view.chart = stacked_chart(labels, series, number, y_max, y_step)
    elif panel.chart == "bar":
        shown = rows[:20]
        labels = [str(value(r, panel.x, language) or "–") for r in shown]
        series = [
            Series(name, _floats(shown, key, language), HOUSE_COLOURS[i % len(HOUSE_COLOURS)])
            for i, (key, name) in enumerate(zip(panel.y, _names(panel, language), strict=True))
        ]
        if panel.unit == "%":
            x_max = 100.0
        else:
            x_max = nice_scale(max((v for s in series for v in s.values if v), default=0.0))[0]
        view.chart = bar_chart(
            labels, series, number, x_max, "\u00a0%" if panel.unit == "%" else ""
        )
    elif panel.chart == "multiples" and panel.group:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(str(value(row, panel.group, language)), []).append(row)
        for name, group_rows in groups.items():
            view.multiples.append((name, _line(panel, group_rows, language), None))
    elif panel.chart == "number":
        first = rows[0]
        key = panel.y[0]
        view.headline = cells.cell(value(first, key, language), share=panel.unit == "%")
        if first.get("capped"):  # a count that stopped at its limit
            view.headline = translations(language).gettext("%(figure)s or more") % {
                "figure": view.headline
            }
        compared = value(first, panel.x, language) if panel.x else None
        if compared is not None:
            view.comparison = cells.cell(compared, share=panel.unit == "%")


def download_rows(
    panel: Panel, rows: Sequence[Mapping[str, Any]], language: str
) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a download: the table's columns, with plain values (numbers
    as numbers, months as YYYY-MM, names in the reader's language)."""
    gettext = translations(language).gettext
    columns = list(panel.columns) or [(panel.x, panel.x), *((k, k) for k in panel.y)]
    header = [gettext(label) for _key, label in columns]
    out = []
    for row in rows:
        line = []
        for key, _label in columns:
            raw = value(row, key, language)
            if (
                isinstance(raw, date)
                and key == panel.x
                and panel.chart in {"line", "stacked", "multiples"}
            ):
                raw = raw.strftime("%Y-%m")
            elif isinstance(raw, date):
                raw = raw.isoformat()
            line.append(raw)
        out.append(line)
    return header, out
