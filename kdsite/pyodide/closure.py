"""Ship only the Python the widgets run: the stdlib and numpy modules of real runs.

Pyodide's stdlib zip holds 554 files and numpy's wheel 338, yet a page imports about a third
of them. closure.json (beside this file) names, per archive, every module that was in
`sys.modules` after real runs under Pyodide in Node: the boot, loading numpy and kdsite, every
state function for every widget of the site with every control moved, the training loop, and
the error paths the worker reports (tests/pyodide/closure_record.py records it;
tests/pyodide/test_closure.py checks that a fresh recording still equals the file, and that a
built site ships exactly it). The build ships, of each archive, only these modules' files,
plus a wheel's .dist-info and the license files of kept packages.

A module left out fails loudly: `ModuleNotFoundError` in the widget's error state, which the
browser tests (they drive every control of every widget) would show. A module imported but
never called (numpy's LAPACK kernels, tarfile) ships as a stand-in instead
(stand_ins.py), which fails as loudly if asked.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

CLOSURE_FILE = Path(__file__).with_name("closure.json")
# Archives trimmed to their recorded modules: the stdlib zip by file name, wheels by package.
STDLIB = "python_stdlib.zip"
# `mod.py`, `mod.pyc`, `pkg/__init__.py[c]`, `mod.cpython-312-wasm32-emscripten.so`.
_MODULE_FILE = re.compile(r"^(?P<path>[^.]+)(?:\.cpython-[^./]+|\.abi3)?\.(?:py|pyc|so)$")


@cache
def load_closure(path: Path = CLOSURE_FILE) -> dict[str, frozenset[str]]:
    """Return {archive: module names} from closure.json (archive: "python_stdlib.zip" or a
    package name such as "numpy"). Raises FileNotFoundError or ValueError for a bad file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    modules = data.get("modules")
    if not isinstance(modules, dict) or not all(isinstance(v, list) for v in modules.values()):
        raise ValueError(f"{path}: 'modules' must map an archive to a list of module names")
    return {archive: frozenset(names) for archive, names in modules.items()}


def closure_digest(modules: frozenset[str]) -> str:
    """Return a short hash of a module set (a cache key for trimmed archives)."""
    return hashlib.sha256("\n".join(sorted(modules)).encode()).hexdigest()[:16]


def module_of(entry: str) -> str | None:
    """Return the module an archive entry is the code of ("json/__init__.pyc" → "json",
    "numpy/fft/_pocketfft_umath.cpython-312-wasm32-emscripten.so" → "numpy.fft._pocketfft_umath"),
    or None for any other file (data, licences, folders, .dist-info)."""
    match = _MODULE_FILE.match(entry)
    if match is None or ".dist-info/" in entry:
        return None
    parts = match["path"].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    if not all(parts):
        return None
    return ".".join(parts)


def ships(entry: str, modules: frozenset[str]) -> bool:
    """Whether the archive entry `entry` ships when only `modules` are kept: their code, a
    wheel's .dist-info, and LICENSE files in the folder of a kept package."""
    if ".dist-info/" in entry:
        return True
    module = module_of(entry)
    if module is not None:
        return module in modules
    folder, _, name = entry.rpartition("/")
    return name.upper().startswith("LICENSE") and folder.replace("/", ".") in modules


def modules_in(names: list[str]) -> frozenset[str]:
    """Return the modules whose code is among archive entries `names`."""
    return frozenset(m for m in map(module_of, names) if m is not None)
