"""Plotly figures of the staff dashboards, built on the server as plain figure dicts.

plotly.js (served by us, :mod:`servicedialog.charts`) draws them over the server-drawn SVG
when JavaScript runs: hover shows the exact figure, and a click on a point or bar opens
the records behind it (the point's ``customdata`` is the same link as the table row's).
Without JavaScript the SVG and the table remain. The dicts are written by hand rather than
with plotly's graph objects, which validate every property and cost about ten times as
much per figure: a page of fifteen panels builds them in well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dashboards.present import Cells, value
from servicedialog.chart_tables import HOUSE_COLOURS
from servicedialog.features import Panel
from servicedialog.i18n import translations

SEPARATORS = {"sv": ", ", "en": ".,"}  # plotly's decimal and thousands separators


def _numbers(rows: Sequence[Mapping[str, Any]], key: str, language: str) -> list[float | None]:
    out: list[float | None] = []
    for row in rows:
        raw = value(row, key, language)
        ok = isinstance(raw, int | float) and not isinstance(raw, bool)
        out.append(float(raw) if ok else None)
    return out


def figure(
    panel: Panel, rows: Sequence[Mapping[str, Any]], language: str, links: Sequence[str | None]
) -> dict[str, Any] | None:
    """The panel's plotly figure, or None for kinds drawn only as SVG or table."""
    if not rows or panel.chart not in {"line", "stacked", "bar"}:
        return None
    gettext = translations(language).gettext
    labels_of = dict(panel.columns)
    names = [gettext(labels_of[k]) if k in labels_of else k for k in panel.y]
    cells = Cells(language)
    share = panel.unit == "%"
    suffix = "\u00a0%" if share else ""
    custom = [link or "" for link in links] + [""] * (len(rows) - len(links))
    layout: dict[str, Any] = {
        "height": 300,
        "margin": {"l": 56, "r": 16, "t": 8, "b": 72},
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1f24"},
        "legend": {"orientation": "h", "y": -0.3},
        "separators": SEPARATORS.get(language, ", "),
        "hovermode": "closest",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    data: list[dict[str, Any]] = []
    if panel.chart == "bar":
        shown = list(rows[:20])[::-1]  # the largest on top
        full = [str(value(r, panel.x, language) or "–") for r in shown]
        categories = _short_labels(full)
        for index, (key, name) in enumerate(zip(panel.y, names, strict=True)):
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": name,
                    "y": categories,
                    "x": _numbers(shown, key, language),
                    "marker": {"color": HOUSE_COLOURS[index % len(HOUSE_COLOURS)]},
                    "customdata": custom[: len(shown)][::-1],
                    "hovertext": full,
                    "hovertemplate": "%{hovertext}: %{x}" + suffix + "<extra>" + name + "</extra>",
                }
            )
        layout.update(
            barmode="group",
            height=max(200, 40 + 28 * len(shown) * max(1, len(panel.y))),
            margin={"l": 200, "r": 24, "t": 8, "b": 40},
            xaxis={"rangemode": "tozero", "ticksuffix": suffix, "gridcolor": "#d0d4da"},
            yaxis={"automargin": False},
        )
        return {"data": data, "layout": layout}
    labels = [cells.cell(value(r, panel.x, language), period=True) for r in rows]
    if panel.chart == "stacked":
        for index, (key, name) in enumerate(zip(panel.y, names, strict=True)):
            data.append(
                {
                    "type": "bar",
                    "name": name,
                    "x": labels,
                    "y": _numbers(rows, key, language),
                    "marker": {"color": HOUSE_COLOURS[index % len(HOUSE_COLOURS)]},
                    "customdata": custom,
                    "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
                }
            )
        layout["barmode"] = "stack"
    else:
        if panel.band:
            low, high = (_numbers(rows, k, language) for k in panel.band)
            band_name = gettext("95 % interval")
            data.append(_trace(labels, high, band_name, "#1d4f91", width=0, hover=False))
            data.append(
                {
                    **_trace(labels, low, band_name, "#1d4f91", width=0, hover=False),
                    "fill": "tonexty",
                    "fillcolor": "rgba(29,79,145,0.15)",
                }
            )
        for index, (key, name) in enumerate(zip(panel.y, names, strict=True)):
            trace = _trace(
                labels,
                _numbers(rows, key, language),
                name,
                HOUSE_COLOURS[index % len(HOUSE_COLOURS)],
                dash="solid" if index == 0 else "dash",
                suffix=suffix,
            )
            trace["customdata"] = custom
            data.append(trace)
        if panel.target:
            target = _trace(
                labels,
                _numbers(rows, panel.target, language),
                gettext("Target"),
                HOUSE_COLOURS[len(panel.y) % len(HOUSE_COLOURS)],
                dash="dash",
                suffix=suffix,
            )
            target["line"]["shape"] = "hv"
            target["mode"] = "lines"
            data.append(target)
        if panel.marker:
            first = _numbers(rows, panel.y[0], language)
            marked = [v if r.get(panel.marker) else None for v, r in zip(first, rows, strict=True)]
            if any(v is not None for v in marked):
                data.append(
                    {
                        "type": "scatter",
                        "mode": "markers",
                        "name": gettext("A change beyond chance"),
                        "x": labels,
                        "y": marked,
                        "marker": {
                            "symbol": "circle-open",
                            "size": 16,
                            "color": "#1b1f24",
                            "line": {"width": 2},
                        },
                        "hoverinfo": "skip",
                    }
                )
    layout["xaxis"] = {"type": "category", "tickangle": -40, "automargin": True}
    layout["yaxis"] = {
        "rangemode": "tozero",
        "ticksuffix": suffix,
        "gridcolor": "#d0d4da",
        **({"range": [0, 100]} if share else {}),
    }
    return {"data": data, "layout": layout}


LABEL_CHARS = 28


def _short_labels(labels: list[str]) -> list[str]:
    """Category names short enough for the axis (the whole name is in the hover and the
    table), still told apart when two begin alike."""
    out: list[str] = []
    for label in labels:
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
        while short in out:
            short += "\u200b"  # unseen, but a category of its own
        out.append(short)
    return out


def _trace(
    x: list[str],
    y: list[float | None],
    name: str,
    colour: str,
    *,
    dash: str = "solid",
    width: float = 3,
    hover: bool = True,
    suffix: str = "",
) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines+markers" if width else "lines",
        "name": name,
        "x": x,
        "y": y,
        "line": {"color": colour, "dash": dash, "width": width},
        "connectgaps": False,
    }
    if hover:
        trace["hovertemplate"] = "%{x}: %{y}" + suffix + "<extra>" + name + "</extra>"
    else:
        trace["hoverinfo"] = "skip"
        trace["showlegend"] = False
    return trace
