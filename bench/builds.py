"""Build times, in a temporary copy of the project so the real content/ is never modified.

Both builds run in this process, after the harness's own build has warmed the Pyodide asset
cache and imported everything, as in `kdsite serve`, which rebuilds in-process on every save:
  full         a build into an empty output folder;
  incremental  the same output rebuilt after one line was appended to one content page.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

from kdsite.build import build
from kdsite.config import CONFIG_FILE, load_config


def copy_project(project: Path, dest: Path) -> Path:
    """Copy content/, templates/ and kdsite.toml (if present) of `project` into `dest`."""
    real = load_config(project)
    shutil.copytree(real.content_dir, dest / "content")
    shutil.copytree(real.templates_dir, dest / "templates")
    if (project / CONFIG_FILE).exists():
        shutil.copy2(project / CONFIG_FILE, dest / CONFIG_FILE)
    return dest


def build_times(project: Path, runs: int) -> dict[str, list[float]]:
    """Return the seconds of `runs` full builds and `runs` incremental rebuilds."""
    times: dict[str, list[float]] = {"build_full_s": [], "build_incremental_s": []}
    real = load_config(project)
    with tempfile.TemporaryDirectory(prefix="kdbench-project-") as tmp:
        copy = copy_project(project, Path(tmp))
        # Same settings as the real project, but reading and writing only inside the copy.
        config = dataclasses.replace(load_config(copy), pyodide_dir=real.pyodide_dir)
        edited = config.content_dir / ("index.md" if (config.content_dir / "index.md").exists()
                                       else sorted(p.name for p in config.content_dir.glob("*.md"))[0])
        for run in range(runs):
            config.output_dir = copy / f"_site{run}"
            times["build_full_s"].append(build(config).seconds)
            with edited.open("a", encoding="utf-8") as f:
                f.write(f"\nA line the benchmark appended ({run + 1}).\n")
            times["build_incremental_s"].append(build(config).seconds)
            shutil.rmtree(config.output_dir)
    return times
