"""The `soft-labels` widget: a one-hot label beside the teacher's softened logits for one input."""

from __future__ import annotations

from typing import Any

from kdsite.core.states.soft_labels import TEMPERATURE, temperature_slider
from kdsite.widgets.params import NUMBER, Param, ParamError, _number, labels, number_between, reads
from kdsite.widgets.spec import Issue, WidgetSpec

MATRIX_ALLOWED = ("one list of logits per class, N lists of N finite numbers, e.g. "
                  "[[4, 1, 0], [1, 4, 0], [0, 1, 4]]")
CLASS_ALLOWED = "a class index: a whole number from 0 to the number of classes − 1"


@reads(NUMBER)
def logit_matrix(value: Any) -> list[list[float]]:
    """Check an N×N list of finite numbers (N ≥ 2): row i = the teacher's logits for class i."""
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(f"{value!r} is not a list of two or more rows", MATRIX_ALLOWED)
    n = len(value)
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, list):
            raise ParamError(f"row {i} ({row!r}) is not a list of numbers", MATRIX_ALLOWED)
        if len(row) != n:
            raise ParamError(f"row {i} has {len(row)} logits but there are {n} rows; "
                             f"each row needs one logit per class", MATRIX_ALLOWED)
        try:
            rows.append([_number(v, MATRIX_ALLOWED) for v in row])
        except ParamError as error:
            raise ParamError(f"row {i}: {error}", MATRIX_ALLOWED) from None
    return rows


@reads(NUMBER)
def class_index(value: Any) -> int:
    """Check a whole number ≥ 0 (its upper bound depends on the logits; see _check)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError(f"{value!r} is not a whole number", CLASS_ALLOWED)
    if value < 0:
        raise ParamError(f"{value!r} is negative", CLASS_ALLOWED)
    return value


def _check(config: dict) -> list[Issue]:
    """Return issues between parameters: names, class index, and each row peaking at its own class."""
    issues = []
    matrix = config["logits"]
    n = len(matrix)
    names = [str(name) for name in config["labels"]]
    if len(names) != n:
        issues.append(Issue("labels", f"labels has {len(names)} names but logits has {n} rows",
                            f"a list of {n} names, one per row of logits"))
        names = [f"class {i}" for i in range(n)]
    for i, row in enumerate(matrix):
        rivals = [j for j in range(n) if j != i and row[j] >= row[i]]
        if rivals:
            j = max(rivals, key=lambda k: row[k])
            issues.append(Issue("logits", f"logits: row {i} ({names[i]}): its own logit {row[i]:g} is not the largest "
                                f"({names[j]} has {row[j]:g})",
                                "row i holds the teacher's logits for an input of class i, so its "
                                "i-th entry must be the largest"))
    if config["class"] >= n:
        issues.append(Issue("class", f"class {config['class']} is not a class index (there are {n} classes)",
                            f"a whole number from 0 to {n - 1}"))
    return issues


SPEC = WidgetSpec(
    name="soft-labels",
    params=(
        Param("labels", labels, "a list of class names, e.g. [cat, dog, fox]"),
        Param("logits", logit_matrix, MATRIX_ALLOWED),
        Param("temperature", number_between(*TEMPERATURE), "a number from 0.5 to 10", default=2.0),
        Param("class", class_index, CLASS_ALLOWED, default=0),
    ),
    check=_check,
    extras=lambda config: {"slider": temperature_slider(config).attributes(), "temperature_range": TEMPERATURE},
)
