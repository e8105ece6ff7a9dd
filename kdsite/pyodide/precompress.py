"""Ship the Pyodide files a host would send uncompressed as gzip, decompressed by the worker.

GitHub Pages gzips wasm but sends zips and wheels as they are, and a host that compresses nothing
sends the 10 MB pyodide.asm.wasm raw. So the build writes `<file>.gz` (gzip, zlib level 9) of
pyodide.asm.wasm, python_stdlib.zip and every wheel of the site lock, drops the originals, and
writes `boot-files.js`, the list the worker (kdsite/static/worker.js, through
kdsite/static/boot-fetch.js) downloads at once when it starts and checks, once decompressed,
against the sha256 of the original (a wheel's is the site lock's, which Pyodide checks again).
A host that gzips .gz files again gains nothing and loses little; GitHub Pages does not.
The stdlib zip's entries are stored first (RESTORED), so gzip sees its modules uncompressed.

Not precompressed: JavaScript and JSON (every host that compresses at all compresses those, and
a script decompressed in the worker could only run through eval or a blob:, which the site's
Content-Security-Policy forbids), and pyodide.mjs (imported as a module).
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

from kdsite.errors import AssetError
from kdsite.files import atomic_write

MANIFEST = "boot-files.js"
LOCK = "pyodide-lock.json"
# Fetched by Pyodide with fetch() (so the worker can answer from the .gz), in boot order.
CORE = ("pyodide.asm.wasm", "python_stdlib.zip")
# gzip level 9 (zopfli saves 3-4 % more, at minutes per build: see the issue-15 report).
LEVEL = 9
# Not bound to a sha256 outside this build (wheels are: the site lock names theirs), so its
# entries are stored before the whole file is gzipped: 10 % fewer bytes than gzip of the
# deflated zip, and Python reads it without inflating each module.
RESTORED = "python_stdlib.zip"


def precompress_runtime(pyodide_dir: Path, *, keep_originals: bool = False) -> dict:
    """Write `<name>.gz` beside each file of CORE and each wheel the site lock names, then
    `boot-files.js`; remove the originals unless `keep_originals`. Return the manifest:

        {"files": [{"name": "pyodide.asm.wasm", "gz": "pyodide.asm.wasm.gz",
                    "sha256": "<hex of the original>", "size": <bytes>, "gz_size": <bytes>}, …]}

    (python_stdlib.zip's "original" is the stdlib zip with its entries stored: see RESTORED.)

    Idempotent: a second call (originals gone, .gz present) returns the same manifest.
    Raises AssetError when a file is missing or a wheel's bytes are not the lock's.
    """
    lock_path = pyodide_dir / LOCK
    if not lock_path.is_file():
        raise AssetError(f"{lock_path}: no site lock to precompress for", "run the build's runtime step first")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    expected = {name: None for name in CORE}
    for entry in sorted(lock["packages"].values(), key=lambda e: e["file_name"]):
        expected[entry["file_name"]] = entry["sha256"]
    files = []
    for name, locked_sha in expected.items():
        src, gz = pyodide_dir / name, pyodide_dir / f"{name}.gz"
        if src.is_file():
            data = src.read_bytes()
            if name == RESTORED:
                data = stored_zip(data)
            packed = gzip.compress(data, compresslevel=LEVEL, mtime=0)  # mtime 0: reproducible
            if not gz.is_file() or gz.read_bytes() != packed:
                atomic_write(gz, packed)
        elif gz.is_file():
            data = gzip.decompress(gz.read_bytes())
        else:
            raise AssetError(f"{src}: missing, so it cannot be precompressed", "rebuild the site (make site)")
        sha = hashlib.sha256(data).hexdigest()
        if locked_sha is not None and sha != locked_sha:
            raise AssetError(f"{src}: its sha256 is not the site lock's", "rebuild the site (make site)")
        files.append({"name": name, "gz": gz.name, "sha256": sha, "size": len(data),
                      "gz_size": gz.stat().st_size})
        if not keep_originals and src.is_file():
            src.unlink()
    manifest = {"files": files}
    text = ("// Made by kdsite/pyodide/precompress.py: what the worker fetches at once (boot-fetch.js).\n"
            f"export const BOOT_FILES = {json.dumps(manifest, indent=1, sort_keys=True)};\n")
    atomic_write(pyodide_dir / MANIFEST, text.encode())
    return manifest


def stored_zip(data: bytes) -> bytes:
    """Return the zip archive `data` with every entry stored (not compressed), in the same order
    with the same names, times and contents. Deterministic: the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            body = src.read(info)  # read with the entry's own compression, CRC checked
            entry = copy.copy(info)
            entry.compress_type = zipfile.ZIP_STORED
            dst.writestr(entry, body)
    return out.getvalue()
