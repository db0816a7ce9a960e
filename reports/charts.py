"""Server-rendered SVG charts, drawn the same way in the web pages and the PDF report.

These functions only compute geometry (in SVG user units); ``templates/charts/*.svg``
draw it, included with ``{% include "charts/bars.svg" with chart=... %}``. No JavaScript
and no raster images, so the PDF keeps its text selectable and the page stays light.
"""

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from indicators.engine import shown_number

Number = float | int | Decimal | None


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` Chinese characters wide (a Latin letter is half as wide)."""
    text, room, kept = str(text), limit * 2, 0
    if sum(map(_width, text)) <= room:
        return text
    room -= _width("…")
    for i, char in enumerate(text):
        kept += _width(char)
        if kept > room:
            return text[:i] + "…"
    return text


def _format(value: Number, decimals: int, unit: str) -> str:
    if value is None:
        return "—"
    shown = shown_number(value, decimals)
    return f"{shown} {unit}".strip() if unit else shown


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    text: str
    x: float
    y: float
    width: float
    negative: bool
    missing: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    plot_width: int
    zero_x: float
    row_height: int
    bar_height: int

    @property
    def axis_top(self) -> int:
        return 2

    @property
    def axis_bottom(self) -> int:
        return self.height - 2


def bar_chart(
    items: list[tuple[str, Number]],
    *,
    unit: str = "",
    decimals: int = 0,
    width: int = 640,
    label_width: int = 210,
    label_chars: int = 16,
    row_height: int = 22,
) -> BarChart:
    """Horizontal bars, one per ``(label, value)``; negative values extend left of a zero axis
    and a value of ``None`` is shown as a dash with no bar."""
    values = [float(v) for _, v in items if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    value_room = 90  # right of the plot: the printed value
    plot_width = width - label_width - value_room
    span = (high - low) or 1.0
    scale = plot_width / span
    zero_x = label_width + (0 - low) * scale
    bar_height = row_height - 8
    bars = []
    for i, (label, value) in enumerate(items):
        y = i * row_height + 4
        if value is None:
            x, w = zero_x, 0.0
        else:
            v = float(value)
            x = zero_x + min(v, 0) * scale
            w = abs(v) * scale
        bars.append(
            Bar(
                label=_shorten(label, label_chars),
                full_label=str(label),
                text=_format(value, decimals, unit),
                x=round(x, 2),
                y=y,
                width=round(w, 2),
                negative=value is not None and float(value) < 0,
                missing=value is None,
            )
        )
    return BarChart(
        bars=bars,
        width=width,
        height=max(len(items), 1) * row_height + 8,
        label_width=label_width,
        plot_width=plot_width,
        zero_x=round(zero_x, 2),
        row_height=row_height,
        bar_height=bar_height,
    )


@dataclass(frozen=True)
class RadarAxis:
    label: str
    full_label: str
    text: str
    x: float  # end of the spoke
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class RadarChart:
    axes: list[RadarAxis]
    rings: list[str]  # polygon points of the grid, 25 % steps
    shape: str  # polygon points of the values
    points: list[tuple[float, float]]
    size: int
    center: float


def _point(center: float, radius: float, angle: float) -> tuple[float, float]:
    return round(center + radius * math.cos(angle), 2), round(center + radius * math.sin(angle), 2)


def _polygon(points) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def radar_chart(
    axes: list[tuple[str, Number]],
    *,
    max_value: float,
    unit: str = "",
    size: int = 460,
    label_chars: int = 8,
) -> RadarChart:
    """A spoke per ``(label, value)``, clockwise from the top, scaled to ``max_value``."""
    center = size / 2
    radius = center - 80  # room for the labels around the plot
    n = max(len(axes), 3)
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(len(axes))]
    rings = [_polygon(_point(center, radius * step / 4, a) for a in angles) for step in range(1, 5)]
    points, shown = [], []
    for (label, value), angle in zip(axes, angles, strict=True):
        share = 0.0 if value is None or not max_value else min(float(value) / max_value, 1.0)
        points.append(_point(center, radius * max(share, 0.0), angle))
        end = _point(center, radius, angle)
        lx, ly = _point(center, radius + 14, angle)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        shown.append(
            RadarAxis(
                label=_shorten(label, label_chars),
                full_label=str(label),
                text=_format(value, 0, unit),
                x=end[0],
                y=end[1],
                label_x=lx,
                label_y=round(ly + 4, 2),
                anchor=anchor,
            )
        )
    return RadarChart(
        axes=shown,
        rings=rings,
        shape=_polygon(points),
        points=points,
        size=size,
        center=center,
    )


@dataclass(frozen=True)
class Box:
    label: str
    full_label: str
    text: str  # "median (Q1–Q3)"
    q1_x: float
    median_x: float
    box_width: float
    y: int
    missing: bool


@dataclass(frozen=True)
class BoxChart:
    boxes: list[Box]
    width: int
    height: int
    label_width: int
    plot_width: int
    row_height: int
    box_height: int


def box_chart(
    items: list[tuple[str, Number, Number, Number]],
    *,
    unit: str = "",
    decimals: int = 0,
    width: int = 640,
    label_width: int = 90,
    label_chars: int = 8,
    row_height: int = 24,
) -> BoxChart:
    """A box from the first to the third quartile with the median marked, one row per
    ``(label, q1, median, q3)``, on a scale shared by the rows (from the lowest first
    quartile to the highest third); a row whose median is ``None`` is a dash."""
    shown = [(q1, m, q3) for _, q1, m, q3 in items if m is not None]
    low = min((float(q1) for q1, _, _ in shown), default=0.0)
    high = max((float(q3) for _, _, q3 in shown), default=1.0)
    pad = (high - low) * 0.05 or abs(high) * 0.05 or 1.0
    low, high = low - pad, high + pad
    value_room = 170  # right of the plot: the printed median and quartiles
    plot_width = width - label_width - value_room
    scale = plot_width / (high - low)

    def x(value) -> float:
        return round(label_width + (float(value) - low) * scale, 2)

    boxes = []
    for i, (label, q1, median, q3) in enumerate(items):
        missing = median is None
        text = (
            "—"
            if missing
            else f"{_format(median, decimals, unit)} "
            f"({_format(q1, decimals, '')}–{_format(q3, decimals, '')})"
        )
        boxes.append(
            Box(
                label=_shorten(label, label_chars),
                full_label=str(label),
                text=text,
                q1_x=0.0 if missing else x(q1),
                median_x=0.0 if missing else x(median),
                box_width=0.0 if missing else round(x(q3) - x(q1), 2),
                y=i * row_height + 4,
                missing=missing,
            )
        )
    return BoxChart(
        boxes=boxes,
        width=width,
        height=max(len(items), 1) * row_height + 8,
        label_width=label_width,
        plot_width=plot_width,
        row_height=row_height,
        box_height=row_height - 8,
    )
