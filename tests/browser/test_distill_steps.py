"""The distill-steps widget in a real Chromium: play, pause, reset and the step slider, every
number checked against the state CPython computes from the widget's own data-kd-config."""

from __future__ import annotations

import json
import time

import pytest
from in_page import press_when_shown, pressed_at
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 90_000
ROOT = "#distill-steps"
PAGE = "glossary/knowledge-distillation.html"
STEPS = 35
PLAY_LIMIT_S = 120  # ~5 s when idle; only a widget that stopped stepping takes this long


def expected(page, step: int) -> dict:
    config = json.loads(page.get_attribute(ROOT, "data-kd-config"))
    return compute_state("distill-steps", config, {"step": step})


# What the widget shows, read in one go (so it is one consistent render): a JS function of the root.
SNAPSHOT_JS = """(root) => ({
        readouts: [...root.querySelectorAll('[data-kd-readout]')].map(el =>
            [el.getAttribute('data-kd-readout'), el.textContent.trim(), el.getAttribute('data-value')]),
        bars: [...root.querySelectorAll('rect[data-kd-bar]')].map(el =>
            [el.getAttribute('data-kd-bar'), Number(el.dataset.index), el.getAttribute('data-value'),
             el.getAttribute('width')]),
        texts: [...root.querySelectorAll('[data-kd-text]')].map(el =>
            [el.getAttribute('data-kd-text'), Number(el.dataset.index), el.textContent]),
        aria: root.getAttribute('aria-label'),
        slider: root.querySelector('input[data-kd-control=step]').value,
        valuetext: root.querySelector('input[data-kd-control=step]').getAttribute('aria-valuetext'),
        playing: root.querySelector('[data-kd-action=play]').getAttribute('aria-pressed'),
    })"""


def snapshot(page) -> dict:
    """Return what the widget shows now (SNAPSHOT_JS)."""
    return page.eval_on_selector(ROOT, SNAPSHOT_JS)


def record_renders(page) -> None:
    """From now on, keep a snapshot of every render (each new step shown) in window.kdRenders.
    Taken in the page as each render ends, so no step is missed however slow this process is."""
    page.eval_on_selector(ROOT, f"""(root) => {{
        const read = {SNAPSHOT_JS};
        window.kdRenders = [];
        new MutationObserver(() => window.kdRenders.push(read(root))).observe(
            root.querySelector('[data-kd-readout=step]'), {{attributes: true, attributeFilter: ['data-value']}});
    }}""")


def assert_matches(shown: dict, state: dict, widths: bool = True) -> None:
    """Check a snapshot's readouts, bars, texts and aria-label against a CPython state."""
    assert {key for key, _, _ in shown["readouts"]} == {"step", "kl", "student-true"}
    for key, text, value in shown["readouts"]:
        assert text == state["readouts"][key]["text"], key
        assert float(value) == pytest.approx(float(state["readouts"][key]["value"]), rel=1e-9, abs=1e-15), key
    by_index = {bar["index"]: bar for bar in state["bars"]}
    assert len(shown["bars"]) == 3 * len(by_index)
    for side, index, value, width in shown["bars"]:
        assert float(value) == pytest.approx(float(by_index[index][side]), rel=1e-9)
        if widths:
            assert float(width) == pytest.approx(float(value), abs=1e-6)
    for side, index, text in shown["texts"]:
        assert text == by_index[index][f"{side}_text"]
    assert shown["aria"] == state["aria_label"]


def step_shown(page) -> int:
    return int(page.get_attribute(f"{ROOT} [data-kd-readout=step]", "data-value"))


def wait_until(page, what: str, expression: str, arg=None, timeout: float = 15_000) -> None:
    """Wait for `expression` (a JS function of `arg`) to be true; on a timeout, fail saying
    what was awaited and what the widget and the console show, so the cause is named."""
    try:
        page.wait_for_function(expression, arg=arg, timeout=timeout)
    except PlaywrightTimeout:
        pytest.fail(f"{what} not within {timeout / 1000:g} s; {report(page)}")


def wait_ready(page) -> None:
    wait_until(page, "every widget ready",
               "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
               timeout=READY_TIMEOUT_MS)


def open_widget_page(page, site_url) -> None:
    """Go to the page with its console recorded (for report()), and wait for every widget."""
    page.kd_console = []
    page.on("console", lambda message: page.kd_console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: page.kd_console.append(f"uncaught: {error}"))
    page.goto(site_url + PAGE)
    wait_ready(page)


def report(page) -> str:
    """Describe what the widget and the page show (its state, status, step, buttons, focus);
    never raises, so the failure it explains is the one reported."""
    console = getattr(page, "kd_console", "(not recorded)")
    try:
        shown = page.eval_on_selector(ROOT, """(root) => ({
        state: root.dataset.kdState,
        status: (root.querySelector('[data-kd-status]') || {}).textContent,
        playing: root.getAttribute('data-kd-playing'),
        step: root.querySelector('[data-kd-readout=step]').getAttribute('data-value'),
        slider: root.querySelector('input[data-kd-control=step]').value,
        disabled: [...root.querySelectorAll('[data-kd-action], input[data-kd-control]')].map(el =>
            (el.dataset.kdAction || el.dataset.kdControl) + '=' + el.disabled),
        focus: document.activeElement && document.activeElement.outerHTML.slice(0, 120),
    })""")
    except Exception as error:  # the page crashed, closed or went elsewhere
        shown = f"(could not be read: {error})"
    return f"widget: {shown}; console: {console}"


def wait_step(page, step: int, timeout: float = 15_000) -> None:
    wait_until(page, f"step {step} shown",
               "([sel, k]) => document.querySelector(sel + ' [data-kd-readout=step]').getAttribute('data-value')"
               " === String(k)",
               arg=[ROOT, step], timeout=timeout)


def wait_idle(page) -> None:
    """Wait until the step shown is the step the slider asks for, so no answer is on its way
    (play keeps at most one request in flight, for the slider's step)."""
    wait_until(page, "the step asked for shown",
               "(sel) => document.querySelector(sel + ' [data-kd-readout=step]').getAttribute('data-value')"
               " === document.querySelector(sel + ' input[data-kd-control=step]').value",
               arg=ROOT)


def settle(page, step: int) -> dict:
    """Wait for `step` and for every bar to end its animation at its value; return the snapshot."""
    wait_step(page, step)
    wait_until(page, f"the bars of step {step} at their values",
               "(sel) => [...document.querySelectorAll(sel + ' rect[data-kd-bar]')].every(el =>"
               " Math.abs(Number(el.getAttribute('width')) - Number(el.getAttribute('data-value'))) <= 1e-6)",
               arg=ROOT)
    return snapshot(page)


def test_prerendered_first_step_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAGE)
    assert page.get_attribute(ROOT, "data-kd-state") == "static"
    assert page.get_attribute(ROOT, "role") == "figure"
    assert page.locator(f"{ROOT} [aria-live=polite] [data-kd-readout=kl]").count() == 1
    shown = snapshot(page)
    state = expected(page, 0)
    assert_matches(shown, state)
    assert shown["readouts"][0][1] == "Training step: 0/35"
    soft = [text for side, _, text in shown["texts"] if side == "soft"]
    assert soft == ["57.5%", "25.8%", "16.7%"]  # published: 57.4 / 25.8 / 16.7 from unrounded inputs
    for action in ("play", "pause", "reset"):
        assert page.locator(f'{ROOT} [data-kd-action="{action}"]').is_disabled()
    context.close()


def test_step_slider_with_keyboard_and_drag(page, site_url):
    open_widget_page(page, site_url)
    slider = page.locator(f'{ROOT} input[type=range][data-kd-control="step"]')
    assert slider.is_enabled() and slider.get_attribute("max") == str(STEPS)
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert_matches(settle(page, 1), expected(page, 1))
    page.keyboard.press("End")
    shown = settle(page, STEPS)
    assert_matches(shown, expected(page, STEPS))
    assert shown["valuetext"] == f"Step {STEPS} of {STEPS}"
    page.keyboard.press("Home")
    assert_matches(settle(page, 0), expected(page, 0))
    slider.evaluate("(el) => { el.value = '12'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    shown = settle(page, 12)
    assert_matches(shown, expected(page, 12))
    assert shown["readouts"][0][1] == "Training step: 12/35"


def test_play_steps_to_the_end_then_pause_and_reset_work(page, site_url):
    open_widget_page(page, site_url)
    play = page.locator(f'{ROOT} [data-kd-action="play"]')
    assert all(page.locator(f'{ROOT} [data-kd-action="{a}"]').is_enabled() for a in ("play", "pause", "reset"))

    # Play from the keyboard: every step is shown, in order, as Python computed it.
    record_renders(page)
    play.focus()
    start = time.monotonic()
    page.keyboard.press("Enter")
    wait_step(page, STEPS, timeout=PLAY_LIMIT_S * 1000)
    elapsed = time.monotonic() - start
    # Play ends once the last step is shown and its interval is over.
    wait_until(page, "play ended", f"() => document.querySelector('{ROOT}').dataset.kdPlaying === 'false'")
    renders = page.evaluate("window.kdRenders")
    assert [int(shown["readouts"][0][2]) for shown in renders] == list(range(1, STEPS + 1))
    for k, shown in enumerate(renders[:-1], start=1):
        assert shown["playing"] == "true"
        assert shown["slider"] in (str(k), str(k + 1))  # the slider shows the step asked for
        assert_matches(shown, expected(page, k), widths=False)
    assert elapsed >= (STEPS - 1) * 0.150 * 0.9  # about 150 ms per step, not faster
    shown = settle(page, STEPS)
    assert_matches(shown, expected(page, STEPS))
    assert shown["playing"] == "false"

    # Play at the end starts again from 0; pause stops it where it is.
    press_when_shown(page, ROOT, "step", "pause", 3)
    play.click()
    paused = pressed_at(page, timeout=PLAY_LIMIT_S * 1000)
    wait_idle(page)  # any answer in flight when paused lands; then nothing more is asked
    k = step_shown(page)
    settle(page, k)
    page.wait_for_timeout(600)  # nothing changes while paused
    assert step_shown(page) == k == paused and 3 <= k < STEPS
    shown = snapshot(page)
    assert shown["playing"] == "false" and shown["slider"] == str(k)
    assert_matches(shown, expected(page, k))

    # Reset goes back to step 0, also while playing.
    play.click()
    wait_step(page, k + 2)
    page.click(f'{ROOT} [data-kd-action="reset"]')
    shown = settle(page, 0)  # an older answer landing late never overwrites it (stale-answer guard)
    assert shown["slider"] == "0" and shown["playing"] == "false"
    assert_matches(shown, expected(page, 0))


def test_reduced_motion_still_steps_but_bars_jump(browser, site_url):
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 360, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_widget_page(page, site_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click(f'{ROOT} [data-kd-action="play"]')
    wait_step(page, 4)
    for _ in range(8):
        shown = snapshot(page)
        k = int(shown["readouts"][0][2])
        # No animation: every bar is already at its full width when its value is shown.
        assert_matches(shown, expected(page, k), widths=True)
        page.wait_for_timeout(70)
    wait_step(page, STEPS, timeout=PLAY_LIMIT_S * 1000)
    assert not errors
    context.close()
