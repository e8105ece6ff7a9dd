"""Headless Chromium through Playwright: page loads, slider latency, training throughput.

Cold vs warm: every measured page gets a brand-new persistent profile (a fresh temporary
user-data folder), so its first load starts with an empty HTTP cache and no compiled-code
cache; the second load in the same profile, READ_S after the first, is the warm one. A persistent profile, not an
incognito context, because incognito keeps its cache in memory with a per-entry limit that
the 10 MB pyodide.asm.wasm exceeds: "warm" would download it again.

Cold means a cold cache, not a browser that is still starting: a reader's browser is
already running when they open a page. A just-launched Chromium spends 0.3-0.4 s of CPU in
its first quarter second (measured on these 2-core machines) and is then idle, so the first
load waits SETTLE_S after launch instead of sharing the cores with that start-up work.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.guard import Guard
from bench.server import ByteMeter
from bench.stats import percentile

BENCH_DIR = Path(__file__).resolve().parent
PROBE_JS, SLIDER_JS, TRAIN_JS = ((BENCH_DIR / name).read_text(encoding="utf-8")
                                 for name in ("probe.js", "slider.js", "train.js"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
READY_TIMEOUT_MS = 180_000  # a loaded 2-core machine can take tens of seconds to boot Python
TRAIN_TIMEOUT_MS = 900_000
INPUT_TIMEOUT_MS = 10_000
SETTLE_S = 1.0  # after launch, before the first load: ~4x the start-up burst measured
# Between the cold and the warm load: a reader's next visit comes after they read the page, and
# a browser stores what a page fetched and compiled (its HTTP and code caches, Cache Storage)
# in the background after it is interactive. The same pause for every page and peer.
READ_S = 2.0
READY_POLL_MS = 250  # how often the harness looks for probe.js's result; does not change it
# Worker boot stages reported by worker.js, in order; probe.js times the first of each.
BOOT_STAGES = ("created", "python", "packages", "check", "ready")
BOOT_PHASES = {"worker start": ("created", "python"), "loadPyodide": ("python", "packages"),
               "loadPackage": ("packages", "check"), "import kdsite": ("check", "ready")}


def chromium_path(explicit: str | None = None) -> str:
    """Return the Chromium binary: the argument, KDSITE_CHROMIUM, else Debian's."""
    return explicit or os.environ.get("KDSITE_CHROMIUM") or "/usr/bin/chromium"


@contextmanager
def fresh_profile(playwright, chromium: str, guard: Guard | None = None):
    """Yield a settled tab of a Chromium started on a new, empty profile, with probe.js installed.

    With a guard, the browser's requests to other hosts are refused and the context's recorded.
    """
    with tempfile.TemporaryDirectory(prefix="kdbench-profile-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=ARGS + (guard.chromium_args if guard else []))
        try:
            if guard:
                guard.watch(context)
            context.add_init_script(PROBE_JS)
            tab = context.pages[0] if context.pages else context.new_page()
            tab.goto("about:blank")
            time.sleep(SETTLE_S)
            yield tab
        finally:
            context.close()


@dataclass
class Load:
    """One page load: when it became interactive, when it first painted, what it cost."""

    tti_ms: float
    fcp_ms: float | None
    bytes_by_path: dict[str, int]  # URL path -> bytes sent for it, up to interactive
    boot: dict[str, float]  # worker boot phase -> ms (kdsite pages only)

    @property
    def bytes(self) -> int:
        return sum(self.bytes_by_path.values())


def load(tab, url: str, meter: ByteMeter) -> Load:
    """Navigate to `url` and wait until it is interactive; times are from navigation start.

    Its bytes are those of every response to a request the server received before the page
    was interactive (whole, even if a response ends later): what the reader paid to get there,
    not the service worker's precaching that starts once the page is idle.
    """
    tab.goto("about:blank")  # a normal navigation every time, never a same-URL reload
    meter.reset()
    started = time.monotonic()
    tab.goto(url, wait_until="commit")
    # probe.js timestamps readiness itself; polling slowly keeps the harness from running a
    # check on every animation frame of the page it measures (Playwright's default), which
    # cost our idle main thread ~90 frames of work during a cold boot on 2 cores.
    tab.wait_for_function("() => window.__kdBench && (window.__kdBench.tti !== null || window.__kdBench.error)",
                          polling=READY_POLL_MS, timeout=READY_TIMEOUT_MS)
    bench = tab.evaluate("() => window.__kdBench")
    if bench["error"]:
        raise RuntimeError(f"{url}: {bench['error']}")
    fcp = tab.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
    interactive = started + bench["tti"] / 1000
    meter.wait_sent(interactive, timeout=READY_TIMEOUT_MS / 1000)
    times = bench["boot"]
    boot = {phase: times[b] - times[a] for phase, (a, b) in BOOT_PHASES.items() if a in times and b in times}
    if "created" in times:
        boot["before worker"] = times["created"]
    return Load(bench["tti"], fcp, meter.by_path(until=interactive), boot)


def slider_latency(tab, count: int) -> dict:
    """Return p50 and p95 (ms) of `count` slider inputs on the first range control."""
    result = tab.evaluate(SLIDER_JS, {"count": count, "timeoutMs": INPUT_TIMEOUT_MS})
    if result["timeouts"] or not result["latencies"]:
        raise RuntimeError(f"{result['timeouts']} of {count} slider inputs changed no readout "
                           f"within {INPUT_TIMEOUT_MS} ms")
    latencies = result["latencies"]
    return {"slider_p50_ms": percentile(latencies, 50), "slider_p95_ms": percentile(latencies, 95)}


def training(tab) -> dict:
    """Press Play on the first training-lab; return epochs/s and the longest main-thread task."""
    run = tab.evaluate(TRAIN_JS, {"timeoutMs": TRAIN_TIMEOUT_MS})
    tab.wait_for_timeout(200)  # long-task entries are delivered asynchronously
    durations = tab.evaluate("([start, end]) => window.__kdBench.longtasks"
                             ".filter(([s, d]) => s + d > start && s < end).map(([s, d]) => d)",
                             [run["start"], run["end"]])
    return {"train_epochs_per_s": run["epochs"] / run["seconds"],
            "train_longest_task_ms": max(durations, default=0.0),
            "train_long_tasks": len(durations)}
