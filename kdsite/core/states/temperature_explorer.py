"""State of the `temperature-explorer` widget: one set of logits softened by a temperature T."""

import math

import numpy as np

from kdsite.core.display import data_value, fixed, percent, small_fixed
from kdsite.core.divergences import entropy
from kdsite.core.slider import Slider, control_value, make_slider
from kdsite.core.softening import soften_logits

TEMPERATURE = (0.1, 10.0)  # the slider's range; it is logarithmic (100×)


def temperature_slider(config: dict) -> Slider:
    """Return the T slider's scale: log over TEMPERATURE, position 0 at the configured T."""
    return make_slider(*TEMPERATURE, config["temperature"])


def temperature_from_controls(config: dict, controls: dict) -> float:
    """Return T: 10 ** `log_temperature` if given, else `temperature`, else the slider's
    `temperature_position` (see kdsite.core.slider), else the config's.

    The slider is logarithmic; the power is taken here, in Python, so the build and the
    browser turn the same slider position into the same T.
    """
    if "log_temperature" in controls:
        position = float(controls["log_temperature"])
        if not math.isfinite(position):
            raise ValueError(f"log_temperature {position!r} is not a finite number")
        return 10.0 ** position
    return control_value(controls, "temperature", temperature_slider(config), config["temperature"])


def _regime(temperature: float) -> dict:
    """Return which way T reshapes softmax(z): key for styling and a sentence."""
    if temperature < 1:
        return {"key": "sharpen", "text": "T < 1: sharper than the plain softmax — the top class takes more."}
    if temperature > 1:
        return {"key": "flatten", "text": "T > 1: flatter than the plain softmax — the other classes gain."}
    return {"key": "plain", "text": "T = 1: the plain softmax of the logits."}


def temperature_explorer_state(config: dict, controls: dict) -> dict:
    """Return what the widget shows for `config` at the temperature in `controls`."""
    temperature = temperature_from_controls(config, controls)
    logits = np.asarray(config["logits"], dtype=float)
    probs = soften_logits(logits, temperature)
    labels = config.get("labels") or [str(i) for i in range(len(probs))]
    h = entropy(probs) + 0.0  # a fully peaked distribution gives −0.0; show it as 0
    h_max = math.log(len(probs))
    top = int(probs.argmax())

    bars = [{
        "index": i,
        "label": label,
        "logit": data_value(float(z)),
        "logit_text": fixed(z, 2),
        "scaled": data_value(float(z) / temperature),
        "scaled_text": fixed(float(z) / temperature, 2),
        "value": data_value(float(p)),
        "text": percent(p),
    } for i, (label, z, p) in enumerate(zip(labels, logits, probs))]

    t_text = temperature_slider(config).text(temperature)
    h_text = small_fixed(h, 3)
    spread = ", ".join(f"{bar['label']} {bar['text']}" for bar in bars)
    return {
        "controls": {"temperature": {"value": data_value(temperature), "text": t_text,
                                     "position": data_value(math.log10(temperature))}},
        "readouts": {
            "temperature": {"value": data_value(temperature), "text": t_text},
            "max-prob": {"value": data_value(float(probs[top])), "text": percent(probs[top])},
            "entropy": {"value": data_value(h), "text": h_text},
        },
        "top": {"index": top, "label": labels[top]},
        "entropy_max": {"value": data_value(h_max), "text": fixed(h_max, 3)},
        "regime": _regime(temperature),
        "bars": bars,
        "aria_label": (f"Softmax of the logits at temperature {t_text}: {spread}. "
                       f"Entropy {h_text} nats of at most {fixed(h_max, 3)}."),
    }
