"""Figure `accuracy-vs-size`: test accuracy against parameter count, scratch vs distilled.

Every point is a real training run of the core (kdsite.core.compression.size_sweep), the
lab's recipe at its default temperature and α, averaged over a few seeds. The figure is
inline SVG drawn here at build time and explorable: each point is a focusable
`[data-kd-point]` whose `aria-label`, `data-*` attributes and details box all come from the
one `chart_points()` list that also places it, so what a reader hears, reads and sees agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kdsite.core.compression import SizeSweep, size_sweep
from kdsite.core.training import TEACHER_WIDTH
from kdsite.figures.markup import SVG_NS, el, num, text
from kdsite.figures.svg import plain_number

INLINE = True  # placed as markup in the page (kdsite.figures.figure_html), not as an <img>
SCRIPT = "figure-points.js"  # arrow keys and taps between points; CSS alone shows the details
SEEDS = (0, 1, 2, 3, 4)
SERIES = {"scratch": "Student from scratch", "distilled": "Distilled student", "teacher": "Teacher"}

# The view box, in SVG units: the plot, then a band below it for the focused point's details.
WIDTH, HEIGHT = 600, 440
LEFT, RIGHT, TOP, BOTTOM = 62, 584, 44, 300
X_MIN, X_MAX = 12, 3000  # parameters, log scale
X_TICKS = (20, 50, 100, 200, 500, 1000, 2000)
BAND_TOP = 356


@dataclass(frozen=True)
class ChartPoint:
    """One point of the chart: what it is, its numbers (accuracies 0–1) and where it is drawn."""

    series: str  # "scratch" | "distilled" | "teacher"
    width: int  # units per hidden layer
    layers: int  # hidden layers
    parameters: int
    accuracy: float  # mean test accuracy over the seeds
    low: float  # the lowest and highest seed's accuracy
    high: float
    seeds: int
    x: float
    y: float
    y_low: float
    y_high: float

    @property
    def model(self) -> str:
        """Return the point's model in words: "Distilled student"."""
        return SERIES[self.series]

    def lines(self) -> tuple[str, str, str]:
        """Return the details box's three lines; `label` says the same in one sentence."""
        layers = "1 hidden layer" if self.layers == 1 else f"{self.layers} hidden layers"
        return (f"{self.model} · {layers} of {self.width} units",
                f"{self.parameters:,} parameters · test accuracy {pct(self.accuracy)}",
                f"spread over {self.seeds} seeds: {pct(self.low)} to {pct(self.high)}")

    @property
    def label(self) -> str:
        """Return the point's aria-label: every number of the details box, in the same words."""
        first, second, third = self.lines()
        return f"{first}: {second}; {third}"


def pct(value: float) -> str:
    """Return an accuracy (0–1) as the figure writes it: 90.3%."""
    return f"{value * 100:.1f}%"


def sweep() -> SizeSweep:
    """Return the sweep the figure plots."""
    return size_sweep(seeds=SEEDS)


def y_range(result: SizeSweep) -> tuple[float, float]:
    """Return the accuracy axis's ends in percent: a multiple of 5 below every seed's result, and 100."""
    lows = [min(p.scratch_accuracies + p.distilled_accuracies) for p in result.points]
    lows.append(min(result.teacher_accuracies or (result.teacher_accuracy,)))
    return max(0.0, math.floor(min(lows) * 100 / 5) * 5 - 5), 100.0


def chart_points(result: SizeSweep) -> list[ChartPoint]:
    """Return every point the figure draws, in reading (and Tab) order: by size, teacher last."""
    y_min, y_max = y_range(result)

    def sx(parameters: float) -> float:
        span = math.log10(X_MAX) - math.log10(X_MIN)
        return LEFT + (math.log10(parameters) - math.log10(X_MIN)) / span * (RIGHT - LEFT)

    def sy(accuracy: float) -> float:
        return BOTTOM - (accuracy * 100 - y_min) / (y_max - y_min) * (BOTTOM - TOP)

    def point(series, width, layers, parameters, mean, runs) -> ChartPoint:
        runs = tuple(runs) or (mean,)
        return ChartPoint(series, width, layers, parameters, mean, min(runs), max(runs), len(runs),
                          sx(parameters), sy(mean), sy(min(runs)), sy(max(runs)))

    layers = result.settings.student_layers
    points = []
    for p in result.points:
        points.append(point("scratch", p.width, layers, p.parameters, p.scratch_accuracy, p.scratch_accuracies))
        points.append(point("distilled", p.width, layers, p.parameters, p.distilled_accuracy,
                            p.distilled_accuracies))
    points.append(point("teacher", TEACHER_WIDTH, result.settings.teacher_layers, result.teacher_parameters,
                        result.teacher_accuracy, result.teacher_accuracies))
    return points


def svg(result: SizeSweep | None = None) -> str:
    """Return the figure as an inline <svg> element (text, deterministic)."""
    result = result or sweep()
    points = chart_points(result)
    y_min, y_max = y_range(result)
    parts = [el("title", {}, "Test accuracy against model size, students from scratch and distilled")]
    parts.append(_axes(y_min, y_max))
    parts.append(text(LEFT, 22, f"Students of {result.points[0].width} to {result.points[-1].width} units · "
                      f"T = {result.settings.temperature:g}, α = {result.settings.alpha:g} · "
                      f"mean of {len(result.seeds)} seeds", "kd-sc__title"))
    for series in ("scratch", "distilled"):
        line = " ".join(f"{num(p.x)},{num(p.y)}" for p in points if p.series == series)
        parts.append(el("polyline", {"class": f"kd-sc__line kd-sc__line--{series}", "points": line,
                                     "aria-hidden": "true"}))
    parts.append(_legend())
    parts.append(el("rect", {"class": "kd-sc__band", "x": LEFT - 52, "y": BAND_TOP, "width": RIGHT - LEFT + 52,
                             "height": 76, "rx": 6, "aria-hidden": "true"}))
    parts.append(text(LEFT - 40, BAND_TOP + 44, "Hover, tap or Tab to a point for its numbers.", "kd-sc__hint",
                      aria_hidden="true"))
    parts.extend(_point(p) for p in points)
    return el("svg", {"xmlns": SVG_NS, "class": "kd-sc", "viewBox": f"0 0 {WIDTH} {HEIGHT}", "role": "group"},
              *parts)


def _axes(y_min: float, y_max: float) -> str:
    """Return the grid, ticks and axis titles (hidden from assistive technology: the points speak)."""
    parts = []
    span = math.log10(X_MAX) - math.log10(X_MIN)
    for tick in X_TICKS:
        x = LEFT + (math.log10(tick) - math.log10(X_MIN)) / span * (RIGHT - LEFT)
        parts.append(el("line", {"class": "kd-sc__grid", "x1": x, "x2": x, "y1": TOP, "y2": BOTTOM}))
        parts.append(text(x, BOTTOM + 18, plain_number(tick), "kd-sc__tick", text_anchor="middle"))
    for value in range(int(y_min), int(y_max) + 1, 5):
        y = BOTTOM - (value - y_min) / (y_max - y_min) * (BOTTOM - TOP)
        parts.append(el("line", {"class": "kd-sc__grid", "x1": LEFT, "x2": RIGHT, "y1": y, "y2": y}))
        parts.append(text(LEFT - 8, y + 5, str(value), "kd-sc__tick", text_anchor="end"))
    parts.append(el("path", {"class": "kd-sc__axis", "d": f"M{LEFT},{TOP}V{BOTTOM}H{RIGHT}"}))
    parts.append(text((LEFT + RIGHT) / 2, BOTTOM + 40, "parameters (log scale)", "kd-sc__label",
                      text_anchor="middle"))
    parts.append(text(16, (TOP + BOTTOM) / 2, "test accuracy (%)", "kd-sc__label", text_anchor="middle",
                      transform=f"rotate(-90 16 {num((TOP + BOTTOM) / 2)})"))
    return el("g", {"aria-hidden": "true"}, *parts)


def _marker(series: str, x: float, y: float) -> str:
    """Return a series' marker at (x, y): circle, triangle or star, so colour is never needed."""
    cls = f"kd-sc__mark kd-sc__mark--{series}"
    if series == "scratch":
        return el("circle", {"class": cls, "cx": x, "cy": y, "r": 5.5})
    if series == "distilled":
        return el("path", {"class": cls, "d": f"M{num(x)},{num(y - 7)}l6.5,11.5h-13z"})
    star = []
    for i in range(10):  # five outer and five inner corners
        radius = 11 if i % 2 == 0 else 4.6
        angle = math.pi / 2 + i * math.pi / 5
        star.append(f"{num(x + radius * math.cos(angle))},{num(y - radius * math.sin(angle))}")
    return el("polygon", {"class": cls, "points": " ".join(star)})


def _legend() -> str:
    """Return the legend, inside the plot's lower right where no point falls."""
    parts = []
    x, y = RIGHT - 196, BOTTOM - 70
    for i, series in enumerate(("teacher", "distilled", "scratch")):
        row = y + i * 21
        if series != "teacher":
            parts.append(el("line", {"class": f"kd-sc__line kd-sc__line--{series}", "x1": x - 10, "x2": x + 10,
                                     "y1": row, "y2": row}))
        parts.append(_marker(series, float(x), float(row)))
        parts.append(text(x + 18, row + 5, SERIES[series].lower(), "kd-sc__key"))
    return el("g", {"class": "kd-sc__legend", "aria-hidden": "true"}, *parts)


def _point(p: ChartPoint) -> str:
    """Return one focusable point: its seed-spread bar, its marker and its (hidden) details box."""
    first, second, third = p.lines()
    tip = el("g", {"class": "kd-sc__tip", "aria-hidden": "true"},
             el("rect", {"class": "kd-sc__tip-box", "x": LEFT - 52, "y": BAND_TOP, "width": RIGHT - LEFT + 52,
                         "height": 76, "rx": 6}),
             text(LEFT - 40, BAND_TOP + 23, first, "kd-sc__tip-head", data_kd_detail="model"),
             text(LEFT - 40, BAND_TOP + 45, second, "kd-sc__tip-text", data_kd_detail="numbers"),
             text(LEFT - 40, BAND_TOP + 66, third, "kd-sc__tip-text", data_kd_detail="spread"))
    ring = el("circle", {"class": "kd-sc__ring", "cx": p.x, "cy": p.y, "r": 14})
    # The two students share an x: their bars step aside so both stay visible.
    dodge = p.x + {"scratch": -4.0, "distilled": 4.0}.get(p.series, 0.0)
    spread = el("line", {"class": f"kd-sc__spread kd-sc__spread--{p.series}", "x1": dodge, "x2": dodge,
                         "y1": p.y_low, "y2": p.y_high})
    return el("g", {"class": f"kd-sc__point kd-sc__point--{p.series}", "data-kd-point": True,
                    "data-series": p.series, "data-width": p.width, "data-layers": p.layers,
                    "data-parameters": p.parameters, "data-accuracy": repr(p.accuracy),
                    "data-low": repr(p.low), "data-high": repr(p.high), "data-seeds": p.seeds,
                    "tabindex": "0", "role": "img", "aria-label": p.label},
              ring, spread, _marker(p.series, p.x, p.y), tip)
