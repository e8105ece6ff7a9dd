"""The PyScript peer: a PyScript page doing one distillation-viz's job, on local Pyodide files.

PyScript comes from its npm package, fetched by name with `npm pack` and checked against a
pinned sha256 (kdsite.pyodide.fetch.verified_npm_tarball), then kept in the kdsite cache. Its page
points PyScript's `interpreter` at the official Pyodide files the naive peer serves beside it
(the site's own runtime holds only the modules kdsite imports, and PyScript's own Python needs
more), and asks for numpy with `packages_cache: "passthrough"`: PyScript then hands the package
list to `loadPyodide`, which loads numpy from that official lock.
(PyScript's default installs packages with micropip, which the site does not ship; the
passthrough is also the quicker of the two.)
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tarfile
import tempfile
from pathlib import Path

from kdsite.errors import AssetError
from kdsite.pyodide.fetch import cache_root, verified_npm_tarball

BENCH_DIR = Path(__file__).resolve().parent
# The newest PyScript release whose default Pyodide is the one kdsite ships (0.27.7).
PYSCRIPT_VERSION = "0.6.66"
PYSCRIPT_NPM_SHA256 = "973182bd45a4d615c436a45a442a6fffc3a6acb170ea755ff30071b16ef5fe82"
PAGE = "pyscript.html"  # in the peers' folder, beside pyscript/


def pyscript_dist(cache: Path | None = None) -> Path:
    """Return the folder of PyScript's dist/ files (source maps left out), fetching them once."""
    dest = (cache or cache_root()) / "bench" / f"pyscript-{PYSCRIPT_VERSION}"
    if (dest / "core.js").is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kdbench-pyscript-", dir=dest.parent) as tmp:
        tgz = verified_npm_tarball(Path(tmp), f"@pyscript/core@{PYSCRIPT_VERSION}", PYSCRIPT_NPM_SHA256)
        unpacked = Path(tmp) / "dist"
        unpacked.mkdir()
        with tarfile.open(tgz) as archive:
            for member in archive.getmembers():
                name = member.name.removeprefix("package/dist/")
                if member.isfile() and name != member.name and "/" not in name and not name.endswith(".map"):
                    (unpacked / name).write_bytes(archive.extractfile(member).read())
        os.replace(unpacked, dest)  # whole or not at all: another run never sees half a copy
    return dest


def default_pyodide(dist: Path) -> str:
    """Return the Pyodide version this PyScript release loads by default (read from its code)."""
    for js in sorted(dist.glob("*.js")):
        found = re.search(r'type:"pyodide",module:\(\w+="([0-9][^"]*)"\)', js.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    raise AssetError(f"no default Pyodide version found in PyScript {PYSCRIPT_VERSION}'s files in {dist}",
                     f"delete {dist} to fetch it again")


def write_pyscript(folder: Path, site_root_url: str, viz: dict, site_pyodide: str) -> str:
    """Write the PyScript page and its files into `folder`; return the page's file name.

    `site_root_url` is the site's root as the page sees it (an absolute path such as "/"; the
    official Pyodide files are in `folder`/pyodide, as the naive peer writes them),
    `viz` the distillation-viz parameters to show, `site_pyodide` the site's Pyodide version,
    which PyScript must be made for (AssetError otherwise, and when PyScript cannot be fetched).
    """
    dist = pyscript_dist()
    made_for = default_pyodide(dist)
    if made_for != site_pyodide:
        raise AssetError(f"PyScript {PYSCRIPT_VERSION} is made for Pyodide {made_for}, the site ships {site_pyodide}",
                         "pin the PyScript release made for it (PYSCRIPT_VERSION and its npm tarball's sha256) "
                         "in bench/pyscript_peer.py")
    shutil.copytree(dist, folder / "pyscript", dirs_exist_ok=True)
    config = {"interpreter": f"{site_root_url}{folder.name}/pyodide/pyodide.mjs", "packages": ["numpy"],
              "packages_cache": "passthrough"}
    low, high = viz.get("temp_range", [0.5, 8.0])
    labels = viz.get("labels") or [str(i) for i in range(len(viz["teacher"]))]
    rows = "\n".join(
        f'  <li>{html.escape(str(label))} '
        f'<span class="bar teacher" data-kd-bar="teacher" data-index="{i}"></span>'
        f'<span class="bar student" data-kd-bar="student" data-index="{i}"></span></li>'
        for i, label in enumerate(labels))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PyScript peer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="pyscript/core.css">
<script type="module" src="pyscript/core.js"></script>
<style>
.bar {{ display: block; height: 0.6em; width: 0; }} .teacher {{ background: #36c; }} .student {{ background: #c63; }}
</style>
</head><body>
<div data-kd-widget="distillation-viz" data-config="{html.escape(json.dumps(viz))}">
<p>Teacher vs student · T = <span data-kd-readout="temperature" data-value="">…</span>
 · KL(teacher ‖ student) = <span data-kd-readout="kl" data-value="">…</span> nats</p>
<input type="range" data-kd-control="temperature" min="{low}" max="{high}" step="0.01"
 value="{viz.get('temperature', 1.0)}" aria-label="temperature">
<ol>
{rows}
</ol>
</div>
<script type="py" config="{html.escape(json.dumps(config))}">
{(BENCH_DIR / 'pyscript_widget.py').read_text(encoding='utf-8')}</script>
</body></html>
"""
    (folder / PAGE).write_text(page, encoding="utf-8")
    return PAGE
