"""The runtime's own time limit, package check and Python exceptions: each failure reaches the
error state with a readable reason, and only the widgets it concerns."""

from __future__ import annotations

import json

import pytest
from routes import serve_worker, set_html_attributes

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

FIRST, SECOND = "#distillation-viz-1", "#dog-wolf-cat"


def wait_all(page, state: str, timeout: int = 90_000) -> None:
    """Wait until every widget is in `state`."""
    page.wait_for_function(
        "(s) => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === s)",
        arg=state, timeout=timeout)


def assert_prerendered_content_stays(page) -> None:
    """The figure keeps its build-time numbers and its controls stay off."""
    assert page.locator(f'{FIRST} [data-kd-readout="kl"]').inner_text() == "0.092"
    assert page.locator(f'{FIRST} [data-kd-bar="teacher"][data-index="0"]').get_attribute("data-value") == "0.7"
    assert page.locator(f'{FIRST} input[data-kd-control="temperature"]').is_disabled()


def test_a_hanging_runtime_hits_the_time_limit(page, site_url):
    # A .wasm request that never answers: Pyodide would wait forever.
    page.route("**/pyodide.asm.wasm*", lambda route: None)  # the .xz the worker fetches
    set_html_attributes(page, site_url, data_kd_timeout_ms=3000)
    loads = serve_worker(page, lambda n, source: source)
    page.goto(site_url)
    wait_all(page, "error", timeout=30_000)
    status = page.locator(f"{FIRST} [data-kd-status]").inner_text()
    assert "did not start within 3 s" in status
    assert "application/wasm" in status
    assert_prerendered_content_stays(page)
    assert loads == [1]  # a restart would wait for the same server again


def test_a_tampered_core_wheel_is_reported(page, site_url):
    def tamper(route):
        body = bytearray(route.fetch().body())
        body[len(body) // 2] ^= 0xFF
        route.fulfill(status=200, body=bytes(body), headers={"Content-Type": "application/zip"})

    page.route("**/kdsite-*.whl*", tamper)  # the .xz the worker fetches
    loads = serve_worker(page, lambda n, source: source)
    page.goto(site_url)
    wait_all(page, "error")
    status = page.locator(f"{FIRST} [data-kd-status]").inner_text()
    assert "kdsite-0.1.0-py3-none-any.whl" in status and "damaged or changed" in status
    assert "make site" in status
    assert_prerendered_content_stays(page)
    assert loads == [1]  # Python that cannot start is not restarted in a loop


def test_a_host_that_serves_the_wasm_with_another_type_does_not_matter(page, site_url):
    # The worker decompresses pyodide.asm.wasm.xz itself and gives WebAssembly the right type, so a
    # host that does not know .wasm (or .xz) no longer stops Python.
    def wrong_type(route):
        route.fulfill(response=route.fetch(), headers={"Content-Type": "text/plain"})

    page.route("**/pyodide.asm.wasm*", wrong_type)
    page.goto(site_url)
    wait_all(page, "ready")


def test_a_python_exception_fails_only_its_own_widget(page, site_url):
    page.goto(site_url)
    wait_all(page, "ready")
    # A slider bent to send T = 0: distillation_viz_state raises in Python.
    page.eval_on_selector(f'{FIRST} input[data-kd-control="temperature"]', """(el) => {
        el.min = '0'; el.value = '0'; el.dispatchEvent(new Event('input', {bubbles: true})); }""")
    page.wait_for_function(f"() => document.querySelector('{FIRST}').dataset.kdState === 'error'", timeout=30_000)
    status = page.locator(f"{FIRST} [data-kd-status]").inner_text()
    assert status.startswith("Interactive version unavailable: ValueError: temperature must be > 0. ")
    assert_prerendered_content_stays(page)

    # The other widget on the page keeps working, on the same worker.
    assert page.get_attribute(SECOND, "data-kd-state") == "ready"
    # Its T slider is logarithmic (0.25 to 10, position 0 at T = 1): its top position is T = 10.
    page.eval_on_selector(f'{SECOND} input[data-kd-control="temperature"]', """(el) => {
        el.value = el.max; el.dispatchEvent(new Event('input', {bubbles: true})); }""")
    config = json.loads(page.get_attribute(SECOND, "data-kd-config"))
    want = compute_state("distillation-viz", config, {"temperature": 10})["readouts"]["kl"]["value"]
    page.wait_for_function(f"(v) => document.querySelector('{SECOND} [data-kd-readout=kl]').dataset.value === v",
                           arg=want, timeout=30_000)
    assert page.get_attribute(SECOND, "data-kd-state") == "ready"
    assert page.get_attribute(FIRST, "data-kd-state") == "error"


def test_reduced_motion_snaps_bars(browser, site_url):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(site_url)
    wait_all(page, "ready")
    gaps = page.eval_on_selector(f'{FIRST} input[data-kd-control="temperature"]', """(el) => new Promise((done) => {
        const root = el.closest('[data-kd-widget]');
        const kl = root.querySelector('[data-kd-readout=kl]');
        // The moment the new numbers land, the bars must already have their final width.
        new MutationObserver(() => done([...root.querySelectorAll('rect[data-kd-bar]')].map(
            (r) => Math.abs(parseFloat(r.getAttribute('width')) - parseFloat(r.dataset.value))))
        ).observe(kl, {attributes: true});
        el.value = '6'; el.dispatchEvent(new Event('input', {bubbles: true}));
    })""")
    assert max(gaps) < 1e-5
    context.close()
