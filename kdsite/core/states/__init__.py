"""Every widget's state function, by widget name: called by the build and by the worker.

One import and one STATE_FUNCTIONS line per widget (README.md, "Adding a widget";
tests/unit/test_widget_registries.py checks that this table, the specs in kdsite.widgets,
the templates and the scripts name the same widgets).
"""

import json

from kdsite.core.states.distill_steps import distill_steps_state
from kdsite.core.states.distillation_viz import distillation_viz_state
from kdsite.core.states.loss_explorer import loss_explorer_state
from kdsite.core.states.soft_labels import soft_labels_state
from kdsite.core.states.temperature_explorer import temperature_explorer_state
from kdsite.core.states.training_lab import train_json, training_lab_state

STATE_FUNCTIONS = {
    "distillation-viz": distillation_viz_state,
    "training-lab": training_lab_state,
    "loss-explorer": loss_explorer_state,
    "distill-steps": distill_steps_state,
    "temperature-explorer": temperature_explorer_state,
    "soft-labels": soft_labels_state,
}

__all__ = ["STATE_FUNCTIONS", "compute_state", "compute_state_json", "train_json"]


def compute_state(widget: str, config: dict, controls: dict) -> dict:
    """Return the state of `widget` for its validated `config` and the current `controls`."""
    try:
        function = STATE_FUNCTIONS[widget]
    except KeyError:
        raise ValueError(f"unknown widget {widget!r}") from None
    return function(config, controls)


def compute_state_json(widget: str, config_json: str, controls_json: str) -> str:
    """Return `compute_state` as JSON text; the entry point of the worker's "state" message.

    Called by the page's Python worker; declared in kdsite/static/protocol.js PYTHON
    (tests/unit/test_protocol_js.py checks the parameters).
    """
    state = compute_state(widget, json.loads(config_json), json.loads(controls_json))
    return json.dumps(state, allow_nan=False)
