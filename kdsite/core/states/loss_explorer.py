"""State of the `loss-explorer` widget: the distillation loss's two terms at (α, T), and why T².

Every number comes from `kdsite.core.losses.distillation_loss`, the same function the
training code uses: L = α·T²·KL(p_T ‖ q_T) + (1 − α)·CE(y, q₁).
"""

from __future__ import annotations

import math

import numpy as np

from kdsite.core.display import data_value, percent, small_fixed
from kdsite.core.losses import distillation_loss, weighted
from kdsite.core.slider import Slider, control_value, make_slider
from kdsite.core.softening import soften_logits

T_MIN, T_MAX = 0.5, 20.0
T_DEFAULT, ALPHA_DEFAULT = 4.0, 0.5
CURVE_POINTS = 40  # log-spaced temperatures of the gradient chart

# The chart's SVG user space: viewBox 0 0 WIDTH HEIGHT, plot area inside the margins.
WIDTH, HEIGHT = 320.0, 190.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 312.0, 10.0, 160.0
X_TICKS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
MAX_DECADES = 8  # the y axis spans at most this many powers of ten


def sliders(config: dict) -> dict[str, Slider]:
    """Return the scales of the two sliders: T (log over [T_MIN, T_MAX]) and α (linear over [0, 1])."""
    return {"temperature": make_slider(T_MIN, T_MAX, config.get("temperature", T_DEFAULT)),
            "alpha": make_slider(0.0, 1.0, config.get("alpha", ALPHA_DEFAULT))}


def _readout(value: float, text: str) -> dict:
    """Return a readout: full-precision value and display text."""
    return {"value": data_value(value), "text": text}


def _shares(soft_term: float, hard_term: float) -> tuple[float, float] | None:
    """Return each term's share of the total; None when both are 0 or both are ∞."""
    if math.isinf(soft_term) or math.isinf(hard_term):
        # Logits near the double range overflow a term: an infinite term is all of the total.
        if math.isinf(soft_term) and math.isinf(hard_term):
            return None
        return (1.0, 0.0) if math.isinf(soft_term) else (0.0, 1.0)
    total = soft_term + hard_term
    return (soft_term / total, hard_term / total) if total > 0 else None


def soft_gradient_norms(config: dict, temperature: float) -> tuple[float, float]:
    """Return ‖∂(T²·KL)/∂z‖ and ‖∂KL/∂z‖ (the soft term with and without T²) at `temperature`."""
    loss = distillation_loss(config["student_logits"], config["teacher_logits"], config["label"],
                             temperature, 1.0)
    scaled = float(np.linalg.norm(loss.grad))
    return scaled, scaled / (temperature * temperature)


def hard_gradient_norm(config: dict) -> float:
    """Return ‖∂CE(y, q₁)/∂z‖, which does not depend on T."""
    loss = distillation_loss(config["student_logits"], config["teacher_logits"], config["label"], 1.0, 0.0)
    return float(np.linalg.norm(loss.grad))


def curve_temperatures() -> np.ndarray:
    """Return the chart's CURVE_POINTS log-spaced temperatures in [T_MIN, T_MAX]."""
    return np.geomspace(T_MIN, T_MAX, CURVE_POINTS)


def _x(temperature: float) -> float:
    """Return the chart x of a temperature (log axis)."""
    u = (math.log(temperature) - math.log(T_MIN)) / (math.log(T_MAX) - math.log(T_MIN))
    return round(LEFT + min(1.0, max(0.0, u)) * (RIGHT - LEFT), 2)


def _y_axis(values: list[float]) -> tuple[int, int]:
    """Return the (low, high) powers of ten of the log y axis covering the positive values."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return -3, 0
    high = math.ceil(math.log10(max(positive)) - 1e-9)
    low = math.floor(math.log10(min(positive)) + 1e-9)
    low = max(low, high - MAX_DECADES)
    if low == high:
        low -= 1
    return low, high


def _y(value: float, axis: tuple[int, int]) -> float:
    """Return the chart y of a gradient norm; values below the axis sit on its floor."""
    low, high = axis
    u = (math.log10(value) - low) / (high - low) if value > 0 else 0.0
    return round(BOTTOM - min(1.0, max(0.0, u)) * (BOTTOM - TOP), 2)


def _tick_text(power: int) -> str:
    """Return a power of ten as plain decimal text: 0.01, 0.1, 1, 10."""
    return f"{10.0 ** power:g}" if -4 <= power <= 5 else f"1e{power}"


def gradient_chart(config: dict, temperature: float) -> dict:
    """Return the chart: both curves, the hard-term level and the marker at `temperature`."""
    temps = curve_temperatures()
    norms = [soft_gradient_norms(config, float(t)) for t in temps]
    scaled = [s for s, _ in norms]
    unscaled = [u for _, u in norms]
    hard = hard_gradient_norm(config)
    now_scaled, now_unscaled = soft_gradient_norms(config, temperature)
    axis = _y_axis(scaled + unscaled + [hard])
    step = max(1, math.ceil((axis[1] - axis[0]) / 5))
    return {
        "scaled": " ".join(f"{_x(t)},{_y(v, axis)}" for t, v in zip(temps, scaled)),
        "unscaled": " ".join(f"{_x(t)},{_y(v, axis)}" for t, v in zip(temps, unscaled)),
        "hard_y": _y(hard, axis),
        "marker": {"x": _x(temperature), "scaled_y": _y(now_scaled, axis), "unscaled_y": _y(now_unscaled, axis)},
        "x_ticks": [{"x": _x(t), "text": f"{t:g}"} for t in X_TICKS],
        "y_ticks": [{"y": _y(10.0 ** p, axis), "text": _tick_text(p)}
                    for p in range(axis[1], axis[0] - 1, -step)],
    }


def loss_explorer_state(config: dict, controls: dict) -> dict:
    """Return what the widget shows for `config` at the α and T in `controls`.

    controls: "alpha" (a value), "temperature" (a value) or "temperature_position" (the log
    slider's position, see kdsite.core.slider); a control left out keeps the configured value.
    """
    scales = sliders(config)
    temperature = control_value(controls, "temperature", scales["temperature"], config["temperature"])
    alpha = control_value(controls, "alpha", scales["alpha"], config["alpha"])
    if not T_MIN <= temperature <= T_MAX:
        raise ValueError(f"temperature must lie in [{T_MIN:g}, {T_MAX:g}]")
    teacher_logits, student_logits = config["teacher_logits"], config["student_logits"]
    label = int(config["label"])
    labels = config.get("labels") or [str(i) for i in range(len(teacher_logits))]

    loss = distillation_loss(student_logits, teacher_logits, label, temperature, alpha)
    soft_term = weighted(alpha, loss.soft)
    hard_term = weighted(1.0 - alpha, loss.hard)
    total = loss.total
    shares = _shares(soft_term, hard_term)
    if shares:
        share_soft, share_hard = shares
        share_texts = percent(share_soft), percent(share_hard)
    else:  # nothing to share
        share_soft = share_hard = 0.0
        share_texts = "—", "—"
    grad_scaled, grad_unscaled = soft_gradient_norms(config, temperature)
    grad_hard = hard_gradient_norm(config)

    teacher = soften_logits(teacher_logits, temperature)
    student = soften_logits(student_logits, temperature)
    bars = [{
        "index": i,
        "label": name,
        "true": i == label,
        "teacher": data_value(float(t)),
        "student": data_value(float(s)),
        "teacher_text": percent(t),
        "student_text": percent(s),
    } for i, (name, t, s) in enumerate(zip(labels, teacher, student))]

    t_text, a_text = scales["temperature"].text(temperature), scales["alpha"].text(alpha)
    readouts = {
        "temperature": _readout(temperature, t_text),
        "alpha": _readout(alpha, a_text),
        "one-minus-alpha": _readout(1.0 - alpha, scales["alpha"].text(1.0 - alpha)),
        "kl": _readout(loss.kl, small_fixed(loss.kl, 3)),
        "ce": _readout(loss.hard, small_fixed(loss.hard, 3)),
        "loss-soft-term": _readout(soft_term, small_fixed(soft_term, 3)),
        "loss-hard-term": _readout(hard_term, small_fixed(hard_term, 3)),
        "loss-total": _readout(total, small_fixed(total, 3)),
        "share-soft": _readout(share_soft, share_texts[0]),
        "share-hard": _readout(share_hard, share_texts[1]),
        "grad-scaled": _readout(grad_scaled, small_fixed(grad_scaled, 3)),
        "grad-unscaled": _readout(grad_unscaled, small_fixed(grad_unscaled, 4)),
        "grad-hard": _readout(grad_hard, small_fixed(grad_hard, 3)),
    }
    aria = (
        f"Distillation loss at T = {t_text} and α = {a_text}: soft term {readouts['loss-soft-term']['text']} "
        f"({share_texts[0]}), hard term {readouts['loss-hard-term']['text']} ({share_texts[1]}), "
        f"total {readouts['loss-total']['text']}. True class {labels[label]}. "
        f"Gradient of the soft term: {readouts['grad-scaled']['text']} with the T² factor, "
        f"{readouts['grad-unscaled']['text']} without it; the hard term's is {readouts['grad-hard']['text']}."
    )
    return {
        "controls": {"temperature": readouts["temperature"], "alpha": readouts["alpha"]},
        "readouts": readouts,
        "bars": bars,
        "chart": gradient_chart(config, temperature),
        "aria_label": aria,
    }
