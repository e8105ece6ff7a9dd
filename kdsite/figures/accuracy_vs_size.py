"""Figure `accuracy-vs-size`: test accuracy against parameter count, scratch vs distilled.

Every point is a real training run of the core (kdsite.core.compression.size_sweep), the
lab's recipe at its default temperature and α, averaged over a few seeds.
"""

from __future__ import annotations

from kdsite.core.compression import SizeSweep, size_sweep
from kdsite.figures.svg import matplotlib_setup, plain_number

SEEDS = (0, 1, 2, 3, 4)
# Okabe–Ito colours (distinct for every common colour-vision deficiency, each at least 3:1
# against white), and a distinct marker and line style per series so colour is never needed.
TEACHER = {"color": "#0072b2", "marker": "*", "label": "teacher"}
SCRATCH = {"color": "#d55e00", "marker": "o", "linestyle": "--", "label": "student from scratch"}
DISTILLED = {"color": "#009e73", "marker": "^", "linestyle": "-", "label": "distilled student"}


def sweep() -> SizeSweep:
    """Return the sweep the figure plots."""
    return size_sweep(seeds=SEEDS)


def draw(result: SizeSweep | None = None):
    """Return the matplotlib figure."""
    result = result or sweep()
    plt = matplotlib_setup()
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    params = [p.parameters for p in result.points]
    ax.plot(params, [p.scratch_accuracy * 100 for p in result.points], markersize=7, linewidth=1.8,
            **SCRATCH)
    ax.plot(params, [p.distilled_accuracy * 100 for p in result.points], markersize=8, linewidth=1.8,
            **DISTILLED)
    ax.plot([result.teacher_parameters], [result.teacher_accuracy * 100], markersize=15, linestyle="none",
            **TEACHER)
    for p in result.points:  # the widths along the bottom edge, under their points
        ax.annotate(f"{p.width} units", (p.parameters, 0.03), xycoords=("data", "axes fraction"),
                    ha="center", fontsize=9, color="#444444")
    ax.annotate(f"teacher\n{result.teacher_parameters:,} parameters",
                (result.teacher_parameters, result.teacher_accuracy * 100),
                textcoords="offset points", xytext=(0, -30), ha="center", va="top", fontsize=9, color="#444444")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(plain_number)
    ax.set_xlim(12, 3000)
    low = min(min(p.scratch_accuracy, p.distilled_accuracy) for p in result.points) * 100
    ax.set_ylim(max(0, low - 8), 100)
    ax.set_xlabel("parameters (log scale)")
    ax.set_ylabel("test accuracy (%)")
    ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", frameon=False)
    seeds = len(result.seeds)
    ax.set_title(f"One hidden layer of 2 to 32 units · T = {result.settings.temperature:g}, "
                 f"α = {result.settings.alpha:g} · mean of {seeds} seeds", loc="left")
    return fig
