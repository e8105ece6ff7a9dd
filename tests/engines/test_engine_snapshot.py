"""A second visit starts Python from the memory snapshot the first one kept, in Chromium, Firefox
and WebKit (one browser per engine, conftest.py), without falling back to a full boot.

The restore (kdsite/static/python-snapshot.js, python-libraries.js) leans on Emscripten internals,
and a restore that fails only costs time: the supervisor starts a fresh worker that boots Python
in full and the page still goes live, so only what the worker says shows it. The page is the
built index.html with one classic script put before its own (PROBE_JS), which records what every
Python worker posts, as tests/browser/test_precompressed.py's PROGRESS does through Playwright's
init script: the engine drivers have no init script (WebKitWebDriver offers none at all).

Both visits happen in one page, navigating in it: the Chromium driver's open() starts a new
context, which would forget Cache Storage. The site is served on an origin of its own, whose
caches the test empties first.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from engine_drivers import DEFAULT_TIMEOUT_S
from test_core_scenarios import READY, WIDGETS, first_slider

from kdsite.core.states import compute_state
from kdsite.serve import make_server

pytestmark = pytest.mark.browser

PAGE = "snapshot-probe.html"  # index.html with PROBE_JS first; not index.html: sw.js checks that one's sha256
AWAY = "away.html"
PROBE = "snapshot-probe.js"
# A classic script before the page's first one, so it runs before early.js starts the worker:
# window.__kdPython = {workers: the Python workers started, messages: [{worker, type, text}] for
# each progress, ready, crashed and fatal error message they posted and each uncaught error,
# errors: the page's console.error calls and uncaught errors}.
PROBE_JS = """(() => {
  const record = (window.__kdPython = { workers: 0, messages: [], errors: [] });
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      if (!String(url).endsWith("/worker.js")) return; // a decoder thread
      const worker = (record.workers += 1);
      this.addEventListener("message", (event) => {
        const data = event.data;
        if (data && ["progress", "ready", "crashed", "error"].includes(data.type) && !("id" in data)) {
          record.messages.push({ worker, type: data.type, text: String(data.text || data.message || data.version) });
        }
      });
      this.addEventListener("error", (event) => {
        record.messages.push({ worker, type: "uncaught", text: String(event.message) });
      });
    }
  };
  const original = console.error;
  console.error = function (...args) {
    record.errors.push(args.map(String).join(" "));
    return original.apply(this, args);
  };
  addEventListener("error", (event) => record.errors.push(String(event.error || event.message)));
  addEventListener("unhandledrejection", (event) => record.errors.push(`unhandled rejection: ${event.reason}`));
})();
"""
RECORD = "window.__kdPython"
RESTORED = "Starting Python as your last visit left it"
RELOADED = "Loading numpy's compiled modules"
SNAPSHOT = "/_kd/pyodide/python-snapshot.bin"
# Cache Storage answers only with a promise, which a wait cannot poll: each poll starts a look
# (unless one is under way) and reads what the last one found.
SNAPSHOT_KEPT = f"""(() => {{
  if (!window.__kdLooking) {{
    window.__kdLooking = caches.open("kdsite:decoded").then((cache) => cache.keys())
      .then((keys) => {{ window.__kdKept = keys.some((request) => request.url.endsWith({json.dumps(SNAPSHOT)})); }})
      .finally(() => {{ window.__kdLooking = null; }});
  }}
  return window.__kdKept === true;
}})()"""


@pytest.fixture(scope="module")
def probe_url(tmp_path_factory, built_site):
    """Serve the built site (precompressed, as the build makes it) plus PAGE, PROBE and AWAY on an
    origin of its own; return the site's URL."""
    folder = tmp_path_factory.mktemp("snapshot-site")
    for entry in built_site.iterdir():
        (folder / entry.name).symlink_to(entry)
    index = (built_site / "index.html").read_text(encoding="utf-8")
    first = index.index("<script")
    (folder / PAGE).write_text(f'{index[:first]}<script src="{PROBE}"></script>\n  {index[first:]}', encoding="utf-8")
    (folder / PROBE).write_text(PROBE_JS, encoding="utf-8")
    (folder / AWAY).write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Away</title>'
                               '<link rel="icon" href="data:,"></head><body>Away</body></html>', encoding="utf-8")
    assert (built_site / "_kd" / "pyodide" / "boot-files.js").is_file()  # else no snapshot is ever taken
    server = make_server(folder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def navigate(engine, url: str) -> None:
    """Go to `url` in the page now shown (same context and profile), and wait for its load."""
    engine.evaluate(f"(location.assign({json.dumps(url)}), true)")
    engine.wait_until(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")


def visit(engine, url: str) -> tuple[list[str], list[dict], float]:
    """Navigate to the probed page and wait until every widget is ready; return the progress texts
    of its Python workers, everything they posted, and the seconds it took."""
    started = time.monotonic()
    navigate(engine, url)
    engine.wait_until(READY)
    seconds = time.monotonic() - started
    record = engine.evaluate(RECORD)
    assert record is not None, f"{engine.name}: {PROBE} did not run"
    return [m["text"] for m in record["messages"] if m["type"] == "progress"], record["messages"], seconds


def test_a_second_visit_restores_python_from_the_snapshot_without_a_fresh_boot(engine, probe_url):
    # An origin with nothing kept: whatever this browser kept for it before is gone.
    engine.open(probe_url + AWAY)
    engine.evaluate("caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name))))")

    progress, messages, seconds = visit(engine, probe_url + PAGE)
    print(f"TIME {engine.name} first visit: ready {seconds:.1f} s")
    assert "Starting Python" in progress and RESTORED not in progress, (engine.name, messages)
    assert any(text.startswith("Loading numpy + ") for text in progress), (engine.name, messages)
    # Kept once Python is ready, after the decompressed runtime files (worker.js).
    engine.wait_until(SNAPSHOT_KEPT, timeout_s=DEFAULT_TIMEOUT_S)

    navigate(engine, probe_url + AWAY)
    progress, messages, seconds = visit(engine, probe_url + PAGE)
    print(f"TIME {engine.name} second visit: ready {seconds:.1f} s; {messages}")
    # Restored: numpy and kdsite came imported with Python, only numpy's compiled modules loaded.
    assert RESTORED in progress and RELOADED in progress, (engine.name, messages)
    # Without a fallback: the one worker neither crashed nor was replaced by one booting in full.
    after = progress[progress.index(RESTORED) + 1:]
    assert not any(text.startswith("Starting Python") for text in after), (engine.name, messages)
    assert not any(text.startswith("Loading numpy + ") for text in progress), (engine.name, messages)
    assert {m["worker"] for m in messages} == {1}, (engine.name, messages)
    assert [m["type"] for m in messages if m["type"] not in ("progress", "ready")] == [], (engine.name, messages)

    # Python restored computes what CPython does: one slider moved, every readout of its widget.
    widgets = engine.evaluate(WIDGETS)
    root_id, name, _config, _controls, label, _readouts = next(
        w for w in widgets if engine.evaluate(f"!!document.querySelector({json.dumps(first_slider(w[0]))})"))
    selector = first_slider(root_id)
    target = engine.evaluate(f"((el) => Number(el.min) + (Number(el.max) - Number(el.min)) * 2 / 3)"
                             f"(document.querySelector({json.dumps(selector)}))")
    engine.set_range(selector, target)
    moved = next(w for w in engine.evaluate(WIDGETS) if w[0] == root_id)
    want = compute_state(name, json.loads(moved[2]), moved[3])
    assert want["aria_label"] != label  # the page must hear a new state from Python
    engine.wait_until(f"document.getElementById({json.dumps(root_id)}).getAttribute('aria-label')"
                      f" === {json.dumps(want['aria_label'])}")
    shown = next(w for w in engine.evaluate(WIDGETS) if w[0] == root_id)[5]
    expected = {key: readout["text"] for key, readout in want["readouts"].items() if key in shown}
    assert expected and {key: shown[key] for key in expected} == expected, (engine.name, name)
    assert engine.evaluate(f"{RECORD}.errors") == [], engine.name
    assert engine.console_errors() == [], engine.name
