"""Precompile the Python that ships to the browser (Pyodide's stdlib zip, numpy's wheel).

Pyodide 0.27.7 ships both as .py sources only, so every page load compiled ~150 stdlib modules
and numpy's Python part from source: about 0.9 s of a 1.7 s warm start (measured in
Chromium; `make bench` shows the boot phases).
Replacing each .py by its .pyc removes that. We compile ourselves instead of running
`pyodide py-compile`, whose output changes on every run (zip dates, .pyc mtimes): here entry
dates are kept and .pyc files use an unchecked source-hash header (PEP 552), so the same input
gives the same bytes, and the site's offline manifest and the browser's caches stay valid.

Wheels also lose the files only a compiler or a type checker reads (C headers and sources,
static libraries, Cython declarations, .pyi stubs): numpy's wheel had 128 of them among 338
files, and Pyodide extracts every file of a wheel while the page waits. Their RECORD is
rewritten to list what the wheel now holds.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.util
import io
import marshal
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from kdsite.files import sha256_file
from kdsite.pyodide.pins import PYODIDE_PYTHON

# Bytecode is only valid for the interpreter minor version that wrote it.
COMPATIBLE = sys.version_info[:2] == tuple(int(p) for p in PYODIDE_PYTHON.split(".")[:2])
# Bump when precompile_zip's output changes, so cached copies made the old way are remade.
FORMAT = 2
# In a wheel, files no program running in the browser can use: there is no compiler there.
BUILD_ONLY_SUFFIXES = (".pyi", ".pxd", ".pyx", ".h", ".c", ".a")


def pyc_bytes(source: bytes, name: str) -> bytes:
    """Return a sourceless .pyc of `source` with an unchecked-hash header (no timestamp)."""
    code = compile(source, name, "exec", dont_inherit=True)
    flags = (1).to_bytes(4, "little")  # hash-based, not checked against a source
    return importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)


def precompile_zip(src: Path, dst: Path) -> None:
    """Copy zip or wheel `src` to `dst`, each .py as its .pyc, keeping entry dates; trim wheels."""
    wheel = src.suffix == ".whl"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        shipped: list[tuple[str, bytes]] = []
        record: zipfile.ZipInfo | None = None
        for info in zin.infolist():
            if wheel and info.filename.endswith(".dist-info/RECORD"):
                record = info  # written last, once every other entry is known
                continue
            if wheel and info.filename.endswith(BUILD_ONLY_SUFFIXES):
                continue
            info, data = _compiled(info, zin.read(info))
            zout.writestr(info, data)
            shipped.append((info.filename, data))
        if record is not None:
            zout.writestr(record, _record(shipped, record.filename))


def _compiled(info: zipfile.ZipInfo, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    """Return the entry for `data`: its .pyc when it is a module that compiles, else itself."""
    if not info.filename.endswith(".py"):
        return info, data
    try:
        code = pyc_bytes(data, info.filename)
    except (SyntaxError, ValueError):  # a file not meant to import (test data): ship as is
        return info, data
    compiled = zipfile.ZipInfo(info.filename + "c", info.date_time)
    compiled.compress_type = zipfile.ZIP_DEFLATED
    compiled.external_attr = info.external_attr
    return compiled, code


def _record(entries: list[tuple[str, bytes]], record_name: str) -> bytes:
    """Return a wheel RECORD (PEP 376 CSV) listing `entries` with their sha256 and size."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for name, data in entries:
        if not name.endswith("/"):
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([record_name, "", ""])
    return out.getvalue().encode()


def precompiled(src: Path, cache: Path) -> Path:
    """Return the precompiled copy of `src`, made once per source and Python; else `src` itself."""
    if not COMPATIBLE or not zipfile.is_zipfile(src):
        return src  # correct, only slower to start: a build under another Python ships sources
    source = sha256_file(src)[:24]
    folder = cache / f"{source}-{importlib.util.MAGIC_NUMBER.hex()}-v{FORMAT}"
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
    for older in cache.glob(f"{source}-*"):  # copies made by another Python or FORMAT
        if older != folder:
            shutil.rmtree(older, ignore_errors=True)
    return out
