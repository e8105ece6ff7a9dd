"""matplotlib → SVG text that is byte-for-byte reproducible and needs no inline CSS."""

from __future__ import annotations

import io
import re

from kdsite.model import RenderedFigure

SALT = "kdsite"  # fixes the ids matplotlib would otherwise derive from a random salt
PT_TO_PX = 4 / 3

# SVG presentation attributes: what matplotlib writes as style="…" becomes these, so a
# strict Content-Security-Policy (no inline styles) cannot strip the figures' looks.
PRESENTATION = {
    "clip-path", "clip-rule", "color", "display", "dominant-baseline", "fill", "fill-opacity",
    "fill-rule", "font-family", "font-size", "font-stretch", "font-style", "font-variant",
    "font-weight", "letter-spacing", "opacity", "paint-order", "shape-rendering", "stroke",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-decoration",
    "visibility", "word-spacing", "alignment-baseline", "baseline-shift",
}


def matplotlib_setup():
    """Return pyplot with the Agg backend and the settings that make SVG deterministic."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.hashsalt": SALT,
        "svg.fonttype": "none",  # text stays text: selectable, searchable, small
        "font.family": "DejaVu Sans",
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": "medium",
    })
    return plt


def plain_number(value: float, _position=None) -> str:
    """Format a log-axis tick as a plain number (0.01, 1, 1,000), not as a power of ten."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def figure_to_svg(fig) -> RenderedFigure:
    """Save a matplotlib figure as clean SVG text, close it, and return it with its pixel size."""
    plt = matplotlib_setup()
    buffer = io.StringIO()
    try:
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    finally:
        plt.close(fig)
    svg = clean_svg(buffer.getvalue())
    size = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', svg)
    if not size:
        raise ValueError("matplotlib wrote an SVG without a width and height in pt")
    return RenderedFigure(svg, round(float(size.group(1)) * PT_TO_PX), round(float(size.group(2)) * PT_TO_PX))


def clean_svg(svg: str) -> str:
    """Drop the DOCTYPE and the <style> element, and turn style="…" into attributes."""
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, count=1)
    # matplotlib's one stylesheet rule `*{stroke-linejoin: round; stroke-linecap: butt}`
    # becomes inherited attributes on the root element.
    sheet = re.search(r'\s*<style type="text/css">\*\{([^}]*)\}</style>', svg)
    if sheet:
        svg = svg.replace(sheet.group(0), "", 1)
        svg = re.sub(r"<svg\b", "<svg " + _attributes(sheet.group(1)), svg, count=1)
        svg = re.sub(r"\s*<defs>\s*</defs>", "", svg, count=1)
    return re.sub(r' style="([^"]*)"', lambda m: " " + _attributes(m.group(1)) if _convertible(m.group(1))
                  else m.group(0), svg)


def _declarations(style: str) -> list[tuple[str, str]]:
    """Return the (property, value) pairs of a CSS declaration list."""
    pairs = []
    for part in style.split(";"):
        if ":" in part:
            name, value = part.split(":", 1)
            pairs.append((name.strip(), value.strip()))
    return pairs


def _convertible(style: str) -> bool:
    """Return whether every property in `style` has a presentation attribute."""
    return all(name in PRESENTATION for name, _ in _declarations(style))


def _attributes(style: str) -> str:
    """Return `style`'s declarations as SVG attributes (values are already XML-escaped)."""
    out = []
    for name, value in _declarations(style):
        quote = '"' if '"' not in value else "'"
        out.append(f"{name}={quote}{value}{quote}")
    return " ".join(out)
