"""The history chart of a commitment: share of cases kept per period against the target, as
server-drawn SVG (see :mod:`servicedialog.svgchart`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.numbers import format_decimal
from markupsafe import Markup

from commitments.models import FulfilmentPeriod
from servicedialog.chart_tables import HOUSE_COLOURS
from servicedialog.i18n import translations
from servicedialog.periods import Period
from servicedialog.svgchart import Series, line_chart

LINE_COLOUR, TARGET_COLOUR = HOUSE_COLOURS[:2]


def period_label(start: date, period: str, language: str) -> str:
    """ "jan. 2026", "K1 2026" or "2026": short enough for an axis, in the reader's language."""
    return Period.containing(period, start).label(language)


def history_chart(history: Sequence[FulfilmentPeriod], language: str) -> Markup:
    """An SVG line of the share kept per period (gaps where there were too few cases to say),
    and the target as a dashed step line (a new version may change the target): drawn on
    the server, so a phone shows it with the page (no chart library to load)."""
    gettext = translations(language).gettext
    labels = [period_label(p.period_start, p.version.period.value, language) for p in history]
    shares = [
        None if p.too_few_cases or p.performance is None else round(p.performance * 100, 1)
        for p in history
    ]
    targets = [round(p.version.target_share * 100, 1) for p in history]
    locale = "sv_SE" if language == "sv" else "en_GB"
    return line_chart(
        labels,
        [
            Series(gettext("Share kept"), shares, LINE_COLOUR),
            Series(
                gettext("Target"), targets, TARGET_COLOUR, dashed=True, step=True, markers=False
            ),
        ],
        number=lambda value: format_decimal(value, "#,##0.#", locale=locale),
        y_suffix="\u00a0%",
    )
