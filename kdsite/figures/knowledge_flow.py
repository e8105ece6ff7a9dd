"""Figure `knowledge-flow`: how one training step of distillation moves information.

The input goes to a frozen teacher and to the student; the teacher's logits softened at T
and the student's softened at the same T meet in a KL divergence, the student's plain
output meets the true label in a cross-entropy, both are weighted into one loss, and its
gradient flows back into the student only. Drawn as inline SVG in a vertical layout, so it
reads on a 360 px phone, with classes for the site's light and dark colours. Each part
carries `data-kd-flow` = "soft" | "hard" | "combined", which the loss-explorer's term cards
highlight (kdsite/static/widgets/loss-explorer.js).
"""

from __future__ import annotations

import math
from html import escape

from kdsite.figures.markup import SVG_NS, el, num, text

INLINE = True
WIDTH, HEIGHT = 340, 448
PARTS = ("soft", "hard", "combined")  # the data-kd-flow values, one per term of the loss

DESCRIPTION = (
    "The input x goes to two networks. The teacher is frozen: it gets no gradient. Its logits are "
    "softened by the temperature T into probabilities p_T. The student's logits are softened by the same "
    "T into q_T, and also taken at T = 1 into q_1. The KL divergence between p_T and q_T is the "
    "distillation loss, weighted by alpha times T squared; the cross-entropy between the true label y and "
    "q_1 is the hard-label loss, weighted by 1 minus alpha. Their sum is the combined loss L, whose "
    "gradient flows back into the student only."
)


def _box(x: float, y: float, w: float, h: float, head: str, sub: str, cls: str = "") -> str:
    """Return a rounded box with a bold first line and a smaller second line, centred."""
    cx = x + w / 2
    return "".join((
        el("rect", {"class": f"kd-kf__box {cls}".strip(), "x": float(x), "y": float(y), "width": float(w),
                    "height": float(h), "rx": 7.0}),
        _line_text(cx, y + h / 2 - 3, head, "kd-kf__head"),
        _line_text(cx, y + h / 2 + 14, sub, "kd-kf__sub"),
    ))


def _line_text(x: float, y: float, content: str, cls: str) -> str:
    """Return centred text in which `_X` is a subscript X (p_T → p with a subscript T)."""
    pieces = content.split("_")
    if len(pieces) == 1:
        return text(x, y, content, cls, text_anchor="middle")
    spans = [pieces[0]]
    for piece in pieces[1:]:
        spans.append(el("tspan", {"class": "kd-kf__subscript", "baseline-shift": "sub"}, escape(piece[0], quote=False)))
        spans.append(escape(piece[1:], quote=False))
    return el("text", {"class": cls, "x": float(x), "y": float(y), "text-anchor": "middle"},
              *(escape(s, quote=False) if i == 0 else s for i, s in enumerate(spans)))


def _arrow(points: list[tuple[float, float]], cls: str = "") -> str:
    """Return a path through `points` with an arrowhead at the last one (no <marker>: no ids)."""
    d = "M" + " L".join(f"{num(x)},{num(y)}" for x, y in points)
    (x0, y0), (x1, y1) = points[-2], points[-1]
    angle = math.atan2(y1 - y0, x1 - x0)
    head = []
    for side in (-1, 1):
        a = angle + math.pi - side * 0.45
        head.append(f"{num(x1 + 9 * math.cos(a))},{num(y1 + 9 * math.sin(a))}")
    tip = f"M{num(x1)},{num(y1)} L{head[0]} L{head[1]} Z"
    return el("path", {"class": f"kd-kf__edge {cls}".strip(), "d": d}) + \
        el("path", {"class": f"kd-kf__tip {cls}".strip(), "d": tip})


def svg() -> str:
    """Return the diagram as an inline <svg> element (text, deterministic)."""
    shared = el("g", {"class": "kd-kf__shared"},
                _box(90, 8, 146, 44, "Input x", "with its true label y"),
                _arrow([(163, 52), (163, 66), (78, 66), (78, 84)]),
                _arrow([(163, 66), (248, 66), (248, 84)]),
                _box(8, 86, 140, 48, "Teacher", "frozen: no gradient", "kd-kf__box--teacher"),
                _box(178, 86, 140, 48, "Student", "being trained", "kd-kf__box--student"))
    soft = el("g", {"class": "kd-kf__part kd-kf__part--soft", "data-kd-flow": "soft"},
              _arrow([(78, 134), (78, 152), (55, 152), (55, 170)]),
              _arrow([(248, 134), (248, 152), (163, 152), (163, 170)]),
              _box(8, 172, 94, 48, "p_T", "teacher, soft"),
              _box(116, 172, 94, 48, "q_T", "student, soft"),
              _arrow([(55, 220), (55, 256)]),
              _arrow([(163, 220), (163, 256)]),
              _box(8, 258, 202, 48, "KL(p_T ‖ q_T)", "distillation loss"),
              _arrow([(109, 306), (109, 342)]),
              text(116, 329, "× α·T²", "kd-kf__weight"))
    hard = el("g", {"class": "kd-kf__part kd-kf__part--hard", "data-kd-flow": "hard"},
              _arrow([(248, 152), (271, 152), (271, 170)]),
              _box(224, 172, 94, 48, "q_1", "student, T = 1"),
              _arrow([(271, 220), (271, 256)]),
              _box(224, 258, 94, 48, "CE(y, q_1)", "label loss"),
              _arrow([(271, 306), (271, 342)]),
              text(264, 329, "× (1 − α)", "kd-kf__weight", text_anchor="end"))
    combined = el("g", {"class": "kd-kf__part kd-kf__part--combined", "data-kd-flow": "combined"},
                  _box(8, 344, 310, 48, "Combined loss L", "α·T²·KL + (1 − α)·CE"),
                  _arrow([(163, 392), (163, 414), (330, 414), (330, 110), (320, 110)], "kd-kf__edge--back"),
                  text(163, 436, "backprop: only the student learns", "kd-kf__weight", text_anchor="middle"))
    return el("svg", {"xmlns": SVG_NS, "class": "kd-kf", "viewBox": f"0 0 {WIDTH} {HEIGHT}", "role": "img"},
              el("title", {}, "Knowledge flow in one distillation step"),
              el("desc", {}, DESCRIPTION),
              shared, soft, hard, combined)
