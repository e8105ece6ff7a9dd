"""Issue 15: the training lab leaves unchanged parts of the page alone when T or α restarts it
(kdsite/static/widgets/common.js setAttr/setText), yet after every restart each readout and
the prediction panel show exactly the epoch-0 state CPython computes for those controls."""

from __future__ import annotations

import pytest

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

LAB = "#lab"
READY_TIMEOUT_MS = 90_000

# Everything the lab shows as text or data-value, by what it shows, read in one go.
SHOWN = f"""() => {{
  const lab = document.querySelector('{LAB}');
  const readouts = {{}};
  for (const el of lab.querySelectorAll('[data-kd-readout]')) {{
    (readouts[el.dataset.kdReadout] ||= []).push([el.textContent, el.dataset.value]);
  }}
  const prediction = {{}};
  for (const panel of lab.querySelectorAll('[data-kd-pred]')) {{
    prediction[panel.dataset.kdPred] = {{
      predicted: panel.querySelector('[data-kd-predicted]').textContent,
      probs: [...panel.querySelectorAll('rect[data-kd-bar]')].map((rect) => rect.dataset.value),
      texts: [...panel.querySelectorAll('[data-kd-text]')].map((el) => el.textContent),
    }};
  }}
  const slider = (key) => lab.querySelector(`input[data-kd-control="${{key}}"]`);
  return {{readouts, prediction, label: lab.getAttribute('aria-label'),
           valuetext: [slider('temperature').getAttribute('aria-valuetext'),
                       slider('alpha').getAttribute('aria-valuetext')]}};
}}"""

# Slider positions as fractions of each range: T moves, comes back to where it was, then α.
MOVES = [("temperature", 1.0), ("temperature", 0.0), ("temperature", 0.5), ("temperature", 1.0),
         ("alpha", 0.1), ("temperature", 0.25)]


def expected(config: dict, controls: dict) -> dict:
    """Return what SHOWN should read for the epoch-0 state of `controls`, from CPython."""
    state = compute_state("training-lab", config, controls)
    entries = {**state["controls"], **state["readouts"]}  # a readout wins, as in training-lab.js
    return {"entries": entries, "prediction": state["prediction"]["models"], "label": state["aria_label"],
            "valuetext": [f"T = {state['controls']['temperature']['text']}",
                          f"α = {state['controls']['alpha']['text']}"]}


def same_value(shown: str, want: str) -> bool:
    """True if two data-values agree: equal, or numbers within 1e-9 (numpy in Pyodide and in
    CPython may sum in another order: the teacher's probabilities differ in the last digits)."""
    try:
        return shown == want or float(shown) == pytest.approx(float(want), rel=1e-9, abs=1e-15)
    except ValueError:
        return False


def check(shown: dict, want: dict) -> None:
    """Assert every readout copy, the prediction panel and the ARIA texts are CPython's."""
    for key, copies in shown["readouts"].items():
        entry = want["entries"].get(key)
        for text, value in copies:
            if entry is None:  # a time-* readout: measured only once a run has ended
                assert key.startswith("time-") and value == "", (key, text, value)
            else:
                assert text == entry["text"] and same_value(value, entry["value"]), (key, text, value, entry)
    assert set(shown["prediction"]) <= set(want["prediction"])
    for model, panel in shown["prediction"].items():
        p = want["prediction"][model]
        assert (panel["predicted"], panel["texts"]) == (p["predicted"], p["texts"]), model
        assert len(panel["probs"]) == len(p["probs"]), model
        assert all(map(same_value, panel["probs"], p["probs"])), (model, panel["probs"], p["probs"])
    assert shown["label"] == want["label"]
    assert shown["valuetext"] == want["valuetext"]


def test_every_restart_shows_cpythons_epoch_zero_state(page, site_url, lab_config):
    page.goto(site_url + "training.html")
    page.wait_for_function(f"() => document.querySelector('{LAB}').dataset.kdState === 'ready'",
                           timeout=READY_TIMEOUT_MS)
    for name, fraction in MOVES:
        # Set the slider to that fraction of its range (snapped to its step) and read what the
        # page sends for every control, as the widget reads them (training-lab.js controls()).
        controls = page.evaluate(
            """([lab, name, fraction]) => {
              const root = document.querySelector(lab);
              const el = root.querySelector(`input[data-kd-control="${name}"]`);
              const min = Number(el.min), max = Number(el.max);
              el.value = String(min + fraction * (max - min));
              el.dispatchEvent(new Event('input', {bubbles: true}));
              const value = (key) => Number(root.querySelector(`[data-kd-control="${key}"]`).value);
              return {'teacher-layers': value('teacher-layers'), 'student-layers': value('student-layers'),
                      temperature_position: value('temperature'), alpha_position: value('alpha')};
            }""", [LAB, name, fraction])
        want = expected(lab_config, controls)
        # The state answering this input has landed once both slider readouts show its values.
        page.wait_for_function(
            """([lab, t, a]) => {
              const value = (key) => document.querySelector(`${lab} [data-kd-readout="${key}"]`).dataset.value;
              return value('temperature') === t && value('alpha') === a;
            }""", arg=[LAB, want["entries"]["temperature"]["value"], want["entries"]["alpha"]["value"]],
            timeout=60_000)
        check(page.evaluate(SHOWN), want)
