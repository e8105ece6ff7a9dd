"""Our precompiled archives against pyodide-build's `pyodide py-compile`, the official tool.

kdsite compiles what it ships to the browser itself (kdsite/pyodide/bytecode.py) only to get the same
bytes from the same input; `pyodide py-compile` stamps times into its output. This checks that
nothing else differs: the same modules become bytecode, each holds the same code objects, and
every other file is kept byte for byte. What is allowed to differ: the .pyc header (theirs
records the source's mtime, ours an unchecked source hash), the build-only files our wheels
leave out on purpose, the RECORD we rewrite to list what a wheel now holds, and the docstrings
numpy's DOCS_ONLY modules ship without (theirs, without them, must then be ours).

pyodide-build is a test dependency for this check alone.
"""

from __future__ import annotations

import importlib.util
import marshal
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

from kdsite.pyodide import bytecode
from kdsite.pyodide.bytecode import BUILD_ONLY_SUFFIXES, precompiled
from kdsite.pyodide.wheel import build_core_wheel

pytestmark = pytest.mark.skipif(not bytecode.COMPATIBLE,
                                reason="bytecode is only made under Pyodide's Python version")


def pyodide_py_compile(src: Path, work: Path) -> Path:
    """Run `pyodide py-compile` on a copy of src in work; return the archive it made."""
    work.mkdir()
    copy = work / src.name
    shutil.copyfile(src, copy)
    # -P: the project's own build.py must not shadow the `build` package pyodide-build imports.
    # -OO: py_compile compiles at the interpreter's level; ours ships at bytecode.OPTIMIZE.
    level = ["-" + "O" * bytecode.OPTIMIZE] if bytecode.OPTIMIZE else []
    subprocess.run([sys.executable, *level, "-P", "-m", "pyodide_cli", "py-compile", "--silent", "--keep",
                    str(copy)], check=True, cwd=work)
    # A wheel is renamed to the running interpreter's tag (kdsite-…-cp312-none-any.whl); one whose
    # name stays the same replaces the copy, which is kept as *.old.
    made = [p for p in work.iterdir() if p.suffix in (".whl", ".zip")]
    return made[0] if len(made) == 1 else next(p for p in made if p != copy)


def code_tree(code: types.CodeType) -> list:
    """Return what compares two code objects fully: == (bytecode, constants, names, line
    table…) leaves out the file and qualified names, so they are listed for every nested one."""
    nested = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return [code, code.co_filename, code.co_qualname, *(code_tree(c) for c in nested)]


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def assert_same_compilation(ours: Path, theirs: Path) -> None:
    mine, official = entries(ours), entries(theirs)
    wheel = ours.suffix == ".whl"
    left_out = {n for n in official if wheel and n.endswith(BUILD_ONLY_SUFFIXES)}
    assert set(mine) == set(official) - left_out
    pycs = sorted(n for n in mine if n.endswith(".pyc"))
    assert pycs and not [n for n in mine if n.endswith(".py")]  # every module compiled by both
    helpers: dict = {}
    exec(bytecode.WITHOUT_DOCS, helpers)
    for name in pycs:
        assert mine[name][:4] == official[name][:4] == importlib.util.MAGIC_NUMBER, name
        theirs = marshal.loads(official[name][16:])
        if name[:-1] in bytecode.DOCS_ONLY:
            assert helpers["without_docs"](theirs) != theirs, f"{name} has no docstrings to leave out"
            theirs = helpers["without_docs"](theirs)
        assert code_tree(marshal.loads(mine[name][16:])) == code_tree(theirs), name
    for name in set(mine) - set(pycs):
        if not name.endswith(".dist-info/RECORD"):
            assert mine[name] == official[name], name


def test_our_core_wheel(tmp_path):
    wheel = build_core_wheel(tmp_path / "build")
    ours = precompiled(wheel, tmp_path / "pyc")
    assert_same_compilation(ours, pyodide_py_compile(wheel, tmp_path / "theirs"))


@pytest.fixture(scope="module")
def dist():
    from kdsite.pyodide.fetch import ensure_pyodide
    return ensure_pyodide()


@pytest.mark.network
@pytest.mark.parametrize("which", ["python_stdlib.zip", "numpy"])
def test_the_official_archives_we_ship(dist, tmp_path, which):
    src = dist.wheels[which] if which in dist.wheels else dist.core_file(which)
    ours = precompiled(src, dist.root / "pyc")  # the copy a build ships (runtime_bundle.py)
    assert ours != src
    if which == "numpy":  # the modules it ships without docstrings are still where numpy had them
        assert {f"{name}c" for name in bytecode.DOCS_ONLY} <= set(entries(ours))
    assert_same_compilation(ours, pyodide_py_compile(src, tmp_path / "theirs"))
