"""The `temperature-explorer` widget: one set of logits through softmax(z / T), T on a log slider."""

from __future__ import annotations

from typing import Any

from kdsite.core.states.temperature_explorer import TEMPERATURE, temperature_slider
from kdsite.widgets.params import NUMBER, Param, ParamError, _number, labels, number_between, reads
from kdsite.widgets.spec import Issue, WidgetSpec

# log10 of the ends of T's range: a `log_temperature` control runs over it.
LOG_RANGE = (-1.0, 1.0)

LOGITS_ALLOWED = "a list of at least two finite numbers, e.g. [3, 1, -0.5]"


@reads(NUMBER)
def logits(value: Any) -> list[float]:
    """Check a list of two or more finite numbers (any sign)."""
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(f"{value!r} is not a list of two or more numbers", LOGITS_ALLOWED)
    return [_number(v, LOGITS_ALLOWED) for v in value]


def _check(config: dict) -> list[Issue]:
    """Return issues between parameters: one label per logit."""
    n = len(config["logits"])
    if "labels" in config and len(config["labels"]) != n:
        return [Issue("labels", f"labels has {len(config['labels'])} names but logits has {n} entries",
                      f"a list of {n} names, one per logit")]
    return []


SPEC = WidgetSpec(
    name="temperature-explorer",
    params=(
        Param("logits", logits, "the logits (raw scores) of each class, e.g. [3, 1, -0.5]"),
        Param("labels", labels, "a list of class names, one per logit", default=None),
        Param("temperature", number_between(*TEMPERATURE), "a number from 0.1 to 10", default=1.0),
    ),
    check=_check,
    # The slider is logarithmic: its value is log10(T / temperature), T from 0.1 to 10.
    extras=lambda config: {"slider": temperature_slider(config).attributes(), "temperature_range": TEMPERATURE},
)
