# The PyScript peer's widget, run by PyScript on the page's main thread (its default): what
# distillation-viz does, written as a PyScript user would. On every slider input: soften the
# teacher's and the student's probabilities at temperature T (softmax(log p / T)), draw both,
# show T and KL(teacher || student) in nats. The DOM follows kdsite's contract
# (data-kd-control, data-kd-readout + data-value, data-kd-bar) so bench/slider.js can drive it;
# <html data-ready> marks it interactive (bench/probe.js times that).
import json

import numpy as np
from pyscript import document, when

root = document.querySelector("[data-kd-widget]")
config = json.loads(root.dataset.config)
slider = root.querySelector('[data-kd-control="temperature"]')
readouts = {el.dataset.kdReadout: el for el in root.querySelectorAll("[data-kd-readout]")}
bars = root.querySelectorAll("[data-kd-bar]")


def soften(p, temperature):
    q = np.asarray(p, dtype=float) ** (1.0 / temperature)
    return q / q.sum()


def show(name, value, text):
    readouts[name].dataset.value = repr(value)
    readouts[name].textContent = text


@when("input", slider)
def update(event=None):
    temperature = float(slider.value)
    teacher, student = soften(config["teacher"], temperature), soften(config["student"], temperature)
    mask = teacher > 0
    kl = float(np.sum(teacher[mask] * np.log(teacher[mask] / student[mask])))
    for bar in bars:
        value = float((teacher if bar.dataset.kdBar == "teacher" else student)[int(bar.dataset.index)])
        bar.dataset.value = repr(value)
        bar.style.width = f"{100 * value:.2f}%"
    show("temperature", temperature, f"{temperature:.2f}")
    show("kl", kl, f"{kl:.3f}")


update()
document.documentElement.setAttribute("data-ready", "")
