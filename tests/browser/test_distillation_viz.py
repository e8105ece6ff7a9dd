"""The distillation-viz widget in a real Chromium: pre-rendered, then live, then correct."""

from __future__ import annotations

import json

import pytest

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 90_000
FIRST = "#distillation-viz-1"
SECOND = "#dog-wolf-cat"


def expected(page, selector: str, temperature: float) -> dict:
    """Return the state CPython computes for the widget's own data-kd-config at T."""
    config = json.loads(page.get_attribute(selector, "data-kd-config"))
    return compute_state("distillation-viz", config, {"temperature": temperature})


def assert_shows(page, selector: str, state: dict) -> None:
    """Check the widget's readouts, bars and aria-label against a CPython state."""
    root = page.locator(selector)
    kl = root.locator('[data-kd-readout="kl"]')
    assert kl.inner_text() == state["readouts"]["kl"]["text"]
    assert float(kl.get_attribute("data-value")) == pytest.approx(float(state["readouts"]["kl"]["value"]), rel=1e-9)
    for bar in state["bars"]:
        for side in ("teacher", "student"):
            rect = root.locator(f'[data-kd-bar="{side}"][data-index="{bar["index"]}"]')
            assert float(rect.get_attribute("data-value")) == pytest.approx(float(bar[side]), rel=1e-9)
        row = root.locator(f'.kd-dv__row[data-index="{bar["index"]}"]')
        assert row.locator('[data-kd-text="teacher"]').inner_text() == bar["teacher_text"]
        assert row.locator("[data-kd-delta]").get_attribute("data-kd-delta") == bar["delta"]
    assert root.get_attribute("aria-label") == state["aria_label"]


def wait_ready(page) -> None:
    """Wait until every widget on the page is live."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
        timeout=READY_TIMEOUT_MS)


def wait_for_temperature(page, selector: str, value: float) -> None:
    """Wait until the widget shows the state for temperature `value`."""
    page.wait_for_function(
        "([sel, t]) => Math.abs(parseFloat(document.querySelector(sel + ' [data-kd-readout=temperature]')"
        ".dataset.value) - t) < 1e-9", arg=[selector, value])


def test_prerendered_state_is_correct_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert page.locator("[data-kd-widget]").count() == 2
    assert page.get_attribute(FIRST, "data-kd-state") == "static"
    assert page.locator(f'{FIRST} [data-kd-readout="kl"]').inner_text() == "0.092"
    assert_shows(page, FIRST, expected(page, FIRST, 1.0))
    assert_shows(page, SECOND, expected(page, SECOND, 1.0))
    context.close()


def test_widgets_become_live_and_follow_the_slider(page, site_url):
    page.goto(site_url)
    states = page.eval_on_selector_all("[data-kd-widget]", "ws => ws.map(w => w.dataset.kdState)")
    assert set(states) <= {"static", "loading", "ready"}
    wait_ready(page)
    slider = page.locator(f'{FIRST} input[type=range][data-kd-control="temperature"]')
    assert slider.is_enabled()

    # Keyboard: one arrow step up from T = 1.
    slider.focus()
    page.keyboard.press("ArrowRight")
    step = float(slider.get_attribute("step"))
    wait_for_temperature(page, FIRST, 1.0 + step)
    assert_shows(page, FIRST, expected(page, FIRST, 1.0 + step))
    page.keyboard.press("End")
    wait_for_temperature(page, FIRST, 8.0)
    assert_shows(page, FIRST, expected(page, FIRST, 8.0))

    # Setting the value directly, as a drag does.
    slider.evaluate("(el) => { el.value = '3.5'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    wait_for_temperature(page, FIRST, 3.5)
    assert_shows(page, FIRST, expected(page, FIRST, 3.5))
    assert slider.get_attribute("aria-valuetext") == "T = 3.50"

    # The second widget shares the runtime but keeps its own state.
    assert_shows(page, SECOND, expected(page, SECOND, 1.0))
    other = page.locator(f'{SECOND} input[data-kd-control="temperature"]')
    other.evaluate("(el) => { el.value = '10'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    wait_for_temperature(page, SECOND, 10.0)
    assert_shows(page, SECOND, expected(page, SECOND, 10.0))
    assert_shows(page, FIRST, expected(page, FIRST, 3.5))


def test_a_burst_of_inputs_ends_on_the_last_value(page, site_url):
    page.goto(site_url)
    wait_ready(page)
    page.eval_on_selector(f'{FIRST} input[data-kd-control="temperature"]', """(el) => {
        for (let i = 0; i < 200; i++) {
            el.value = String(0.5 + (i % 150) * 0.05);
            el.dispatchEvent(new Event('input', {bubbles: true}));
        }
        el.value = '2.25';
        el.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    wait_for_temperature(page, FIRST, 2.25)
    page.wait_for_timeout(300)
    assert_shows(page, FIRST, expected(page, FIRST, 2.25))
