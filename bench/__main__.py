"""`python -m bench [--runs N] [--quick]`: measure the site, print the table, write results.json.

Each run loads every page with widgets and, right after each, the naive peer page (ours,
naive, ours, naive, …), so each of our figures has a baseline taken under the same machine
load; the ratios are computed per pair, then their median is reported.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench import browser, report
from bench.builds import build_times
from bench.site import PageInfo, ensure_site, serve_root, snapshot, widget_pages, write_naive
from bench.stats import ratio, summary
from bench.server import start

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; each figure is their median")
    parser.add_argument("--slider-inputs", type=int, default=200, help="slider inputs per page and run")
    parser.add_argument("--quick", action="store_true", help="1 run and 20 slider inputs (for the smoke test)")
    parser.add_argument("--pages", nargs="+", metavar="GLOB",
                        help="measure only the pages with widgets whose site path matches a pattern "
                             "(default: every one, embed pages included)")
    parser.add_argument("--site", type=Path, help="measure this built site (built into it if it is empty)")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"where to write (default {RESULTS})")
    parser.add_argument("--chromium", help="Chromium binary (default: $KDSITE_CHROMIUM or /usr/bin/chromium)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.slider_inputs = 1, 20
    if args.runs < 1 or args.slider_inputs < 1:
        parser.error("--runs and --slider-inputs must be at least 1")
    return args


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure_ours(playwright, chromium: str, url: str, page: PageInfo, meter, inputs: int) -> dict:
    """Cold load, warm load, then training and slider latency on the warm page."""
    with browser.fresh_profile(playwright, chromium) as tab:
        cold = browser.load(tab, url, meter)
        warm = browser.load(tab, url, meter)
        sample = {"fcp_ms": cold.fcp_ms, "tti_cold_ms": cold.tti_ms, "tti_warm_ms": warm.tti_ms,
                  "bytes_cold": cold.bytes, "bytes_warm": warm.bytes, "boot": {"cold": cold.boot, "warm": warm.boot}}
        if page.training:  # before the slider, so training runs with the page's own settings
            sample.update(browser.training(tab))
        if page.slider:
            sample.update(browser.slider_latency(tab, inputs))
    return sample


def measure_naive(playwright, chromium: str, url: str, meter) -> dict:
    """Cold and warm load of the naive peer page."""
    with browser.fresh_profile(playwright, chromium) as tab:
        cold = browser.load(tab, url, meter)
        warm = browser.load(tab, url, meter)
    return {"tti_cold_ms": cold.tti_ms, "tti_warm_ms": warm.tti_ms, "bytes_cold": cold.bytes}


def measure(base: str, naive_path: str, pages: list[PageInfo], meter, args) -> tuple[dict, dict, dict, list]:
    """Run everything `args.runs` times; return samples per page, naive, boot phases, errors."""
    from playwright.sync_api import sync_playwright

    chromium = browser.chromium_path(args.chromium)
    per_page: dict[str, dict[str, list]] = {p.path: defaultdict(list) for p in pages}
    naive: dict[str, list] = defaultdict(list)
    boot: dict[str, dict[str, list]] = {"cold": defaultdict(list), "warm": defaultdict(list)}
    errors: list[str] = []
    with sync_playwright() as playwright:
        for run in range(1, args.runs + 1):
            for page in pages:
                started = time.perf_counter()
                try:
                    ours = measure_ours(playwright, chromium, base + page.path, page, meter, args.slider_inputs)
                    peer = measure_naive(playwright, chromium, base + naive_path, meter)
                except Exception as error:  # one failed pair must not lose the other figures
                    errors.append(f"run {run}, {page.path}: {str(error).splitlines()[0]}")
                    log(f"  run {run} {page.path}: FAILED {errors[-1]}")
                    continue
                for cache, phases in ours.pop("boot").items():
                    for phase, ms in phases.items():
                        boot[cache][phase].append(ms)
                samples = per_page[page.path]
                for key, value in ours.items():
                    samples[key].append(value)
                for key, value in peer.items():
                    naive[key].append(value)
                samples["naive_tti_cold_ms"].append(peer["tti_cold_ms"])
                samples["naive_tti_warm_ms"].append(peer["tti_warm_ms"])
                samples["ratio_cold_tti"].append(ratio(ours["tti_cold_ms"], peer["tti_cold_ms"]))
                samples["ratio_warm_tti"].append(ratio(ours["tti_warm_ms"], peer["tti_warm_ms"]))
                log(f"  run {run}/{args.runs} {page.path}: cold {ours['tti_cold_ms']:.0f} ms "
                    f"(naive {peer['tti_cold_ms']:.0f}), warm {ours['tti_warm_ms']:.0f} ms "
                    f"(naive {peer['tti_warm_ms']:.0f}) [{time.perf_counter() - started:.0f} s]")
    return per_page, naive, boot, errors


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kdbench-") as tmp:
        config = snapshot(PROJECT, Path(tmp) / "project")
        site = (args.site or Path(tmp) / "_site").resolve()
        seconds = ensure_site(config, site)
        log(f"site: {site} ({'built in %.1f s' % seconds if seconds is not None else 'already built'})")
        log("timing builds…")
        try:
            builds = build_times(config, args.runs)
        except Exception as error:  # report it with the browser figures rather than lose them
            builds = {key: [] for key in report.BUILD_METRICS}
            errors.append(f"build timing: {str(error).splitlines()[0]}")
        pages = widget_pages(site)
        if args.pages:
            pages = [p for p in pages if any(fnmatch.fnmatchcase(p.path, pattern) for pattern in args.pages)]
            if not pages:
                log(f"no page with widgets matches {' '.join(args.pages)}")
                return 2
        root = serve_root(site, Path(tmp) / "www")
        naive_path = write_naive(root, pages, config.pyodide_dir)
        server, base, meter = start(root)
        log(f"serving at {base}; pages with widgets: {', '.join(p.path for p in pages)}")
        try:
            per_page, naive, boot, browser_errors = measure(base, naive_path, pages, meter, args)
        finally:
            server.shutdown()
            server.server_close()
    errors += browser_errors

    keys = [key for key, _, _ in report.PAGE_METRICS] + report.EXTRA_PAGE_METRICS
    results = {
        "meta": {"runs": args.runs, "slider_inputs": args.slider_inputs, "quick": args.quick,
                 "chromium": browser.chromium_path(args.chromium), "settle_s": browser.SETTLE_S,
                 "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
        "pages": {p.path: {"widgets": [name for name, _ in p.widgets], "slider": p.slider, "training": p.training,
                           "metrics": {key: summary(per_page[p.path].get(key, [])) for key in keys}}
                  for p in pages},
        "naive": {key: summary(naive.get(key, [])) for key in report.NAIVE_METRICS},
        "build": {key: summary(values) for key, values in builds.items()},
        "boot_ms": {cache: {phase: summary(values) for phase, values in phases.items()}
                    for cache, phases in boot.items()},
        "errors": errors,
    }
    results["targets"] = report.targets(results)
    report.write(results, args.results)
    print(report.table(results))
    print(f"\nwrote {args.results}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
