"""numpy runs without its AVX-512 exp and log loops wherever kdsite is imported first
(kdsite/__init__.py: they round some numbers apart from Pyodide's numpy, which the pre-rendered
states must match to the last digit), and a build says so when numpy came first."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from kdsite import _numpy_avx512
from kdsite.build import check_numpy_loops
from kdsite.errors import ConfigError


def run(code: str, **env: str) -> str:
    own = ("NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES")  # only those a test sets
    environ = {k: v for k, v in os.environ.items() if k not in own} | env
    return subprocess.run([sys.executable, "-W", "error::ImportWarning", "-c", code], env=environ,
                          capture_output=True, text=True, check=True).stdout.strip()


X86_64 = pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="AVX-512 is x86-64's")


@X86_64
def test_imported_first_kdsite_turns_numpys_avx512_loops_off_and_keeps_what_was_asked():
    names = _numpy_avx512().split()
    assert names, "numpy is installed"
    # ImportWarning made an error: a name this numpy does not dispatch would raise one.
    on = run("import kdsite, numpy\n"
             "from numpy._core._multiarray_umath import __cpu_features__ as f\n"
             f"print([n for n in {names!r} if f.get(n)])")
    assert on == "[]"
    assert run("import kdsite, os; print(os.environ['NPY_DISABLE_CPU_FEATURES'])",
               NPY_DISABLE_CPU_FEATURES="MINE") == "MINE " + " ".join(names)


@X86_64
def test_the_names_match_what_this_numpy_dispatches():
    dispatched = run("import numpy\nfrom numpy._core._multiarray_umath import __cpu_dispatch__ as d\n"
                     "print(' '.join(d))")
    assert set(_numpy_avx512().split()) <= set(dispatched.split())


@X86_64
def test_a_build_refuses_numpys_avx512_loops_naming_the_fix():
    with pytest.raises(ConfigError, match="NPY_DISABLE_CPU_FEATURES") as err:
        check_numpy_loops({"X86_V4": True, "AVX512F": True}, ["X86_V3", "X86_V4"])
    assert "import kdsite before numpy" in str(err.value)
    # A CPU flag numpy does not dispatch on is no loop of its own (AVX512F stays on under numpy 2.4+).
    check_numpy_loops({"X86_V4": False, "AVX512F": True}, ["X86_V3", "X86_V4"])
    check_numpy_loops()  # this process imported kdsite first (tests/conftest.py)


@X86_64
@pytest.mark.skipif(sys.platform != "linux", reason="glibc's exp and log are musl's (Pyodide's); not another OS's")
def test_numpys_exp_and_log_are_the_c_librarys_once_kdsite_came_first():
    # What Pyodide's numpy computes (glibc and musl share these functions): caught even if a
    # later numpy moves its vector loops under another name.
    out = run("import kdsite, math, numpy as np\n"
              "x = np.linspace(-30.0, 30.0, 200_001)\n"
              "e = np.exp(x); lg = np.log(np.abs(x) + 1e-3)\n"
              "print(sum(a != math.exp(v) for a, v in zip(e.tolist(), x.tolist())),"
              " sum(a != math.log(abs(v) + 1e-3) for a, v in zip(lg.tolist(), x.tolist())))")
    assert out == "0 0"


@X86_64
def test_a_restarted_kdsite_adds_nothing_twice_and_leaves_an_enable_list_alone():
    names = _numpy_avx512()
    assert run("import kdsite, os; print(os.environ['NPY_DISABLE_CPU_FEATURES'])",
               NPY_DISABLE_CPU_FEATURES=names) == names
    # numpy refuses NPY_DISABLE_CPU_FEATURES beside NPY_ENABLE_CPU_FEATURES: kdsite sets neither.
    assert run("import kdsite, os, numpy; print(os.environ.get('NPY_DISABLE_CPU_FEATURES'))",
               NPY_ENABLE_CPU_FEATURES="X86_V3" if "X86_V4" in names else "AVX2") == "None"
