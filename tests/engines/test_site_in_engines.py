"""The real site in Chromium, Firefox and WebKit: Pyodide boots, every widget goes live, and
moving a slider recomputes a readout."""

from __future__ import annotations

import json
import time

import pytest

pytestmark = pytest.mark.browser

READY = "[...document.querySelectorAll('[data-kd-widget]')].every((w) => w.dataset.kdState === 'ready')"
# The first temperature slider on the page, and a readout of its widget that depends on it.
SLIDER = '[data-kd-widget] input[type="range"][data-kd-control="temperature"]'
READOUT = (f"document.querySelector({json.dumps(SLIDER)}).closest('[data-kd-widget]')"
           ".querySelector('[data-kd-readout=\"kl\"]').dataset.value")


def test_widgets_go_live_and_a_slider_recomputes(engine, engine_site_url):
    started = time.monotonic()
    engine.open(engine_site_url + "index.html")
    assert engine.evaluate("document.querySelectorAll('[data-kd-widget]').length") > 0
    engine.wait_until(READY)
    # Not asserted (load must never fail a test); shown with -rP to compare the engines.
    print(f"{engine.name}: every widget ready {time.monotonic() - started:.1f} s after open()")

    before = engine.evaluate(READOUT)
    top = engine.evaluate(f"document.querySelector({json.dumps(SLIDER)}).max")
    engine.set_range(SLIDER, top)
    engine.wait_until(f"{READOUT} !== {json.dumps(before)}")
    assert float(engine.evaluate(READOUT)) != float(before)
    engine.wait_until(READY)
    assert engine.console_errors() == []
