"""Hand-drawn SVG for figures placed inline in a page: elements as escaped text, no styles.

Inline figures take their colours from the site's stylesheet (classes, `currentColor`), so
nothing here writes a colour or a `style` attribute: the Content-Security-Policy forbids
inline styles, and the same markup must follow the light and the dark theme.
"""

from __future__ import annotations

from html import escape

SVG_NS = "http://www.w3.org/2000/svg"


def num(value: float) -> str:
    """Return a coordinate as short, deterministic text: 12.5, 3, -0.25 (2 decimals at most)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def attrs(values: dict) -> str:
    """Return ` name="value"` pairs, escaped, in the given order; None and False are left out.

    Floats are written with `num`; True writes an empty value (`data-kd-point=""`), which keeps
    the markup well-formed XML as well as HTML.
    """
    out = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            out.append(f' {name}=""')
            continue
        text = num(value) if isinstance(value, float) else str(value)
        out.append(f' {name}="{escape(text, quote=True)}"')
    return "".join(out)


def el(name: str, values: dict | None = None, *children: str) -> str:
    """Return one element: `<name …>children</name>`, or `<name …/>` when it has no children."""
    opening = f"<{name}{attrs(values or {})}"
    return f"{opening}>{''.join(children)}</{name}>" if children else f"{opening}/>"


def text(x: float, y: float, content: str, cls: str, **extra) -> str:
    """Return a <text> element at (x, y) with escaped content and the given class."""
    return el("text", {"class": cls, "x": float(x), "y": float(y), **_names(extra)}, escape(content, quote=False))


def _names(extra: dict) -> dict:
    """Return keyword attributes with Python's underscores turned into SVG's hyphens."""
    return {name.replace("_", "-"): value for name, value in extra.items()}
