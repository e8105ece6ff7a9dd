"""`python -m bench.engines`: time to live in Chromium, Firefox and WebKit, served and from disk, in one run.

For each engine, driven by tests/engines' drivers (Debian's Chromium through Playwright, Firefox
ESR through puppeteer-core over WebDriver BiDi, WebKitGTK's MiniBrowser through WebKitWebDriver),
a page (index.html unless --pages says otherwise) is opened two ways:

  served     over http from 127.0.0.1 by the bench's server (bench/server.py) on the `local`
             link: no throttling, gzip as GitHub Pages sends it;
  from disk  from the unzipped offline download, kdsite-offline.zip (file://, no server).

Time to live is from the navigation's start until every widget of the page has
data-kd-state="ready", on the page's own clock (performance.now()), so the drivers' own
latencies do not count. Every load is a first visit: a browser launched for it with a new,
empty profile, left SETTLE_S to finish its own start-up first. Runs are interleaved (run 1 of
every engine and way, then run 2, ...), so a machine whose load changes meanwhile weighs on
every engine alike. Each figure is the median of --runs runs, and its ratio to Chromium's median
from the same run. The size of the offline download is printed too.

Not counted alike: Chromium's driver passes every request through Playwright (to refuse other
hosts), which Firefox and WebKit do with a proxy setting instead; a few ms a request.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.profiles import PROFILES
from bench.report import cell, fmt, grid
from bench.server import start
from bench.site import ensure_site, snapshot, widget_pages
from bench.stats import ratio, summary
from kdsite.errors import KdsiteError
from kdsite.offline_zip import FOLDER, size_text
from kdsite.publish import OFFLINE_ZIP

PROJECT = Path(__file__).resolve().parents[1]
ENGINES_DIR = PROJECT / "tests" / "engines"
WAYS = ("served", "from disk")
SETTLE_S = 2.0  # after launch, before the load: Chromium's start-up burst is ~0.25 s (bench/browser.py)
POLL_S = 0.25  # how often the harness looks; the page times readiness itself
LIVE_TIMEOUT_S = 300.0  # a busy 2-core machine can take over a minute to boot Python
# Installed once the page has loaded (the drivers have no init scripts); Python is still booting
# then, so the observer sees every widget turn ready. A page already live when it is installed
# gets the time of installing it, later than the truth, and is flagged `late`.
WATCH = """(() => {
  if (!window.__kdLive) {
    const live = (window.__kdLive = { at: null, late: false, error: null, widgets: 0 });
    const check = () => {
      const states = Array.from(document.querySelectorAll("[data-kd-widget]"), (w) => w.dataset.kdState);
      live.widgets = states.length;
      if (states.includes("error")) live.error = "a widget turned to its error state";
      else if (live.at === null && states.length && states.every((s) => s === "ready")) live.at = performance.now();
    };
    check();
    live.late = live.at !== null;
    new MutationObserver(check).observe(document,
      { subtree: true, attributes: true, attributeFilter: ["data-kd-state"] });
  }
  return window.__kdLive;
})()"""


def drivers():
    """Return tests/engines/engine_drivers.py as a module (tests/engines is not a package)."""
    if str(ENGINES_DIR) not in sys.path:
        sys.path.insert(0, str(ENGINES_DIR))
    import engine_drivers

    return engine_drivers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    engines = drivers().ENGINES
    parser = argparse.ArgumentParser(prog="python -m bench.engines", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="loads per engine and way; each figure is their median")
    parser.add_argument("--pages", nargs="+", default=["index.html"], metavar="PATH",
                        help="site paths of pages with widgets to time (default: index.html)")
    parser.add_argument("--engines", nargs="+", choices=engines, default=list(engines),
                        help=f"engines to time (default: {' '.join(engines)}); ratios need chromium")
    parser.add_argument("--site", type=Path, help="time this built site (built into it if it is empty)")
    parser.add_argument("--results", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def time_to_live(engine: str, url: str, widgets: int) -> tuple[float, bool, str]:
    """Open `url` in a newly launched `engine`; return (seconds to live, late, engine version).

    Raises the driver's EngineUnavailable when the engine cannot run here, RuntimeError when a
    widget fails or the page has not `widgets` widgets, TimeoutError after LIVE_TIMEOUT_S.
    """
    driver = drivers().launch(engine)
    try:
        driver.open("about:blank")
        time.sleep(SETTLE_S)
        driver.open(url)
        deadline = time.monotonic() + LIVE_TIMEOUT_S
        while (live := driver.evaluate(WATCH))["at"] is None and not live["error"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"not live within {LIVE_TIMEOUT_S:g} s; page errors: {driver.console_errors()}")
            time.sleep(POLL_S)
        if live["error"]:
            raise RuntimeError(f"{live['error']}; page errors: {driver.console_errors()}")
        if live["widgets"] != widgets:
            raise RuntimeError(f"{live['widgets']} widgets live, the page has {widgets}")
        user_agent = driver.evaluate("navigator.userAgent")
        version = getattr(driver, "version", "") or next(iter(re.findall(r"Chrom\w*/[\d.]+", user_agent)), "")
        return live["at"] / 1000, live["late"], version
    finally:
        driver.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kdbench-engines-") as tmp:
        try:
            return run(args, Path(tmp))
        except KdsiteError as error:  # the site does not build
            log(f"error: {error}")
            return 2


def run(args: argparse.Namespace, tmp: Path) -> int:
    """Build or take the site, unzip its download, time every engine both ways, report; return the exit status."""
    site = (args.site or tmp / "_site").resolve()
    seconds = ensure_site(snapshot(PROJECT, tmp / "project"), site)
    log(f"site: {site} ({f'built in {seconds:.1f} s' if seconds is not None else 'already built'})")
    widgets = {p.path: len(p.widgets) for p in widget_pages(site)}
    missing = [p for p in args.pages if p not in widgets]
    if missing:
        log(f"not a page with widgets of the site: {' '.join(missing)}")
        return 2
    archive = site / OFFLINE_ZIP
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp / "unzipped")
    copy = tmp / "unzipped" / FOLDER
    server = start(site, PROFILES["local"], "gh-pages")
    urls = {"served": lambda page: server.base + page, "from disk": lambda page: (copy / page).as_uri()}
    samples = {(e, w, p): [] for e in args.engines for w in WAYS for p in args.pages}
    late, errors, versions, unavailable = [], [], {}, {}
    unavailable_error = drivers().EngineUnavailable
    try:
        for run_index in range(args.runs):
            for engine in args.engines:
                for way in WAYS:
                    for page in args.pages:
                        if engine in unavailable:
                            continue
                        where = f"{engine}, {way}, {page}, run {run_index + 1}/{args.runs}"
                        try:
                            seconds, was_late, versions[engine] = time_to_live(engine, urls[way](page), widgets[page])
                        except unavailable_error as reason:
                            unavailable[engine] = str(reason)
                            log(f"{engine}: cannot run here: {reason}")
                            continue
                        except Exception as error:  # report it beside the other figures rather than lose them
                            errors.append(f"{where}: {str(error).splitlines()[0]}")
                            log(f"{where}: FAILED: {errors[-1]}")
                            continue
                        samples[engine, way, page].append(seconds)
                        if was_late:
                            late.append(where)
                        log(f"{where}: live in {seconds:.2f} s")
    finally:
        server.shutdown()
        server.server_close()

    stats = {key: summary(values) for key, values in samples.items()}
    results = {
        "meta": {"runs": args.runs, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "site": str(site),
                 "settle_s": SETTLE_S, "versions": versions, "unavailable": unavailable,
                 "served": "bench/server.py, local link (no throttling), gh-pages compression",
                 "from_disk": f"{OFFLINE_ZIP} unzipped, file://"},
        "offline_zip_bytes": archive.stat().st_size,
        "time_to_live_s": {f"{e}/{w}/{p}": stat for (e, w, p), stat in stats.items()},
        "ratio_to_chromium": {f"{e}/{w}/{p}": ratio(median(stat), median(stats.get(("chromium", w, p))))
                              for (e, w, p), stat in stats.items()},
        "late": late,
        "errors": errors,
    }
    print(table(results, args, stats))
    if args.results:
        args.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {args.results}")
    return 1 if errors else 0


def median(stat: dict | None) -> float | None:
    return stat["median"] if stat else None


def table(results: dict, args: argparse.Namespace, stats: dict) -> str:
    """Return the printed report: per page, one row per engine, time to live and ratio both ways."""
    meta = results["meta"]
    out = []
    for page in args.pages:
        rows = []
        for engine in args.engines:
            row = [engine, meta["versions"].get(engine, "not run")]
            for way in WAYS:
                stat = stats[engine, way, page]
                row += [cell(stat and {k: stat[k] * 1000 for k in ("median", "min", "max")}, "ms"),
                        fmt(results["ratio_to_chromium"][f"{engine}/{way}/{page}"], "x")]
            rows.append(row)
        out += [f"time to live, {page}: median of {args.runs} run(s) [min–max], ratio to Chromium's median"]
        out += grid(["engine", "version", "served (http)", "÷ Chromium", "from disk (file://)", "÷ Chromium"], rows)
        out.append("")
    size = results["offline_zip_bytes"]
    out.append(f"offline download: {OFFLINE_ZIP}, {size_text(size)} ({size:,} bytes)")
    for engine, reason in meta["unavailable"].items():
        out.append(f"not run: {engine}: {reason}")
    if results["late"]:
        out.append(f"late (live before the harness looked; the time is an upper bound): {', '.join(results['late'])}")
    out += [f"FAILED: {error}" for error in results["errors"]]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
