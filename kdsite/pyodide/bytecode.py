"""Precompile the Python that ships to the browser (Pyodide's stdlib zip, numpy's wheel).

Pyodide 0.27.7 ships both as .py sources only, so every page load compiled ~150 stdlib modules
and numpy's Python part from source: about 0.9 s of a 1.7 s warm start (measured in
Chromium; `make bench` shows the boot phases).
Replacing each .py by its .pyc removes that. Each is compiled as `python -OO` would (OPTIMIZE):
without docstrings and asserts, which nothing in the browser reads, 0.36 MB less xz to download
(the stdlib's closure 1.03 -> 0.86 MB, numpy's wheel 1.54 -> 1.35 MB). Python then has to run
with that level too (kdsite/static/python-env.js sets PYTHONOPTIMIZE): numpy's import attaches
docstrings unless the interpreter says they were stripped, and would fail on the missing ones.
We compile ourselves instead of running
`pyodide py-compile`, whose output changes on every run (zip dates, .pyc mtimes): here entry
dates are kept, .pyc files use an unchecked source-hash header (PEP 552), and each archive is
compiled in a fresh interpreter (compile_sources), so the same input gives the same bytes, and
the site's offline manifest and the browser's caches stay valid.

Wheels also lose the files only a compiler or a type checker reads (C headers and sources,
static libraries, Cython declarations, .pyi stubs): numpy's wheel had 128 of them among 338
files, and Pyodide extracts every file of a wheel while the page waits. Their RECORD is
rewritten to list what the wheel now holds.

Given the modules a page imports (closure.py), an archive also loses every other module's
code, and a module nothing calls becomes its stand-in (stand_ins.py): a precompiled-and-trimmed
copy is cached per source, Python, module set and stand-ins.

Two numpy modules hold nothing but documentation: `numpy._core._add_newdocs` and
`_add_newdocs_scalars` hand numpy's `add_docstring` the docstrings of its compiled types and
functions. At level 2 numpy discards them unread (its add_docstring returns at once when
`sys.flags.optimize` > 1), so those strings ship empty (DOCS_ONLY): 41 kB less xz.

Every entry is stored, not deflated: readers download these files compressed whole
(precompress.py: xz over the archive sees all its modules at once, 35 % smaller than deflate
entry by entry), and Python and Pyodide then read each module without inflating it.
"""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import importlib.util
import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from kdsite.files import sha256_file
from kdsite.pyodide.closure import closure_digest, module_of, ships
from kdsite.pyodide.pins import PYODIDE_PYTHON
from kdsite.pyodide.stand_ins import STAND_INS, stand_in_source, stand_ins_digest

# Bytecode is only valid for the interpreter minor version that wrote it.
COMPATIBLE = sys.version_info[:2] == tuple(int(p) for p in PYODIDE_PYTHON.split(".")[:2])
# `python -OO`: the level of every .pyc shipped, and the PYTHONOPTIMIZE Pyodide is started with
# (kdsite/static/python-env.js; tests/unit/test_bytecode.py checks the two agree).
OPTIMIZE = 2
# Bump when precompile_zip's output changes, so cached copies made the old way are remade.
FORMAT = 7
# Modules that only pass docstrings to numpy's add_docstring, unread at level 2 (see above): each
# string constant of theirs that spans lines (a docstring, or a piece of one) ships empty.
DOCS_ONLY = frozenset({"numpy/_core/_add_newdocs.py", "numpy/_core/_add_newdocs_scalars.py"})
# In a wheel, files no program running in the browser can use: there is no compiler there.
BUILD_ONLY_SUFFIXES = (".pyi", ".pxd", ".pyx", ".h", ".c", ".a")


# Run by a fresh `python -I -S` per archive. marshal writes a string as interned or not as the
# string object is, and the one- and no-character strings are objects shared by the whole process,
# interned or not by what it ran before ("~", say, by some earlier import): the same source
# compiled after other work gave other bytes, so a build with some archives already cached, or one
# run from the test suite, made another site lock. Interning all of them first fixes their state.
# Each .pyc is sourceless, with an unchecked-hash header (PEP 552, no timestamp); one is loaded
# whatever the interpreter's optimization level. None: not Python (test data), shipped as is.
# A DOCS_ONLY module's code, or a constant of it, with each string that spans lines as "";
# defined as source, for the compiler below and for the test that compares with pyodide-build.
WITHOUT_DOCS = """
def without_docs(value):
    if isinstance(value, str):
        return "" if "\\n" in value else value
    if isinstance(value, (tuple, frozenset)):
        return type(value)(without_docs(v) for v in value)
    if isinstance(value, type(without_docs.__code__)):
        return value.replace(co_consts=tuple(without_docs(c) for c in value.co_consts))
    return value
"""
_COMPILER = WITHOUT_DOCS + """
import importlib.util, marshal, pickle, sys
for c in range(256):
    sys.intern(chr(c))
sys.intern("")
sources, optimize, docs_only = pickle.load(sys.stdin.buffer)

compiled = []
for name, source in sources:
    try:
        code = compile(source, name, "exec", dont_inherit=True, optimize=optimize)
        if name in docs_only:
            code = without_docs(code)
    except (SyntaxError, ValueError):
        compiled.append(None)
        continue
    except BaseException as e:
        sys.exit(f"{name}: {type(e).__name__}: {e}")
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
    compiled.append(header + marshal.dumps(code))
pickle.dump(compiled, sys.stdout.buffer)
"""


def compile_sources(sources: list[tuple[str, bytes]], docs_only: frozenset[str] = frozenset()) -> list[bytes | None]:
    """Return the .pyc bytes (level OPTIMIZE) of each (file name, source), or None for a source
    that does not compile, made in a fresh interpreter: the same sources give the same bytes
    whatever this process did before. A file named in `docs_only` ships each string constant
    that spans lines as "" (only where OPTIMIZE is 2: lower, numpy reads its docstrings). Raises
    RuntimeError when that interpreter fails."""
    docs_only = docs_only if OPTIMIZE >= 2 else frozenset()
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _COMPILER],
                          input=pickle.dumps((sources, OPTIMIZE, docs_only)),
                          capture_output=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"compiling {len(sources)} modules failed: {done.stderr.decode(errors='replace')}")
    compiled = pickle.loads(done.stdout)
    if len(compiled) != len(sources):
        raise RuntimeError(f"compiling {len(sources)} modules gave {len(compiled)} results")
    return compiled


def precompile_zip(src: Path, dst: Path, modules: frozenset[str] | None = None,
                   compile_py: bool = True) -> None:
    """Copy zip or wheel `src` to `dst`, each .py as its .pyc, keeping entry dates; trim wheels.

    With `modules`, only the entries closure.ships() keeps for them are copied, and a module of
    STAND_INS is replaced by its stand-in; without `compile_py`, .py files stay sources (a build
    under another Python than Pyodide's).
    """
    wheel = src.suffix == ".whl"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        shipped: list[tuple[zipfile.ZipInfo, bytes]] = []
        record: zipfile.ZipInfo | None = None
        for info in zin.infolist():
            if wheel and info.filename.endswith(".dist-info/RECORD"):
                record = info  # written last, once every other entry is known
                continue
            if wheel and info.filename.endswith(BUILD_ONLY_SUFFIXES):
                continue
            if modules is not None and not ships(info.filename, modules):
                continue
            data = zin.read(info)
            if modules is not None and module_of(info.filename) in STAND_INS:
                info, data = _stand_in(info)
            shipped.append((info, data))
        if compile_py:
            shipped = _compiled(shipped)
        for info, data in shipped:
            info = copy.copy(info)
            info.compress_type = zipfile.ZIP_STORED
            zout.writestr(info, data)
        if record is not None:
            record = copy.copy(record)
            record.compress_type = zipfile.ZIP_STORED
            zout.writestr(record, _record([(i.filename, d) for i, d in shipped], record.filename))


def _compiled(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Return `entries`, each .py that compiles as its .pyc (compile_sources), in the same order."""
    sources = [(info.filename, data) for info, data in entries if info.filename.endswith(".py")]
    codes = iter(compile_sources(sources, DOCS_ONLY) if sources else [])
    out = []
    for info, data in entries:
        code = next(codes) if info.filename.endswith(".py") else None
        if code is None:  # not a module, or a file not meant to import (test data): as it is
            out.append((info, data))
            continue
        compiled = zipfile.ZipInfo(info.filename + "c", info.date_time)
        compiled.external_attr = info.external_attr
        out.append((compiled, code))
    return out


def _stand_in(info: zipfile.ZipInfo) -> tuple[zipfile.ZipInfo, bytes]:
    """Return the entry of the stand-in (.py) for module entry `info` (compiled or Python)."""
    module = module_of(info.filename)
    entry = zipfile.ZipInfo(module.replace(".", "/") + ".py", info.date_time)
    entry.external_attr = 0o644 << 16
    return entry, stand_in_source(module)


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


def precompiled(src: Path, cache: Path, modules: frozenset[str] | None = None) -> Path:
    """Return the precompiled copy of `src` (trimmed to `modules` when given), made once per
    source, Python and module set; else `src` itself."""
    if not zipfile.is_zipfile(src):
        return src
    if not COMPATIBLE and modules is None:
        return src  # correct, only slower to start: a build under another Python ships sources
    source = sha256_file(src)[:24]
    # The compiler program and what it leaves out are part of the key: editing them remakes copies.
    compiler = hashlib.sha256("\n".join([_COMPILER, *sorted(DOCS_ONLY)]).encode()).hexdigest()[:8]
    kind = f"{importlib.util.MAGIC_NUMBER.hex()}-v{FORMAT}-O{OPTIMIZE}-c{compiler}" if COMPATIBLE else "sources"
    if modules is not None:
        kind += f"-only-{closure_digest(modules)}-{stand_ins_digest()}"
    folder = cache / f"{source}-{kind}"
    out, stamp = folder / src.name, folder / "sha256"
    # A cached copy is used only when it still has the hash written beside it when it was made.
    if out.is_file() and stamp.is_file() and sha256_file(out) == stamp.read_text(encoding="ascii"):
        return out
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache))
    try:
        precompile_zip(src, staging / src.name, modules, compile_py=COMPATIBLE)
        (staging / "sha256").write_text(sha256_file(staging / src.name), encoding="ascii")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for older in cache.glob(f"{source}-*"):  # copies made by another Python, FORMAT or closure
        if older != folder and not _other_kind(older.name, modules):
            shutil.rmtree(older, ignore_errors=True)
    return out


def _other_kind(folder: str, modules: frozenset[str] | None) -> bool:
    """Whether a cached copy is a full one while `modules` is given, or the other
    way round: both are in use (a site ships the trimmed one, the closure is recorded with the
    full one), so neither replaces the other."""
    return ("-only-" in folder) != (modules is not None)

