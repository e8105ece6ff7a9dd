"""Precompile the Python that ships to the browser (Pyodide's stdlib zip, numpy's wheel).

Pyodide 0.27.7 ships both as .py sources only, so every page load compiled ~150 stdlib modules
and numpy's Python part from source: about 0.9 s of a 1.7 s warm start (measured in
Chromium; `make bench` shows the boot phases).
Replacing each .py by its .pyc removes that. We compile ourselves instead of running
`pyodide py-compile`, whose output changes on every run (zip dates, .pyc mtimes): here entry
dates are kept and .pyc files use an unchecked source-hash header (PEP 552), so the same input
gives the same bytes, and the site's offline manifest and the browser's caches stay valid.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from kdsite.assets import sha256_file
from kdsite.pins import PYODIDE_PYTHON

# Bytecode is only valid for the interpreter minor version that wrote it.
COMPATIBLE = sys.version_info[:2] == tuple(int(p) for p in PYODIDE_PYTHON.split(".")[:2])


def pyc_bytes(source: bytes, name: str) -> bytes:
    """Return a sourceless .pyc of `source` with an unchecked-hash header (no timestamp)."""
    code = compile(source, name, "exec", dont_inherit=True)
    flags = (1).to_bytes(4, "little")  # hash-based, not checked against a source
    return importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)


def precompile_zip(src: Path, dst: Path) -> None:
    """Copy zip or wheel `src` to `dst` with every .py replaced by its .pyc, keeping entry dates."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if not info.filename.endswith(".py"):
                zout.writestr(info, data)
                continue
            try:
                code = pyc_bytes(data, info.filename)
            except (SyntaxError, ValueError):  # a file not meant to import (test data): ship as is
                zout.writestr(info, data)
                continue
            compiled = zipfile.ZipInfo(info.filename + "c", info.date_time)
            compiled.compress_type = zipfile.ZIP_DEFLATED
            compiled.external_attr = info.external_attr
            zout.writestr(compiled, code)


def precompiled(src: Path, cache: Path) -> Path:
    """Return the precompiled copy of `src`, made once per source and Python; else `src` itself."""
    if not COMPATIBLE or not zipfile.is_zipfile(src):
        return src  # correct, only slower to start: a build under another Python ships sources
    folder = cache / f"{sha256_file(src)[:24]}-{importlib.util.MAGIC_NUMBER.hex()}"
    out, stamp = folder / src.name, folder / "sha256"
    # A cached copy is used only when it still has the hash written beside it when it was made.
    if out.is_file() and stamp.is_file() and sha256_file(out) == stamp.read_text(encoding="ascii"):
        return out
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache))
    try:
        precompile_zip(src, staging / src.name)
        (staging / "sha256").write_text(sha256_file(staging / src.name), encoding="ascii")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
