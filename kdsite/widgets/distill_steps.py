"""The `distill-steps` widget: teacher → soft targets → a student trained on them, step by step."""

from __future__ import annotations

from kdsite.widgets.loss_explorer import class_index
from kdsite.widgets.params import Param, integer_between, labels, number_between, probabilities
from kdsite.widgets.spec import Issue, WidgetSpec

DEFAULT_LABELS = ["cat", "dog", "rabbit"]


def _check(config: dict) -> list[Issue]:
    """Return issues between parameters: one name per class, a true label that is a class."""
    issues = []
    n = len(config["teacher_probs"])
    if len(config["labels"]) != n:
        default = " (the default labels fit 3 classes)" if config["labels"] == DEFAULT_LABELS else ""
        issues.append(Issue("labels", f"labels has {len(config['labels'])} names but teacher_probs has {n} classes",
                            f"a list of {n} names{default}"))
    if config["true_label"] >= n:
        issues.append(Issue("true_label",
                            f"true_label {config['true_label']} is not a class index (there are {n} classes)",
                            f"a whole number from 0 to {n - 1}"))
    return issues


SPEC = WidgetSpec(
    name="distill-steps",
    params=(
        Param("teacher_probs", probabilities, "the teacher's probabilities, e.g. [0.897, 0.081, 0.022]",
              default=[0.897, 0.081, 0.022]),
        Param("labels", labels, "a list of class names", default=DEFAULT_LABELS),
        Param("true_label", class_index, "the index of the input's true class", default=0),
        Param("temperature", number_between(0.5, 20.0), "a number from 0.5 to 20", default=3.0),
        Param("steps", integer_between(1, 200), "a whole number from 1 to 200", default=35),
        Param("seed", integer_between(0, 2**31 - 1), "a whole number ≥ 0", default=0),
        Param("learning_rate", number_between(0.01, 10.0), "a number from 0.01 to 10", default=0.5),
    ),
    check=_check,
)
