"""Put the Pyodide runtime, its wheels, kdsite's own wheel and a site lock into a built site.

Every official file was checked against its pinned or locked sha256 when it was fetched
(fetch.py). The stdlib zip and every wheel, ours included, ship precompiled to bytecode (bytecode.py),
so the site lock names the sha256 of the precompiled wheel the browser will verify. The stdlib
zip and numpy's wheel keep only the modules a page imports (closure.py, closure.json).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from kdsite.errors import AssetError
from kdsite.files import atomic_write, sha256_file
from kdsite.pyodide.bytecode import precompiled
from kdsite.pyodide.closure import CLOSURE_FILE, load_closure, modules_in
from kdsite.pyodide.fetch import PyodideDist, resolve_closure
from kdsite.pyodide.pins import PYODIDE_VERSION, SITE_CORE_FILES

LOCK = "pyodide-lock.json"
STDLIB = "python_stdlib.zip"


def write_runtime(dist: PyodideDist, dest: Path, core_wheel: Path, trim: bool = True) -> dict:
    """Fill dest with the runtime and a lock naming only what kdsite needs; return the lock.

    With `trim` (always, but when recording the closure itself), the stdlib zip and each wheel
    closure.json names keep only its recorded modules. Raises AssetError when closure.json
    names a module the archive lacks (another Pyodide version: record it again).
    """
    dest.mkdir(parents=True, exist_ok=True)
    pyc_cache = dist.root / "pyc"  # beside the verified files it is made from
    closure = load_closure() if trim else {}
    wanted = {name: dist.core_file(name) for name in SITE_CORE_FILES if name != LOCK}
    wanted[STDLIB] = precompiled(wanted[STDLIB], pyc_cache, _closure_of(STDLIB, wanted[STDLIB], closure))
    wanted[core_wheel.name] = precompiled(core_wheel, pyc_cache)
    for name, src in wanted.items():
        copy_if_different(src, dest / name)

    # The lock entry is read from the source wheel (pyodide-lock finds `imports` from .py
    # files); the browser checks the hash of the precompiled file it is served.
    lock = site_lock(dist.lock, core_wheel, core_wheel.parent)
    for name, entry in lock["packages"].items():
        if entry["file_name"] == core_wheel.name:
            entry["sha256"] = sha256_file(wanted[core_wheel.name])
            continue
        if name not in dist.wheels:
            raise AssetError(f"{core_wheel.name} needs {name}, which ensure_pyodide() did not fetch",
                             f"add {name!r} to RUNTIME_PACKAGES in kdsite/pyodide/pins.py")
        wheel = precompiled(dist.wheels[name], pyc_cache, _closure_of(name, dist.wheels[name], closure))
        entry["sha256"] = sha256_file(wheel)
        copy_if_different(wheel, dest / entry["file_name"])
        wanted[entry["file_name"]] = wheel

    # Drop wheels of earlier builds (an old kdsite version, say) so the site ships only these.
    for stale in dest.glob("*.whl"):
        if stale.name not in wanted:
            stale.unlink()
    text = json.dumps(lock, sort_keys=True)  # the official lock's own layout
    if not (dest / LOCK).is_file() or (dest / LOCK).read_text(encoding="utf-8") != text:
        atomic_write(dest / LOCK, text.encode())
    return lock


def _closure_of(archive: str, path: Path, closure: dict[str, frozenset[str]]) -> frozenset[str] | None:
    """Return the modules `archive` keeps (None: all), checked to be in the file at `path`."""
    modules = closure.get(archive)
    if modules is None:
        return None
    with zipfile.ZipFile(path) as z:
        missing = sorted(modules - modules_in(z.namelist()))
    if missing:
        raise AssetError(f"{CLOSURE_FILE.name} names modules {path.name} lacks: {', '.join(missing[:5])}",
                         "record the closure again: python tests/pyodide/closure_record.py")
    return modules


def site_lock(official: dict, wheel: Path, base: Path) -> dict:
    """Return the official lock plus `wheel`, trimmed to the wheel's dependency closure."""
    # pyodide-lock is build-side only; kdsite's browser core must import with numpy alone.
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock import utils as lock_utils

    # pyodide-lock memoises wheel metadata by path; a rebuilt wheel at the same path in a
    # long-running process (a dev server) would otherwise keep its old Requires-Dist.
    getattr(lock_utils._wheel_metadata, "cache_clear", lambda: None)()
    try:
        spec = lock_utils.add_wheels_to_spec(PyodideLockSpec.from_dict(official), [wheel],
                                             base_path=base)
    except RuntimeError as e:  # e.g. a Requires-Dist that Pyodide does not ship
        raise AssetError(f"cannot add {wheel.name} to the Pyodide lock: {e}",
                         "depend only on packages Pyodide ships") from e
    lock = spec.to_dict()
    # The spec drops info.version as deprecated, yet Pyodide 0.27 refuses a lock whose
    # version differs from its own, so the official info goes back in verbatim.
    lock["info"] = dict(official["info"])
    if lock["info"].get("version") != PYODIDE_VERSION:
        raise AssetError(f"the official lock says Pyodide {lock['info'].get('version')}, "
                         f"expected {PYODIDE_VERSION}", "clear the kdsite cache")
    # The spec adds empty "tool" tables the official lock never has; keep Pyodide's layout.
    if not lock.get("tool"):
        lock.pop("tool", None)
    name = canonicalize_name(parse_wheel_filename(wheel.name)[0])
    keep = resolve_closure(lock, [name])
    lock["packages"] = {n: p for n, p in lock["packages"].items() if n in keep}
    for entry in lock["packages"].values():
        if not entry.get("tool"):
            entry.pop("tool", None)
    return lock


def copy_if_different(src: Path, dst: Path) -> None:
    """Copy src to dst unless dst already has the same size and sha256."""
    if dst.is_file() and dst.stat().st_size == src.stat().st_size \
            and sha256_file(dst) == sha256_file(src):
        return
    atomic_write(dst, src)

