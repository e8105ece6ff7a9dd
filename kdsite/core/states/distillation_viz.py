"""State of the `distillation-viz` widget: teacher and student softened by T, and their KL."""

from kdsite.core.display import data_value, fixed, percent
from kdsite.core.divergences import kl_divergence
from kdsite.core.softening import soften_probs

# A gap smaller than one percentage point draws no marker, so the chart does not flicker.
DELTA_THRESHOLD = 0.01


def distillation_viz_state(config: dict, controls: dict) -> dict:
    """Return what the widget shows for `config` at the temperature in `controls`."""
    temperature = float(controls.get("temperature", config["temperature"]))
    teacher = soften_probs(config["teacher"], temperature)
    student = soften_probs(config["student"], temperature)
    labels = config.get("labels") or [str(i) for i in range(len(teacher))]
    kl = kl_divergence(teacher, student)

    bars = []
    for i, (label, t, s) in enumerate(zip(labels, teacher, student)):
        delta = ""
        if abs(t - s) > DELTA_THRESHOLD:
            delta = "teacher" if t > s else "student"
        bars.append({
            "index": i,
            "label": label,
            "teacher": data_value(t),
            "student": data_value(s),
            "teacher_text": percent(t),
            "student_text": percent(s),
            "delta": delta,
        })

    top = int(teacher.argmax())
    t_text = fixed(temperature, 2)
    kl_text = fixed(kl, 3)
    aria = (
        f"Teacher vs student distributions at temperature {t_text}. "
        f"Teacher peaks at {labels[top]} ({percent(teacher[top])}). "
        f"KL divergence {kl_text} nats."
    )
    return {
        "controls": {"temperature": {"value": data_value(temperature), "text": t_text}},
        "readouts": {"kl": {"value": data_value(kl), "text": kl_text}},
        "bars": bars,
        "aria_label": aria,
    }
