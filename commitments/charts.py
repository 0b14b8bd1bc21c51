"""The history chart of a commitment: share of cases kept per period against the target."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
from babel.dates import format_date

from commitments.models import FulfilmentPeriod
from servicedialog.i18n import translations

LINE_COLOUR = "#1d4f91"  # contrast 8.6:1 on white
TARGET_COLOUR = "#9a4a00"  # contrast 6.0:1 on white
GRID_COLOUR = "#d0d4da"


def period_label(start: date, period: str, language: str) -> str:
    """ "jan. 2026", "K1 2026" or "2026": short enough for an axis, in the reader's language."""
    if period == "year":
        return str(start.year)
    if period == "quarter":
        return format_date(start, "QQQ y", locale=language)
    return format_date(start, "LLL y", locale=language)


def history_figure(history: Sequence[FulfilmentPeriod], language: str) -> go.Figure:
    """A line of the share kept per period (gaps where there were too few cases to say),
    and the target as a dashed step line (a new version may change the target)."""
    gettext = translations(language).gettext
    labels = [period_label(p.period_start, p.version.period.value, language) for p in history]
    shares = [
        None if p.too_few_cases or p.performance is None else round(p.performance * 100, 1)
        for p in history
    ]
    targets = [round(p.version.target_share * 100, 1) for p in history]
    kept = gettext("Share kept")
    target = gettext("Target")
    figure = go.Figure(
        [
            go.Scatter(
                x=labels,
                y=shares,
                name=kept,
                mode="lines+markers",
                line={"color": LINE_COLOUR, "width": 3},
                marker={"size": 7},
                connectgaps=False,
                hovertemplate="%{x}: %{y:.1f} %<extra></extra>",
            ),
            go.Scatter(
                x=labels,
                y=targets,
                name=target,
                mode="lines",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "dash", "shape": "hv"},
                hovertemplate=target + " %{y:.0f} %<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        template="none",
        height=320,
        margin={"l": 48, "r": 16, "t": 16, "b": 64},
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#1b1f24"},
        separators=", " if language == "sv" else ".,",
        legend={"orientation": "h", "x": 0, "y": -0.25},
        xaxis={"type": "category", "showgrid": False, "tickangle": -45, "automargin": True},
        yaxis={"range": [0, 101], "ticksuffix": " %", "gridcolor": GRID_COLOUR, "fixedrange": True},
        hovermode="x unified",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    figure.update_xaxes(fixedrange=True)
    return figure
