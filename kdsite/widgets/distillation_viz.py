"""The `distillation-viz` widget: teacher vs student bars softened by a temperature."""

from __future__ import annotations

from kdsite.core.slider import make_slider
from kdsite.core.states.distillation_viz import DEFAULT_TEMP_RANGE, temperature_slider
from kdsite.widgets.params import Param, boolean, labels, number_range, positive_number, probabilities
from kdsite.widgets.spec import Issue, WidgetSpec


def slider_step(low: float, high: float) -> float:
    """Return the first step up from `low` of a T slider over [low, high] that starts at low."""
    slider = make_slider(low, high, low)
    return slider.value_at(float(slider.attributes()["value"]) + float(slider.attributes()["step"])) - low


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
        issues.append(Issue("temperature",
                            f"temperature {config['temperature']:g} lies outside temp_range [{low:g}, {high:g}]",
                            "a temperature inside temp_range, or a wider temp_range"))
    return issues


def _extras(config: dict) -> dict:
    """Return the slider's attributes (min, max, step, value, scale) for the template."""
    slider = temperature_slider(config)
    return {"slider": slider.attributes() if slider else None}


SPEC = WidgetSpec(
    name="distillation-viz",
    params=(
        Param("teacher", probabilities, "the teacher's probabilities, e.g. [0.7, 0.2, 0.1]"),
        Param("student", probabilities, "the student's probabilities, same length as teacher"),
        Param("labels", labels, "a list of class names", default=None),
        Param("temperature", positive_number, "a number greater than 0", default=1.0),
        Param("temp_range", number_range, "[min, max] with 0 < min < max", default=list(DEFAULT_TEMP_RANGE)),
        Param("show_slider", boolean, "true or false", default=True),
        Param("show_kl", boolean, "true or false", default=True),
    ),
    check=_check,
    extras=_extras,
)
