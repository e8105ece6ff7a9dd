"""The Python worker starts before the page is first painted (early.js is render-blocking).

Without that, a browser that has the stylesheets first lays the page out and paints it before
it runs early.js: on training.html's long page ~0.1-0.2 s of a 2-core machine in which Python
could already have been loading. Tested in Chromium; an engine without `blocking="render"`
(Firefox today) runs early.js as any async script, as before.
"""

from __future__ import annotations

import time

import pytest

# The bench's probe: it times when the page creates its first Worker (the Python worker) and
# when every widget is live.
from bench.browser import PROBE_JS

pytestmark = pytest.mark.browser

EARLY_JS_DELAY_S = 0.5


@pytest.mark.parametrize("path", ["training.html", "index.html", "embed/index/distillation-viz-1.html"])
def test_the_python_worker_starts_before_the_first_paint(browser, site_url, path):
    # early.js is asked for first but, on a real link, may well arrive after the stylesheets:
    # held back here, while everything else comes at once (so not the `page` fixture, whose
    # interception delays every response). A page that does not wait for it paints first.
    context = browser.new_context(service_workers="block")
    context.route("**/_kd/static/early.js", lambda route: (time.sleep(EARLY_JS_DELAY_S), route.continue_()))
    try:
        page = context.new_page()
        page.add_init_script(PROBE_JS)
        page.goto(site_url + path)
        page.wait_for_function("() => window.__kdBench.tti !== null || window.__kdBench.error", timeout=120_000)
        error, created, painted = page.evaluate(
            "() => [window.__kdBench.error, window.__kdBench.boot.created ?? null,"
            " performance.getEntriesByName('first-paint')[0]?.startTime ?? null]")
    finally:
        context.close()
    assert error is None, error
    assert created is not None, "no worker was started"
    assert painted is not None, "the page was never painted"
    assert created < painted, f"the worker started at {created:.0f} ms, after the first paint at {painted:.0f} ms"
