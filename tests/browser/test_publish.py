"""Publish anywhere: site root, offline after one visit, opened from disk, embedded elsewhere
(from a host that sends no CORS headers). The preview server's live reload: test_live_reload.py."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from kdsite.markdown.embed_fence import PLACEHOLDER_URL
from kdsite.serve import SiteHandler, make_server

pytestmark = pytest.mark.browser

READY = "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')"
FIRST = "#distillation-viz-1"


def test_the_same_site_works_at_the_domain_root(page, built_site, serve_site):
    server, url = serve_site(built_site, "/")
    try:
        page.goto(url + "temperature.html")
        assert page.locator("[data-kd-widget]").count() == 1
        page.wait_for_function(READY, timeout=90_000)
        assert url.endswith(":" + str(server.server_address[1]) + "/")
    finally:
        server.shutdown()


def move_the_temperature_and_see_python_answer(page) -> None:
    """On temperature.html: move the (log) slider half a decade; Python's readout follows."""
    slider = page.locator('input[data-kd-control="temperature"]')
    slider.evaluate("(el) => { el.value = '0.5'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function("() => Math.abs(parseFloat(document.querySelector("
                           "'[data-kd-readout=temperature]').dataset.value) - 10 ** 0.5) < 1e-9")


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
    move_the_temperature_and_see_python_answer(page)
    context.close()


def test_a_site_that_cannot_be_reached_while_online_opens_from_the_offline_copy(browser, built_site, serve_site):
    # A captive portal, a flaky link, a server that is down: the browser believes it is online.
    server, url = serve_site(built_site, "/gone/")
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector('[data-kd-offline="ready"]', state="visible", timeout=120_000)
        server.shutdown()
        server.server_close()
        page.goto(url + "temperature.html")
        assert page.evaluate("navigator.onLine") is True
        assert page.locator("[data-kd-widget]").count() == 1
        page.wait_for_function(READY, timeout=90_000)
        move_the_temperature_and_see_python_answer(page)
    finally:
        context.close()


def test_opened_from_disk_without_its_file_bundle_every_page_is_readable_and_says_how_to_go_live(
        browser, built_site, tmp_path):
    # With _kd/file/ the pages go live from disk (tests/browser/test_file_url.py); a copy that
    # lost it must still read well and say what to do.
    site = tmp_path / "site"
    shutil.copytree(built_site, site, ignore=shutil.ignore_patterns("file"))
    assert not (site / "_kd" / "file").exists() and (site / "_kd" / "static").is_dir()
    built_site = site
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


class WithoutCors(SiteHandler):
    """The preview server's handler, less its Access-Control-Allow-Origin: as many hosts serve."""

    def send_header(self, keyword, value):
        if keyword.lower() != "access-control-allow-origin":
            super().send_header(keyword, value)


@pytest.fixture
def site_without_cors(built_site, tmp_path):
    """Serve the built site under a sub-path from a server that sends no CORS headers; return its URL."""
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "kdsite").symlink_to(built_site, target_is_directory=True)
    handler = functools.partial(WithoutCors, directory=str(tmp_path / "served"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kdsite/"
    server.shutdown()


@pytest.fixture
def host_url(tmp_path, built_site, site_without_cors):
    """Serve a host page from another origin (another port) that embeds two widgets with the
    snippet the Embedding page gives, once as it is and once sandboxed with allow-scripts alone."""
    found = re.search(r'<pre class="kd-snippet"><code[^>]*>(.*?)</code></pre>',
                      (built_site / "embedding.html").read_text(encoding="utf-8"), re.S)
    snippet = html.unescape(found.group(1)).replace(PLACEHOLDER_URL, site_without_cors)
    frame, script = snippet.split("\n")
    frame = frame.replace('height="480"', 'height="150"')
    opaque = frame.replace('sandbox="allow-scripts allow-same-origin"', 'sandbox="allow-scripts"')
    assert opaque != frame and "<iframe " in frame and "<script " in script
    (tmp_path / "host").mkdir()
    (tmp_path / "host" / "host.html").write_text(f"""<!doctype html><html><head><title>Host</title>
<link rel="icon" href="data:,"></head><body>
{frame.replace("<iframe ", '<iframe id="good" ')}
{opaque.replace("<iframe ", '<iframe id="opaque" ')}
{script}
</body></html>""")
    server = make_server(tmp_path / "host", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/host.html"
    server.shutdown()


def test_an_embedded_widget_sizes_itself_and_works_across_origins(page, host_url, site_without_cors):
    host_console: list[str] = []

    def note(message):
        # The frames' own messages come from the site's files; embed.js runs in the host page.
        url = message.location.get("url") or ""
        if not url.startswith(site_without_cors) or url.endswith("/_kd/static/embed.js"):
            host_console.append(f"{message.type}: {message.text} ({url})")

    page.on("console", note)
    page.goto(host_url)
    page.wait_for_function("() => Number(document.getElementById('good').height) > 300", timeout=90_000)
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

    # Without allow-same-origin the browser refuses the worker: the widget fails and says what to add,
    # though the host sends no CORS headers (so none of the frame's module scripts may load).
    opaque = page.frame_locator("#opaque").locator("[data-kd-widget]")
    opaque.locator("xpath=self::*[@data-kd-state='error']").wait_for(timeout=90_000)
    assert "allow-same-origin" in opaque.locator("[data-kd-status]").inner_text()
    assert opaque.locator('[data-kd-readout="kl"]').inner_text() == "0.092"

    # The host page's console stays clean: no script blocked, no message to a frame not yet loaded.
    assert host_console == []


def test_a_frame_without_allow_same_origin_fails_and_says_why_on_a_host_with_cors_too(page, tmp_path, site_url):
    # Here the site's module scripts load in the frame (the server sends CORS headers): the runtime
    # starts, is refused its worker, and ends in the same state with the same advice.
    (tmp_path / "opaque.html").write_text(f"""<!doctype html><html><head><title>Host</title>
<link rel="icon" href="data:,"></head><body>
<iframe id="opaque" data-kdsite-embed src="{site_url}embed/index/distillation-viz-1.html" title="opaque"
        width="100%" height="400" sandbox="allow-scripts"></iframe>
<script src="{site_url}_kd/static/embed.js"></script>
</body></html>""")
    server = make_server(tmp_path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pyodide: list[str] = []
    page.on("request", lambda request: pyodide.append(request.url) if "/_kd/pyodide/" in request.url else None)
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/opaque.html")
        widget = page.frame_locator("#opaque").locator("[data-kd-widget]")
        status = widget.locator("[data-kd-status]").filter(has_text="allow-same-origin")
        status.wait_for(timeout=90_000)
        # The runtime may still be on its way to the same end: wait for the state it settles in.
        widget.locator("xpath=self::*[@data-kd-state='error']").wait_for(timeout=90_000)
        assert "allow-same-origin" in status.inner_text()
        # Nothing of Pyodide is downloaded for a worker that cannot start (not even the wasm the
        # page itself begins elsewhere: kdsite/static/inline/first-download.js).
        assert pyodide == []
    finally:
        server.shutdown()


# On temperature.html: a reader moving the slider every 0.2 s, until stopped.
KEEP_MOVING_THE_SLIDER = """() => {
  const slider = document.querySelector('input[data-kd-control="temperature"]');
  let step = 0;
  window.__kdMoving = setInterval(() => {
    slider.value = String(0.1 + (step++ % 10) * 0.1);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
  }, 200);
}"""
STOP_MOVING_THE_SLIDER = "() => clearInterval(window.__kdMoving)"


def test_the_offline_copy_waits_while_the_reader_uses_the_page(browser, site_url):
    # Precaching the whole site takes the cores a dragged slider needs: offline.js registers the
    # service worker only once the reader has left the page alone for 5 s (QUIET_MS).
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    page.goto(site_url + "temperature.html")
    page.wait_for_function(READY, timeout=90_000)
    # A reader moving the slider every 0.2 s, for longer than the settle-and-quiet wait.
    page.evaluate(KEEP_MOVING_THE_SLIDER)
    registered = "async () => Boolean(await navigator.serviceWorker.getRegistration())"
    for _ in range(8):  # 8 s of use: nothing registered, nothing precached
        page.wait_for_timeout(1000)
        assert page.evaluate(registered) is False
    page.evaluate(STOP_MOVING_THE_SLIDER)
    # Left alone, the page gets its offline copy.
    page.wait_for_selector('[data-kd-offline="ready"]', state="visible", timeout=120_000)
    assert page.evaluate(registered) is True
    context.close()


class SlowPrecache(SiteHandler):
    """The preview server's handler, answering the service worker's precache slowly (its
    requests alone say `Cache-Control: max-age=0`, as fetch's "no-cache" mode sends), so the
    precache takes long enough to be watched file by file; and the lock file after the server's
    `lock_delay_s` (seconds), so a page's Python takes that long to start."""

    def do_GET(self):
        if self.headers.get("Cache-Control") == "max-age=0":
            time.sleep(0.25)
        elif self.path.endswith("/pyodide-lock.json"):
            time.sleep(getattr(self.server, "lock_delay_s", 0))
        super().do_GET()


CACHED = """async () => {
  let n = 0;
  for (const key of await caches.keys()) {
    if (key.startsWith('kdsite-')) n += (await (await caches.open(key)).keys()).length;
  }
  return n;
}"""


def held(page, total: int) -> int:
    """The number of files cached once the precache has stopped: the file it was fetching when a
    page became busy may still be stored (slowly, on a busy machine), then none for 3 s. Fails
    if the precache ended, or never stopped within 20 s."""
    count, same = page.evaluate(CACHED), 0
    for _ in range(20):
        page.wait_for_timeout(1000)
        now = page.evaluate(CACHED)
        same = same + 1 if now == count else 0
        count = now
        if same == 3:
            break
    assert same == 3, "the precache did not pause"
    assert count < total, "the precache ended instead of pausing"
    return count


def test_a_running_precache_pauses_while_a_page_is_busy(browser, built_site, tmp_path):
    # Once the offline copy is being made, every page of the site says when it is busy (the
    # reader uses it, or it starts its widgets) and sw.js waits between files until none has
    # been for 5 s: the precache never takes the cores from a dragged slider or a page's boot.
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "kdsite").symlink_to(built_site, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SlowPrecache, directory=str(tmp_path / "served")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/kdsite/"
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.goto(url + "temperature.html")
        page.wait_for_function(READY, timeout=90_000)
        # Left alone, the page registers the worker, which starts caching files one by one.
        for _ in range(300):  # (wait_for_function would take the Promise of an async predicate as true)
            if page.evaluate(CACHED) >= 2:
                break
            page.wait_for_timeout(200)
        assert page.evaluate(CACHED) >= 2, "the offline copy was never begun"
        page.evaluate(KEEP_MOVING_THE_SLIDER)
        total = len(json.loads((built_site / "_kd" / "offline.json").read_text())["files"])
        paused_at = held(page, total)
        for _ in range(5):
            page.wait_for_timeout(1000)
            assert page.evaluate(CACHED) == paused_at
        # Left alone, the precache goes on...
        page.evaluate(STOP_MOVING_THE_SLIDER)
        for _ in range(300):
            if page.evaluate(CACHED) > paused_at:
                break
            page.wait_for_timeout(200)
        assert page.evaluate(CACHED) > paused_at
        # ... until another page of the site starts its widgets, though no one touches it, for
        # longer than the precache's 5 s wait.
        server.lock_delay_s = 8
        other = context.new_page()
        other.goto(url + "loss.html")
        held_at = held(page, total)
        other.wait_for_function(READY, timeout=90_000)
        assert page.evaluate(CACHED) == held_at  # (and for 5 s after, unless it is used)
        # Then it goes on to the end, and the site is available offline.
        page.wait_for_selector('[data-kd-offline="ready"]', state="visible", timeout=180_000)
        assert page.evaluate(CACHED) == total
    finally:
        context.close()
        server.shutdown()
