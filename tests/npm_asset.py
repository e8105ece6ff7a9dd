"""One file out of a pinned npm package, for the tests: fetched once with `npm pack`, cached.

Like kdsite.pyodide.fetch does for Pyodide: the tarball must match its pinned sha256 before anything
is taken from it, only the one member asked for is extracted (refusing unsafe members), and
the cache folder appears in one rename, so an interrupted fetch leaves nothing half-made.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kdsite.errors import AssetError
from kdsite.files import cache_root, sha256_file
from kdsite.pyodide.fetch import verified_npm_tarball

MANIFEST = "kdsite-cache.json"


class NpmAssetUnavailable(RuntimeError):
    """The npm package could not be fetched or verified."""


@dataclass(frozen=True)
class NpmAsset:
    """One file of one npm package version, pinned by the sha256 of the tarball `npm pack` saves."""

    package: str
    version: str
    npm_sha256: str
    member: str  # path inside the tarball, e.g. package/axe.min.js

    @property
    def filename(self) -> str:
        """Return the name the file is cached under."""
        return PurePosixPath(self.member).name


def ensure_npm_asset(asset: NpmAsset, cache: Path | None = None) -> Path:
    """Return the path of the verified file, fetching it into the cache if needed."""
    root = (cache if cache is not None else cache_root()) / asset.package / asset.version
    target = root / asset.filename
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("npm_sha256") == asset.npm_sha256 and sha256_file(target) == manifest.get("sha256"):
            return target
    except (OSError, ValueError):
        pass
    _install(asset, root)
    return target


def _install(asset: NpmAsset, root: Path) -> None:
    """Fetch, verify and unpack the file into `root`, swapping it in with one rename."""
    root.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
    try:
        try:
            tgz = verified_npm_tarball(stage, f"{asset.package}@{asset.version}", asset.npm_sha256)
        except AssetError as error:
            raise NpmAssetUnavailable(str(error)) from None
        new = stage / "new"
        new.mkdir()
        _extract(tgz, asset.member, new / asset.filename)
        (new / MANIFEST).write_text(json.dumps({"version": asset.version, "npm_sha256": asset.npm_sha256,
                                                "sha256": sha256_file(new / asset.filename)}), encoding="utf-8")
        if root.exists():
            root.rename(stage / "old")
        new.rename(root)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _extract(tgz: Path, name: str, target: Path) -> None:
    """Copy the one member we need out of the tarball, refusing links and unsafe paths."""
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if member.name.startswith(("/", "\\")) or ".." in parts:
                raise NpmAssetUnavailable(f"{tgz.name}: unsafe member path {member.name!r}")
        try:
            member = tar.getmember(name)
        except KeyError:
            raise NpmAssetUnavailable(f"{tgz.name} lacks {name}") from None
        if not member.isreg():
            raise NpmAssetUnavailable(f"{tgz.name}: {name} is not a regular file")
        with tar.extractfile(member) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
