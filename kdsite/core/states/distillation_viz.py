"""State of the `distillation-viz` widget: teacher and student softened by T, and their KL.

Above MAX_ROWS classes the chart shows the TOP_ROWS most likely classes and one "other" row
holding the rest's total, and says so; the KL is always over every class.
"""

from __future__ import annotations

import numpy as np

from kdsite.core.display import data_value, number_text, percent, small_fixed
from kdsite.core.divergences import kl_divergence
from kdsite.core.slider import Slider, control_value, make_slider
from kdsite.core.softening import as_distribution, soften_probs

# A gap smaller than one percentage point draws no marker, so the chart does not flicker.
DELTA_THRESHOLD = 0.01
DEFAULT_TEMP_RANGE = (0.5, 8.0)
MAX_ROWS = 20  # at most this many rows, the "other" row included
TOP_ROWS = MAX_ROWS - 1


def temperature_slider(config: dict) -> Slider | None:
    """Return the T slider's scale, or None when the widget has no slider."""
    if not config.get("show_slider", True):
        return None
    low, high = config.get("temp_range", DEFAULT_TEMP_RANGE)
    return make_slider(low, high, config["temperature"])


def shown_classes(config: dict) -> list[int]:
    """Return the indices of the classes drawn as rows, in their original order.

    Every class up to MAX_ROWS; beyond, the TOP_ROWS largest by max(teacher, student) as
    configured (ties to the lower index). Softening keeps each distribution's order, so the
    rows are the same at every T.
    """
    teacher, student = as_distribution(config["teacher"]), as_distribution(config["student"])
    n = len(teacher)
    if n <= MAX_ROWS:
        return list(range(n))
    score = np.maximum(teacher, student)
    ranked = sorted(range(n), key=lambda i: (-score[i], i))
    return sorted(ranked[:TOP_ROWS])


def _delta(t: float, s: float) -> str:
    """Return which side a gap of more than DELTA_THRESHOLD points to ("" for none)."""
    if abs(t - s) > DELTA_THRESHOLD:
        return "teacher" if t > s else "student"
    return ""


def _row(t: float, s: float, **fields) -> dict:
    """Return one drawn row: both values, their texts and the gap marker."""
    return {**fields, "teacher": data_value(t), "student": data_value(s), "teacher_text": percent(t),
            "student_text": percent(s), "delta": _delta(t, s)}


def distillation_viz_state(config: dict, controls: dict) -> dict:
    """Return what the widget shows for `config` at the temperature in `controls`.

    controls: {"temperature": T} or {"temperature_position": p} (a log slider's position);
    {} for the configured T.
    """
    slider = temperature_slider(config)
    temperature = control_value(controls, "temperature", slider, config["temperature"])
    teacher = soften_probs(config["teacher"], temperature)
    student = soften_probs(config["student"], temperature)
    labels = config.get("labels") or [str(i) for i in range(len(teacher))]
    kl = kl_divergence(teacher, student)

    shown = shown_classes(config)
    bars = [_row(float(teacher[i]), float(student[i]), index=i, label=labels[i]) for i in shown]
    hidden = len(teacher) - len(shown)
    other = None
    note = ""
    if hidden:
        rest = np.ones(len(teacher), dtype=bool)
        rest[shown] = False
        other = _row(float(teacher[rest].sum()), float(student[rest].sum()), count=hidden,
                     label=f"Other ({hidden:,} classes)")
        note = (f"Showing the {len(shown)} most likely of {len(teacher):,} classes; the other {hidden:,} "
                f"share the last row. The KL is over every class.")

    top = int(teacher.argmax())
    t_text = slider.text(temperature) if slider else number_text(temperature)
    kl_text = small_fixed(kl, 3)
    aria = (
        f"Teacher vs student distributions at temperature {t_text}. "
        f"Teacher peaks at {labels[top]} ({percent(teacher[top])}). "
        f"KL divergence {kl_text} nats."
    )
    if note:
        aria += " " + note
    return {
        "controls": {"temperature": {"value": data_value(temperature), "text": t_text}},
        "readouts": {"kl": {"value": data_value(kl), "text": kl_text}},
        "bars": bars,
        "other": other,
        "note": note,
        "aria_label": aria,
    }
