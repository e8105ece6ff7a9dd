"""Publish anywhere: site root, offline after one visit, opened from disk, embedded elsewhere,
and the preview server's live reload."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kdsite.serve import make_server

pytestmark = pytest.mark.browser

READY = "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')"
FIRST = "#distillation-viz-1"
PROJECT = Path(__file__).resolve().parents[2]


def test_the_same_site_works_at_the_domain_root(page, built_site, serve_site):
    server, url = serve_site(built_site, "/")
    try:
        page.goto(url + "temperature.html")
        assert page.locator("[data-kd-widget]").count() == 1
        page.wait_for_function(READY, timeout=90_000)
        assert url.endswith(":" + str(server.server_address[1]) + "/")
    finally:
        server.shutdown()


def test_offline_after_one_visit(browser, site_url):
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    page.goto(site_url)
    # The indicator appears once the service worker has precached every file of the build.
    page.wait_for_selector('[data-kd-offline="ready"]', state="visible", timeout=120_000)
    context.set_offline(True)
    page.goto(site_url + "temperature.html")
    assert page.locator("[data-kd-widget]").count() == 1
    page.wait_for_function(READY, timeout=90_000)
    slider = page.locator('input[data-kd-control="temperature"]')
    slider.evaluate("(el) => { el.value = '0.5'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function("() => Math.abs(parseFloat(document.querySelector("
                           "'[data-kd-readout=temperature]').dataset.value) - 10 ** 0.5) < 1e-9")
    context.close()


def test_opened_from_disk_every_page_is_readable_and_says_how_to_go_live(browser, built_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto((built_site / "index.html").as_uri())
    assert page.locator(f'{FIRST} [data-kd-readout="kl"]').inner_text() == "0.092"
    page.wait_for_selector(f"{FIRST}[data-kd-file]")
    assert page.get_attribute(FIRST, "data-kd-state") == "static"
    assert "make serve" in page.inner_text(f"{FIRST} [data-kd-status]")
    for path in ("training.html", "compression.html", "glossary/knowledge-distillation.html"):
        page.goto((built_site / path).as_uri())
        assert page.locator("main h1").inner_text()
        for widget in page.locator("[data-kd-widget]").all():
            assert "make serve" in widget.locator("[data-kd-status]").inner_text()
    context.close()


@pytest.fixture
def host_url(tmp_path, site_url):
    """Serve a host page from another origin (another port) that embeds two widgets."""
    embed = site_url + "embed/index/distillation-viz-1.html"
    (tmp_path / "host.html").write_text(f"""<!doctype html><html><head><title>Host</title>
<script type="module" src="{site_url}_kd/static/embed.js"></script></head><body>
<iframe id="good" data-kdsite-embed src="{embed}" title="good" width="100%" height="150"
        sandbox="allow-scripts allow-same-origin"></iframe>
<iframe id="opaque" data-kdsite-embed src="{embed}" title="opaque" width="100%" height="150"
        sandbox="allow-scripts"></iframe>
</body></html>""")
    server = make_server(tmp_path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/host.html"
    server.shutdown()


def test_an_embedded_widget_sizes_itself_and_works_across_origins(page, host_url):
    page.goto(host_url)
    page.wait_for_function("() => Number(document.getElementById('good').height) > 300", timeout=30_000)
    frame = page.frame_locator("#good")
    page.wait_for_function("() => document.getElementById('good').contentDocument === null")  # another origin
    widget = frame.locator("[data-kd-widget]")
    widget.locator("xpath=self::*[@data-kd-state='ready']").wait_for(timeout=90_000)
    slider = frame.locator('input[data-kd-control="temperature"]')
    slider.evaluate("(el) => { el.value = '4'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    frame.locator('[data-kd-readout="kl"]').filter(has_text="0.011").wait_for()

    # A resize message from anywhere but the embedded frame is ignored.
    height = page.get_attribute("#good", "height")
    page.evaluate("() => window.postMessage({type: 'kdsite:resize', height: 5}, '*')")
    page.wait_for_timeout(300)
    assert page.get_attribute("#good", "height") == height

    # Without allow-same-origin the browser refuses the worker: the frame says what to add.
    status = page.frame_locator("#opaque").locator("[data-kd-status]")
    status.filter(has_text="allow-same-origin").wait_for(timeout=30_000)
    assert page.frame_locator("#opaque").locator('[data-kd-readout="kl"]').inner_text() == "0.092"


def free_port() -> int:
    """Return a port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kdsite_serve_reloads_a_page_when_its_content_changes(page, tmp_path):
    (tmp_path / "content").mkdir()
    source = tmp_path / "content" / "index.md"
    source.write_text("---\ntitle: Live\ndescription: A page.\norder: 0\n---\n\n# Before\n")
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kdsite.cli", "serve", "--port", str(port)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONPATH": str(PROJECT)})
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(200):
            try:
                page.goto(url)
                break
            except Exception:
                time.sleep(0.1)
        assert page.inner_text("h1") == "Before"
        page.evaluate("() => { window.kdMarker = 1; }")
        source.write_text(source.read_text().replace("# Before", "# After"))
        page.wait_for_function("() => document.querySelector('h1')?.textContent === 'After'", timeout=30_000)
        assert page.evaluate("() => window.kdMarker") is None  # a real reload, not a patch
    finally:
        server.terminate()
        server.wait(10)
