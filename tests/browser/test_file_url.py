"""A built site opened from disk (file://, no server) in a real Chromium: every widget goes live
through _kd/file/ (kdsite/pyodide/file_bundle.py, kdsite/static/file/boot.js), readers over http never
download it, and a damaged bundle file fails the widgets with a message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config
from kdsite.core.states import compute_state
from kdsite.errors import AssetError
from kdsite.pyodide.file_bundle import factory_source, write_file_bundle

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_MS = 120_000
SETTLED = ("() => [...document.querySelectorAll('[data-kd-widget]')]"
           ".every(w => w.dataset.kdState === 'ready' || w.dataset.kdState === 'error')")


@pytest.fixture(scope="module")
def file_site(tmp_path_factory) -> Path:
    """The project built as `make site` builds it, plus the file:// bundle."""
    output = tmp_path_factory.mktemp("file-site") / "_site"
    build(load_config(PROJECT, output=output))
    write_file_bundle(output)
    return output


@pytest.fixture
def disk_page(browser):
    """A page in a fresh context; the test fails on any uncaught error or request to a host."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
    assert all(url.startswith(("file:", "blob:", "data:")) for url in requests), requests


def states(page) -> list[str]:
    return page.eval_on_selector_all("[data-kd-widget]", "ws => ws.map(w => w.dataset.kdState)")


def wait_settled(page) -> list[str]:
    page.wait_for_function(SETTLED, timeout=READY_TIMEOUT_MS)
    return states(page)


def test_index_goes_live_from_disk_and_the_slider_matches_cpython(disk_page, file_site):
    page = disk_page
    page.goto((file_site / "index.html").as_uri())
    assert wait_settled(page) == ["ready", "ready"]
    first = "#distillation-viz-1"
    slider = page.locator(f'{first} input[data-kd-control="temperature"]')
    slider.evaluate("(el) => { el.value = '3'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function(
        "(sel) => parseFloat(document.querySelector(sel + ' [data-kd-readout=temperature]').dataset.value) === 3",
        arg=first)
    config = json.loads(page.get_attribute(first, "data-kd-config"))
    want = compute_state("distillation-viz", config, {"temperature": 3.0})
    kl = page.locator(f'{first} [data-kd-readout="kl"]')
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel + ' [data-kd-readout=kl]').textContent === text",
        arg=[first, want["readouts"]["kl"]["text"]])
    assert float(kl.get_attribute("data-value")) == pytest.approx(float(want["readouts"]["kl"]["value"]), rel=1e-12)
    for bar in want["bars"]:
        rect = page.locator(f'{first} [data-kd-bar="student"][data-index="{bar["index"]}"]')
        assert float(rect.get_attribute("data-value")) == pytest.approx(float(bar["student"]), rel=1e-12)


def test_training_lab_trains_from_disk(disk_page, file_site):
    page = disk_page
    page.goto((file_site / "training.html").as_uri())
    assert wait_settled(page) == ["ready"]
    page.click('#lab [data-kd-action="play"]')
    # Streamed epochs: the counter passes 3 while training runs on.
    page.wait_for_function("() => parseInt(document.querySelector('#lab [data-kd-readout=epoch]').textContent) >= 3",
                           timeout=READY_TIMEOUT_MS)


def test_an_embed_page_goes_live_from_disk(disk_page, file_site):
    embeds = sorted((file_site / "embed").rglob("*.html"))
    assert embeds
    disk_page.goto(embeds[0].as_uri())
    assert wait_settled(disk_page) == ["ready"]


# A wheel's .xz (decompressed by the worker) and a file shipped as it is.
@pytest.mark.parametrize("script", ["kdsite-0.1.0-py3-none-any.whl.xz.js", "pyodide-lock.json.js"])
def test_a_damaged_bundle_file_fails_every_widget_with_a_message(disk_page, file_site, tmp_path, script):
    site = tmp_path / "_site"
    shutil.copytree(file_site, site)
    payload = site / "_kd" / "file" / "p" / script
    text = payload.read_text()
    middle = len(text) // 2
    payload.write_text(text[:middle] + ("B" if text[middle] != "B" else "C") + text[middle + 1:])
    disk_page.goto((site / "index.html").as_uri())
    assert wait_settled(disk_page) == ["error", "error"]
    for status in disk_page.locator("[data-kd-widget] [data-kd-status]").all():
        assert f"_kd/file/p/{script} failed its integrity check" in status.inner_text()


def test_readers_over_http_never_download_the_file_bundle(page, file_site, serve_site):
    server, url = serve_site(file_site, "/file-site/")
    try:
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(url)
        assert wait_settled(page) == ["ready", "ready"]
        assert fetched and not [u for u in fetched if "/_kd/file/" in u]
    finally:
        server.shutdown()


def test_module_syntax_the_bundle_cannot_rewrite_is_an_error(tmp_path):
    module = tmp_path / "x.js"
    module.write_text('import "./side-effect.js";\nexport default 1;\n')
    with pytest.raises(AssetError, match=r"x.js:1: .*cannot rewrite"):
        factory_source(module, "x.js")
