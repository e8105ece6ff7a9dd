"""Pyodide 0.27 chooses its WebAssembly by `navigator.platform`; an iPad in desktop mode says
"MacIntel" (pyodide#5670). The page tells the worker (early.js names it), and the worker makes
Pyodide see an iPad before it loads. Chromium stands in for Safari here: what is tested is the
hand-over from page to worker and that Python still starts on the iPad path."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

IPAD_DESKTOP_UA = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                   "(KHTML, like Gecko) Version/18.3 Safari/605.1.15")
WIDGETS = "[...document.querySelectorAll('[data-kd-widget]')]"


def python_worker_platform(context, site_url: str) -> str:
    """Open the site's first page, wait until its widgets are live, return the worker's platform."""
    page = context.new_page()
    page.goto(site_url)
    page.wait_for_function(f"() => {WIDGETS}.every(w => w.dataset.kdState === 'ready')", timeout=120_000)
    (worker,) = [w for w in page.workers if w.url.endswith("/worker.js")]
    return worker.evaluate("() => [self.name, navigator.platform]")


def test_an_ipad_in_desktop_mode_boots_python_as_an_ipad(browser, site_url):
    # An iPad asking for desktop sites: a Mac's user agent and platform, but a touch screen.
    context = browser.new_context(user_agent=IPAD_DESKTOP_UA, has_touch=True, service_workers="block")
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'platform', {get: () => 'MacIntel'});"
                            "Object.defineProperty(Navigator.prototype, 'maxTouchPoints', {get: () => 5});")
    try:
        assert python_worker_platform(context, site_url) == ["kdsite-apple-touch", "iPad"]
    finally:
        context.close()


def test_a_desktop_keeps_its_own_platform(browser, site_url):
    context = browser.new_context(service_workers="block")
    try:
        name, platform = python_worker_platform(context, site_url)
    finally:
        context.close()
    assert name == "kdsite" and platform != "iPad"
