"""`python -m bench`: measure the site beside two peers on each network profile; print a table, write results.json.

For each network profile and compression mode (bench/profiles.py) the site is served by a
server of its own (bench/server.py). Each run loads, on every one of them, every page with
widgets, then the two peer pages: the naive page (Pyodide's official files on the main thread)
and the PyScript page (bench/pyscript_peer.py). Each of our figures is divided by the peers'
from the same run and server, and the median of those ratios is reported. Slider latency and
training do not depend on the network: they are measured in each run on the first
unthrottled server only (on the first server when every one is throttled).
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import browser, report
from bench.builds import build_times
from bench.guard import ForeignRequest, Guard
from bench.profiles import COMPRESSIONS, PROFILES, Profile
from bench.pyscript_peer import PYSCRIPT_VERSION
from bench.server import Files, PagesServer, start
from bench.site import NAIVE_DIR, PageInfo, ensure_site, serve_root, snapshot, widget_pages, write_peers
from bench.stats import ratio, summary
from kdsite.errors import KdsiteError

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results.json"
PEERS = ("naive", "pyscript")
LOAD_KEYS = ("fcp_ms", "tti_cold_ms", "tti_warm_ms", "bytes_cold", "bytes_warm")
RATIOS = {"tti_cold": "tti_cold_ms", "tti_warm": "tti_warm_ms", "bytes_cold": "bytes_cold"}
# For the printed estimate only: seconds a load spends besides moving bytes, on these machines.
EST_LOAD_S = 2.0 + 8.0 + 2.0 + 3.0  # launch and settle, cold start, reading, warm start
EST_ROUND_TRIPS = 20  # round trips of a cold load that do not overlap


@dataclass(frozen=True)
class Setup:
    """One cell of the matrix: a network profile and a compression mode, with its server."""

    profile: Profile
    compression: str
    server: PagesServer

    @property
    def key(self) -> str:
        return f"{self.profile.name}/{self.compression}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; each figure is their median")
    parser.add_argument("--slider-inputs", type=int, default=200, help="slider inputs per page and run")
    parser.add_argument("--quick", action="store_true", help="1 run and 20 slider inputs (for the smoke test)")
    parser.add_argument("--pages", nargs="+", metavar="GLOB",
                        help="measure only the pages with widgets whose site path matches a pattern "
                             "(default: every one, embed pages included)")
    parser.add_argument("--profiles", nargs="+", choices=list(PROFILES), default=list(PROFILES),
                        help=f"network profiles (default: every one: {' '.join(PROFILES)})")
    parser.add_argument("--compression", nargs="+", choices=list(COMPRESSIONS), default=list(COMPRESSIONS),
                        help=f"how the server encodes files (default: every mode: {' '.join(COMPRESSIONS)})")
    parser.add_argument("--link-speedup", type=float, default=1.0, metavar="X",
                        help="make every throttled link X times faster: same code path, shorter runs (smoke tests)")
    parser.add_argument("--no-builds", action="store_true", help="skip the build timings")
    parser.add_argument("--site", type=Path, help="measure this built site (built into it if it is empty)")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"where to write (default {RESULTS})")
    parser.add_argument("--chromium", help="Chromium binary (default: $KDSITE_CHROMIUM or /usr/bin/chromium)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.slider_inputs = 1, 20
    if args.runs < 1 or args.slider_inputs < 1:
        parser.error("--runs and --slider-inputs must be at least 1")
    if not args.link_speedup > 0:
        parser.error("--link-speedup must be above 0")
    args.profiles = list(dict.fromkeys(args.profiles))
    args.compression = list(dict.fromkeys(args.compression))
    return args


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure_load(playwright, chromium: str, guard: Guard, server: PagesServer, path: str, *,
                 slider_inputs: int = 0, training: bool = False) -> dict:
    """Cold and warm load of one page in a new profile; then, if asked, training and slider latency."""
    url = server.base + path
    with browser.fresh_profile(playwright, chromium, guard) as tab:
        cold = browser.load(tab, url, server.meter)
        tab.wait_for_timeout(browser.READ_S * 1000)
        warm = browser.load(tab, url, server.meter)
        sample = {"fcp_ms": cold.fcp_ms, "tti_cold_ms": cold.tti_ms, "tti_warm_ms": warm.tti_ms,
                  "bytes_cold": cold.bytes, "bytes_warm": warm.bytes,
                  "by_file": {p.lstrip("/"): n for p, n in cold.bytes_by_path.items()},
                  "boot": {"cold": cold.boot, "warm": warm.boot}}
        if training:  # before the slider, so training runs with the page's own settings
            sample.update(browser.training(tab))
        if slider_inputs:
            sample.update(browser.slider_latency(tab, slider_inputs))
    guard.check(url)
    return sample


class Samples:
    """Every sample, by setup key and target (a page's path, or a peer's name)."""

    def __init__(self):
        self.loads = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))  # setup -> target -> metric
        self.by_file = defaultdict(lambda: defaultdict(list))  # setup -> target -> [{file: bytes}] per run
        self.interaction = defaultdict(lambda: defaultdict(list))  # target -> metric -> values
        self.boot = defaultdict(lambda: {"cold": defaultdict(list), "warm": defaultdict(list)})  # setup -> …

    def add(self, setup: str, target: str, sample: dict) -> None:
        self.by_file[setup][target].append(sample.pop("by_file"))
        for cache, phases in sample.pop("boot").items():
            for phase, ms in phases.items():
                self.boot[setup][cache][phase].append(ms)
        for key, value in sample.items():
            metrics = self.loads[setup][target] if key in LOAD_KEYS else self.interaction[target]
            metrics[key].append(value)


def estimate_s(setups: list[Setup], root: Path, pages: int, runs: int) -> float:
    """Roughly how long the loads take: per load, browser and Python start plus the runtime over the link."""
    files = setups[0].server.files
    folders = {"site": (root / "_kd" / "pyodide", pages + 1), "naive": (root / NAIVE_DIR / "pyodide", 1)}
    seconds = 0.0
    for setup in setups:
        link = setup.server.link
        for folder, loads in folders.values():
            size = sum(files.body_size(f, setup.compression) for f in folder.rglob("*") if f.is_file())
            moving = size / link.rate if link.rate else 0.0
            seconds += loads * (EST_LOAD_S + moving + EST_ROUND_TRIPS * link.rtt)
    return seconds * runs


def measure(setups: list[Setup], pages: list[PageInfo], peers: dict[str, str], guard: Guard, args,
            samples: Samples, errors: list[str]) -> None:
    """Run everything `args.runs` times into `samples`; a failed load is an error, the rest go on."""
    from playwright.sync_api import sync_playwright

    chromium = browser.chromium_path(args.chromium)
    interactive = next((s for s in setups if not s.profile.throttled), setups[0])
    targets = [(p.path, p.path, p.slider, p.training) for p in pages]
    targets += [(peer, peers[peer], peer == "pyscript", False) for peer in PEERS]
    with sync_playwright() as playwright:
        for run in range(1, args.runs + 1):
            for setup in setups:
                done: dict[str, dict] = {}
                for target, path, slider, training in targets:
                    here = setup is interactive
                    started = time.perf_counter()
                    try:
                        sample = measure_load(playwright, chromium, guard, setup.server, path,
                                              slider_inputs=args.slider_inputs if slider and here else 0,
                                              training=training and here)
                    except ForeignRequest:
                        raise
                    except Exception as error:  # one failed load must not lose the other figures
                        errors.append(f"run {run}, {setup.key}, {target}: {str(error).splitlines()[0]}")
                        log(f"  FAILED {errors[-1]}")
                        continue
                    done[target] = {key: sample[key] for key in LOAD_KEYS}
                    samples.add(setup.key, target, sample)
                    log(f"  run {run}/{args.runs} {setup.key} {target}: cold {sample['tti_cold_ms']:.0f} ms, "
                        f"warm {sample['tti_warm_ms']:.0f} ms, {sample['bytes_cold'] / 1e6:.2f} MB "
                        f"[{time.perf_counter() - started:.0f} s]")
                for page in pages:
                    for peer in PEERS:
                        for name, key in RATIOS.items():
                            value = ratio(done.get(page.path, {}).get(key), done.get(peer, {}).get(key))
                            if value is not None:
                                samples.loads[setup.key][page.path][f"ratio_{name}_{peer}"].append(value)


def by_file_summary(runs: list[dict[str, int]]) -> dict[str, dict]:
    """Per file: the summary of its bytes over the runs (0 in a run that did not fetch it), largest first."""
    files = sorted({f for run in runs for f in run}, key=lambda f: -max(run.get(f, 0) for run in runs))
    return {f: summary([run.get(f, 0) for run in runs]) for f in files}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kdbench-") as tmp:
        try:
            return run(args, Path(tmp), began)
        except KdsiteError as error:  # the site does not build, or a peer's files cannot be had
            log(f"error: {error}")
            return 2


def run(args: argparse.Namespace, tmp: Path, began: float) -> int:
    """Build or take the site, serve it with the peers on every setup, measure, report; return the exit status."""
    errors: list[str] = []
    config = snapshot(PROJECT, tmp / "project")
    site = (args.site or tmp / "_site").resolve()
    seconds = ensure_site(config, site)
    log(f"site: {site} ({f'built in {seconds:.1f} s' if seconds is not None else 'already built'})")
    builds = {key: [] for key in report.BUILD_METRICS}
    if not args.no_builds:
        log("timing builds…")
        try:
            builds = build_times(config, args.runs)
        except Exception as error:  # report it with the browser figures rather than lose them
            errors.append(f"build timing: {str(error).splitlines()[0]}")
    pages = widget_pages(site)
    if args.pages:
        pages = [p for p in pages if any(fnmatch.fnmatchcase(p.path, pattern) for pattern in args.pages)]
        if not pages:
            log(f"no page with widgets matches {' '.join(args.pages)}")
            return 2
    root = serve_root(site, tmp / "www")
    peers = write_peers(root, site, pages, config.pyodide_dir)
    files, setups = Files(), []
    guard = Guard()
    try:
        for compression in args.compression:
            for name in args.profiles:
                profile = PROFILES[name].sped_up(args.link_speedup)
                setups.append(Setup(profile, compression, start(root, profile, compression, files)))
        estimate = estimate_s(setups, root, len(pages), args.runs)
        log(f"pages with widgets: {', '.join(p.path for p in pages)}; peers: {', '.join(peers.values())}")
        log(f"matrix: {', '.join(s.key for s in setups)}; {args.runs} run(s); "
            f"estimated {estimate / 60:.0f} min on an idle 2-core machine")
        samples = Samples()
        measure(setups, pages, peers, guard, args, samples, errors)
    except ForeignRequest as error:
        log(f"\nSTOPPED: {error}")
        return 4
    finally:
        for setup in setups:
            setup.server.shutdown()
            setup.server.server_close()
        guard.close()

    results = {
        "meta": {"runs": args.runs, "slider_inputs": args.slider_inputs, "quick": args.quick,
                 "chromium": browser.chromium_path(args.chromium), "settle_s": browser.SETTLE_S,
                 "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(time.perf_counter() - began),
                 "estimated_seconds": round(estimate), "site": str(site),
                 "setups": {s.key: {"profile": s.profile.name, **s.profile.as_dict(), "compression": s.compression,
                                    "compression_about": COMPRESSIONS[s.compression]} for s in setups},
                 "interaction_measured_on": next((s.key for s in setups if not s.profile.throttled), setups[0].key),
                 "peers": {"naive": f"{peers['naive']}: Pyodide's official files, on the main thread",
                           "pyscript": f"{peers['pyscript']}: PyScript {PYSCRIPT_VERSION} on the official files"},
                 "chromium_own_requests_refused": guard.chromium_own},
        "pages": {p.path: {"widgets": [name for name, _ in p.widgets], "slider": p.slider, "training": p.training,
                           "interaction": {key: summary(samples.interaction[p.path].get(key, []))
                                           for key in report.INTERACTION_METRICS}}
                  for p in pages},
        "peers": {peer: {"interaction": {key: summary(samples.interaction[peer].get(key, []))
                                         for key in report.INTERACTION_METRICS}} for peer in PEERS},
        "loads": {s.key: {target: {**{key: summary(values) for key, values in samples.loads[s.key][target].items()},
                                   "bytes_cold_by_file": by_file_summary(samples.by_file[s.key][target])}
                          for target in [p.path for p in pages] + list(PEERS) if target in samples.loads[s.key]}
                  for s in setups},
        "build": {key: summary(values) for key, values in builds.items()},
        "boot_ms": {key: {cache: {phase: summary(values) for phase, values in phases.items()}
                          for cache, phases in boot.items()} for key, boot in samples.boot.items()},
        "errors": errors,
    }
    results["targets"] = report.targets(results)
    report.write(results, args.results)
    print(report.table(results))
    print(f"\nwrote {args.results}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
