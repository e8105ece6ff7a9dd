"""The runtime's own time limit and package check: failures reach the error state, readable."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FIRST = "#distillation-viz-1"


def with_timeout(page, site_url: str, ms: int) -> None:
    """Serve the index page with a short runtime time limit on <html>."""
    def shorten(route):
        response = route.fetch()
        body = response.text().replace("<html ", f'<html data-kd-timeout-ms="{ms}" ', 1)
        route.fulfill(response=response, body=body)

    page.route(site_url, shorten)
    page.route(site_url + "index.html", shorten)


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
    page.route("**/pyodide.asm.wasm", lambda route: None)
    with_timeout(page, site_url, 3000)
    page.goto(site_url)
    wait_all(page, "error", timeout=30_000)
    status = page.locator(f"{FIRST} [data-kd-status]").inner_text()
    assert "did not start within 3 s" in status
    assert "application/wasm" in status
    assert_prerendered_content_stays(page)


def test_a_tampered_core_wheel_is_reported(page, site_url):
    def tamper(route):
        body = bytearray(route.fetch().body())
        body[len(body) // 2] ^= 0xFF
        route.fulfill(status=200, body=bytes(body), headers={"Content-Type": "application/zip"})

    page.route("**/kdsite-*.whl", tamper)
    page.goto(site_url)
    wait_all(page, "error")
    status = page.locator(f"{FIRST} [data-kd-status]").inner_text()
    assert "kdsite package failed to load" in status
    assert "make site" in status
    assert_prerendered_content_stays(page)


def test_a_wasm_served_with_the_wrong_type_fails_fast_with_advice(page, site_url):
    def wrong_type(route):
        route.fulfill(response=route.fetch(), headers={"Content-Type": "text/plain"})

    page.route("**/pyodide.asm.wasm", wrong_type)
    page.goto(site_url)
    wait_all(page, "error")
    assert "application/wasm" in page.locator(f"{FIRST} [data-kd-status]").inner_text()
    assert_prerendered_content_stays(page)


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
