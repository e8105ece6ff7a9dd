"""Build times, in a temporary copy of the snapshot so the real content/ is never modified.

The first two run in this process, after the harness's own build has warmed the Pyodide asset
cache and imported everything, as in `kdsite serve`, which rebuilds in-process on every save:
  full         a build into an empty output folder with an empty build cache (every widget
               state and figure computed), the Pyodide asset cache warm;
  incremental  the same output rebuilt after one line was appended to one content page,
               reusing the states and figures that did not change;
  cli          the same edit and rebuild as `kdsite build` in a new process (imports included).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kdsite.build import build, build_cache_dir
from kdsite.buildcache import BuildCache
from kdsite.config import CONFIG_FILE, Config


def build_times(snapshot: Config, runs: int) -> dict[str, list[float]]:
    """Return the seconds of `runs` full builds and `runs` incremental rebuilds of `snapshot`."""
    times: dict[str, list[float]] = {"build_full_s": [], "build_incremental_s": [], "build_incremental_cli_s": []}
    with tempfile.TemporaryDirectory(prefix="kdbench-builds-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(snapshot.content_dir, project / "content")
        shutil.copytree(snapshot.templates_dir, project / "templates")
        if (snapshot.root / CONFIG_FILE).exists():
            shutil.copy2(snapshot.root / CONFIG_FILE, project / CONFIG_FILE)
        config = dataclasses.replace(snapshot, root=project, content_dir=project / "content",
                                     templates_dir=project / "templates")
        pages = sorted(config.content_dir.rglob("*.md"))
        edited = config.content_dir / "index.md" if (config.content_dir / "index.md").exists() else pages[0]
        for run in range(runs):
            config.output_dir = project / "_site"
            cache = BuildCache(Path(tmp) / f"cache{run}")
            times["build_full_s"].append(build(config, cache).seconds)
            _append(edited, f"A line the benchmark appended ({run + 1}).")
            times["build_incremental_s"].append(build(config, cache).seconds)
            # The command uses the user's build cache, as it would after the user's last build.
            build(config, BuildCache(build_cache_dir()))
            _append(edited, f"Another line the benchmark appended ({run + 1}).")
            times["build_incremental_cli_s"].append(_cli_build(project, config.output_dir))
            shutil.rmtree(config.output_dir)
    return times


def _append(page: Path, line: str) -> None:
    with page.open("a", encoding="utf-8") as f:
        f.write(f"\n{line}\n")


def _cli_build(project: Path, output: Path) -> float:
    """Return the wall-clock seconds of `kdsite build` run as a new process in `project`."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kdsite.cli", "--root", str(project), "build", "--output", str(output)],
                   check=True, capture_output=True, text=True)
    return time.perf_counter() - started
