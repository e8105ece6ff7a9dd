"""Ship the Pyodide files a host would send uncompressed, or gzipped only, as xz, which the
worker decompresses itself.

GitHub Pages gzips wasm but sends zips and wheels as they are, and a host that compresses nothing
sends the 10 MB pyodide.asm.wasm raw. So the build writes `<file>.xz` of pyodide.asm.wasm,
python_stdlib.zip and every wheel of the site lock (their entries stored: bytecode.py), and
`boot-files.js`, the list the worker (kdsite/static/worker.js, through
kdsite/static/boot-fetch.js) downloads at once when it starts and checks, once decompressed,
against the sha256 of the original (a wheel's is the site lock's, which Pyodide checks again).

Why xz (LZMA2, preset 9e, one block, the dictionary as large as the file): on these three
files it sends 5.1 MB where gzip -9 of the same stored archives sends 7.0 MB and Pyodide's
official files with GitHub Pages' gzip 8.8 MB (measured on 0.27.7 with our closure). Brotli
(quality 11, 16 MiB window) is 2 % larger and needs a 200 kB decoder; zstd -19 is 12 % larger.
Browsers decompress only gzip and deflate themselves (DecompressionStream), so the worker uses
xz-decompress (npm, MIT: xz-embedded compiled to WebAssembly, 20 kB; vendored in
kdsite/static/vendor/). It decodes about 30 MB/s on a laptop core, faster than any link
delivers xz, and it runs as the bytes arrive.

Not precompressed: JavaScript and JSON (every host that compresses at all compresses those, and
a script decompressed in the worker could only run through eval or a blob:, which the site's
Content-Security-Policy forbids), and pyodide.mjs (imported as a module).
"""

from __future__ import annotations

import hashlib
import json
import lzma
from pathlib import Path

from kdsite.errors import AssetError
from kdsite.files import atomic_write

MANIFEST = "boot-files.js"
LOCK = "pyodide-lock.json"
# Fetched by Pyodide with fetch() (so the worker can answer from the .xz), in boot order.
CORE = ("pyodide.asm.wasm", "python_stdlib.zip")
SUFFIX = ".xz"
# xz-decompress's decoder accepts dictionaries up to 64 MiB (xz_dec_init(XZ_DYNALLOC, 1 << 26));
# a dictionary larger than the file gains nothing and costs the reader's memory.
MAX_DICT = 1 << 26


def xz_bytes(data: bytes) -> bytes:
    """Return `data` as one .xz stream: LZMA2 preset 9 extreme, the dictionary the smallest power
    of two that holds the whole file (4 KiB to 64 MiB), CRC32 check (every xz decoder has it).
    Deterministic: the same bytes give the same output."""
    dict_size = max(1 << 12, min(MAX_DICT, 1 << max(len(data) - 1, 1).bit_length()))
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": dict_size}]
    return lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, filters=filters)


def precompress_runtime(pyodide_dir: Path, *, keep_originals: bool = False, cache: Path | None = None) -> dict:
    """Write `<name>.xz` beside each file of CORE and each wheel the site lock names, then
    `boot-files.js`; remove the originals unless `keep_originals`. Return the manifest:

        {"files": [{"name": "pyodide.asm.wasm", "packed": "pyodide.asm.wasm.xz",
                    "sha256": "<hex of the original>", "size": <bytes>, "packed_size": <bytes>}, …]}

    Idempotent: a second call (originals gone, .xz present) returns the same manifest. xz -9e
    takes about 20 s for these files, so with `cache` (a folder) each .xz is kept there under its
    original's sha256 and reused while it still decompresses to those bytes.
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
        src, packed = pyodide_dir / name, pyodide_dir / f"{name}{SUFFIX}"
        if src.is_file():
            data = src.read_bytes()
            if not (packed.is_file() and _unpacked(packed) == data):
                atomic_write(packed, _packed(data, cache))
        elif packed.is_file():
            data = _unpacked(packed)
            if data is None:
                raise AssetError(f"{packed}: not a valid xz file", "rebuild the site (make site)")
        else:
            raise AssetError(f"{src}: missing, so it cannot be precompressed", "rebuild the site (make site)")
        sha = hashlib.sha256(data).hexdigest()
        if locked_sha is not None and sha != locked_sha:
            raise AssetError(f"{src}: its sha256 is not the site lock's", "rebuild the site (make site)")
        files.append({"name": name, "packed": packed.name, "sha256": sha, "size": len(data),
                      "packed_size": packed.stat().st_size})
        if not keep_originals and src.is_file():
            src.unlink()
    manifest = {"files": files}
    text = ("// Made by kdsite/pyodide/precompress.py: what the worker fetches at once (boot-fetch.js).\n"
            f"export const BOOT_FILES = {json.dumps(manifest, indent=1, sort_keys=True)};\n")
    atomic_write(pyodide_dir / MANIFEST, text.encode())
    return manifest


def _packed(data: bytes, cache: Path | None) -> bytes:
    """xz_bytes(data), from `cache` when it holds a copy that decompresses to `data`."""
    if cache is None:
        return xz_bytes(data)
    kept = cache / f"{hashlib.sha256(data).hexdigest()}{SUFFIX}"
    if kept.is_file() and _unpacked(kept) == data:
        return kept.read_bytes()
    packed = xz_bytes(data)
    cache.mkdir(parents=True, exist_ok=True)
    atomic_write(kept, packed)  # a half-written copy is never seen
    return packed


def _unpacked(packed: Path) -> bytes | None:
    """The bytes an .xz file holds, or None when it is not valid xz."""
    try:
        return lzma.decompress(packed.read_bytes(), format=lzma.FORMAT_XZ)
    except lzma.LZMAError:
        return None
