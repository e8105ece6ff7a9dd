"""The temperature-explorer widget in a real Chromium: pre-rendered, then live, then correct."""

from __future__ import annotations

import json
import math

import pytest

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 90_000
ROOT = "#temperature-explorer"
SLIDER = f'{ROOT} input[type=range][data-kd-control="temperature"]'
READOUTS = ("temperature", "max-prob", "entropy")


def expected(page, controls: dict) -> dict:
    """Return the state CPython computes for the widget's own data-kd-config."""
    config = json.loads(page.get_attribute(ROOT, "data-kd-config"))
    return compute_state("temperature-explorer", config, controls)


def assert_shows(page, state: dict) -> None:
    """Check every readout, bar, the regime and the aria-label against a CPython state."""
    root = page.locator(ROOT)
    for key in READOUTS:
        el = root.locator(f'[data-kd-readout="{key}"]')
        assert el.inner_text() == state["readouts"][key]["text"], key
        assert float(el.get_attribute("data-value")) == pytest.approx(float(state["readouts"][key]["value"]),
                                                                      rel=1e-12, abs=1e-300), key
    assert len(state["bars"]) == root.locator('[data-kd-bar="prob"]').count()
    for bar in state["bars"]:
        rect = root.locator(f'[data-kd-bar="prob"][data-index="{bar["index"]}"]')
        assert float(rect.get_attribute("data-value")) == pytest.approx(float(bar["value"]), rel=1e-12, abs=1e-300)
        row = root.locator(f'.kd-te__row[data-index="{bar["index"]}"]')
        assert row.locator('[data-kd-text="prob"]').inner_text() == bar["text"]
        assert row.locator('[data-kd-text="scaled"]').inner_text() == bar["scaled_text"]
        assert row.locator('[data-kd-text="logit"]').inner_text() == bar["logit_text"]
    assert root.locator('[data-kd-text="top"]').inner_text() == state["top"]["label"]
    assert root.locator('[data-kd-text="regime"]').inner_text() == state["regime"]["text"]
    assert root.get_attribute("data-kd-regime") == state["regime"]["key"]
    assert root.get_attribute("aria-label") == state["aria_label"]
    assert page.get_attribute(SLIDER, "aria-valuetext") == f'T = {state["controls"]["temperature"]["text"]}'


def wait_ready(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
        timeout=READY_TIMEOUT_MS)


def wait_for_temperature(page, temperature: float) -> None:
    """Wait until the widget shows the state for T (compared relatively: T runs from 0.1 to 10)."""
    page.wait_for_function(
        "([sel, t]) => Math.abs(parseFloat(document.querySelector(sel + ' [data-kd-readout=temperature]')"
        ".dataset.value) / t - 1) < 1e-12", arg=[ROOT, temperature])


def set_slider(page, value: str) -> None:
    """Set the slider's value as a drag does: value, then an input event."""
    page.eval_on_selector(SLIDER, "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                          value)


def test_prerendered_state_is_correct_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "temperature.html")
    assert page.get_attribute(ROOT, "data-kd-state") == "static"
    assert page.get_attribute(ROOT, "role") == "figure"
    assert page.locator(SLIDER).is_disabled()
    assert (page.get_attribute(SLIDER, "min"), page.get_attribute(SLIDER, "max"),
            page.get_attribute(SLIDER, "step")) == ("-1", "1", "0.0004")
    assert page.get_attribute(SLIDER, "aria-valuetext") == "T = 1.00"
    assert page.locator(f"{ROOT} math").count() == 1
    texts = page.locator(f'{ROOT} [data-kd-text="prob"]').all_inner_texts()
    assert texts == ["85.8%", "11.6%", "2.6%"]  # seed 004
    assert page.locator(f"{ROOT} [aria-live=polite] [data-kd-readout=entropy]").count() == 1
    assert_shows(page, expected(page, {}))
    context.close()


def test_slider_by_keyboard_and_by_value(page, site_url):
    page.goto(site_url + "temperature.html")
    wait_ready(page)
    slider = page.locator(SLIDER)
    assert slider.is_enabled()

    # Keyboard: one step right of log10(T) = 0 gives T = 10^0.0004.
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert slider.input_value() == "0.0004"
    wait_for_temperature(page, 10 ** 0.0004)
    assert_shows(page, expected(page, {"log_temperature": 0.0004}))

    page.keyboard.press("End")
    wait_for_temperature(page, 10.0)
    state = expected(page, {"log_temperature": 1})
    assert_shows(page, state)
    assert [bar["text"] for bar in state["bars"]] == ["39.6%", "32.4%", "27.9%"]  # seed 004
    assert page.get_attribute(SLIDER, "aria-valuetext") == "T = 10.00"

    page.keyboard.press("Home")
    wait_for_temperature(page, 0.1)
    assert_shows(page, expected(page, {"log_temperature": -1}))

    # Setting the value, as a drag does.
    for value in ("-0.37", "0.5", "0"):
        set_slider(page, value)
        wait_for_temperature(page, 10 ** float(value))
        assert_shows(page, expected(page, {"log_temperature": float(value)}))
    assert page.get_attribute(ROOT, "data-kd-regime") == "plain"


def test_a_burst_of_inputs_ends_on_the_last_value(page, site_url):
    page.goto(site_url + "temperature.html")
    wait_ready(page)
    page.eval_on_selector(SLIDER, """(el) => {
        for (let i = 0; i <= 200; i++) {
            el.value = String(-1 + i * 0.01);
            el.dispatchEvent(new Event('input', {bubbles: true}));
        }
        el.value = '0.73';
        el.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    wait_for_temperature(page, 10 ** 0.73)
    page.wait_for_timeout(300)
    assert_shows(page, expected(page, {"log_temperature": 0.73}))
    assert not math.isnan(float(page.get_attribute(f'{ROOT} [data-kd-bar="prob"][data-index="0"]', "width")))
