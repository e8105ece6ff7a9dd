"""A crashed or hung Python worker is replaced with back-off and the widgets recover; a
worker that keeps dying, or Python that cannot start, ends in the error state instead."""

from __future__ import annotations

import json

import pytest
from routes import WORKER, serve_worker, set_html_attributes

from kdsite.core.states import compute_state

pytestmark = pytest.mark.browser

FIRST, SECOND = "#distillation-viz-1", "#dog-wolf-cat"
WIDGETS = (FIRST, SECOND)

# Prepended to worker.js: a listener that runs before worker.js's own.
CRASH_ON_FIRST_REQUEST = """
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "state") {
    event.stopImmediatePropagation();
    setTimeout(() => { throw new Error("simulated crash"); });
  }
});
"""
HANG_ON_FIRST_REQUEST = """
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "state") for (;;) {}
});
"""
CRASH_AT_START = 'setTimeout(() => { throw new Error("simulated crash at start"); });\n'
READY_HOOK = "  computeStateJson = states.compute_state_json;"
# Pyodide's own fatal-error path (what a WebAssembly trap or exhausted memory goes through).
PYODIDE_FATAL = """  computeStateJson = (...args) => {
    pyodide._api.fatal_error(new Error("simulated wasm trap"));
    return states.compute_state_json(...args);
  };"""

# Every status text any widget shows, recorded from the first paint on.
RECORD_STATUSES = """
window.kdStatuses = [];
new MutationObserver((records) => {
  for (const record of records) {
    const status = record.target.closest && record.target.closest("[data-kd-status]");
    if (status) window.kdStatuses.push(status.textContent);
  }
}).observe(document, { subtree: true, childList: true });
"""


def first_load_only(extra: str, *, prepend: bool = True):
    """Return a worker.js edit that changes only the first load."""
    def edit(n: int, source: str) -> str:
        if n > 1:
            return source
        if prepend:
            return extra + source
        assert READY_HOOK in source
        return source.replace(READY_HOOK, extra, 1)
    return edit


def wait_state(page, state: str, widgets=WIDGETS, timeout: int = 90_000) -> None:
    """Wait until each widget is in `state`."""
    page.wait_for_function(
        "([sels, s]) => sels.every((sel) => document.querySelector(sel).dataset.kdState === s)",
        arg=[list(widgets), state], timeout=timeout)


def move(page, widget: str, value: float) -> None:
    """Move a widget's T slider as a reader would."""
    page.eval_on_selector(f'{widget} input[data-kd-control="temperature"]',
                          "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                          str(value))


def wait_kl(page, widget: str, temperature: float, timeout: int = 90_000) -> None:
    """Wait until the KL readout shows CPython's value at `temperature`."""
    config = json.loads(page.get_attribute(widget, "data-kd-config"))
    want = compute_state("distillation-viz", config, {"temperature": temperature})["readouts"]["kl"]["value"]
    page.wait_for_function("([sel, v]) => document.querySelector(sel + ' [data-kd-readout=kl]').dataset.value === v",
                           arg=[widget, want], timeout=timeout)


def statuses(page) -> list[str]:
    return page.evaluate("() => window.kdStatuses")


def recovers(page, site_url: str, edit, reason: str) -> None:
    """Open the page with `edit` applied to the first worker, move a slider, and check that the
    widgets went back to loading, said why, came back and answer with the right numbers."""
    loads = serve_worker(page, edit)
    page.add_init_script(RECORD_STATUSES)
    page.goto(site_url)
    wait_state(page, "ready")
    move(page, FIRST, 6)
    wait_kl(page, FIRST, 6)  # the request lost with the first worker was sent again
    wait_state(page, "ready")
    assert loads == [1, 2]
    restarting = [s for s in statuses(page) if s.startswith("Restarting Python in 0.5 s")]
    assert restarting and all(reason in s for s in restarting), statuses(page)
    # The new worker answers both widgets.
    move(page, FIRST, 2.5)
    move(page, SECOND, -0.6024)  # its T slider is logarithmic (0.25 to 10): its lowest position
    wait_kl(page, FIRST, 2.5)
    wait_kl(page, SECOND, 0.25)
    assert page.is_enabled(f'{FIRST} input[data-kd-control="temperature"]')


def test_a_crashed_worker_is_restarted_and_the_request_sent_again(page, site_url):
    recovers(page, site_url, first_load_only(CRASH_ON_FIRST_REQUEST), "simulated crash")


def test_a_pyodide_fatal_error_restarts_the_worker(page, site_url):
    recovers(page, site_url, first_load_only(PYODIDE_FATAL, prepend=False), "Python crashed (simulated wasm trap)")


def test_a_hung_worker_is_restarted_after_the_request_time_limit(page, site_url):
    set_html_attributes(page, site_url, data_kd_request_timeout_ms=3000)
    recovers(page, site_url, first_load_only(HANG_ON_FIRST_REQUEST), "Python did not answer within 3 s")


def test_a_worker_that_keeps_crashing_is_given_up_after_backing_off(page, site_url):
    loads = serve_worker(page, lambda n, source: CRASH_AT_START + source)
    page.add_init_script(RECORD_STATUSES)
    page.goto(site_url)
    wait_state(page, "error", timeout=60_000)
    assert loads == [1, 2, 3, 4, 5]  # the first worker and four restarts, then no more
    seen = statuses(page)
    for delay in ("0.5", "1", "2", "4"):
        assert any(s.startswith(f"Restarting Python in {delay} s: ") for s in seen), seen
    status = page.inner_text(f"{FIRST} [data-kd-status]")
    assert "the Python worker stopped 5 times in a row" in status
    assert "simulated crash at start" in status
    assert page.inner_text(f'{FIRST} [data-kd-readout="kl"]') == "0.092"
    assert page.is_disabled(f'{FIRST} input[data-kd-control="temperature"]')


def test_a_worker_script_that_does_not_load_is_not_retried(page, site_url):
    loads: list[int] = []

    def missing(route):
        loads.append(len(loads) + 1)
        route.fulfill(status=404, body="not found")

    page.route(WORKER, missing)
    page.goto(site_url)
    wait_state(page, "error", timeout=30_000)
    assert "the Python worker script failed to load" in page.inner_text(f"{FIRST} [data-kd-status]")
    assert loads == [1]
