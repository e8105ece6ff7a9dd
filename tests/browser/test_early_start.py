"""The Python worker starts before the page is first painted (early.js is render-blocking).

Without that, a browser that has the stylesheets first lays the page out and paints it before
it runs early.js: on training.html's long page ~0.1-0.2 s of a 2-core machine in which Python
could already have been loading. Chromium honours `blocking="render"`; other engines ignore it
and run early.js as any async script, so this is a Chromium test.
"""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

# Runs before any script of the page: when the first Worker (the Python worker) is created.
RECORD_WORKER_START = """
(() => {
  const NativeWorker = window.Worker;
  window.__kdWorkerCreated = null;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      if (window.__kdWorkerCreated === null) window.__kdWorkerCreated = performance.now();
    }
  };
})();
"""
EARLY_JS_DELAY_S = 0.5
WIDGETS_READY = ("() => [...document.querySelectorAll('[data-kd-widget]')]"
                 ".every(w => w.dataset.kdState === 'ready')")


@pytest.mark.parametrize("path", ["training.html", "index.html", "embed/index/distillation-viz-1.html"])
def test_the_python_worker_starts_before_the_first_paint(browser, site_url, path):
    # early.js is asked for first but, on a real link, may well arrive after the stylesheets:
    # held back here, while everything else comes at once (so not the `page` fixture, whose
    # interception delays every response). A page that does not wait for it paints first.
    context = browser.new_context(service_workers="block")
    context.route("**/_kd/static/early.js", lambda route: (time.sleep(EARLY_JS_DELAY_S), route.continue_()))
    try:
        page = context.new_page()
        page.add_init_script(RECORD_WORKER_START)
        page.goto(site_url + path)
        page.wait_for_function(WIDGETS_READY, timeout=120_000)
        created, painted = page.evaluate(
            "() => [window.__kdWorkerCreated,"
            " performance.getEntriesByName('first-paint')[0]?.startTime ?? null]")
    finally:
        context.close()
    assert created is not None, "no worker was started"
    assert painted is not None, "the page was never painted"
    assert created < painted, f"the worker started at {created:.0f} ms, after the first paint at {painted:.0f} ms"
