"""The printed tables, the targets (shown, never asserted) and bench/results.json.

results.json holds, besides "meta":
  loads[setup][target]  per network setup ("mobile/gh-pages") and target (a page's path, or the
                        peers "naive" and "pyscript"): LOAD_METRICS, for our pages the ratios
                        RATIO_METRICS, and bytes_cold_by_file (file -> bytes, largest first);
  pages[path]           widgets, slider, training and "interaction" (INTERACTION_METRICS);
  peers[peer]           "interaction" (the PyScript page's slider);
  build, boot_ms[setup], targets, errors.
Every figure is {median, min, max, runs}, or null when it does not apply or was not measured.
"""

from __future__ import annotations

import json
from pathlib import Path

# (key, column title, unit) of one load's figures, for pages and peers alike.
LOAD_METRICS = [
    ("fcp_ms", "first paint", "ms"),
    ("tti_cold_ms", "TTI cold", "ms"),
    ("tti_warm_ms", "TTI warm", "ms"),
    ("bytes_cold", "bytes cold", "B"),
]
# Our page's figure over the peer's from the same run and setup.
RATIO_METRICS = [
    ("ratio_tti_cold_naive", "cold/naive", "x"),
    ("ratio_tti_cold_pyscript", "cold/PyScript", "x"),
    ("ratio_tti_warm_naive", "warm/naive", "x"),
    ("ratio_tti_warm_pyscript", "warm/PyScript", "x"),
    ("ratio_bytes_cold_naive", "bytes/naive", "x"),
    ("ratio_bytes_cold_pyscript", "bytes/PyScript", "x"),
]
INTERACTION_COLUMNS = [
    ("slider_p50_ms", "slider p50", "ms"),
    ("slider_p95_ms", "slider p95", "ms"),
    ("train_epochs_per_s", "epochs/s", ""),
    ("train_longest_task_ms", "longest task", "ms"),
]
INTERACTION_METRICS = [key for key, _, _ in INTERACTION_COLUMNS] + ["train_long_tasks"]
BUILD_METRICS = ["build_full_s", "build_incremental_s", "build_incremental_cli_s"]
PEER_TITLES = {"naive": "naive peer", "pyscript": "PyScript peer"}
FILES_SHOWN = 5  # per target in the bytes-by-file lines; the rest are summed


def fmt(value: float | None, unit: str) -> str:
    """Format one number compactly."""
    if value is None:
        return "–"
    if unit == "B":
        return f"{value / 1e6:.2f}MB" if value >= 1e5 else f"{value / 1e3:.1f}kB"
    if unit == "ms":
        return f"{value / 1000:.2f}s" if value >= 1000 else f"{value:.1f}ms" if value < 100 else f"{value:.0f}ms"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def cell(stat: dict | None, unit: str) -> str:
    """Return 'median [min–max]', or just the median when the runs agree (or there was one)."""
    if stat is None:
        return "–"
    low, high = fmt(stat["min"], unit), fmt(stat["max"], unit)
    median = fmt(stat["median"], unit)
    return median if low == high else f"{median} [{low}–{high}]"


def _median(stat: dict | None) -> float | None:
    return stat["median"] if stat else None


def targets(results: dict) -> list[dict]:
    """Check each target against the medians; return [{target, page, setup, value, shown, met}]."""
    out = []

    def check(name, page, setup, value, ok, unit):
        if value is not None:
            out.append({"target": name, "page": page, "setup": setup, "value": value,
                        "shown": fmt(value, unit), "met": bool(ok(value))})

    setups = results["meta"]["setups"]
    for key, loads in results["loads"].items():
        profile = setups[key]["profile"]
        for page in results["pages"]:
            m = loads.get(page)
            if not m:
                continue
            check("cold bytes <= 0.6 x naive", page, key, _median(m.get("ratio_bytes_cold_naive")),
                  lambda v: v <= 0.6, "x")
            check(f"cold TTI <= 0.6 x naive ({profile})", page, key, _median(m.get("ratio_tti_cold_naive")),
                  lambda v: v <= 0.6, "x")
            if profile == "mobile":
                check("first paint <= 1.5 s (mobile)", page, key, _median(m.get("fcp_ms")), lambda v: v <= 1500, "ms")
            check("cold TTI ahead of PyScript", page, key, _median(m.get("ratio_tti_cold_pyscript")),
                  lambda v: v < 1, "x")
            check("warm TTI ahead of PyScript", page, key, _median(m.get("ratio_tti_warm_pyscript")),
                  lambda v: v < 1, "x")
            check("warm TTI <= 1 s", page, key, _median(m.get("tti_warm_ms")), lambda v: v <= 1000, "ms")
    where = results["meta"]["interaction_measured_on"]
    for page, info in results["pages"].items():
        m = info["interaction"]
        check("slider p95 <= 16 ms", page, where, _median(m["slider_p95_ms"]), lambda v: v <= 16, "ms")
        # "No task over 50 ms": the worst run, not the median.
        check("no main-thread task > 50 ms while training", page, where,
              m["train_longest_task_ms"]["max"] if m["train_longest_task_ms"] else None, lambda v: v <= 50, "ms")
    for key, name in (("build_incremental_s", "incremental rebuild <= 1 s"),
                      ("build_incremental_cli_s", "incremental rebuild by `kdsite build` <= 1 s")):
        seconds = _median(results["build"].get(key))
        check(name, None, None, seconds, lambda v: v <= 1, "s")
    return out


def grid(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return [line(head), line(["-" * w for w in widths]), *map(line, rows)]


def _by_file(by_file: dict[str, dict]) -> str:
    """'file 1.2MB, file 0.3MB, … + N more 0.1MB' of the median bytes per file."""
    items = [(f, stat["median"]) for f, stat in by_file.items()]
    items.sort(key=lambda item: -item[1])
    shown = [f"{f.rsplit('/', 1)[-1]} {fmt(n, 'B')}" for f, n in items[:FILES_SHOWN]]
    rest = items[FILES_SHOWN:]
    if rest:
        shown.append(f"+ {len(rest)} more {fmt(sum(n for _, n in rest), 'B')}")
    return ", ".join(shown)


def table(results: dict) -> str:
    """Return the printed report: one table per setup, bytes by file, interaction, builds, targets."""
    meta = results["meta"]
    out = [f"kdsite bench — median [min–max] of {meta['runs']} run(s); times from navigation start; "
           "bytes as sent by the server up to interactive (the worker's included); ratios: ours over the peer's "
           "in the same run (median); naive peer: Pyodide's official files on the main thread", ""]
    columns = LOAD_METRICS + RATIO_METRICS
    shown_bytes: set[str] = set()
    for key, loads in results["loads"].items():
        setup = meta["setups"][key]
        out.append(f"{key}: {setup['about']}; {setup['compression_about']}")
        # Ranges for the figures, medians only for the ratios: the table stays readable.
        rows = [[target if target in results["pages"] else PEER_TITLES.get(target, target)]
                + [cell(m.get(k), unit) if (k, title, unit) in LOAD_METRICS else fmt(_median(m.get(k)), unit)
                   for k, title, unit in columns] for target, m in loads.items()]
        out += grid(["page"] + [title for _, title, _ in columns], rows)
        if setup["compression"] not in shown_bytes:  # bytes depend on the compression, not the link
            shown_bytes.add(setup["compression"])
            out.append(f"cold bytes by file, {setup['compression']} (median):")
            for target, m in loads.items():
                if target in PEER_TITLES or target == next(iter(results["pages"]), None):
                    out.append(f"  {PEER_TITLES.get(target, target)}: {_by_file(m['bytes_cold_by_file'])}")
        out.append("")
    out.append(f"interaction (measured on {meta['interaction_measured_on']}):")
    rows = [[path] + [cell(page["interaction"][k], unit) for k, _, unit in INTERACTION_COLUMNS]
            for path, page in results["pages"].items()]
    rows += [[PEER_TITLES[peer]] + [cell(peer_info["interaction"][k], unit) for k, _, unit in INTERACTION_COLUMNS]
             for peer, peer_info in results["peers"].items() if any(peer_info["interaction"].values())]
    out += grid(["page"] + [title for _, title, _ in INTERACTION_COLUMNS], rows)
    out.append("")
    build = results["build"]
    if any(build.values()):
        out.append(f"build (warm asset cache): full {cell(build['build_full_s'], 's')} s, "
                   f"incremental after a one-line edit {cell(build['build_incremental_s'], 's')} s in-process "
                   f"(kdsite serve), {cell(build.get('build_incremental_cli_s'), 's')} s as `kdsite build`")
    for key, boot in results["boot_ms"].items():
        for cache, phases in boot.items():
            if phases:
                out.append(f"{key} {cache} boot of our worker (median ms): "
                           + ", ".join(f"{phase} {fmt(stat['median'], '')}" for phase, stat in phases.items() if stat))
    out.append("")
    out.append("targets (medians, longest task: worst run; shown, not asserted):")
    for name in dict.fromkeys(t["target"] for t in results["targets"]):
        checked = [t for t in results["targets"] if t["target"] == name]
        missed = [t for t in checked if not t["met"]]
        if checked[0]["page"] is None:
            out.append(f"  {'MISS' if missed else 'ok  '} {name}: {checked[0]['shown']}")
            continue
        worst = max(checked, key=lambda t: t["value"])
        out.append(f"  {'MISS' if missed else 'ok  '} {name}: met on {len(checked) - len(missed)}/{len(checked)} "
                   f"(page, setup); worst {worst['page']} on {worst['setup']}: {worst['shown']}")
    for error in results["errors"]:
        out.append(f"ERROR {error}")
    return "\n".join(out)


def write(results: dict, path: Path) -> None:
    """Write results.json."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
