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
    # Points drawn with a ring around them (a significant change): one flag per value.
    rings: Sequence[bool] = ()


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * (index + 0.5) / count if count else 0)


def _y(value: float, y_max: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - max(0.0, min(value, y_max)) / y_max)


def _segments(values: Sequence[object | None]) -> list[list[int]]:
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
                if index < len(line.rings) and line.rings[index]:
                    out.append(
                        f'<circle cx="{_x(index, count):.1f}" cy="{_y(point, y_max):.1f}" '
                        f'r="9" fill="none" stroke="{TEXT}" stroke-width="2"/>'
                    )
    return out


@dataclass(frozen=True)
class Band:
    """An interval around a line (e.g. a 95 % confidence interval), drawn as a pale area."""

    low: Sequence[float | None]
    high: Sequence[float | None]
    colour: str


def _band(band: Band, count: int, y_max: float) -> list[str]:
    out = []
    values = [
        None if lo is None or hi is None else (lo, hi)
        for lo, hi in zip(band.low, band.high, strict=True)
    ]
    for run in _segments(values):
        top = [f"{_x(i, count):.1f},{_y(values[i][1], y_max):.1f}" for i in run]  # type: ignore[index]
        bottom = [f"{_x(i, count):.1f},{_y(values[i][0], y_max):.1f}" for i in reversed(run)]  # type: ignore[index]
        if len(run) == 1:  # one period: a short vertical bar
            x = _x(run[0], count)
            lo, hi = values[run[0]]  # type: ignore[misc]
            top = [f"{x - 5:.1f},{_y(hi, y_max):.1f}", f"{x + 5:.1f},{_y(hi, y_max):.1f}"]
            bottom = [f"{x + 5:.1f},{_y(lo, y_max):.1f}", f"{x - 5:.1f},{_y(lo, y_max):.1f}"]
        out.append(
            f'<polygon points="{" ".join(top + bottom)}" fill="{band.colour}" fill-opacity="0.18"/>'
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
    band: Band | None = None,
) -> Markup:
    """An SVG line chart over category labels (periods), from 0 to ``y_max``. ``number``
    writes a value the reader's way (e.g. "92,5")."""
    out = [
        _open(),
        *_grid(number, y_max, y_step, y_suffix),
        *_x_labels(labels),
    ]
    if band is not None:
        out += _band(band, len(labels), y_max)
    for line in series:
        out += _line(line, labels, number, y_max, y_suffix)
    out += [*_legend(series), "</svg>"]
    return Markup("".join(out))


def _open(height: int = HEIGHT, kind: str = "") -> str:
    return (
        f'<svg class="chart-svg{kind}" viewBox="0 0 {WIDTH} {height}" role="presentation" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="13" fill="{TEXT}">'
    )


def _swatches(series: Sequence[Series], x: float = LEFT, y: float = HEIGHT - 14) -> list[str]:
    """The legend of filled parts (bars), a coloured square before each name."""
    out = []
    for part in series:
        out.append(
            f'<rect x="{x}" y="{y - 11}" width="14" height="14" fill="{part.colour}"/>'
            f'<text x="{x + 20}" y="{y}">{escape(part.name)}</text>'
        )
        x += 30 + 8 * len(part.name)
    return out


def stacked_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    number: Callable[[float], str],
    y_max: float,
    y_step: float,
) -> Markup:
    """Columns over category labels (periods), each split into the series' parts."""
    count = len(labels)
    inner = WIDTH - LEFT - RIGHT
    width = max(2.0, inner / max(count, 1) * 0.7)
    out = [_open(), *_grid(number, y_max, y_step, ""), *_x_labels(labels)]
    for index, label in enumerate(labels):
        base = 0.0
        for part in series:
            value = float(part.values[index] or 0)
            if value <= 0:
                continue
            top, bottom = _y(base + value, y_max), _y(base, y_max)
            tip = f"{label}, {part.name}: {number(value)}"
            out.append(
                f'<rect x="{_x(index, count) - width / 2:.1f}" y="{top:.1f}" '
                f'width="{width:.1f}" height="{max(bottom - top, 0.5):.1f}" '
                f'fill="{part.colour}"><title>{escape(tip)}</title></rect>'
            )
            base += value
    out += [*_swatches(series), "</svg>"]
    return Markup("".join(out))


BAR_LEFT = 190  # room for the category names


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    number: Callable[[float], str],
    x_max: float,
    suffix: str = "",
) -> Markup:
    """Horizontal bars, one group per label (e.g. a problem area: this quarter and the
    last), longest scale ``x_max``."""
    rows = max(len(labels), 1)
    per = 14 * len(series) + 12
    height = TOP + rows * per + 40
    inner = WIDTH - BAR_LEFT - RIGHT - 40
    out = [_open(height, " chart-bars")]
    for row, label in enumerate(labels):
        y0 = TOP + row * per
        name = label if len(label) <= 26 else label[:25] + "…"
        out.append(
            f'<text x="{BAR_LEFT - 8}" y="{y0 + 7 * len(series) + 4:.1f}" text-anchor="end">'
            f"{escape(name)}</text>"
        )
        for index, part in enumerate(series):
            value = part.values[row]
            if value is None:
                continue
            length = inner * max(0.0, min(float(value), x_max)) / x_max if x_max else 0
            y = y0 + index * 14
            tip = f"{label}, {part.name}: {number(float(value))}{suffix}"
            out.append(
                f'<rect x="{BAR_LEFT}" y="{y:.1f}" width="{max(length, 1):.1f}" height="12" '
                f'fill="{part.colour}"><title>{escape(tip)}</title></rect>'
                f'<text x="{BAR_LEFT + length + 4:.1f}" y="{y + 10:.1f}" font-size="11">'
                f"{escape(number(float(value)))}{escape(suffix)}</text>"
            )
    if len(series) > 1:
        out += _swatches(series, BAR_LEFT, height - 10)
    out.append("</svg>")
    return Markup("".join(out))


def nice_scale(largest: float, ticks: int = 4) -> tuple[float, float]:
    """An axis maximum at or above ``largest`` and a step that divides it into about
    ``ticks`` round parts (1, 2 or 5 times a power of ten)."""
    if largest <= 0:
        return 1.0, 0.25
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(largest / step), step
