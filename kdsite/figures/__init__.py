"""Figures drawn with matplotlib at build time, as deterministic SVG files.

Build-side only: nothing here ships to the browser, and matplotlib is imported only when a
page actually places a figure. A page places one with a fence:

    ```kd-figure accuracy-vs-size
    alt: what the figure shows, for a reader who cannot see it
    caption: an optional visible caption
    ```
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

# Figure name → module with a `draw()` returning a matplotlib Figure. One line per figure.
FIGURES = {
    "accuracy-vs-size": "kdsite.figures.accuracy_vs_size",
    "roofline": "kdsite.figures.roofline",
}


@dataclass
class FigureRef:
    """One figure placed on a page: what it shows, where, and (after pre-rendering) its SVG."""

    name: str
    alt: str
    caption: str
    file: Path | str
    line: int
    rendered: "RenderedFigure | None" = field(default=None, repr=False)

    @property
    def path(self) -> str:
        """Return the figure file's path relative to the site root."""
        return figure_path(self.name)


@dataclass(frozen=True)
class RenderedFigure:
    """A figure's SVG text and its size in CSS pixels."""

    svg: str
    width: int
    height: int


def figure_path(name: str) -> str:
    """Return where figure `name` is written, relative to the site root."""
    return f"_kd/figures/{name}.svg"


def render_figure(name: str) -> RenderedFigure:
    """Draw figure `name` and return it as SVG; raise KeyError for an unknown name."""
    from kdsite.figures.svg import figure_to_svg

    module = importlib.import_module(FIGURES[name])
    return figure_to_svg(module.draw())
