"""The short summary at the top of the report and in the digest: what changed and what was
flagged, in sentences made from the panels' own rows."""

from __future__ import annotations

from collections.abc import Sequence

from dashboards.present import Cells, PanelView, value
from servicedialog.i18n import translations

MAX_SENTENCES = 12


def sentences(views: Sequence[PanelView], language: str) -> list[str]:
    """The panels' own summaries (``Panel.summary``); for a panel without one, its
    headline figure, and the significant changes in its latest period."""
    gettext = translations(language).gettext
    cells = Cells(language)
    out: list[str] = []
    for shown in views:
        panel, rows = shown.panel, shown.rows
        if not rows:
            continue
        if panel.summary is not None:
            out += panel.summary(rows, language)
        elif panel.chart == "number" and shown.headline:
            text = f"{shown.title}: {shown.headline}"
            if shown.comparison:
                text += " " + gettext("(the period before: %(figure)s)") % {
                    "figure": shown.comparison
                }
            out.append(text + ".")
        elif panel.marker and panel.chart in {"line", "multiples"}:
            out += _significant(shown, language, cells)
    return out[:MAX_SENTENCES]


def _significant(shown: PanelView, language: str, cells: Cells) -> list[str]:
    gettext = translations(language).gettext
    panel = shown.panel
    groups: dict[str, list[dict]] = {}
    for row in shown.rows:
        groups.setdefault(str(value(row, panel.group, language)) if panel.group else "", []).append(
            row
        )
    out = []
    key = panel.y[0]
    for name, rows in groups.items():
        if len(rows) < 2 or not rows[-1].get(panel.marker):
            continue
        last, before = value(rows[-1], key, language), value(rows[-2], key, language)
        if last is None or before is None:
            continue
        share = panel.unit == "%"
        template = (
            gettext("%(name)s rose from %(before)s to %(last)s in %(period)s, beyond chance.")
            if last > before
            else gettext("%(name)s fell from %(before)s to %(last)s in %(period)s, beyond chance.")
        )
        out.append(
            template
            % {
                "name": name or shown.title,
                "before": cells.cell(before, share=share),
                "last": cells.cell(last, share=share),
                "period": cells.cell(value(rows[-1], panel.x, language), period=True),
            }
        )
    return out
