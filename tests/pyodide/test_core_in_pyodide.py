"""The numpy core under real Pyodide in Node gives the same numbers as under CPython."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kdsite.pyodide import bytecode

pytestmark = pytest.mark.pyodide

RUNNER = Path(__file__).with_name("run_python.mjs")

# Executed both in CPython and in Pyodide; its last line is the JSON result.
PROGRAM = """
import json
import kdsite
import numpy as np
from kdsite.core.softening import soften_probs, soften_logits
from kdsite.core.divergences import kl_divergence, entropy
from kdsite.core.states import compute_state

teacher = [0.7, 0.2, 0.05, 0.03, 0.02]
student = [0.55, 0.18, 0.12, 0.1, 0.05]
config = {"teacher": teacher, "student": student, "labels": ["cat", "dog", "fox", "fish", "bird"],
          "temperature": 1.0}
import sys
results = {"version": kdsite.__version__, "numbers": {}, "states": {},
           "optimize": sys.flags.optimize, "docstrings": [f.__doc__ for f in (np.mean, json.dumps, soften_probs)]}
for t in (0.01, 0.5, 1.0, 3.0, 10.0, 100.0):
    p, q = soften_probs(teacher, t), soften_probs(student, t)
    results["numbers"][str(t)] = {
        "teacher": p.tolist(), "kl": kl_divergence(p, q), "entropy": entropy(p),
        "logits": soften_logits([3.0, 1.0, -2.0, 0.5], t).tolist(),
    }
    results["states"][str(t)] = compute_state("distillation-viz", config, {"temperature": t})
results["inf"] = compute_state("distillation-viz", {"teacher": [0.5, 0.5], "student": [1.0, 0.0],
                                                    "temperature": 1.0}, {})["readouts"]["kl"]
json.dumps(results)
"""


def run_in_cpython(program: str = PROGRAM) -> dict:
    """Return a program's result under this interpreter."""
    namespace: dict = {}
    *body, last = program.strip().splitlines()
    exec("\n".join(body), namespace)
    return json.loads(eval(last, namespace))


# "started": Python started and numpy loaded, as on a first visit; "restored": Python restored
# from the snapshot a first visit takes, numpy's modules loaded again, as on the next visit.
STARTS = ["started", "restored"]


@pytest.fixture(scope="module", params=STARTS)
def pyodide_result(built_site, request) -> dict:
    """Return the program's result under Pyodide in Node, loading the built site's runtime."""
    return run_program(built_site, PROGRAM, restored=request.param == "restored")


def test_pyodide_loads_our_wheel_by_name(pyodide_result):
    import kdsite
    assert pyodide_result["version"] == kdsite.__version__


def test_python_runs_as_python_OO_with_the_bytecode_made_for_it(pyodide_result):
    # kdsite/pyodide/bytecode.py compiles numpy, the stdlib and kdsite without docstrings, and
    # kdsite/static/python-env.js starts Python at that level, first visit and restored alike.
    assert pyodide_result["optimize"] == bytecode.OPTIMIZE == 2
    assert pyodide_result["docstrings"] == [None, None, None]


def test_numbers_agree_with_cpython(pyodide_result):
    expected = run_in_cpython()["numbers"]
    for t, numbers in expected.items():
        got = pyodide_result["numbers"][t]
        # Different libm builds (emscripten vs glibc) may differ in the last bits.
        assert got["teacher"] == pytest.approx(numbers["teacher"], rel=1e-12, abs=1e-300)
        assert got["logits"] == pytest.approx(numbers["logits"], rel=1e-12, abs=1e-300)
        assert got["kl"] == pytest.approx(numbers["kl"], rel=1e-10, abs=1e-15)
        assert got["entropy"] == pytest.approx(numbers["entropy"], rel=1e-12, abs=1e-15)


def test_widget_states_show_the_same_text(pyodide_result):
    expected = run_in_cpython()
    for t, state in expected["states"].items():
        got = pyodide_result["states"][t]
        assert got["aria_label"] == state["aria_label"]
        assert got["readouts"]["kl"]["text"] == state["readouts"]["kl"]["text"]
        assert [b["teacher_text"] for b in got["bars"]] == [b["teacher_text"] for b in state["bars"]]
        assert [b["delta"] for b in got["bars"]] == [b["delta"] for b in state["bars"]]
    assert pyodide_result["inf"] == {"value": "inf", "text": "∞"}


# A short training run: the same seed must give the same numbers in both interpreters.
TRAINING = """
import json, time
from kdsite.core.lab import LabRun, LabSettings
from kdsite.core.training import trained_teacher
start = time.perf_counter()
trained_teacher(2, 0)
teacher_seconds = time.perf_counter() - start
run = LabRun(LabSettings(epochs=10))
run.step(10)
result = {"teacher_seconds": teacher_seconds, "history": [[s.as_dict(), d.as_dict()] for s, d in run.history]}
json.dumps(result)
"""

# Stated tolerance: emscripten's and glibc's libm may round tanh/exp differently in the last
# bit; ten epochs of SGD keep that far below 1e-9 relative. Accuracies must match exactly.
TRAINING_RTOL = 1e-9


def run_program(built_site, program: str, restored: bool = False) -> dict:
    """Return a program's JSON result under Pyodide in Node; with `restored`, in a Python
    restored from a snapshot (run_python.mjs --restored)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the Pyodide tests: install nodejs")
    args = [node, str(RUNNER), str(built_site / "_kd" / "pyodide"), *(["--restored"] if restored else [])]
    done = subprocess.run(args, input=program,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("start", STARTS)
def test_training_run_agrees_with_cpython(built_site, start):
    got = run_program(built_site, TRAINING, restored=start == "restored")
    expected = run_in_cpython(TRAINING)
    print(f"teacher training: Pyodide {got['teacher_seconds']:.2f} s, CPython {expected['teacher_seconds']:.2f} s")
    for got_pair, want_pair in zip(got["history"], expected["history"], strict=True):
        for g, w in zip(got_pair, want_pair):
            for key in ("train_accuracy", "test_accuracy", "agreement", "epoch"):
                assert g[key] == w[key], key
            for key in ("loss_hard", "loss_soft", "loss_total", "kl"):
                assert g[key] == pytest.approx(w[key], rel=TRAINING_RTOL), key


# What worker.js (through stdlib-zip.js) relies on: after loadPackage, invalidating the import
# caches keeps the stdlib zip's directory (no pure-Python re-read of its entries) and still
# imports from it, while a package installed later is still found; and it has not imported
# importlib.metadata (which the site does not ship) to clear a cache nothing filled.
STDLIB_ZIP = """
import importlib, json, sys, zipimport
zips = {path: f for path, f in sys.path_importer_cache.items() if isinstance(f, zipimport.zipimporter)}
before = {path: f._files for path, f in zips.items()}
metadata_before = "importlib.metadata" in sys.modules
importlib.invalidate_caches()
metadata_after = "importlib.metadata" in sys.modules
# A shipped stdlib module nothing had imported yet, from the zip.
fresh = importlib.import_module(sorted(m for m in SHIPPED if m not in sys.modules and "." not in m)[0])
json.dumps({"archives": sorted({f.archive for f in zips.values()}), "importers": len(zips), \
"kept": all(f._files is before[p] for p, f in zips.items()),
            "fresh_from": fresh.__spec__.origin, "kdsite_from": sys.modules["kdsite"].__file__,
            "metadata": [metadata_before, metadata_after]})
"""


def test_stdlib_zip_directory_is_read_once(built_site):
    from kdsite.pyodide.closure import STDLIB, load_closure
    shipped = sorted(load_closure()[STDLIB])
    got = run_program(built_site, "import kdsite\n" + STDLIB_ZIP.replace("SHIPPED", repr(shipped)))
    assert got["archives"] == ["/lib/python312.zip"] and got["importers"] > 1  # one per package
    assert got["kept"], "invalidate_caches() re-read the stdlib zip: stdlib-zip.js is not applied"
    assert got["fresh_from"].startswith("/lib/python312.zip/")
    assert "site-packages" in got["kdsite_from"]
    assert got["metadata"] == [False, False], "invalidate_caches() imported importlib.metadata"


def test_invalidating_clears_importlib_metadatas_cache_once_it_is_imported(built_site):
    # stdlib-zip.js' second tweak passes the call on once importlib.metadata is imported (the
    # site ships none: a module of that name, with a finder that counts, stands for it here).
    program = """
import importlib, json, sys, types
cleared = []
class Finder:
    @classmethod
    def invalidate_caches(cls):
        cleared.append(cls.__name__)
metadata = types.ModuleType("importlib.metadata")
metadata.MetadataPathFinder = Finder
sys.modules["importlib.metadata"] = metadata
importlib.invalidate_caches()
json.dumps(cleared)
"""
    assert run_program(built_site, program) == ["Finder"]


def test_reloading_numpys_modules_changes_only_their_own_memory(built_site):
    # python-libraries.js puts back each library's own memory after loading it again; anything
    # written elsewhere (a constructor that allocates) would stay, so there must be nothing.
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the Pyodide tests: install nodejs")
    done = subprocess.run([node, str(RUNNER.with_name("restore_check.mjs")), str(built_site / "_kd" / "pyodide")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["libraries"] >= 3  # numpy's _multiarray_umath, random's, …
    assert result["changedOutside"] == []
