"""The `distillation-viz` widget: teacher vs student bars softened by a temperature."""

from __future__ import annotations

from kdsite.widgets.params import Param, boolean, labels, number_range, positive_number, probabilities
from kdsite.widgets.spec import Issue, WidgetSpec

# Slider steps from which the smallest giving at most MAX_STEPS positions is chosen,
# so arrow keys move in round numbers and the whole range takes a sane number of presses.
NICE_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
MAX_STEPS = 200


def slider_step(low: float, high: float) -> float:
    """Return a round step that divides [low, high] into at most MAX_STEPS positions."""
    return next((s for s in NICE_STEPS if (high - low) / s <= MAX_STEPS), NICE_STEPS[-1])


def _check(config: dict) -> list[Issue]:
    """Return issues between parameters: lengths, and T within the slider's range."""
    issues = []
    n = len(config["teacher"])
    if len(config["student"]) != n:
        issues.append(Issue("student", f"student has {len(config['student'])} entries but teacher has {n}",
                            f"a list of {n} probabilities, one per class"))
    if "labels" in config and len(config["labels"]) != n:
        issues.append(Issue("labels", f"labels has {len(config['labels'])} names but teacher has {n} classes",
                            f"a list of {n} names"))
    low, high = config["temp_range"]
    if config["show_slider"] and not low <= config["temperature"] <= high:
        issues.append(Issue("temperature", f"temperature {config['temperature']:g} lies outside temp_range [{low:g}, {high:g}]",
                            "a temperature inside temp_range, or a wider temp_range"))
    return issues


SPEC = WidgetSpec(
    name="distillation-viz",
    params=(
        Param("teacher", probabilities, "the teacher's probabilities, e.g. [0.7, 0.2, 0.1]"),
        Param("student", probabilities, "the student's probabilities, same length as teacher"),
        Param("labels", labels, "a list of class names", default=None),
        Param("temperature", positive_number, "a number greater than 0", default=1.0),
        Param("temp_range", number_range, "[min, max] with 0 < min < max", default=[0.5, 8.0]),
        Param("show_slider", boolean, "true or false", default=True),
        Param("show_kl", boolean, "true or false", default=True),
    ),
    check=_check,
    extras=lambda config: {"step": slider_step(*config["temp_range"])},
)
