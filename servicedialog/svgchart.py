"""Small charts drawn on the server as SVG: no JavaScript to download, drawn with the page.

For the public pages, whose budget on a phone is a fraction of what plotly.js weighs (the
line chart of a commitment's history is one SVG of a few kilobytes); the interactive charts
of staff pages use plotly (:mod:`servicedialog.charts`). Every chart comes with a table of the
same figures, so the SVG is hidden from assistive technology. Only presentation attributes
are used (our content security policy allows no inline styles), and every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 96  # room for the axis labels and the legend
GRID = "#d0d4da"
TEXT = "#1b1f24"
MAX_LABELS = 12  # x labels shown at most; the others are in the table


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None leaves a gap
    colour: str
    dashed: bool = False
    step: bool = False  # a step line (the value holds until the next one)
    markers: bool = True


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * (index + 0.5) / count if count else 0)


def _y(value: float, y_max: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - max(0.0, min(value, y_max)) / y_max)


def _segments(values: Sequence[float | None]) -> list[list[int]]:
    """Runs of consecutive indexes that have a value."""
    runs: list[list[int]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(index)
    return [run for run in runs if run]


def _path(series: Series, count: int, y_max: float) -> str:
    parts = []
    for run in _segments(series.values):
        points = [(_x(i, count), _y(float(series.values[i] or 0), y_max)) for i in run]
        first_x, first_y = points[0]
        command = [f"M{first_x:.1f} {first_y:.1f}"]
        for x, y in points[1:]:
            command.append(f"H{x:.1f}V{y:.1f}" if series.step else f"L{x:.1f} {y:.1f}")
        if series.step:  # the last value holds to the edge of its period
            command.append(f"H{points[-1][0] + (WIDTH - LEFT - RIGHT) / count / 2:.1f}")
        parts.append("".join(command))
    return " ".join(parts)


def _grid(number: Callable[[float], str], y_max: float, y_step: float, suffix: str) -> list[str]:
    out = []
    for i in range(int(y_max / y_step) + 1):
        value = i * y_step
        y = _y(value, y_max)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(number(value))}{escape(suffix)}</text>"
        )
    return out


def _x_labels(labels: Sequence[str]) -> list[str]:
    count, out = len(labels), []
    every = max(1, math.ceil(count / MAX_LABELS))
    base = HEIGHT - BOTTOM + 14
    for index, label in enumerate(labels):
        if index % every == 0 or index == count - 1:
            x = _x(index, count)
            out.append(
                f'<text x="{x:.1f}" y="{base}" text-anchor="end" '
                f'transform="rotate(-40 {x:.1f} {base})">{escape(label)}</text>'
            )
    return out


def _line(
    line: Series, labels: Sequence[str], number: Callable[[float], str], y_max: float, suffix: str
) -> list[str]:
    count = len(labels)
    dash = ' stroke-dasharray="7 5"' if line.dashed else ""
    out = [
        f'<path d="{_path(line, count, y_max)}" fill="none" stroke="{line.colour}" '
        f'stroke-width="{2 if line.dashed else 3}"{dash} stroke-linejoin="round"/>'
    ]
    if line.markers:
        for index, point in enumerate(line.values):
            if point is not None:
                tip = f"{labels[index]}: {number(point)}{suffix}"
                out.append(
                    f'<circle cx="{_x(index, count):.1f}" cy="{_y(point, y_max):.1f}" r="4" '
                    f'fill="{line.colour}"><title>{escape(tip)}</title></circle>'
                )
    return out


def _legend(series: Sequence[Series]) -> list[str]:
    out, x, y = [], LEFT, HEIGHT - 14
    for line in series:
        dash = ' stroke-dasharray="7 5"' if line.dashed else ""
        out.append(
            f'<line x1="{x}" x2="{x + 28}" y1="{y - 4}" y2="{y - 4}" '
            f'stroke="{line.colour}" stroke-width="3"{dash}/>'
            f'<text x="{x + 34}" y="{y}">{escape(line.name)}</text>'
        )
        x += 40 + 8 * len(line.name)
    return out


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    number: Callable[[float], str],
    y_max: float = 100.0,
    y_step: float = 25.0,
    y_suffix: str = "",
) -> Markup:
    """An SVG line chart over category labels (periods), from 0 to ``y_max``. ``number``
    writes a value the reader's way (e.g. "92,5")."""
    out = [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="presentation" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="13" fill="{TEXT}">',
        *_grid(number, y_max, y_step, y_suffix),
        *_x_labels(labels),
    ]
    for line in series:
        out += _line(line, labels, number, y_max, y_suffix)
    out += [*_legend(series), "</svg>"]
    return Markup("".join(out))
