"""Figures drawn at build time: matplotlib SVG files, or SVG markup placed inline in the page.

Build-side only: nothing here ships to the browser, and matplotlib is imported only when a
page actually places a matplotlib figure. A page places one with a fence
(kdsite.markdown.figure_fence):

    ```kd-figure accuracy-vs-size
    alt: what the figure shows, for a reader who cannot see it
    caption: an optional visible caption
    ```

A figure module either has `draw()`, returning a matplotlib Figure that is written to its own
SVG file and shown with <img>, or sets `INLINE = True` and has `svg()`, returning an <svg>
element that goes into the page itself: it can then be explored (focusable points) and take
the site's colours for light and dark from kdsite.css.
"""

from __future__ import annotations

import importlib
import re

from markdown_it.common.utils import escapeHtml

from kdsite.model import FigureRef, RenderedFigure

# Figure name → module with `draw()` (matplotlib) or `INLINE = True` and `svg()`. One line per figure.
FIGURES = {
    "accuracy-vs-size": "kdsite.figures.accuracy_vs_size",
    "knowledge-flow": "kdsite.figures.knowledge_flow",
    "roofline": "kdsite.figures.roofline",
}


def is_inline(name: str) -> bool:
    """Return whether figure `name` is placed as markup in the page rather than as an <img>."""
    return bool(getattr(importlib.import_module(FIGURES[name]), "INLINE", False))


def figure_scripts(page) -> list[str]:
    """Return the scripts (paths under _kd/static/) that the figures on `page` need, each once.

    A figure module names its script in `SCRIPT`; `page` is a kdsite.model.Page.
    """
    names = dict.fromkeys(figure.name for figure in page.figures)
    scripts = (getattr(importlib.import_module(FIGURES[name]), "SCRIPT", None) for name in names)
    return list(dict.fromkeys(script for script in scripts if script))


def render_figure(name: str) -> RenderedFigure:
    """Draw figure `name` and return it as SVG; raise KeyError for an unknown name.

    An inline figure's size is its view box's, in CSS pixels at full width.
    """
    module = importlib.import_module(FIGURES[name])
    if getattr(module, "INLINE", False):
        markup = module.svg()
        box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', markup)
        if not box:
            raise ValueError(f"figure {name}'s <svg> has no viewBox")
        return RenderedFigure(markup, round(float(box.group(1))), round(float(box.group(2))))
    from kdsite.figures.svg import figure_to_svg

    return figure_to_svg(module.draw())


def figure_html(figure: FigureRef, root: str) -> str:
    """Return a placed figure's HTML: <figure> with an <img> of its file, or with its <svg> inline.

    `root` is the page's relative path to the site root. An inline figure's alt text becomes its
    <svg>'s aria-label, so it is the figure's accessible name wherever the markup puts it.
    """
    caption = f"\n<figcaption>{escapeHtml(figure.caption)}</figcaption>" if figure.caption else ""
    opening = f'<figure class="kd-figure" data-kd-figure="{escapeHtml(figure.name)}">\n'
    if figure.rendered is not None and is_inline(figure.name):
        svg = figure.rendered.svg.replace("<svg", f'<svg aria-label="{escapeHtml(figure.alt)}"', 1)
        return f'{opening}<div class="kd-figure__inline">{svg}</div>{caption}\n</figure>\n'
    size = ""
    if figure.rendered is not None:
        size = f' width="{figure.rendered.width}" height="{figure.rendered.height}"'
    return (f'{opening}<img src="{escapeHtml(root + figure.path)}" alt="{escapeHtml(figure.alt)}"{size} '
            f'decoding="async">{caption}\n</figure>\n')
