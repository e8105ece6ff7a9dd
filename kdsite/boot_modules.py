"""The scripts a page's Python worker and its decoder threads load, which early.js preloads.

A worker fetches its module graph one level at a time (worker.js, then what it imports, then
what those import): on a mobile link each level costs a round trip, ~0.5 s before the first byte
of Pyodide arrives (measured with `make bench`, profile mobile). A page with widgets lists them
on early.js's element (`data-kd-boot-modules`); early.js asks for them all at once as it starts
Python (never with Save-Data on), and the workers find them in the HTTP cache. The list is read
from the scripts' own static imports, so it cannot fall behind them.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from kdsite.files import STATIC_DIR

# The scripts that start a thread of the boot: the Python worker and a decoder thread.
THREAD_SCRIPTS = ("worker.js", "unxz-worker.js")
# Requested by early.js's `new Worker` at the moment it would be preloaded: not listed.
STARTED_AT_ONCE = "worker.js"
# What the Python worker imports dynamically at once (worker.js), beside `_kd/static/`.
EARLY_DYNAMIC = ("../pyodide/boot-files.js", "../pyodide/pyodide.mjs")

# `import … from "./x.js"` and `import "./x.js"`, over several lines; never `import("…")`.
STATIC_IMPORT = re.compile(r"""^\s*import\s+(?:[^;'"]*?\s+from\s*)?["'](\.{1,2}/[^"']+)["']""", re.M | re.S)


def static_imports(script: Path) -> list[str]:
    """Return the relative specifiers `script` imports statically, in order."""
    return STATIC_IMPORT.findall(script.read_text(encoding="utf-8"))


def boot_modules(static_dir: Path = STATIC_DIR) -> list[str]:
    """Return the boot's scripts as paths relative to the site's `_kd/` folder, sorted: every
    THREAD_SCRIPTS file with its static imports (transitively) and EARLY_DYNAMIC, but for
    STARTED_AT_ONCE.

    Raises FileNotFoundError if a script or an import it names is missing from `static_dir`.
    """
    seen: set[str] = set()
    todo = list(THREAD_SCRIPTS)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in static_imports(static_dir / name):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), spec))
            if not target.startswith("../"):
                todo.append(target)
    seen.discard(STARTED_AT_ONCE)
    return sorted([f"static/{name}" for name in seen] +
                  [posixpath.normpath(posixpath.join("static", spec)) for spec in EARLY_DYNAMIC])
