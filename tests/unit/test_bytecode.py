"""Precompiled zips: same bytes for the same input, importable without sources, compiled as
`python -OO` would and run by a Python told so, cached by source hash, a corrupted cached copy
made again, and sources kept where compiling fails."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import io
import marshal
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from kdsite.pyodide import bytecode
from kdsite.pyodide.bytecode import precompile_zip, precompiled

SOURCES = {
    "kdtoy/__init__.py": b"from kdtoy.maths import double\n",
    "kdtoy/maths.py": b'"""Doc."""\n\ndef double(x):\n    return 2 * x\n',
    "kdtoy/data.txt": b"not python\n",
    "kdtoy/broken_example.py": b"print 'python 2'\n",
}
# Files a wheel carries for compilers and type checkers only.
BUILD_ONLY = {
    "kdtoy/__init__.pyi": b"def double(x: int) -> int: ...\n",
    "kdtoy/include/kdtoy.h": b"int double(int);\n",
    "kdtoy/lib/libkdtoy.a": b"!<arch>\n",
    "kdtoy/kdtoy.pxd": b"cdef int double(int)\n",
}


@pytest.fixture
def toy(tmp_path):
    path = tmp_path / "toy.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in SOURCES.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 5, 6, 7, 8, 10)), data)
    return path


def test_every_module_becomes_bytecode_and_the_rest_is_kept(toy, tmp_path):
    out = tmp_path / "out.zip"
    precompile_zip(toy, out)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert names == {"kdtoy/__init__.pyc", "kdtoy/maths.pyc", "kdtoy/data.txt", "kdtoy/broken_example.py"}
        assert z.getinfo("kdtoy/maths.pyc").date_time == (2024, 5, 6, 7, 8, 10)
        assert z.read("kdtoy/maths.pyc")[:4] == importlib.util.MAGIC_NUMBER


@pytest.fixture
def toy_wheel(tmp_path):
    path = tmp_path / "kdtoy-1.0-py3-none-any.whl"
    files = {**SOURCES, **BUILD_ONLY, "kdtoy-1.0.dist-info/METADATA": b"Name: kdtoy\nVersion: 1.0\n"}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 5, 6, 7, 8, 10)), data)
        z.writestr("kdtoy-1.0.dist-info/RECORD", "".join(f"{n},,\n" for n in files) + "kdtoy-1.0.dist-info/RECORD,,\n")
    return path


def test_a_wheel_loses_build_only_files_and_its_record_tells_the_truth(toy_wheel, tmp_path):
    out = tmp_path / "out" / toy_wheel.name
    out.parent.mkdir()
    precompile_zip(toy_wheel, out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert not set(BUILD_ONLY) & set(names)
        assert {"kdtoy/__init__.pyc", "kdtoy/maths.pyc", "kdtoy/data.txt"} <= set(names)
        rows = list(csv.reader(io.StringIO(z.read("kdtoy-1.0.dist-info/RECORD").decode())))
        assert [r[0] for r in rows] == [n for n in names if n != "kdtoy-1.0.dist-info/RECORD"] + [
            "kdtoy-1.0.dist-info/RECORD"]
        for name, digest, size in rows[:-1]:
            data = z.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert int(size) == len(data)
        assert rows[-1] == ["kdtoy-1.0.dist-info/RECORD", "", ""]


def test_a_plain_zip_keeps_every_file(tmp_path):
    path = tmp_path / "stdlib.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in BUILD_ONLY.items():
            z.writestr(name, data)
    precompile_zip(path, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as z:
        assert set(z.namelist()) == set(BUILD_ONLY)


def test_the_same_input_gives_the_same_bytes(toy, tmp_path):
    precompile_zip(toy, tmp_path / "a.zip")
    precompile_zip(toy, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_the_same_input_gives_the_same_bytes_whatever_the_process_did_before(tmp_path):
    # marshal marks a string interned by what its process interned before: this test process
    # has imported much (email, json, tokenize…); a fresh one has not.
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    names = ["fnmatch.py", "ast.py", "calendar.py", "tokenize.py", "urllib/parse.py"]
    src = tmp_path / "lib.zip"
    with zipfile.ZipFile(src, "w") as z:
        for name in names:
            z.writestr(zipfile.ZipInfo(name, (2024, 5, 6, 7, 8, 10)), (stdlib / name).read_bytes())
    import email.parser  # noqa: F401  (more for this process to have interned)
    for c in range(256):  # the shared one-character strings: "~" changed bytes before
        sys.intern(chr(c))
    precompile_zip(src, tmp_path / "here.zip")
    root = Path(bytecode.__file__).parents[2]
    subprocess.run([sys.executable, "-I", "-S", "-c",
                    f"import sys; sys.path.insert(0, {str(root)!r}); from pathlib import Path; "
                    "from kdsite.pyodide.bytecode import precompile_zip; "
                    f"precompile_zip(Path({str(src)!r}), Path({str(tmp_path / 'fresh.zip')!r}))"], check=True)
    assert (tmp_path / "here.zip").read_bytes() == (tmp_path / "fresh.zip").read_bytes()


def test_modules_import_from_bytecode_alone(toy, tmp_path, monkeypatch):
    out = tmp_path / "out.zip"
    precompile_zip(toy, out)
    monkeypatch.syspath_prepend(str(out))
    try:
        module = importlib.import_module("kdtoy")
        assert module.double(21) == 42 and module.__spec__.origin.endswith("__init__.pyc")
    finally:
        for name in [n for n in sys.modules if n == "kdtoy" or n.startswith("kdtoy.")]:
            del sys.modules[name]


def test_bytecode_is_compiled_as_python_OO_compiles_it(tmp_path):
    path = tmp_path / "toy.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("kdtoy/checks.py", b'"""Module doc."""\n\ndef half(x):\n    """Doc."""\n'
                                      b'    assert x % 2 == 0, "odd"\n    return x // 2\n')
    precompile_zip(path, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as z:
        code = marshal.loads(z.read("kdtoy/checks.pyc")[16:])
    namespace: dict = {}
    exec(code, namespace)
    assert namespace.get("__doc__") is None and namespace["half"].__doc__ is None
    assert namespace["half"](3) == 1  # the assert is gone


def test_python_is_started_at_the_level_the_bytecode_was_compiled_at():
    # numpy's import attaches docstrings unless sys.flags.optimize says they were stripped.
    script = Path(bytecode.__file__).parents[1] / "static" / "python-env.js"
    env = re.search(r"PYTHON_ENV = Object\.freeze\((\{.*?\})\)", script.read_text(encoding="utf-8"))
    assert env, f"{script} no longer declares PYTHON_ENV"
    level = re.search(r'PYTHONOPTIMIZE: "(\d)"', env.group(1))
    assert level, f"{script}: PYTHON_ENV no longer sets PYTHONOPTIMIZE"
    assert level.group(1) == str(bytecode.OPTIMIZE)


def test_made_once_per_source_and_remade_when_corrupted(toy, tmp_path):
    cache = tmp_path / "cache"
    first = precompiled(toy, cache)
    made = first.stat().st_mtime_ns
    assert precompiled(toy, cache) == first and first.stat().st_mtime_ns == made
    first.write_bytes(b"truncated")
    again = precompiled(toy, cache)
    assert again == first and zipfile.is_zipfile(again)
    assert [p.name for p in cache.iterdir()] == [first.parent.name]  # no staging folder left


def test_another_python_ships_the_sources(toy, tmp_path, monkeypatch):
    monkeypatch.setattr(bytecode, "COMPATIBLE", False)
    assert precompiled(toy, tmp_path / "cache") == toy


def test_the_built_runtime_ships_bytecode(built_site):
    runtime = built_site / "_kd" / "pyodide"
    with zipfile.ZipFile(runtime / "python_stdlib.zip") as z:
        names = z.namelist()
    assert "json/__init__.pyc" in names and not [n for n in names if n.startswith("json/") and n.endswith(".py")]
    (wheel,) = runtime.glob("numpy-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "numpy/__init__.pyc" in names and "numpy/_core/_multiarray_umath.cpython-312-wasm32-emscripten.so" in names
    assert not [n for n in names if n.endswith((".pyi", ".h"))]


def test_a_file_that_is_not_a_zip_ships_as_it_is(tmp_path):
    fake = tmp_path / "python_stdlib.zip"
    fake.write_bytes(b"not a zip")
    assert precompiled(fake, tmp_path / "cache") == fake
