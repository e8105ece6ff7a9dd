"""The training lab's axes and slider readouts show Python's numbers in a real Chromium."""

from __future__ import annotations

import json

import pytest

from kdsite.core.lab import LabRun
from kdsite.core.states.training_lab import lab_settings, lab_state, sliders

pytestmark = pytest.mark.browser

LAB = "#lab"
READY_TIMEOUT_MS = 90_000
CONTROLS = {"temperature": 10.0, "alpha": 0.05}  # T² KL grows the loss axis; α reads 0.050

# The page's axes, epoch and slider texts, read in one go (one render writes them all).
SHOWN = f"""() => {{
  const lab = document.querySelector('{LAB}');
  const texts = (els) => [...els].map((el) => el.textContent);
  const charts = Object.fromEntries([...lab.querySelectorAll('svg[data-kd-chart]')].map((svg) => [
    svg.dataset.kdChart,
    {{y_max: Number(svg.dataset.ymax), y_ticks: texts(svg.querySelectorAll('[data-kd-ticks=y] text')),
      x_ticks: texts(svg.querySelectorAll('.kd-chart__xticks text'))}}]));
  const readout = (key) => lab.querySelector(`[data-kd-readout="${{key}}"]`);
  const slider = (key) => lab.querySelector(`input[data-kd-control="${{key}}"]`);
  return {{epoch: Number(readout('epoch').textContent), charts,
           temperature: [readout('temperature').textContent, slider('temperature').getAttribute('aria-valuetext')],
           alpha: [readout('alpha').textContent, slider('alpha').getAttribute('aria-valuetext')]}};
}}"""


def expected(config: dict, epoch: int) -> dict:
    """Return what the page should show after `epoch` epochs with CONTROLS, from CPython."""
    run = LabRun(lab_settings(config, CONTROLS))
    run.step(epoch)
    state = lab_state(run, scales=sliders(config))
    texts = lambda ticks: [tick["text"] for tick in ticks]  # noqa: E731
    c = state["controls"]
    return {"epoch": epoch,
            "charts": {name: {"y_max": axes["y_max"], "y_ticks": texts(axes["y_ticks"]),
                              "x_ticks": texts(axes["x_ticks"])} for name, axes in state["charts"].items()},
            "temperature": [c["temperature"]["text"], f"T = {c['temperature']['text']}"],
            "alpha": [c["alpha"]["text"], f"α = {c['alpha']['text']}"]}


def test_axes_and_slider_texts_are_the_states(page, site_url, lab_config):
    page.goto(site_url + "training.html")
    page.wait_for_function(f"() => document.querySelector('{LAB}').dataset.kdState === 'ready'",
                           timeout=READY_TIMEOUT_MS)
    for name, value in CONTROLS.items():
        page.locator(f'{LAB} input[data-kd-control="{name}"]').evaluate(
            "(el, value) => { el.value = String(value); el.dispatchEvent(new Event('input', {bubbles: true})); }",
            value)
    restarted = expected(lab_config, 0)
    assert restarted["charts"]["loss"]["y_ticks"][-1] != "15"  # not the pre-rendered axis (T = 4)
    assert restarted["alpha"][0] == "0.050"
    # Both restarts are answered once the page shows the state of the second.
    page.wait_for_function(f"(want) => JSON.stringify(({SHOWN})()) === JSON.stringify(want)",
                           arg=restarted, timeout=60_000)
    page.click(f'{LAB} [data-kd-action="play"]')
    page.wait_for_function(f"() => ({SHOWN})().epoch >= 3", timeout=120_000)
    page.click(f'{LAB} [data-kd-action="pause"]')
    shown = page.evaluate(SHOWN)
    assert json.loads(json.dumps(shown)) == expected(lab_config, shown["epoch"])
