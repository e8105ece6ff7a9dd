"""The whole site as one download for offline use: unzip, double-click index.html, all is live.

`kdsite-offline.zip` (publish.OFFLINE_ZIP) holds every file of the built site under one folder,
`kdsite-offline/`, `_kd/file/` included, which is what a page opened from disk (file://) needs.
It is deterministic: entries sorted, one fixed timestamp and mode, wheels and other already
compressed files stored, the rest deflated.

The pages' footer link shows the download's size, yet the pages are inside the download. The
template writes SIZE_PLACEHOLDER; this module fills it with a size text, writes the files that
depend on the pages (the offline manifest, sw.js), measures the archive and repeats until the
text it wrote is the text of the size it got. Only those few small files change between tries,
so every other file is compressed once, and the archive is assembled here from the compressed
bytes: zipfile cannot reuse them. A ZIP written this way is plain ZIP 2.0 (no ZIP64), which any
unzip tool reads; tests/site/test_offline_zip.py reads it back with zipfile.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from kdsite.publish import OFFLINE_ZIP, write_offline_manifest

# What the footer's link shows until the build knows the download's size (templates/page.html).
SIZE_PLACEHOLDER = "KDSITE_OFFLINE_ZIP_SIZE"
FOLDER = OFFLINE_ZIP.removesuffix(".zip") + "/"
# Already compressed: deflating them again costs time and saves nothing. Wheels and zips are
# not among them: the runtime's have their entries stored (kdsite/pyodide/bytecode.py).
STORED_SUFFIXES = (".gz", ".bz2", ".xz", ".png", ".jpg", ".jpeg", ".gif", ".webp",
                   ".woff", ".woff2", ".mp4", ".webm")
# 1980-01-01 00:00:00, the first instant a ZIP can record, as DOS time and date.
DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--, in the central directory's Unix attributes
MAX_TRIES = 6


def size_text(n_bytes: int) -> str:
    """Return a byte count as readers read it: "23 MB", "4.2 MB", "800 kB" (decimal units)."""
    if n_bytes >= 10_000_000:
        return f"{n_bytes / 1e6:.0f} MB"
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1e6:.1f} MB"
    return f"{max(1, round(n_bytes / 1e3))} kB"


def write_offline_zip(site: Path) -> int:
    """Write `site`/kdsite-offline.zip of every other file in `site`; return its size in bytes.

    Call it last: it fills SIZE_PLACEHOLDER in the site's pages with the archive's size and
    rewrites the offline manifest and sw.js to match them, so those must already exist.
    """
    target = site / OFFLINE_ZIP
    target.unlink(missing_ok=True)
    templates = {path: path.read_text(encoding="utf-8") for path in sorted(site.rglob("*.html"))}
    templates = {path: text for path, text in templates.items() if SIZE_PLACEHOLDER in text}
    changing = set(templates) | {site / "sw.js", site / "_kd" / "offline.json"}
    files = sorted((p for p in site.rglob("*") if p.is_file() and p != target),
                   key=lambda p: p.relative_to(site).as_posix())
    entries = {p: _entry(site, p) for p in files if p not in changing}
    shown = size_text(sum(len(e[1]) for e in entries.values()))  # a first guess, close to the end size
    for _ in range(MAX_TRIES):
        for path, text in templates.items():
            path.write_text(text.replace(SIZE_PLACEHOLDER, shown), encoding="utf-8")
        write_offline_manifest(site)
        entries.update((p, _entry(site, p)) for p in changing if p.is_file())
        archive = _archive([entries[p] for p in files if p in entries])
        if size_text(len(archive)) == shown:
            break
        # At the edge of a rounding step the text could flip back and forth; the last one is
        # then off by one unit in its last digit, which is as exact as the text claims to be.
        shown = size_text(len(archive))
    target.write_bytes(archive)
    return len(archive)


def _entry(site: Path, path: Path) -> tuple[bytes, bytes, int, int, int]:
    """Return (name, data as stored, method, crc32, size) of one file."""
    name = (FOLDER + path.relative_to(site).as_posix()).encode("utf-8")
    data = path.read_bytes()
    if path.name.lower().endswith(STORED_SUFFIXES):
        return name, data, 0, zlib.crc32(data), len(data)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, as ZIP wants it
    deflated = packer.compress(data) + packer.flush()
    if len(deflated) >= len(data):  # a zip or wheel whose entries are deflated already
        return name, data, 0, zlib.crc32(data), len(data)
    return name, deflated, 8, zlib.crc32(data), len(data)


def _archive(entries: list[tuple[bytes, bytes, int, int, int]]) -> bytes:
    """Return a ZIP of the entries, in their order; ValueError if it would need ZIP64."""
    local, central = bytearray(), bytearray()
    for name, data, method, crc, size in entries:
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        offset = len(local)
        if max(offset, len(data), size) >= 0xFFFFFFFF:
            raise ValueError(f"{OFFLINE_ZIP} would exceed 4 GB, which needs ZIP64")
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, DOS_TIME, DOS_DATE,
                             crc, len(data), size, len(name), 0) + name + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, flags, method, DOS_TIME,
                               DOS_DATE, crc, len(data), size, len(name), 0, 0, 0, 0, FILE_MODE, offset) + name
    if len(entries) >= 0xFFFF or len(local) >= 0xFFFFFFFF:
        raise ValueError(f"{OFFLINE_ZIP} would hold too many files or bytes for a ZIP without ZIP64")
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return bytes(local + central + end)
