"""Smoke test of the benchmark harness: `python -m bench --quick` runs end to end on the real
project and reports every figure for the pages it is asked to measure. Nothing about speed is
asserted. Two pages cover every kind of figure (a slider page, the training lab's page, with
and without a slider); measuring all of them is `make bench`'s job, not the test suite's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
ALWAYS = ["fcp_ms", "tti_cold_ms", "tti_warm_ms", "ratio_cold_tti", "ratio_warm_tti", "bytes_cold", "bytes_warm",
          "naive_tti_cold_ms", "naive_tti_warm_ms"]
SLIDER = ["slider_p50_ms", "slider_p95_ms"]
TRAINING = ["train_epochs_per_s", "train_longest_task_ms", "train_long_tasks"]
MEASURED = ["index.html", "training.html"]


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
    """Run the harness once in --quick mode; return (results, built site, stdout)."""
    chromium = os.environ.get("KDSITE_CHROMIUM") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("no Chromium: run the tests with `make test` or set KDSITE_CHROMIUM")
    tmp = tmp_path_factory.mktemp("bench")
    site, results = tmp / "site", tmp / "results.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--site", str(site), "--results", str(results),
                           "--chromium", chromium, "--pages", *MEASURED], cwd=PROJECT, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, f"python -m bench --quick failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(results.read_text()), site, done.stdout


def test_every_page_with_widgets_has_every_metric(bench_run):
    results, site, _ = bench_run
    every = pages_with_widgets(site)
    assert set(MEASURED) <= set(every), "a page the smoke test measures lost its widgets"
    expected = {path: every[path] for path in MEASURED}
    assert any(has["slider"] for has in expected.values()) and any(has["training"] for has in expected.values())
    assert set(results["pages"]) == set(expected)
    for path, has in expected.items():
        metrics = results["pages"][path]["metrics"]
        for key in ALWAYS:
            check_stat(metrics[key], f"{path} {key}")
        for key in SLIDER:
            if has["slider"]:
                check_stat(metrics[key], f"{path} {key}")
            else:
                assert metrics[key] is None, f"{path} has no slider but reports {key}"
        if has["slider"]:
            assert metrics["slider_p95_ms"]["median"] >= metrics["slider_p50_ms"]["median"]
        for key in TRAINING:
            if has["training"]:
                check_stat(metrics[key], f"{path} {key}")
            else:
                assert metrics[key] is None, f"{path} has no training lab but reports {key}"
        if has["training"]:
            assert metrics["train_epochs_per_s"]["median"] > 0


def test_cold_bytes_include_the_workers_downloads(bench_run):
    results, site, _ = bench_run
    wasm = (site / "_kd" / "pyodide" / "pyodide.asm.wasm").stat().st_size
    for path, page in results["pages"].items():
        assert page["metrics"]["bytes_cold"]["median"] > wasm, f"{path}: the worker's requests were not counted"


def test_baseline_builds_targets_and_the_printed_table(bench_run):
    results, _, stdout = bench_run
    assert results["meta"]["quick"] and results["meta"]["runs"] == 1 and results["meta"]["slider_inputs"] == 20
    for key in ("tti_cold_ms", "tti_warm_ms", "bytes_cold"):
        # The peer page is loaded once after each of our pages: one sample per page and run.
        check_stat(results["naive"][key], f"naive {key}", runs=len(results["pages"]))
    for key in ("build_full_s", "build_incremental_s", "build_incremental_cli_s"):
        check_stat(results["build"][key], f"build {key}")
    assert results["errors"] == []
    names = {t["target"] for t in results["targets"]}
    assert {"cold TTI <= 0.6 x naive", "warm TTI <= 1 s", "incremental rebuild <= 1 s"} <= names
    assert all(isinstance(t["met"], bool) for t in results["targets"])
    assert "TTI cold" in stdout and "naive peer" in stdout
    for path in results["pages"]:
        assert path in stdout


# In its own process: the browser tests' session keeps a Playwright loop running in this one.
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


def test_a_cold_load_starts_on_a_browser_that_has_finished_starting():
    """Chromium's own start-up burst must not be timed as part of a page's cold load."""
    chromium = os.environ.get("KDSITE_CHROMIUM") or "/usr/bin/chromium"
    done = subprocess.run([sys.executable, "-c", SETTLE_CHECK, chromium], cwd=PROJECT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    check = json.loads(done.stdout)
    assert check["url"] == "about:blank"
    assert check["settle"] > 0 and check["waited"] >= check["settle"], \
        f"the first load could start {check['waited']:.2f} s after launch"
