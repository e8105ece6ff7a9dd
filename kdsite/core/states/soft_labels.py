"""State of the `soft-labels` widget: a one-hot label next to the teacher's softened output."""

import math

import numpy as np

from kdsite.core.display import data_value, fixed, percent, small_fixed
from kdsite.core.divergences import entropy
from kdsite.core.slider import Slider, control_value, make_slider
from kdsite.core.softening import soften_logits

LN2 = math.log(2.0)
TEMPERATURE = (0.5, 10.0)  # the slider's range


def temperature_slider(config: dict) -> Slider:
    """Return the T slider's scale over TEMPERATURE, starting at the configured T."""
    return make_slider(*TEMPERATURE, config["temperature"])


def _bits(p) -> float:
    """Return the entropy of p in bits (+0.0 turns the −0.0 of a one-hot label into 0.0)."""
    return entropy(p) / LN2 + 0.0


def _readout(value: float, text: str) -> dict:
    """Return a readout: full-precision value and display text."""
    return {"value": data_value(value), "text": text}


def soft_labels_state(config: dict, controls: dict) -> dict:
    """Return what the widget shows for input class `class` at temperature `temperature`."""
    slider = temperature_slider(config)
    temperature = control_value(controls, "temperature", slider, config["temperature"])
    chosen = controls.get("class", config["class"])
    if isinstance(chosen, bool) or float(chosen) != int(float(chosen)):
        raise ValueError(f"class {chosen!r} is not a class index")
    chosen = int(float(chosen))
    matrix = np.asarray(config["logits"], dtype=float)
    n = matrix.shape[0]
    if not 0 <= chosen < n:
        raise ValueError(f"class {chosen} is not between 0 and {n - 1}")
    labels = config.get("labels") or [str(i) for i in range(n)]

    logits = matrix[chosen]
    hard = np.zeros(n)
    hard[chosen] = 1.0
    soft = soften_logits(logits, temperature)
    plain = soften_logits(logits, 1.0)
    hard_bits, soft_bits, plain_bits = _bits(hard), _bits(soft), _bits(plain)

    bars = [{
        "index": i,
        "label": labels[i],
        "chosen": i == chosen,
        "hard": data_value(float(hard[i])),
        "hard_text": percent(hard[i], 0),
        "t1": data_value(float(plain[i])),
        "t1_text": percent(plain[i]),
        "soft": data_value(float(soft[i])),
        "soft_text": percent(soft[i]),
    } for i in range(n)]

    # Softmax keeps the order of the logits, so this ranking is the same at every T.
    others = sorted((i for i in range(n) if i != chosen), key=lambda i: (-soft[i], i))
    similar = [{"rank": rank, "index": i, "label": labels[i], "value": data_value(float(soft[i])),
                "text": percent(soft[i])} for rank, i in enumerate(others, start=1)]

    t_text = slider.text(temperature)
    top = int(soft.argmax())
    ranked = ", ".join(f"{item['label']} {item['text']}" for item in similar)
    return {
        "controls": {
            "class": {"value": data_value(chosen), "text": labels[chosen]},
            "temperature": _readout(temperature, t_text),
        },
        "readouts": {
            "temperature": _readout(temperature, t_text),
            "entropy-bits-hard": _readout(hard_bits, small_fixed(hard_bits, 2)),
            "entropy-bits-soft": _readout(soft_bits, small_fixed(soft_bits, 2)),
            "entropy-bits-t1": _readout(plain_bits, small_fixed(plain_bits, 2)),
            "max-prob": _readout(float(soft[top]), percent(soft[top])),
        },
        "class": {"index": chosen, "label": labels[chosen]},
        "entropy_bits_max": _readout(math.log2(n), fixed(math.log2(n), 2)),
        "logits": [{"index": i, "label": labels[i], "value": data_value(float(z)), "text": fixed(z, 2)}
                   for i, z in enumerate(logits)],
        "bars": bars,
        "similar": similar,
        "aria_label": (
            f"Labels for an input of class {labels[chosen]}. The hard label puts 100% on "
            f"{labels[chosen]} and carries {small_fixed(hard_bits, 2)} bits. The teacher's soft label at "
            f"temperature {t_text} gives {labels[chosen]} {percent(soft[chosen])}, then {ranked}; "
            f"it carries {small_fixed(soft_bits, 2)} bits."
        ),
    }
