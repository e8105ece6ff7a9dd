"""Every widget under stress, on one page: 1,000 slider events a second, sliders at both ends
with extreme parameters, and 50 training runs in a row."""

from __future__ import annotations

import pytest
from widget_site import SLIDERS, build_widget_site, expected_labels, wait_for_labels

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 90_000

# Counts, per widget, the requests runtime.js posts to the worker and how many are unanswered
# at once. Observation only: it wraps the page's Worker; nothing in the site provides a hook.
COUNT_REQUESTS = """
(() => {
  const Native = window.Worker;
  const stats = window.kdStats = { posts: {}, outstanding: {}, most: {} };
  const owner = new Map(); // request id -> widget id
  window.Worker = function Worker(url, options) {
    const worker = new Native(url, options);
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (msg, transfer = []) => {
      // Only protocol requests are counted; the page also hands decoder ports over (decoders.js).
      if (!msg || msg.id === undefined) return post(msg, transfer);
      const key = (msg.config && msg.config.id) || msg.run || msg.widget;
      owner.set(msg.id, key);
      stats.posts[key] = (stats.posts[key] || 0) + 1;
      stats.outstanding[key] = (stats.outstanding[key] || 0) + 1;
      stats.most[key] = Math.max(stats.most[key] || 0, stats.outstanding[key]);
      post(msg);
    };
    worker.addEventListener("message", (event) => {
      const key = owner.get(event.data && event.data.id);
      if (key === undefined) return;
      owner.delete(event.data.id);
      stats.outstanding[key] -= 1;
    });
    return worker;
  };
  window.Worker.prototype = Native.prototype;
})();
"""

# For `ms` milliseconds, every millisecond's worth of `input` events on each slider (random
# positions on its step grid), then the slider's final position; counts animation frames.
BURST = """async ({sliders, ms}) => {
  const els = sliders.map(([id, control]) => document.querySelector(`#${id} input[data-kd-control="${control}"]`));
  const grid = els.map((el) => {
    const min = Number(el.min), step = Number(el.step) || 1;
    return {min, step, n: Math.round((Number(el.max) - min) / step)};
  });
  const set = (el, value, type = "input") => { el.value = String(value); \
el.dispatchEvent(new Event(type, {bubbles: true})); };
  let frames = 0, running = true;
  const tick = () => { if (running) { frames++; requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
  const posts = {...window.kdStats.posts};
  const start = performance.now();
  let sent = 0; // one event per slider per elapsed millisecond, never ahead of the clock
  while (sent < ms) {
    const due = Math.min(ms, Math.floor(performance.now() - start) + 1);
    for (; sent < due; sent++) {
      els.forEach((el, i) => set(el, grid[i].min + grid[i].step * Math.floor(Math.random() * (grid[i].n + 1))));
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  els.forEach((el, i) => { set(el, grid[i].min + grid[i].step * Math.round(grid[i].n / 3)); \
set(el, el.value, "change"); });
  running = false;
  return {frames, events: sent + 1, before: posts};
}"""

# Every attribute value and text of every widget that reads as NaN or a JavaScript infinity.
NOT_A_NUMBER = r"""() => {
  const bad = /\bNaN\b|\bnan\b|Infinity/;
  const found = [];
  for (const root of document.querySelectorAll("[data-kd-widget]")) {
    for (const el of [root, ...root.querySelectorAll("*")]) {
      for (const attr of el.attributes) if (bad.test(attr.value)) """ \
    r"""found.push(`${root.id} ${el.tagName} ${attr.name}=${attr.value}`);
    }
    if (bad.test(root.textContent)) """ \
    r"""found.push(`${root.id} text: ${root.textContent.match(/.{0,40}(NaN|nan|Infinity).{0,40}/s)[0]}`);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def widgets_url(tmp_path_factory, serve_site):
    """Serve the every-widget site and return its page's URL."""
    server, url = serve_site(build_widget_site(tmp_path_factory.mktemp("widgets")), "/kd-test/")
    yield url
    server.shutdown()


def open_widgets(page, url: str) -> None:
    """Open the page and wait until every widget is live."""
    page.goto(url)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')].every(w => w.dataset.kdState === 'ready')",
        timeout=READY_TIMEOUT_MS)


def test_a_thousand_slider_events_a_second_are_coalesced(page, widgets_url):
    page.add_init_script(COUNT_REQUESTS)
    open_widgets(page, widgets_url)
    result = page.evaluate(BURST, {"sliders": SLIDERS, "ms": 2000})
    wait_for_labels(page, expected_labels(page), timeout=120_000)  # the last positions won
    stats = page.evaluate("() => window.kdStats")
    for wid in {wid for wid, _ in SLIDERS}:
        posted = stats["posts"][wid] - result["before"].get(wid, 0)
        # At most one request per animation frame of the burst, plus the final positions.
        assert 1 <= posted <= result["frames"] + 2, (wid, posted, result["frames"])
        # Never more than one request waiting per widget: the worker's queue cannot grow.
        assert stats["most"][wid] == 1, (wid, stats["most"])
        assert stats["outstanding"][wid] == 0, wid


def test_sliders_at_both_ends_of_their_range_never_show_nan(page, widgets_url):
    open_widgets(page, widgets_url)
    for end in ("min", "max"):
        page.evaluate("""([sliders, end]) => sliders.forEach(([id, control]) => {
            const el = document.querySelector(`#${id} input[data-kd-control="${control}"]`);
            el.value = el[end];
            for (const type of ["input", "change"]) el.dispatchEvent(new Event(type, {bubbles: true}));
        })""", [SLIDERS, end])
        wait_for_labels(page, expected_labels(page))
        assert page.evaluate(NOT_A_NUMBER) == [], end
    assert page.inner_text('#dv [data-kd-readout="kl"]') == "∞"  # a zero under the teacher's mass


def heap_mb(cdp) -> float:
    """Return the page's JS heap in use after a full garbage collection, in MB."""
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


# Press Reset, wait for epoch 0, press Play, wait for the last epoch; `runs` times in a row.
TRAIN_RUNS = """async (runs) => {
  const lab = document.getElementById("lab");
  const button = (action) => lab.querySelector(`[data-kd-action="${action}"]`);
  const epoch = () => lab.querySelector('[data-kd-readout="epoch"]').textContent;
  const last = lab.querySelector("svg[data-kd-chart]").dataset.epochs;
  const until = (done) => new Promise((resolve) => {
    if (done()) return resolve();
    const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); resolve(); } });
    watch.observe(lab, {subtree: true, childList: true, characterData: true, attributes: true});
  });
  for (let run = 0; run < runs; run++) {
    button("reset").click();
    await until(() => epoch() === "0" && !button("play").disabled);
    button("play").click();
    await until(() => epoch() === last && lab.dataset.kdPlaying === "false");
    if (lab.dataset.kdState !== "ready") throw new Error(`the lab left the ready state in run ${run}`);
  }
}"""


def test_fifty_training_runs_grow_the_heap_by_less_than_20_mb(page, widgets_url):
    open_widgets(page, widgets_url)
    cdp = page.context.new_cdp_session(page)
    before = heap_mb(cdp)
    page.evaluate(TRAIN_RUNS, 50)
    after = heap_mb(cdp)
    assert page.inner_text('#lab [data-kd-readout="epoch"]') == "20"
    assert after - before < 20, f"JS heap grew from {before:.1f} MB to {after:.1f} MB"
