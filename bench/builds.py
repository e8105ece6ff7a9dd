"""Build times, in a temporary copy of the snapshot so the real content/ is never modified.

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
from kdsite.config import Config


def build_times(snapshot: Config, runs: int) -> dict[str, list[float]]:
    """Return the seconds of `runs` full builds and `runs` incremental rebuilds of `snapshot`."""
    times: dict[str, list[float]] = {"build_full_s": [], "build_incremental_s": []}
    with tempfile.TemporaryDirectory(prefix="kdbench-builds-") as tmp:
        content = Path(tmp) / "content"  # a copy of the snapshot's content, for the edits below
        shutil.copytree(snapshot.content_dir, content)
        config = dataclasses.replace(snapshot, content_dir=content)
        edited = content / "index.md" if (content / "index.md").exists() else sorted(content.rglob("*.md"))[0]
        for run in range(runs):
            config.output_dir = Path(tmp) / f"_site{run}"
            times["build_full_s"].append(build(config).seconds)
            with edited.open("a", encoding="utf-8") as f:
                f.write(f"\nA line the benchmark appended ({run + 1}).\n")
            times["build_incremental_s"].append(build(config).seconds)
            shutil.rmtree(config.output_dir)
    return times
