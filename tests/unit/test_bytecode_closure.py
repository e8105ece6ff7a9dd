"""Archives trimmed to a module closure (kdsite/pyodide/closure.py with bytecode.precompile_zip):
which entries are a module's code, what ships for a set of modules, an exact RECORD, the
stand-ins of modules nothing calls (kdsite/pyodide/stand_ins.py), and the modules that ship
without their docstrings (bytecode.DOCS_ONLY)."""

from __future__ import annotations

import csv
import importlib
import io
import marshal
import sys
import zipfile
from pathlib import Path

import pytest
from code_constants import string_constants

from kdsite.pyodide import bytecode, stand_ins
from kdsite.pyodide.bytecode import precompile_zip, precompiled
from kdsite.pyodide.closure import load_closure, module_of, modules_in, ships


@pytest.mark.parametrize(("entry", "module"), [
    ("json/__init__.py", "json"),
    ("json/__init__.pyc", "json"),
    ("json/decoder.pyc", "json.decoder"),
    ("numpy/fft/_pocketfft_umath.cpython-312-wasm32-emscripten.so", "numpy.fft._pocketfft_umath"),
    ("_sysconfigdata__emscripten_wasm32-emscripten.py", "_sysconfigdata__emscripten_wasm32-emscripten"),
    ("numpy/py.typed", None),
    ("numpy/random/LICENSE.md", None),
    ("numpy-2.0.2.dist-info/RECORD", None),
    ("json/", None),
])
def test_module_of(entry, module):
    assert module_of(entry) == module


def test_what_ships_for_a_closure():
    kept = frozenset({"numpy", "numpy.random", "numpy.random._common"})
    assert ships("numpy/__init__.pyc", kept) and ships("numpy/random/_common.cpython-312-wasm32-emscripten.so", kept)
    assert ships("numpy/random/LICENSE.md", kept) and ships("numpy-2.0.2.dist-info/METADATA", kept)
    assert not ships("numpy/fft/__init__.pyc", kept) and not ships("numpy/fft/LICENSE.md", kept)
    assert not ships("numpy/py.typed", kept) and not ships("numpy/random/tests/data/seed.csv", kept)


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 5, 6, 7, 8, 10)), data)
    return path


WHEEL = {
    "kdtoy/__init__.py": b"from kdtoy import used\n",
    "kdtoy/used.py": b"X = 1\nSEP = 'a\\nb'\n",
    "kdtoy/unused.py": b"Y = 2\n",
    "kdtoy/archive.py": b"import os\nSEP = os.sep\n\ndef open(name):\n    return name\n",
    "kdtoy/fast.cpython-312-wasm32-emscripten.so": b"\0asm",
    "kdtoy/slow.cpython-312-wasm32-emscripten.so": b"\0asm",
    "kdtoy/tests/data.csv": b"1,2\n",
    "kdtoy-1.0.dist-info/METADATA": b"Name: kdtoy\nVersion: 1.0\n",
    "kdtoy-1.0.dist-info/RECORD": b"",
}


def _trimmed(tmp_path, compile_py: bool) -> tuple[Path, list[str], list[str]]:
    """Trim WHEEL to kdtoy, kdtoy.used and kdtoy.fast; return the wheel, its entry names and the
    names its RECORD lists."""
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", WHEEL)
    out = tmp_path / "out.whl"
    precompile_zip(src, out, frozenset({"kdtoy", "kdtoy.used", "kdtoy.fast"}), compile_py=compile_py)
    with zipfile.ZipFile(out) as z:
        rows = csv.reader(io.StringIO(z.read("kdtoy-1.0.dist-info/RECORD").decode()))
        return out, z.namelist(), [r[0] for r in rows]


@pytest.mark.parametrize("compile_py", [True, False])
def test_a_trimmed_wheel_holds_the_closure_and_an_exact_record(tmp_path, compile_py):
    _, names, listed = _trimmed(tmp_path, compile_py)
    suffix = ".pyc" if compile_py else ".py"
    assert names == [f"kdtoy/__init__{suffix}", f"kdtoy/used{suffix}",
                     "kdtoy/fast.cpython-312-wasm32-emscripten.so",
                     "kdtoy-1.0.dist-info/METADATA", "kdtoy-1.0.dist-info/RECORD"]
    assert listed == names[:-1] + ["kdtoy-1.0.dist-info/RECORD"]


def test_full_and_trimmed_copies_are_cached_side_by_side(tmp_path):
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", WHEEL)
    cache = tmp_path / "cache"
    full = precompiled(src, cache)
    trimmed = precompiled(src, cache, frozenset({"kdtoy", "kdtoy.used"}))
    assert full != trimmed and full.is_file() and trimmed.is_file()
    assert modules_in(zipfile.ZipFile(trimmed).namelist()) == {"kdtoy", "kdtoy.used"}
    assert precompiled(src, cache, frozenset({"kdtoy"})) != trimmed  # another closure, another copy


def test_another_python_still_trims(tmp_path, monkeypatch):
    monkeypatch.setattr(bytecode, "COMPATIBLE", False)
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", WHEEL)
    out = precompiled(src, tmp_path / "cache", frozenset({"kdtoy", "kdtoy.used"}))
    assert set(zipfile.ZipFile(out).namelist()) >= {"kdtoy/__init__.py", "kdtoy/used.py"}
    assert "kdtoy/unused.py" not in zipfile.ZipFile(out).namelist()


def test_the_checked_in_closure_names_the_stdlib_and_numpy():
    closure = load_closure()
    assert {"python_stdlib.zip", "numpy"} <= set(closure)
    assert {"json", "numpy", "numpy._core._multiarray_umath"} <= closure["python_stdlib.zip"] | closure["numpy"]


@pytest.mark.parametrize("compile_py", [True, False])
def test_a_compiled_module_nothing_calls_ships_as_its_stand_in(tmp_path, monkeypatch, compile_py):
    monkeypatch.setattr(bytecode, "STAND_INS", {"kdtoy.fast": "kdtoy"})
    out, names, listed = _trimmed(tmp_path, compile_py)
    suffix = ".pyc" if compile_py else ".py"
    assert f"kdtoy/fast{suffix}" in names and not [n for n in names if n.endswith(".so")]
    assert modules_in(names) == {"kdtoy", "kdtoy.used", "kdtoy.fast"}
    assert listed == names[:-1] + ["kdtoy-1.0.dist-info/RECORD"]
    # Imported, it stands in; asked for anything, it fails naming the fix and notes what was asked.
    monkeypatch.syspath_prepend(str(out))
    try:
        fast = importlib.import_module("kdtoy.fast")
        with pytest.raises(AttributeError, match=r"kdtoy\.fast\.kernel: .*STAND_INS in kdsite/pyodide/stand_ins\.py"):
            fast.kernel(1)
        assert not hasattr(fast, "__wrapped__") and fast.asked == ["kernel"]
    finally:
        for name in [n for n in sys.modules if n == "kdtoy" or n.startswith("kdtoy.")]:
            del sys.modules[name]


@pytest.mark.parametrize("compile_py", [True, False])
def test_a_python_module_nothing_calls_ships_as_its_stand_in(tmp_path, monkeypatch, compile_py):
    # As tarfile does in the stdlib zip: imported by a module the site needs, never used.
    monkeypatch.setattr(bytecode, "STAND_INS", {"kdtoy.archive": "kdtoy"})
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", WHEEL)
    out = tmp_path / "out.whl"
    precompile_zip(src, out, frozenset({"kdtoy", "kdtoy.used", "kdtoy.archive"}), compile_py=compile_py)
    suffix = ".pyc" if compile_py else ".py"
    with zipfile.ZipFile(out) as z:
        assert [n for n in z.namelist() if n.startswith("kdtoy/archive")] == [f"kdtoy/archive{suffix}"]
    monkeypatch.syspath_prepend(str(out))
    try:
        archive = importlib.import_module("kdtoy.archive")
        with pytest.raises(AttributeError, match=r"kdtoy\.archive\.SEP: this site ships without kdtoy\.archive"):
            archive.SEP  # noqa: B018
        assert archive.asked == ["SEP"]
    finally:
        for name in [n for n in sys.modules if n == "kdtoy" or n.startswith("kdtoy.")]:
            del sys.modules[name]


DOCS = b'''add_newdoc("kdtoy.used", "X", """
    The answer.
    """)
add_newdoc("kdtoy.used", "Y", ("attr", """Its attribute.

    More.
    """))
add_newdoc("kdtoy.used", "Z", [("a", """A.
    """), ("b", "one line")])
for name in ("p", "q"):
    add_newdoc("kdtoy.used", name, f"""{name}
    is {name}.
    """)
'''



def test_a_docs_only_module_ships_without_its_docstrings_and_passes_the_same_names(tmp_path, monkeypatch):
    monkeypatch.setattr(bytecode, "DOCS_ONLY", frozenset({"kdtoy/docs.py"}))
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", {**WHEEL, "kdtoy/docs.py": DOCS})
    precompile_zip(src, tmp_path / "out.whl", frozenset({"kdtoy", "kdtoy.used", "kdtoy.docs"}))
    with zipfile.ZipFile(tmp_path / "out.whl") as z:
        code = marshal.loads(z.read("kdtoy/docs.pyc")[16:])
        other = marshal.loads(z.read("kdtoy/used.pyc")[16:])
    assert not [c for c in string_constants(code) if "\n" in c]
    assert "one line" in string_constants(code) and "X" in string_constants(code)

    def calls(code):
        seen = []
        exec(code, {"add_newdoc": lambda place, obj, doc: seen.append((place, obj, doc))})
        return seen

    original = calls(compile(DOCS, "kdtoy/docs.py", "exec"))
    shipped = calls(code)
    assert [c[:2] for c in shipped] == [c[:2] for c in original]  # the same objects, in order
    assert shipped[0][2] == "" and shipped[1][2] == ("attr", "") and shipped[2][2] == [("a", ""), ("b", "one line")]
    assert [d for *_, d in shipped[3:]] == ["pp", "qq"]  # the f-string's values stay, its text goes
    assert "a\nb" in string_constants(other)  # other modules: as they were


def test_docs_stay_where_python_keeps_them(tmp_path, monkeypatch):
    # Below level 2 numpy attaches the docstrings, so they ship whole.
    monkeypatch.setattr(bytecode, "OPTIMIZE", 1)
    (code,) = bytecode.compile_sources([("kdtoy/docs.py", DOCS)], frozenset({"kdtoy/docs.py"}))
    assert "\n    The answer.\n    " in string_constants(marshal.loads(code[16:]))


def test_a_full_copy_keeps_every_compiled_module(tmp_path, monkeypatch):
    monkeypatch.setattr(bytecode, "STAND_INS", {"kdtoy.fast": "kdtoy"})
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", WHEEL)
    precompile_zip(src, tmp_path / "out.whl")  # no closure: the recording's runtime (closure_record.py)
    assert "kdtoy/fast.cpython-312-wasm32-emscripten.so" in zipfile.ZipFile(tmp_path / "out.whl").namelist()


def test_trimmed_copies_are_made_again_when_the_stand_ins_change(tmp_path, monkeypatch):
    src = _zip(tmp_path / "kdtoy-1.0-py3-none-any.whl", WHEEL)
    closure = frozenset({"kdtoy", "kdtoy.fast"})
    before = precompiled(src, tmp_path / "cache", closure)
    monkeypatch.setattr(stand_ins, "STAND_INS", {"kdtoy.fast": "kdtoy"})
    monkeypatch.setattr(bytecode, "STAND_INS", stand_ins.STAND_INS)
    after = precompiled(src, tmp_path / "cache", closure)
    assert after != before and "kdtoy/fast.pyc" in zipfile.ZipFile(after).namelist()
