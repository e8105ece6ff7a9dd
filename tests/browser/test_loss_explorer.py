"""The loss-explorer widget in a real Chromium: pre-rendered, then live, and every number from Python."""

from __future__ import annotations

import json
import math

import pytest

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 90_000
ROOT = "#loss-explorer"


def expected(page, controls: dict) -> dict:
    """Return the state CPython computes for the widget's own data-kd-config."""
    config = json.loads(page.get_attribute(ROOT, "data-kd-config"))
    return compute_state("loss-explorer", config, controls)


def snapshot(page) -> dict:
    """Return everything the widget shows, read in one go."""
    return page.eval_on_selector(ROOT, """(root) => ({
        readouts: [...root.querySelectorAll('[data-kd-readout]')].map(el =>
            [el.getAttribute('data-kd-readout'), el.textContent.trim(), el.getAttribute('data-value')]),
        bars: [...root.querySelectorAll('rect[data-kd-bar]')].map(el =>
            [el.getAttribute('data-kd-bar'), Number(el.dataset.index), el.getAttribute('data-value'),
             el.getAttribute('width'), el.getAttribute('x')]),
        texts: [...root.querySelectorAll('.kd-dv__row')].map(row =>
            [row.querySelector('[data-kd-text=teacher]').textContent, \
row.querySelector('[data-kd-text=student]').textContent]),
        split: ['soft', 'hard'].map(k => root.querySelector(`[data-kd-split=${k}]`).getAttribute('width')),
        chart: Object.fromEntries([...root.querySelectorAll('[data-kd-chart]')].map(el =>
            [el.getAttribute('data-kd-chart'), Object.fromEntries([...el.attributes].map(a => [a.name, a.value]))])),
        aria: root.getAttribute('aria-label'),
        valuetext: ['alpha', 'temperature'].map(k =>
            root.querySelector(`input[data-kd-control=${k}]`).getAttribute('aria-valuetext')),
    })""")


def assert_shows(page, state: dict) -> None:
    """Check every readout copy, bar, share, chart element and the aria-label against a CPython state."""
    shown = snapshot(page)
    keys = {key for key, _, _ in shown["readouts"]}
    for required in ("loss-soft-term", "loss-hard-term", "loss-total", "share-soft", "share-hard",
                     "temperature", "alpha", "kl", "ce", "one-minus-alpha", "grad-scaled", "grad-unscaled"):
        assert required in keys
    for key, text, value in shown["readouts"]:
        entry = state["readouts"][key]
        assert text == entry["text"], key
        assert float(value) == pytest.approx(float(entry["value"]), rel=1e-9, abs=1e-15), key
    by_index = {bar["index"]: bar for bar in state["bars"]}
    assert len(shown["bars"]) == 2 * len(by_index)
    for side, index, value, width, x in shown["bars"]:
        assert float(value) == pytest.approx(float(by_index[index][side]), rel=1e-9)
        assert float(width) == pytest.approx(float(value), abs=1e-6)
        assert float(x) == pytest.approx(1 - float(value) if side == "teacher" else 0.0, abs=1e-6)
    assert shown["texts"] == [[b["teacher_text"], b["student_text"]] for b in state["bars"]]
    assert [float(w) for w in shown["split"]] == pytest.approx(
        [float(state["readouts"]["share-soft"]["value"]), float(state["readouts"]["share-hard"]["value"])], abs=1e-6)
    chart = state["chart"]
    assert shown["chart"]["scaled"]["points"] == chart["scaled"]
    assert shown["chart"]["unscaled"]["points"] == chart["unscaled"]
    assert float(shown["chart"]["hard"]["y1"]) == pytest.approx(chart["hard_y"])
    marker = chart["marker"]
    assert float(shown["chart"]["marker"]["x1"]) == pytest.approx(marker["x"])
    assert float(shown["chart"]["dot-scaled"]["cx"]) == pytest.approx(marker["x"])
    assert float(shown["chart"]["dot-scaled"]["cy"]) == pytest.approx(marker["scaled_y"])
    assert float(shown["chart"]["dot-unscaled"]["y"]) == pytest.approx(marker["unscaled_y"] - 3.5, abs=1e-6)
    assert shown["aria"] == state["aria_label"]
    assert shown["valuetext"] == [f"α = {state['controls']['alpha']['text']}",
                                  f"T = {state['controls']['temperature']['text']}"]


def wait_ready(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
        timeout=READY_TIMEOUT_MS)


def wait_for(page, state: dict) -> None:
    """Wait until the widget's aria-label is that of `state` (it is set last by render)."""
    page.wait_for_function("([sel, label]) => document.querySelector(sel).getAttribute('aria-label') === label",
                           arg=[ROOT, state["aria_label"]])


def position(temperature: float) -> str:
    """Return the T slider's position for T: it is logarithmic, 0 at the configured T = 4."""
    return repr(round(math.log10(temperature / 4.0) * 2500) / 2500)


def set_value(page, control: str, value: str) -> None:
    """Set a slider's value (T: its position, see `position`) as a drag does."""
    page.eval_on_selector(f'{ROOT} input[data-kd-control="{control}"]',
                          "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value)


def test_prerendered_state_is_correct_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "loss.html")
    assert page.get_attribute(ROOT, "data-kd-state") == "static"
    assert page.get_attribute(ROOT, "role") == "figure"
    assert page.locator(f"{ROOT} [aria-live=polite] [data-kd-readout=loss-total]").count() == 1
    for control in ("alpha", "temperature"):
        assert page.locator(f'{ROOT} input[type=range][data-kd-control="{control}"]').is_disabled()
    state = expected(page, {})
    assert state["readouts"]["loss-total"]["text"] == "1.454"
    assert_shows(page, state)
    assert page.locator(f"{ROOT} math").count() >= 2
    context.close()


def test_sliders_drive_every_readout_bar_and_the_chart(page, site_url):
    page.goto(site_url + "loss.html")
    wait_ready(page)
    alpha = page.locator(f'{ROOT} input[type=range][data-kd-control="alpha"]')
    temperature = page.locator(f'{ROOT} input[type=range][data-kd-control="temperature"]')
    assert alpha.is_enabled() and temperature.is_enabled()
    assert alpha.get_attribute("step") == "0.01" and temperature.get_attribute("step") == "0.0004"
    assert temperature.get_attribute("data-kd-scale") == "log"

    # Keyboard: one step of each.
    alpha.focus()
    page.keyboard.press("ArrowRight")
    state = expected(page, {"alpha": 0.51, "temperature": 4.0})
    wait_for(page, state)
    assert_shows(page, state)
    temperature.focus()
    page.keyboard.press("ArrowLeft")
    state = expected(page, {"alpha": 0.51, "temperature_position": -0.0004})
    wait_for(page, state)
    assert_shows(page, state)

    # Both ends of both sliders.
    page.keyboard.press("End")
    state = expected(page, {"alpha": 0.51, "temperature": 20.0})
    wait_for(page, state)
    assert_shows(page, state)
    alpha.focus()
    page.keyboard.press("Home")
    state = expected(page, {"alpha": 0.0, "temperature": 20.0})
    wait_for(page, state)
    assert_shows(page, state)
    assert state["readouts"]["share-hard"]["text"] == "100.0%"

    # As a drag does.
    set_value(page, "alpha", "1")
    set_value(page, "temperature", position(0.5))
    state = expected(page, {"alpha": 1.0, "temperature": 0.5})
    wait_for(page, state)
    assert_shows(page, state)
    set_value(page, "temperature", position(12.3))
    set_value(page, "alpha", "0.35")
    state = expected(page, {"alpha": 0.35, "temperature_position": float(position(12.3))})
    wait_for(page, state)
    assert_shows(page, state)


def test_a_burst_of_inputs_ends_on_the_last_values(page, site_url):
    page.goto(site_url + "loss.html")
    wait_ready(page)
    page.eval_on_selector(ROOT, """(root) => {
        const a = root.querySelector('input[data-kd-control=alpha]');
        const t = root.querySelector('input[data-kd-control=temperature]');
        for (let i = 0; i < 150; i++) {
            a.value = String((i % 20) * 0.05); t.value = String(-0.9 + (i % 160) * 0.01);
            a.dispatchEvent(new Event('input', {bubbles: true}));
            t.dispatchEvent(new Event('input', {bubbles: true}));
        }
        a.value = '0.8'; t.value = '-0.2';
        t.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    state = expected(page, {"alpha": 0.8, "temperature_position": -0.2})
    wait_for(page, state)
    page.wait_for_timeout(300)
    assert_shows(page, state)


def test_fits_a_narrow_screen(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + "loss.html")
    wait_ready(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator(ROOT).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    context.close()
