"""Network diagrams of the training lab: a multilayer perceptron drawn as columns of units.

Everything the picture needs is computed here (plain Python, shipped to the browser): which
units are drawn, where, the edges between them, how many units an ellipsis stands for, the
parameter count and a text alternative. The template and the script only draw the result
(templates/widgets/training-lab.html, kdsite/static/widgets/training-lab.js).
"""

from __future__ import annotations

WIDTH, HEIGHT = 240.0, 120.0  # the diagram's SVG view box
MARGIN_X, MARGIN_Y = 14.0, 12.0  # room for the outermost units and the size labels below
LABEL_ROOM = 14.0  # the strip at the bottom that holds each layer's size
MAX_DRAWN = 6  # a layer this wide or narrower shows every unit
DRAWN_WIDE = 4  # a wider layer shows this many units, then an ellipsis
RADIUS = 4.0  # a unit's radius, in view-box units


def _role(index: int, count: int) -> str:
    return "input" if index == 0 else ("output" if index == count - 1 else "hidden")


def _units_text(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def describe_sizes(name: str, sizes: list[int], params: int) -> str:
    """Return the text alternative, e.g. 'Teacher: 2 inputs → 2 hidden layers of 32 units →
    5 outputs; 1,317 parameters.' (hidden layers of unequal widths are listed one by one)."""
    hidden = sizes[1:-1]
    if not hidden:
        middle = "no hidden layer"
    elif len(set(hidden)) == 1:
        middle = f"{_units_text(len(hidden), 'hidden layer')} of {_units_text(hidden[0], 'unit')}"
    else:
        middle = "hidden layers of " + ", ".join(str(n) for n in hidden) + " units"
    return (f"{name}: {_units_text(sizes[0], 'input')} → {middle} → {_units_text(sizes[-1], 'output')}; "
            f"{_units_text(params, 'parameter')}.")


def network_diagram(name: str, sizes: list[int], params: int) -> dict:
    """Return the diagram of a network with layer widths `sizes` (inputs first, ≥ 2 layers).

    Shape: {"width", "height" (view box), "radius", "params" (int), "params_text"
    ("1,317 parameters"), "label" (the text alternative), "layers": [{"role": "input" |
    "hidden" | "output", "units" (its real width), "x", "nodes": [[x, y], …] (the units
    drawn), "ellipsis": {"x", "y", "elided", "text" ("+28")} or None (the units not
    drawn, shown as a vertical ellipsis and that count), "label": {"x",
    "y", "text"} (the layer's width)}], "edges": [[x1, y1, x2, y2], …] (every drawn unit to
    every drawn unit of the next layer)}. Coordinates are rounded to 0.01.

    Raises ValueError for fewer than two layers or a width below 1.
    """
    if len(sizes) < 2 or any(int(n) < 1 for n in sizes):
        raise ValueError(f"a network needs at least two layers of at least one unit, not {sizes!r}")
    sizes = [int(n) for n in sizes]
    r2 = lambda v: round(v, 2)  # noqa: E731
    inner_w = WIDTH - 2 * MARGIN_X
    top, bottom = MARGIN_Y, HEIGHT - LABEL_ROOM - MARGIN_Y / 2
    layers = []
    for i, units in enumerate(sizes):
        x = MARGIN_X + inner_w * i / (len(sizes) - 1)
        wide = units > MAX_DRAWN
        drawn = DRAWN_WIDE if wide else units
        slots = drawn + (1 if wide else 0)  # the ellipsis takes the last slot
        gap = (bottom - top) / MAX_DRAWN
        first = (top + bottom) / 2 - gap * (slots - 1) / 2
        ys = [first + gap * k for k in range(slots)]
        layers.append({
            "role": _role(i, len(sizes)),
            "units": units,
            "x": r2(x),
            "nodes": [[r2(x), r2(y)] for y in ys[:drawn]],
            "ellipsis": {"x": r2(x), "y": r2(ys[-1]), "elided": units - drawn,
                         "text": f"+{units - drawn:,}"} if wide else None,
            "label": {"x": r2(x), "y": r2(HEIGHT - LABEL_ROOM / 2), "text": f"{units:,}"},
        })
    edges = [[a[0], a[1], b[0], b[1]]
             for left, right in zip(layers, layers[1:]) for a in left["nodes"] for b in right["nodes"]]
    return {"width": WIDTH, "height": HEIGHT, "radius": RADIUS, "params": params,
            "params_text": _units_text(params, "parameter"), "label": describe_sizes(name, sizes, params),
            "layers": layers, "edges": edges}
