"""The stdlib and numpy ship trimmed to the modules real runs import (kdsite/pyodide/closure.py):
the checked-in closure.json still equals a fresh recording under Pyodide in Node, the built
site ships exactly it (with an exact RECORD and site lock, and stand-ins for the modules nothing
calls), a module left out or a stand-in asked for anything fails loudly, and numpy discards the
docstrings its DOCS_ONLY modules ship without."""

import base64
import csv
import hashlib
import io
import json
import marshal
import zipfile

import pytest
from closure_record import closure_document, record
from code_constants import string_constants
from test_core_in_pyodide import run_program

from kdsite.pyodide import bytecode
from kdsite.pyodide.closure import CLOSURE_FILE, STDLIB, load_closure, module_of, modules_in
from kdsite.pyodide.stand_ins import STAND_INS


@pytest.mark.pyodide
def test_the_checked_in_closure_is_what_real_runs_import(built_site, tmp_path):
    recorded = record(built_site, tmp_path)
    assert CLOSURE_FILE.read_text(encoding="utf-8") == closure_document(recorded), (
        "the site's Python now imports other modules: run python tests/pyodide/closure_record.py")


def _shipped(archive: zipfile.ZipFile) -> list[str]:
    return [n for n in archive.namelist() if not n.endswith("/")]


def test_the_site_ships_exactly_the_closure(built_site):
    runtime = built_site / "_kd" / "pyodide"
    closure = load_closure()
    with zipfile.ZipFile(runtime / "python_stdlib.zip") as z:
        names = _shipped(z)
        # Each module nothing calls ships as its stand-in (kdsite/pyodide/stand_ins.py).
        for module in [m for m, archive in STAND_INS.items() if archive == STDLIB]:
            code = z.read(module.replace(".", "/") + ".pyc")
            assert b"STAND_INS in kdsite/pyodide/stand_ins.py" in code and len(code) < 2000, module
    assert modules_in(names) == closure[STDLIB]
    assert all(module_of(n) for n in names), "the stdlib zip ships only module code"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    numpy = lock["packages"]["numpy"]
    wheel = runtime / numpy["file_name"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == numpy["sha256"]
    with zipfile.ZipFile(wheel) as z:
        names = _shipped(z)
        assert modules_in(names) == closure["numpy"]
        for module in [m for m, archive in STAND_INS.items() if archive == "numpy"]:
            path = module.replace(".", "/")
            assert f"{path}.pyc" in names and not [n for n in names if n.startswith(path + ".")
                                                    and n.endswith(".so")], module
        others = {n for n in names if module_of(n) is None}
        assert others == {n for n in others if ".dist-info/" in n or n.rpartition("/")[2].startswith("LICENSE")}
        # RECORD lists every file the wheel holds, each with its sha256 and size.
        (record_name,) = [n for n in names if n.endswith(".dist-info/RECORD")]
        rows = list(csv.reader(io.StringIO(z.read(record_name).decode())))
        assert [r[0] for r in rows] == [n for n in names if n != record_name] + [record_name]
        for name, digest, size in rows[:-1]:
            data = z.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert int(size) == len(data)


@pytest.mark.pyodide
def test_a_module_left_out_fails_loudly(built_site):
    program = """
import json
try:
    import fractions  # in the full stdlib, never imported by the site
except ModuleNotFoundError as e:
    result = repr(e)
else:
    result = "imported"
json.dumps(result)
"""
    assert "fractions" not in load_closure()[STDLIB]
    assert run_program(built_site, program) == "ModuleNotFoundError(\"No module named 'fractions'\")"


@pytest.mark.pyodide
def test_a_kernel_not_shipped_fails_loudly(built_site):
    # numpy.linalg imports with its kernels' stand-in; norm needs no kernel, inv does.
    program = """
import json
import numpy as np
result = [float(np.linalg.norm(np.array([3.0, 4.0])))]
try:
    np.linalg.inv(np.eye(2))
except AttributeError as e:
    result.append(str(e))
json.dumps(result)
"""
    assert "numpy.linalg._umath_linalg" in STAND_INS
    norm, error = run_program(built_site, program)
    assert norm == 5.0
    assert error.startswith("numpy.linalg._umath_linalg.inv: this site ships without numpy.linalg._umath_linalg")
    assert "STAND_INS in kdsite/pyodide/stand_ins.py" in error


@pytest.mark.pyodide
def test_the_stdlib_stand_in_imports_and_fails_loudly(built_site):
    # Pyodide's package loader imports tarfile, for tar archives: the site's packages are wheels.
    program = """
import json, sys
result = {"imported": "tarfile" in sys.modules}
import tarfile
try:
    tarfile.open
except AttributeError as e:
    result["error"] = str(e)
json.dumps(result)
"""
    assert [m for m, archive in STAND_INS.items() if archive == STDLIB] == ["tarfile"]
    result = run_program(built_site, program)
    assert result["imported"]  # by loading the packages, as in a browser
    assert result["error"].startswith("tarfile.open: this site ships without tarfile, as nothing it ran")
    assert "STAND_INS in kdsite/pyodide/stand_ins.py" in result["error"]


@pytest.mark.pyodide
def test_numpy_discards_the_docstrings_its_docs_only_modules_ship_without(built_site):
    # bytecode.DOCS_ONLY holds only while numpy's add_docstring ignores its argument at -OO.
    program = """
import json, sys
import numpy as np

def f():
    pass

np.lib.add_docstring(f, "a docstring numpy would attach")
json.dumps([sys.flags.optimize, f.__doc__, sys.modules["numpy._core._add_newdocs"].__name__])
"""
    assert run_program(built_site, program) == [2, None, "numpy._core._add_newdocs"]
    # ... and they ship so: each DOCS_ONLY module is in numpy's wheel, without a multi-line string.
    runtime = built_site / "_kd" / "pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    with zipfile.ZipFile(runtime / lock["packages"]["numpy"]["file_name"]) as z:
        for name in bytecode.DOCS_ONLY:
            strings = string_constants(marshal.loads(z.read(name + "c")[16:]))
            assert strings and not [s for s in strings if "\n" in s], name
