"""A build cache on disk: widget states and figures, keyed by everything they are computed from.

A key is the sha256 of the kdsite source code, the numpy and matplotlib versions, the kind of
entry and its inputs (a widget's name and validated config, a figure's name). Any change to
one of them gives a new key, so an entry is never stale; it can only be missing. An entry that
cannot be read is recomputed and rewritten: the cache can speed a build up, never break it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from kdsite.files import PACKAGE_DIR as PACKAGE
from kdsite.files import atomic_write

# What the cached values are computed with, besides our own code.
LIBRARIES = ("numpy", "matplotlib")
# Past this many entries the least recently used are deleted, down to half of it.
MAX_ENTRIES = 2000


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a sha256 over kdsite's Python sources and the versions of the libraries it uses."""
    # Once per process: `kdsite serve` re-executes itself when package code changes.
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


class BuildCache:
    """JSON values in files named by their key, in one folder; None stores nothing."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def key(self, kind: str, inputs: Any) -> str:
        """Return the key of an entry of `kind` computed from JSON-able `inputs`."""
        text = json.dumps([code_fingerprint(), kind, inputs], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def get_or_compute(self, kind: str, inputs: Any, compute: Callable[[], Any]) -> Any:
        """Return the cached value for (kind, inputs), or compute, store and return it."""
        path = self.folder / f"{kind}-{self.key(kind, inputs)}.json" if self.folder else None
        if path is not None:
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
                os.utime(path)  # recently used: prune() keeps it
                self.hits += 1
                return value
            except (OSError, ValueError):
                pass  # missing or unreadable: compute it again below
        self.misses += 1
        # Hand back the stored form even on a miss, so a build from the cache and a build
        # without it render the same bytes (JSON has no tuples and no integer keys).
        text = json.dumps(compute(), allow_nan=False, separators=(",", ":"))
        if path is not None:
            self._store(path, text)
        return json.loads(text)

    def _store(self, path: Path, text: str) -> None:
        """Write an entry atomically; a cache that cannot be written only costs time."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, text.encode("utf-8"))
        except OSError:
            pass

    def prune(self) -> None:
        """Delete the least recently used entries once there are more than MAX_ENTRIES."""
        if self.folder is None or not self.folder.is_dir():
            return
        try:
            entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
            for path in entries[:len(entries) - MAX_ENTRIES // 2] if len(entries) > MAX_ENTRIES else []:
                path.unlink(missing_ok=True)
        except OSError:
            pass  # another build pruning at the same time: nothing is lost but time
