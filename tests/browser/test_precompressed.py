"""Issue 15: a site whose Pyodide files ship only as xz (kdsite/pyodide/precompress.py) goes
live with the numbers CPython computes; a damaged .xz fails every widget with a message naming
it; and with Save-Data on, no Pyodide file is downloaded before the reader uses a widget."""

from __future__ import annotations

import io
import json
import lzma
import zipfile

import pytest
from widget_site import build_widget_site, expected_labels, wait_for_labels

from kdsite.publish import write_publish_files
from kdsite.pyodide.precompress import MANIFEST, precompress_runtime

pytestmark = pytest.mark.browser

WIDGETS = "[...document.querySelectorAll('[data-kd-widget]')]"
# Navigator.connection as Chromium reports it with the data saver on (Playwright cannot set it).
SAVE_DATA = """Object.defineProperty(Navigator.prototype, "connection", {configurable: true,
  get() { return {saveData: true, effectiveType: "4g", type: "wifi",
                  addEventListener() {}, removeEventListener() {}}; }});"""


@pytest.fixture(scope="module")
def xz_site(tmp_path_factory, serve_site):
    """The every-widget site, precompressed as the build will do it; served under a sub-path."""
    site = build_widget_site(tmp_path_factory.mktemp("xz"))
    precompress_runtime(site / "_kd" / "pyodide")
    write_publish_files(site, ["index.html"], "")  # the offline manifest lists the .xz now
    server, url = serve_site(site, "/xz/")
    yield site, url
    server.shutdown()


def wait_all(page, state: str, timeout: int = 90_000) -> None:
    page.wait_for_function(f"(s) => {WIDGETS}.every(w => w.dataset.kdState === s)", arg=state, timeout=timeout)


def pyodide_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if "/_kd/pyodide/" in request.url else None)
    return seen


def test_the_site_ships_only_xz_of_the_big_files(xz_site):
    site, _url = xz_site
    pyodide = site / "_kd" / "pyodide"
    names = {p.name for p in pyodide.iterdir()}
    assert "pyodide.asm.wasm.xz" in names and "python_stdlib.zip.xz" in names
    assert not any(name.endswith((".wasm", ".whl", ".zip")) for name in names), names
    offline = json.loads((site / "_kd" / "offline.json").read_text())["files"]
    assert "_kd/pyodide/pyodide.asm.wasm.xz" in offline and "_kd/pyodide/pyodide.asm.wasm" not in offline
    # The stdlib and the wheels, entries stored then xz'd whole, hold every module uncompressed.
    for packed in [pyodide / "python_stdlib.zip.xz", *pyodide.glob("*.whl.xz")]:
        archive = zipfile.ZipFile(io.BytesIO(lzma.decompress(packed.read_bytes())))
        assert archive.testzip() is None
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}, packed.name
    stdlib = zipfile.ZipFile(io.BytesIO(lzma.decompress((pyodide / "python_stdlib.zip.xz").read_bytes())))
    assert "json/__init__.pyc" in stdlib.namelist() or "json/__init__.py" in stdlib.namelist()
    # Again on a precompressed folder: the same list, nothing lost.
    first = (pyodide / MANIFEST).read_text()
    precompress_runtime(pyodide)
    assert (pyodide / MANIFEST).read_text() == first


def test_a_precompressed_site_goes_live_with_the_numbers_cpython_computes(page, xz_site):
    _site, url = xz_site
    requests = pyodide_requests(page)
    page.goto(url)
    wait_all(page, "ready")
    slider = page.locator('#dv input[data-kd-control="temperature"]')
    slider.fill(str(float(slider.get_attribute("max"))))
    wait_for_labels(page, expected_labels(page))
    fetched = {r.rsplit("/", 1)[-1] for r in requests}
    assert {"pyodide.asm.wasm.xz", "python_stdlib.zip.xz"} <= fetched
    assert not any(name.endswith((".wasm", ".zip", ".whl")) for name in fetched), fetched


KEPT = "() => caches.open('kdsite:decoded').then((c) => c.keys()).then((k) => k.map((r) => r.url).sort())"
SNAPSHOT = "python-snapshot.bin"
# Every progress text the Python worker posts (worker.js), in order, in window.__kdProgress.
PROGRESS = """(() => {
  const seen = (window.__kdProgress = []);
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => e.data && e.data.type === "progress" && seen.push(e.data.text));
    }
  };
})();"""
RESTORED = "Starting Python as your last visit left it"
RELOADED = "Loading numpy's compiled modules"


def poll(page, expression: str, done):
    """page.evaluate(expression) once done(its value) is true, or after 3 min."""
    for _ in range(1800):  # a condition, not a time limit (3 min, as for ready): Cache Storage can only be polled
        value = page.evaluate(expression)
        if done(value):
            break
        page.wait_for_timeout(100)
    return value


def first_visit(page, xz_site) -> tuple[str, list[str]]:
    """Open the site with every progress text recorded; once it is live and the decoded cache
    holds what it keeps, return (its URL, the originals of its .xz files)."""
    site, url = xz_site
    originals = sorted(p.name.removesuffix(".xz") for p in (site / "_kd" / "pyodide").glob("*.xz"))
    page.add_init_script(PROGRESS)
    page.goto(url)
    wait_all(page, "ready")
    assert RESTORED not in page.evaluate("window.__kdProgress")
    # Once Python is ready the worker keeps each original it decompressed (boot-fetch.js), and
    # Python's memory as it stood once numpy and kdsite were imported (python-snapshot.js).
    want = sorted([*originals, SNAPSHOT])
    kept = poll(page, KEPT, lambda urls: [u.rsplit("/", 1)[-1] for u in urls] == want)
    assert [u.rsplit("/", 1)[-1] for u in kept] == want
    return url, originals


def test_a_second_visit_takes_the_runtime_and_python_from_what_the_first_kept(page, xz_site):
    url, originals = first_visit(page, xz_site)
    # The next visit needs none of the .xz files: refused, and the page still goes live, right,
    # with Python started from the snapshot.
    refused: list[str] = []
    page.route("**/_kd/pyodide/*.xz", lambda route: (refused.append(route.request.url), route.abort()))
    page.goto("about:blank")
    page.goto(url)
    wait_all(page, "ready")
    progress = page.evaluate("window.__kdProgress")
    assert RESTORED in progress, progress
    # numpy and kdsite came imported with Python: only numpy's compiled modules were loaded.
    assert RELOADED in progress and not any(text.startswith("Loading numpy +") for text in progress), progress
    slider = page.locator('#dv input[data-kd-control="temperature"]')
    slider.fill(str(float(slider.get_attribute("min"))))
    wait_for_labels(page, expected_labels(page))
    assert len(refused) <= len(originals)  # started at once, stopped when the copy was found


# The .xz files the page itself asked for (a worker's requests are in its own timeline).
PAGE_XZ = ("performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())"
           ".filter((n) => n.endsWith('.xz'))")


# When each of the page's own fetches began, by file name (the first, if fetched twice).
STARTED = ("Object.fromEntries(performance.getEntriesByType('resource').reverse()"
           ".map((e) => [e.name.split('/').pop(), e.startTime]))")


def test_the_page_begins_the_wasm_download_once_and_not_when_a_visit_kept_it(page, xz_site):
    # The page asks for the wasm's .xz as it starts (an inline script; early.js takes it over),
    # and its decoder thread gets that download rather than asking again.
    requests = pyodide_requests(page)
    url, _originals = first_visit(page, xz_site)
    assert page.evaluate(PAGE_XZ) == ["pyodide.asm.wasm.xz"]
    names = [r.rsplit("/", 1)[-1] for r in requests]
    assert names.count("pyodide.asm.wasm.xz") == 1, names
    # Asked for before the scripts early.js preloads (over HTTP/1.1 they would hold it back): the
    # page's own timeline says when each of its fetches began.
    began = page.evaluate(STARTED)
    assert began["pyodide.asm.wasm.xz"] <= began["unxz-worker.js"], began
    # The next visit finds the copy the first kept: the page asks for nothing.
    requests.clear()
    page.goto("about:blank")
    page.goto(url)
    wait_all(page, "ready")
    assert page.evaluate(PAGE_XZ) == []
    assert not [r for r in requests if r.endswith(".xz")], requests


def test_the_page_asks_for_the_wasm_before_early_js_has_arrived_and_only_once(page, xz_site):
    # The page's inline script begins the download as the <head> is parsed (kdsite/render.py):
    # with early.js held back until then, the .xz is still asked for; early.js, served after,
    # takes that download over, and its decoder thread asks for nothing again.
    _site, url = xz_site
    held, asked = [], []

    def hold(route):
        return route.fallback() if asked else held.append(route)

    page.route("**/_kd/static/early.js", hold)
    requests = pyodide_requests(page)
    with page.expect_request(lambda request: request.url.endswith("/pyodide.asm.wasm.xz"), timeout=30_000):
        page.goto(url, wait_until="commit")
    asked.append(True)
    for route in held:
        route.fallback()
    wait_all(page, "ready")
    assert page.evaluate(PAGE_XZ) == ["pyodide.asm.wasm.xz"]
    names = [r.rsplit("/", 1)[-1] for r in requests]
    assert names.count("pyodide.asm.wasm.xz") == 1, names


def test_a_download_early_js_never_takes_is_cancelled_at_the_load_event(page, xz_site):
    # early.js failed to arrive: nothing would ever read the download the page began, so the
    # page's own script stops it once the load event says every script has run or failed.
    _site, url = xz_site
    page.route("**/_kd/static/early.js", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(url)  # returns after the load event
    begun = "window[Symbol.for('kdsite.firstDownload')]"
    assert page.evaluate(f"() => [typeof {begun}, {begun} && {begun}.cancelled]") == ["object", True]


# Replace the kept snapshot by bytes that pass every check python-snapshot.js makes (its key,
# the sha256 kept with it; it unbundles) but that cannot be restored: "memory" overwrites
# Pyodide's own header, at the start of the first page kept of the packed memory (after
# python-snapshot.js' JSON head, the packed length and bitmap); "table" names another function
# table than the one numpy's modules would load into (python-libraries.js refuses it).
UNRESTORABLE = """async ([name, damage]) => {
  const cache = await caches.open("kdsite:decoded");
  const key = (await cache.keys()).find((r) => r.url.endsWith("/" + name));
  const kept = await cache.match(key);
  let bytes = new Uint8Array(await kept.arrayBuffer());
  const headLength = new DataView(bytes.buffer).getUint32(0, true);
  if (damage === "memory") {
    const packed = 4 + headLength;
    const pages = Math.ceil(new DataView(bytes.buffer).getUint32(packed, true) / 4096);
    const first = packed + 4 + Math.ceil(pages / 8);
    bytes.fill(7, first, first + 16);
  } else {
    const head = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLength)));
    head.meta.linkDigest = "0".repeat(64);
    const text = new TextEncoder().encode(JSON.stringify(head));
    const out = new Uint8Array(4 + text.length + bytes.length - 4 - headLength);
    new DataView(out.buffer).setUint32(0, text.length, true);
    out.set(text, 4);
    out.set(bytes.subarray(4 + headLength), 4 + text.length);
    bytes = out;
  }
  const sum = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
    (b) => b.toString(16).padStart(2, "0")).join("");
  const headers = new Headers(kept.headers);
  headers.set("X-Kdsite-Sha256", sum);
  await cache.put(key, new Response(bytes, { headers }));
  return sum;
}"""
# What the decoded cache holds for the snapshot: its sha256, "refused" for the mark a failed
# restore leaves (python-snapshot.js' discard()), "damaged" for the copy DAMAGED (below) made,
# or null.
SNAPSHOT_STATE = f"""async () => {{
  const cache = await caches.open("kdsite:decoded");
  const key = (await cache.keys()).find((r) => r.url.endsWith("/{SNAPSHOT}"));
  if (!key) return null;
  const kept = await cache.match(key);
  if (kept.headers.has("X-Kdsite-Test-Damaged")) return "damaged";
  return kept.headers.has("X-Kdsite-Snapshot-Refused") ? "refused" : kept.headers.get("X-Kdsite-Sha256");
}}"""


@pytest.mark.parametrize("damage", ["memory", "table"])
def test_a_snapshot_that_will_not_restore_is_dropped_and_python_starts_in_full(page, xz_site, damage):
    url, _originals = first_visit(page, xz_site)
    page.evaluate(UNRESTORABLE, [SNAPSHOT, damage])
    page.goto("about:blank")
    page.goto(url)
    # The worker that tried it is replaced by one that starts Python in full; the page goes live,
    # right.
    wait_all(page, "ready", timeout=180_000)
    progress = page.evaluate("window.__kdProgress")
    assert RESTORED in progress, progress  # tried, then a fresh worker started Python in full:
    after = progress[progress.index(RESTORED) + 1:]
    fresh = next(i for i, text in enumerate(after) if text.startswith("Starting Python"))
    # Pyodide refuses the damaged memory itself; python-libraries.js refuses the other table,
    # after Python restored and while numpy's modules load.
    assert (RELOADED in after[:fresh]) == (damage == "table"), progress
    slider = page.locator('#dv input[data-kd-control="temperature"]')
    slider.fill(str(float(slider.get_attribute("max"))))
    wait_for_labels(page, expected_labels(page))
    # A restore that failed would fail again: the snapshot is replaced by a mark, this build
    # keeps no other, and the next visit starts Python in full without trying.
    assert poll(page, SNAPSHOT_STATE, lambda state: state == "refused") == "refused"
    page.goto("about:blank")
    page.goto(url)
    wait_all(page, "ready", timeout=180_000)
    progress = page.evaluate("window.__kdProgress")
    assert RESTORED not in progress and "Starting Python" in progress, progress
    assert page.evaluate(SNAPSHOT_STATE) == "refused"


# Flip one byte of the kept snapshot, its sha256 left as it was: what a damaged disk does.
DAMAGED = """async (name) => {
  const cache = await caches.open("kdsite:decoded");
  const key = (await cache.keys()).find((r) => r.url.endsWith("/" + name));
  const kept = await cache.match(key);
  const bytes = new Uint8Array(await kept.arrayBuffer());
  bytes[bytes.length >> 1] ^= 1;
  const headers = new Headers(kept.headers);
  headers.set("X-Kdsite-Test-Damaged", "1");
  await cache.put(key, new Response(bytes, { headers }));
}"""

def test_a_damaged_snapshot_is_deleted_and_python_starts_in_full(page, xz_site):
    # A restore starts before the snapshot's bytes are read (python-snapshot.js); bytes that then
    # fail their sha256 end that worker, and its replacement starts Python in full.
    url, _originals = first_visit(page, xz_site)
    page.evaluate(DAMAGED, SNAPSHOT)
    page.goto("about:blank")
    page.goto(url)
    wait_all(page, "ready", timeout=180_000)
    progress = page.evaluate("window.__kdProgress")
    assert RESTORED in progress, progress
    after = progress[progress.index(RESTORED) + 1:]
    assert "Starting Python" in after and RELOADED not in after, progress
    slider = page.locator('#dv input[data-kd-control="temperature"]')
    slider.fill(str(float(slider.get_attribute("max"))))
    wait_for_labels(page, expected_labels(page))
    # Deleted, not refused: this build keeps a sound snapshot again, and the next visit uses it.
    sound = poll(page, SNAPSHOT_STATE, lambda state: state not in (None, "damaged", "refused"))
    assert sound not in (None, "damaged", "refused"), sound
    page.goto("about:blank")
    page.goto(url)
    wait_all(page, "ready", timeout=180_000)
    progress = page.evaluate("window.__kdProgress")
    assert RESTORED in progress and "Starting Python" not in progress[progress.index(RESTORED):], progress


@pytest.mark.parametrize("damage", ["flip", "not-xz"])
@pytest.mark.parametrize("target", ["pyodide.asm.wasm.xz", "python_stdlib.zip.xz", "numpy-*.whl.xz"])
def test_a_damaged_xz_fails_every_widget_and_names_the_file(page, xz_site, target, damage):
    _site, url = xz_site

    def tamper(route):
        body = bytearray(route.fetch().body())
        if damage == "flip":  # still starts as xz; the decoder or the sha256 must catch it
            body[len(body) // 2] ^= 0xFF
        else:
            body = bytearray(b"<html>not found</html>")
        route.fulfill(status=200, body=bytes(body), headers={"Content-Type": "application/x-xz"})

    page.route(f"**/_kd/pyodide/{target}", tamper)
    page.goto(url)
    wait_all(page, "error")
    status = page.locator("#dv [data-kd-status]").inner_text()
    assert "Interactive version unavailable" in status
    assert f"_kd/pyodide/{target.split('*')[0]}" in status  # names the file
    assert "make site" in status
    assert "is not valid xz" in status or "failed its integrity check" in status, status
    assert page.locator('#dv input[data-kd-control="temperature"]').is_disabled()


@pytest.mark.parametrize("which", ["precompressed", "plain"])
def test_with_save_data_python_waits_for_the_first_use_of_a_widget(page, request, which):
    # The plain site is the project's own, built as `make site` builds it today.
    url = request.getfixturevalue("xz_site")[1] if which == "precompressed" else request.getfixturevalue("site_url")
    page.add_init_script(SAVE_DATA)
    requests = pyodide_requests(page)
    page.goto(url)
    page.wait_for_function(f"() => {WIDGETS}.every(w => w.dataset.kdPython === 'on-first-use')")
    first = page.locator("[data-kd-widget]").first
    assert "save data" in first.locator("[data-kd-status]").inner_text()
    assert page.evaluate(f"() => {WIDGETS}.every(w => w.dataset.kdState === 'static')")
    # Nothing of Pyodide while the reader only reads (all that was asked for has been answered).
    page.wait_for_load_state("networkidle")
    assert requests == []
    first.locator("input[data-kd-control]").first.focus()
    wait_all(page, "ready")
    assert any("pyodide.asm.wasm" in r for r in requests)
    wait_for_labels(page, expected_labels(page))


def test_with_save_data_the_offline_copy_waits_and_the_page_says_so(browser, site_url):
    context = browser.new_context()  # service workers allowed: none may be registered
    try:
        context.add_init_script(SAVE_DATA)
        page = context.new_page()
        page.goto(site_url)
        page.wait_for_function("() => document.querySelector('[data-kd-offline]').dataset.kdOffline === 'metered'")
        offline = page.locator("[data-kd-offline]")
        assert offline.is_visible() and "save data" in offline.inner_text()
        assert page.evaluate("() => navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    finally:
        context.close()
