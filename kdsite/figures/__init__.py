"""Figures drawn with matplotlib at build time, as deterministic SVG files.

Build-side only: nothing here ships to the browser, and matplotlib is imported only when a
page actually places a figure. A page places one with a fence (kdsite.markdown.figure_fence):

    ```kd-figure accuracy-vs-size
    alt: what the figure shows, for a reader who cannot see it
    caption: an optional visible caption
    ```
"""

from __future__ import annotations

import importlib

from kdsite.model import RenderedFigure

# Figure name → module with a `draw()` returning a matplotlib Figure. One line per figure.
FIGURES = {
    "accuracy-vs-size": "kdsite.figures.accuracy_vs_size",
    "roofline": "kdsite.figures.roofline",
}


def render_figure(name: str) -> RenderedFigure:
    """Draw figure `name` and return it as SVG; raise KeyError for an unknown name."""
    from kdsite.figures.svg import figure_to_svg

    module = importlib.import_module(FIGURES[name])
    return figure_to_svg(module.draw())
