"""The `loss-explorer` widget: the distillation loss's soft and hard terms under α and T."""

from __future__ import annotations

from typing import Any

from kdsite.core.states.loss_explorer import ALPHA_DEFAULT, T_DEFAULT, T_MAX, T_MIN, sliders
from kdsite.widgets.params import NUMBER, Param, ParamError, finite_numbers, labels, number_between, reads
from kdsite.widgets.spec import Issue, WidgetSpec


@reads(NUMBER)
def class_index(value: Any) -> int:
    """Check a class index: a whole number ≥ 0 (its upper bound is checked against the classes)."""
    allowed = "the index of the true class, a whole number from 0"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError(f"{value!r} is not a whole number", allowed)
    if value < 0:
        raise ParamError(f"{value!r} is negative", allowed)
    return value


def _check(config: dict) -> list[Issue]:
    """Return issues between parameters: lengths and the true class's index."""
    issues = []
    n = len(config["teacher_logits"])
    if len(config["student_logits"]) != n:
        issues.append(Issue("student_logits",
                            f"student_logits has {len(config['student_logits'])} entries but teacher_logits has {n}",
                            f"a list of {n} numbers, one per class"))
    if "labels" in config and len(config["labels"]) != n:
        issues.append(Issue("labels", f"labels has {len(config['labels'])} names but teacher_logits has {n} classes",
                            f"a list of {n} names"))
    if config["label"] >= n:
        issues.append(Issue("label", f"label {config['label']} is not a class index (there are {n} classes)",
                            f"a whole number from 0 to {n - 1}"))
    return issues


def _extras(config: dict) -> dict:
    """Return both sliders' attributes (min, max, step, value, scale) for the template."""
    return {"t_min": T_MIN, "t_max": T_MAX,
            "sliders": {name: slider.attributes() for name, slider in sliders(config).items()}}


SPEC = WidgetSpec(
    name="loss-explorer",
    params=(
        Param("teacher_logits", finite_numbers, "the teacher's logits, e.g. [5, 2, 1, -1, -2]"),
        Param("student_logits", finite_numbers, "the student's logits, same length as teacher_logits"),
        Param("label", class_index, "the index of the true class, a whole number from 0"),
        Param("labels", labels, "a list of class names", default=None),
        Param("temperature", number_between(T_MIN, T_MAX), f"a number from {T_MIN:g} to {T_MAX:g}", default=T_DEFAULT),
        Param("alpha", number_between(0.0, 1.0), "a number from 0 to 1", default=ALPHA_DEFAULT),
    ),
    check=_check,
    extras=_extras,
)
