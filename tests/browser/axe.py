"""axe-core for the accessibility tests: fetched once with `npm pack`, pinned by sha256, cached.

Like kdsite.assets does for Pyodide: the tarball must match AXE_NPM_SHA256 before anything
is taken from it, only package/axe.min.js is extracted (refusing unsafe members), and the
cache folder appears in one rename, so an interrupted fetch leaves nothing half-made.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from kdsite.assets import cache_root, sha256_file

AXE_VERSION = "4.10.3"
# sha256 of the npm registry's tarball of axe-core@AXE_VERSION (what `npm pack` saves).
AXE_NPM_SHA256 = "0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292"
MEMBER = "package/axe.min.js"
MANIFEST = "kdsite-cache.json"


class AxeUnavailable(RuntimeError):
    """axe-core could not be fetched or verified."""


def ensure_axe(cache: Path | None = None) -> Path:
    """Return the path of the verified axe.min.js, fetching it into the cache if needed."""
    root = (cache if cache is not None else cache_root()) / "axe-core" / AXE_VERSION
    script = root / "axe.min.js"
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("npm_sha256") == AXE_NPM_SHA256 and sha256_file(script) == manifest.get("sha256"):
            return script
    except (OSError, ValueError):
        pass
    _install(root)
    return script


def _install(root: Path) -> None:
    """Fetch, verify and unpack axe.min.js into `root`, swapping it in with one rename."""
    root.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
    try:
        tgz = _npm_pack(stage)
        got = sha256_file(tgz)
        if got != AXE_NPM_SHA256:
            raise AxeUnavailable(f"axe-core@{AXE_VERSION} tarball has sha256 {got}, expected {AXE_NPM_SHA256}")
        new = stage / "new"
        new.mkdir()
        _extract(tgz, new / "axe.min.js")
        (new / MANIFEST).write_text(json.dumps({"version": AXE_VERSION, "npm_sha256": AXE_NPM_SHA256,
                                                "sha256": sha256_file(new / "axe.min.js")}), encoding="utf-8")
        if root.exists():
            root.rename(stage / "old")
        new.rename(root)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _npm_pack(dest: Path) -> Path:
    """Download the pinned tarball with npm into `dest`; return its path."""
    cmd = ["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(dest), "--loglevel=warn"]
    try:
        out = subprocess.run(cmd, cwd=dest, check=True, stdout=subprocess.PIPE, text=True, timeout=300).stdout
    except FileNotFoundError:
        raise AxeUnavailable("npm was not found: install Node.js to fetch axe-core") from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise AxeUnavailable(f"`{' '.join(cmd)}` failed: {error}") from None
    return dest / out.strip().splitlines()[-1]


def _extract(tgz: Path, target: Path) -> None:
    """Copy the one member we need out of the tarball, refusing links and unsafe paths."""
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if member.name.startswith(("/", "\\")) or ".." in parts:
                raise AxeUnavailable(f"{tgz.name}: unsafe member path {member.name!r}")
        try:
            member = tar.getmember(MEMBER)
        except KeyError:
            raise AxeUnavailable(f"{tgz.name} lacks {MEMBER}") from None
        if not member.isreg():
            raise AxeUnavailable(f"{tgz.name}: {MEMBER} is not a regular file")
        with tar.extractfile(member) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)


def format_violations(url: str, violations: list[dict]) -> str:
    """Return axe's violations as readable text: rule, impact, help, and each offending node."""
    lines = [f"{url}: {len(violations)} accessibility violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl'].split('?')[0]})")
        for node in v["nodes"][:8]:
            lines.append(f"      at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"      … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)
