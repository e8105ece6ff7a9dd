"""The soft-labels widget in a real Chromium: pre-rendered, then live, then correct."""

from __future__ import annotations

import json

import pytest

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 90_000
ROOT = "#soft-labels"
PICKER = f'{ROOT} [data-kd-control="class"]'
SLIDER = f'{ROOT} input[type=range][data-kd-control="temperature"]'
READOUTS = ("temperature", "entropy-bits-hard", "entropy-bits-soft", "entropy-bits-t1", "max-prob")


def expected(page, controls: dict) -> dict:
    """Return the state CPython computes for the widget's own data-kd-config."""
    config = json.loads(page.get_attribute(ROOT, "data-kd-config"))
    return compute_state("soft-labels", config, controls)


def assert_shows(page, state: dict) -> None:
    """Check readouts, bars, logits, the similarity ranking and the aria-label against a CPython state."""
    root = page.locator(ROOT)
    for key in READOUTS:
        el = root.locator(f'[data-kd-readout="{key}"]')
        assert el.inner_text() == state["readouts"][key]["text"], key
        assert float(el.get_attribute("data-value")) == pytest.approx(float(state["readouts"][key]["value"]),
                                                                      rel=1e-12), key
    for bar in state["bars"]:
        row = root.locator(f'.kd-sl__row[data-index="{bar["index"]}"]')
        assert row.get_attribute("data-kd-chosen") == ("true" if bar["chosen"] else "false")
        for kind in ("hard", "t1", "soft"):
            rect = root.locator(f'[data-kd-bar="{kind}"][data-index="{bar["index"]}"]')
            assert float(rect.get_attribute("data-value")) == pytest.approx(float(bar[kind]), rel=1e-12, abs=1e-300)
            assert row.locator(f'[data-kd-text="{kind}"]').inner_text() == bar[f"{kind}_text"]
    for logit in state["logits"]:
        el = root.locator(f'[data-kd-logit][data-index="{logit["index"]}"]')
        assert el.inner_text() == logit["text"]
        assert float(el.get_attribute("data-value")) == float(logit["value"])
    items = root.locator("[data-kd-similar]")
    assert items.count() == len(state["similar"])
    for i, item in enumerate(state["similar"]):
        li = items.nth(i)
        assert li.get_attribute("data-index") == str(item["index"])
        assert li.locator('[data-kd-text="label"]').inner_text() == item["label"]
        assert li.locator('[data-kd-text="pct"]').inner_text() == item["text"]
    assert root.locator('thead [data-kd-text="temperature"]').inner_text() == state["controls"]["temperature"]["text"]
    assert set(root.locator('[data-kd-text="class"]').all_inner_texts()) == {state["class"]["label"]}
    assert root.get_attribute("aria-label") == state["aria_label"]
    assert page.get_attribute(SLIDER, "aria-valuetext") == f'T = {state["controls"]["temperature"]["text"]}'


def wait_ready(page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
        timeout=READY_TIMEOUT_MS)


def wait_for(page, chosen: int, temperature: float) -> None:
    """Wait until the widget shows class `chosen` at temperature `temperature`."""
    page.wait_for_function(
        """([sel, c, t]) => {
            const root = document.querySelector(sel);
            const shown = parseFloat(root.querySelector('[data-kd-readout=temperature]').dataset.value);
            const row = root.querySelector(`.kd-sl__row[data-index="${c}"]`);
            return Math.abs(shown - t) < 1e-9 && row.dataset.kdChosen === 'true';
        }""", arg=[ROOT, chosen, temperature])


def test_prerendered_state_is_correct_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "soft-labels.html")
    assert page.get_attribute(ROOT, "data-kd-state") == "static"
    assert page.get_attribute(ROOT, "role") == "figure"
    assert page.locator(PICKER).is_disabled() and page.locator(SLIDER).is_disabled()
    assert page.locator(PICKER).input_value() == "0"
    assert page.locator(f'{ROOT} [data-kd-readout="entropy-bits-hard"]').inner_text() == "0.00"
    assert page.locator(f"{ROOT} [aria-live=polite] [data-kd-readout=entropy-bits-soft]").count() == 1
    assert_shows(page, expected(page, {}))
    context.close()


def test_class_and_temperature_by_keyboard_and_by_value(page, site_url):
    page.goto(site_url + "soft-labels.html")
    wait_ready(page)
    picker, slider = page.locator(PICKER), page.locator(SLIDER)
    assert picker.is_enabled() and slider.is_enabled()
    config = json.loads(page.get_attribute(ROOT, "data-kd-config"))
    t0 = config["temperature"]

    # Keyboard on the class picker: the next class.
    picker.focus()
    page.keyboard.press("ArrowDown")
    assert picker.input_value() == "1"
    wait_for(page, 1, t0)
    assert_shows(page, expected(page, {"class": 1, "temperature": t0}))

    # Keyboard on the slider: one step of 0.01, then the far end.
    slider.focus()
    page.keyboard.press("ArrowRight")
    t1 = float(slider.input_value())
    assert t1 == pytest.approx(t0 + 0.01)
    wait_for(page, 1, t1)
    assert_shows(page, expected(page, {"class": 1, "temperature": t1}))
    page.keyboard.press("End")
    wait_for(page, 1, 10.0)
    assert_shows(page, expected(page, {"class": 1, "temperature": 10.0}))

    # Setting the values directly.
    picker.select_option("4")
    wait_for(page, 4, 10.0)
    assert_shows(page, expected(page, {"class": 4, "temperature": 10.0}))
    slider.evaluate("(el) => { el.value = '3.7'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    wait_for(page, 4, 3.7)
    state = expected(page, {"class": 4, "temperature": 3.7})
    assert_shows(page, state)
    assert state["similar"][0]["label"] == "car"
    page.keyboard.press("Home")
    wait_for(page, 4, 0.5)
    assert_shows(page, expected(page, {"class": 4, "temperature": 0.5}))


def test_a_burst_of_changes_ends_on_the_last_values(page, site_url):
    page.goto(site_url + "soft-labels.html")
    wait_ready(page)
    page.eval_on_selector(ROOT, """(root) => {
        const picker = root.querySelector('[data-kd-control=class]');
        const slider = root.querySelector('[data-kd-control=temperature]');
        for (let i = 0; i < 100; i++) {
            picker.value = String(i % 5);
            picker.dispatchEvent(new Event('change', {bubbles: true}));
            slider.value = String(0.5 + (i % 95) * 0.1);
            slider.dispatchEvent(new Event('input', {bubbles: true}));
        }
        picker.value = '2';
        picker.dispatchEvent(new Event('change', {bubbles: true}));
        slider.value = '6.1';
        slider.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    wait_for(page, 2, 6.1)
    page.wait_for_timeout(300)
    assert_shows(page, expected(page, {"class": 2, "temperature": 6.1}))
