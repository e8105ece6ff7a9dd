"""State of the `distill-steps` widget: a confident teacher, its soft targets, and a student
trained on them by plain gradient descent, shown after any number of steps.

The run is recomputed from step 0 on every call: it is a handful of three-element vectors,
and recomputing keeps the state a pure function of (config, step).
"""

from __future__ import annotations

import numpy as np

from kdsite.core.display import data_value, percent, small_fixed
from kdsite.core.divergences import kl_divergence
from kdsite.core.losses import distillation_loss
from kdsite.core.softening import as_distribution, soften_logits, soften_probs

INIT_SCALE = 0.1  # the student's starting logits: INIT_SCALE × standard normal, seeded


def teacher_logits(teacher_probs) -> np.ndarray:
    """Return logits whose softmax is the teacher's distribution (−inf for a zero probability)."""
    with np.errstate(divide="ignore"):
        return np.log(as_distribution(teacher_probs))


def initial_student_logits(n: int, seed: int) -> np.ndarray:
    """Return the student's seeded, small random starting logits."""
    return INIT_SCALE * np.random.default_rng(seed).standard_normal(n)


def student_logits(config: dict, step: int) -> np.ndarray:
    """Return the student's logits after `step` steps of gradient descent on T²·KL(p_T ‖ q_T).

    The gradient is that of the distillation loss with α = 1 (soft targets only), T·(q_T − p_T).
    """
    targets = teacher_logits(config["teacher_probs"])
    z = initial_student_logits(len(targets), int(config["seed"]))
    for _ in range(step):
        loss = distillation_loss(z, targets, int(config["true_label"]), float(config["temperature"]), 1.0)
        z = z - float(config["learning_rate"]) * loss.grad[0]
    return z


def _readout(value: float, text: str) -> dict:
    """Return a readout: full-precision value and display text."""
    return {"value": data_value(value), "text": text}


def distill_steps_state(config: dict, controls: dict) -> dict:
    """Return what the widget shows after the training step in `controls` (0 by default)."""
    steps = int(config["steps"])
    step = int(controls.get("step", 0))
    if not 0 <= step <= steps:
        raise ValueError(f"step must be a whole number from 0 to {steps}")
    temperature = float(config["temperature"])
    labels = config["labels"]
    true = int(config["true_label"])

    teacher = as_distribution(config["teacher_probs"])
    soft = soften_probs(teacher, temperature)
    z = student_logits(config, step)
    student = soften_logits(z, temperature)
    student_t1 = soften_logits(z, 1.0)
    kl = kl_divergence(soft, student)

    bars = [{
        "index": i,
        "label": name,
        "teacher": data_value(float(t)),
        "soft": data_value(float(s)),
        "student": data_value(float(q)),
        "teacher_text": percent(t),
        "soft_text": percent(s),
        "student_text": percent(q),
    } for i, (name, t, s, q) in enumerate(zip(labels, teacher, soft, student))]

    listing = lambda probs: ", ".join(f"{name} {percent(p)}" for name, p in zip(labels, probs))  # noqa: E731
    t_text = f"{temperature:g}"
    aria = (
        f"Distillation of one {labels[true]} example. Teacher: {listing(teacher)}. "
        f"Soft targets at T = {t_text}: {listing(soft)}. "
        f"Student at T = {t_text} after {step} of {steps} steps: {listing(student)}. "
        f"KL divergence {small_fixed(kl, 4)} nats."
    )
    return {
        "controls": {"step": _readout(step, str(step))},
        "readouts": {
            "step": _readout(step, f"Training step: {step}/{steps}"),
            "kl": _readout(kl, small_fixed(kl, 4)),
            "student-true": _readout(float(student_t1[true]), percent(student_t1[true])),
        },
        "bars": bars,
        "aria_label": aria,
    }
