"""The offline download in a real Chromium: unzip kdsite-offline.zip into a new folder, open its
index.html from disk (file://, no server) and drive a widget, checked against CPython."""

from __future__ import annotations

import json
import zipfile

import pytest

from kdsite.core.states import compute_state
from kdsite.offline_zip import FOLDER
from kdsite.publish import OFFLINE_ZIP

pytestmark = pytest.mark.browser

READY = "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')"


def test_the_unzipped_download_is_live_from_disk(browser, built_site, tmp_path):
    with zipfile.ZipFile(built_site / OFFLINE_ZIP) as zipped:
        zipped.extractall(tmp_path)
    index = tmp_path / FOLDER / "index.html"
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(index.as_uri())
        page.wait_for_function(READY, timeout=180_000)
        widget = "#distillation-viz-1"
        page.eval_on_selector(f'{widget} input[data-kd-control="temperature"]',
                              "(el) => { el.value = '3'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
        config = json.loads(page.get_attribute(widget, "data-kd-config"))
        want = compute_state("distillation-viz", config, {"temperature": 3.0})["readouts"]["kl"]
        page.wait_for_function(
            "([sel, text]) => document.querySelector(sel + ' [data-kd-readout=kl]').textContent === text",
            arg=[widget, want["text"]], timeout=180_000)
        shown = page.get_attribute(f'{widget} [data-kd-readout="kl"]', "data-value")
        assert float(shown) == pytest.approx(float(want["value"]), rel=1e-12)
    finally:
        context.close()
    assert not errors, errors
    # Everything came from the unzipped folder.
    assert all(url.startswith(("file:", "blob:", "data:")) for url in requests), requests
