"""Smoke test of the benchmark harness: `python -m bench --quick` runs end to end on the real
project, on every network profile and compression mode, beside both peers (naive and
PyScript), and reports every figure. Nothing about speed is asserted. Throttled links run
sped up (`--link-speedup`): the same code path, shorter waits. Two pages cover every kind of
figure (a slider page, the training lab's page; one without a training lab); measuring all of
them on full-speed links is `make bench`'s job, not the test suite's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.profiles import COMPRESSIONS, PROFILES

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
MEASURED = ["index.html", "training.html"]
PEERS = ["naive", "pyscript"]
SPEEDUP = 20
LOAD = ["fcp_ms", "tti_cold_ms", "tti_warm_ms", "bytes_cold", "bytes_warm"]
RATIOS = [f"ratio_{what}_{peer}" for what in ("tti_cold", "tti_warm", "bytes_cold") for peer in PEERS]
SLIDER = ["slider_p50_ms", "slider_p95_ms"]
TRAINING = ["train_epochs_per_s", "train_longest_task_ms", "train_long_tasks"]
SETUPS = [f"{profile}/{compression}" for compression in COMPRESSIONS for profile in PROFILES]


def chromium() -> str:
    path = os.environ.get("KDSITE_CHROMIUM") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("no Chromium: run the tests with `make test` or set KDSITE_CHROMIUM")
    return path


def pages_with_widgets(site: Path) -> dict[str, dict]:
    """Read the built HTML directly (not with the harness's parser): page -> what it has."""
    pages = {}
    for html in site.rglob("*.html"):
        rel = html.relative_to(site).as_posix()
        text = html.read_text(encoding="utf-8")
        if rel.startswith("_kd/") or "data-kd-widget=" not in text:
            continue
        pages[rel] = {
            "slider": bool(re.search(r'<input(?=[^>]*type="range")(?=[^>]*data-kd-control)[^>]*>', text)),
            "training": 'data-kd-widget="training-lab"' in text and 'data-kd-action="play"' in text,
        }
    return pages


def check_stat(stat, where: str, runs: int = 1) -> None:
    """A figure of `runs` samples: median, min and max are numbers >= 0, min <= median <= max."""
    assert isinstance(stat, dict), f"{where} is missing"
    for key in ("median", "min", "max"):
        assert isinstance(stat[key], (int, float)) and not isinstance(stat[key], bool), f"{where}.{key}"
        assert stat[key] >= 0, f"{where}.{key} < 0"
    assert stat["min"] <= stat["median"] <= stat["max"], where
    assert len(stat["runs"]) == runs, f"{where}: expected {runs} sample(s)"


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    """Run the harness once in --quick mode on every setup; return (results, built site, stdout)."""
    tmp = tmp_path_factory.mktemp("bench")
    site, results = tmp / "site", tmp / "results.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--site", str(site), "--results", str(results),
                           "--chromium", chromium(), "--pages", *MEASURED, "--link-speedup", str(SPEEDUP)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, f"python -m bench --quick failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(results.read_text()), site, done.stdout


def test_every_profile_and_compression_is_measured_on_its_own_link(bench_run):
    results, _, stdout = bench_run
    setups = results["meta"]["setups"]
    assert list(setups) == SETUPS == list(results["loads"])
    for key, setup in setups.items():
        profile = PROFILES[setup["profile"]].sped_up(SPEEDUP)
        assert (setup["down_mbps"], setup["rtt_ms"]) == (profile.down_mbps, profile.rtt_ms), key
        assert setup["compression"] in COMPRESSIONS
        assert key in stdout
    assert results["meta"]["interaction_measured_on"] == next(k for k in SETUPS if k.startswith("local/"))


def test_every_page_and_peer_has_every_load_figure_and_ratio(bench_run):
    results, site, _ = bench_run
    assert set(MEASURED) <= set(pages_with_widgets(site)), "a page the smoke test measures lost its widgets"
    assert set(results["pages"]) == set(MEASURED)
    for key, loads in results["loads"].items():
        assert set(loads) == set(MEASURED + PEERS), key
        for target, metrics in loads.items():
            for metric in LOAD:
                check_stat(metrics[metric], f"{key} {target} {metric}")
            for metric in RATIOS:
                if target in PEERS:
                    assert metric not in metrics
                else:
                    check_stat(metrics[metric], f"{key} {target} {metric}")


def test_cold_bytes_are_counted_at_the_server_by_file_the_workers_included(bench_run):
    results, site, _ = bench_run
    ours = "_kd/pyodide/pyodide.asm.wasm.xz"  # the worker decompresses it itself
    official = "_bench/pyodide/pyodide.asm.wasm"
    for key, loads in results["loads"].items():
        for target, metrics in loads.items():
            by_file = metrics["bytes_cold_by_file"]
            # One run: the files add up to the total exactly.
            assert sum(stat["median"] for stat in by_file.values()) == metrics["bytes_cold"]["median"], (key, target)
            runtime = ours if target not in PEERS else official
            assert runtime in by_file, f"{key} {target}: the worker's or runtime's requests were not counted"
        # The PyScript peer runs on the same official Pyodide files, with PyScript's own scripts.
        pyscript = loads["pyscript"]["bytes_cold_by_file"]
        assert "_bench/pyscript/core.js" in pyscript and official in pyscript
    size = (site / ours).stat().st_size
    naive_size = (site / "_kd" / "pyodide" / "pyodide.asm.wasm").stat().st_size  # the same bytes as official
    for profile in PROFILES:
        # An .xz goes out as it is, with or without host compression; the host gzips a plain .wasm.
        for compression in ("gh-pages", "none"):
            sent = results["loads"][f"{profile}/{compression}"]["index.html"]["bytes_cold_by_file"][ours]["median"]
            assert sent >= size, f"{profile}/{compression}: {ours} sent as {sent} B, file {size} B"
        gz = results["loads"][f"{profile}/gh-pages"]["naive"]["bytes_cold_by_file"][official]["median"]
        raw = results["loads"][f"{profile}/none"]["naive"]["bytes_cold_by_file"][official]["median"]
        assert gz < naive_size < raw, f"{profile}: wasm sent as {gz} B gzipped, {raw} B as is, file {naive_size} B"


def test_interaction_of_our_pages_and_of_the_pyscript_peer(bench_run):
    results, site, _ = bench_run
    every = pages_with_widgets(site)
    assert any(every[p]["slider"] for p in MEASURED) and any(every[p]["training"] for p in MEASURED)
    assert not all(every[p]["training"] for p in MEASURED)
    for path in MEASURED:
        metrics = results["pages"][path]["interaction"]
        for key in SLIDER:
            if every[path]["slider"]:
                check_stat(metrics[key], f"{path} {key}")
            else:
                assert metrics[key] is None, f"{path} has no slider but reports {key}"
        for key in TRAINING:
            if every[path]["training"]:
                check_stat(metrics[key], f"{path} {key}")
            else:
                assert metrics[key] is None, f"{path} has no training lab but reports {key}"
        if every[path]["training"]:
            assert metrics["train_epochs_per_s"]["median"] > 0
    # The PyScript page became interactive: its slider moved its readout every time.
    for key in SLIDER:
        check_stat(results["peers"]["pyscript"]["interaction"][key], f"pyscript {key}")
    assert all(stat is None for stat in results["peers"]["naive"]["interaction"].values())


def test_builds_targets_and_the_printed_table(bench_run):
    results, _, stdout = bench_run
    assert results["meta"]["quick"] and results["meta"]["runs"] == 1 and results["meta"]["slider_inputs"] == 20
    for key in ("build_full_s", "build_incremental_s", "build_incremental_cli_s"):
        check_stat(results["build"][key], f"build {key}")
    assert results["errors"] == []
    names = {t["target"] for t in results["targets"]}
    assert {"cold bytes <= 0.6 x naive", "cold TTI <= 0.6 x naive (mobile)", "first paint <= 1.5 s (mobile)",
            "cold TTI ahead of PyScript", "warm TTI <= 1 s", "incremental rebuild <= 1 s"} <= names
    assert all(isinstance(t["met"], bool) for t in results["targets"])
    for text in ("TTI cold", "first paint", "cold/PyScript", "naive peer", "PyScript peer", "cold bytes by file"):
        assert text in stdout
    for path in results["pages"]:
        assert path in stdout


# In their own process: the browser tests' session keeps a Playwright loop running in this one.
SETTLE_CHECK = """
import json, sys, time
from playwright.sync_api import sync_playwright
from bench import browser
with sync_playwright() as playwright:
    started = time.monotonic()
    with browser.fresh_profile(playwright, sys.argv[1]) as tab:
        waited = time.monotonic() - started
        url = tab.url
print(json.dumps({"waited": waited, "settle": browser.SETTLE_S, "url": url}))
"""

FOREIGN_CHECK = """
import json, sys
from pathlib import Path
from playwright.sync_api import sync_playwright
from bench import browser
from bench.guard import ForeignRequest, Guard
from bench.profiles import PROFILES
from bench.server import start
root = Path(sys.argv[2])
(root / "index.html").write_text('<!doctype html><script>new Worker("w.js")</script>')
(root / "w.js").write_text('fetch("https://cdn.example.invalid/pyodide.mjs").catch(() => {})'
                           '.finally(() => fetch("done.txt"))')
(root / "done.txt").write_text("done")
server, guard = start(root, PROFILES["local"], "gh-pages"), Guard()
with sync_playwright() as playwright:
    with browser.fresh_profile(playwright, sys.argv[1], guard) as tab:
        with tab.context.expect_event("request", lambda r: r.url.endswith("/done.txt"), timeout=60_000):
            tab.goto(server.base + "index.html")
try:
    guard.check("the test page")
    print(json.dumps({"raised": None}))
except ForeignRequest as error:
    print(json.dumps({"raised": str(error)}))
"""


def test_a_cold_load_starts_on_a_browser_that_has_finished_starting():
    """Chromium's own start-up burst must not be timed as part of a page's cold load."""
    done = subprocess.run([sys.executable, "-c", SETTLE_CHECK, chromium()], cwd=PROJECT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    check = json.loads(done.stdout)
    assert check["url"] == "about:blank"
    assert check["settle"] > 0 and check["waited"] >= check["settle"], \
        f"the first load could start {check['waited']:.2f} s after launch"


def test_a_request_to_another_host_from_a_worker_stops_the_bench(tmp_path):
    done = subprocess.run([sys.executable, "-c", FOREIGN_CHECK, chromium(), str(tmp_path)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    raised = json.loads(done.stdout)["raised"]
    assert raised and "https://cdn.example.invalid/pyodide.mjs" in raised
