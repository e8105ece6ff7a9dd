"""kdsite: an interactive knowledge-distillation explainer, built as a static site.

This module and ``kdsite.core`` import with numpy alone: they are what the browser runs.
"""

import os
import sys

__version__ = "0.1.0"

# numpy picks its exp and log loops by CPU when it is imported. On a CPU with AVX-512 they are
# numpy's own vector code, which rounds some results a unit or two in the last place apart from
# the C library's exp and log. Without AVX-512, and in Pyodide (WebAssembly, no such loops), numpy
# calls the C library's, and glibc and musl (Pyodide's) share one implementation (ARM's
# optimized-routines). The build pre-renders numbers the browser computes again, and both must
# agree to the last digit (tests/engines, tests/pyodide), so kdsite keeps numpy off AVX-512 when
# it is imported before numpy. Measured on an AVX-512 machine: the loss explorer's KL at T = 4
# was 0.12833026947711323 with those loops, 0.12833026947711343 without them and in Pyodide.
# numpy 2.4 renamed its x86 feature groups; a name it does not dispatch earns an ImportWarning.
NUMPY_AVX512 = {"2.4": "X86_V4 AVX512_ICL AVX512_SPR",
                "2.0": "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR"}


def _numpy_avx512() -> str:
    """The names of numpy's AVX-512 loops for the installed numpy (without importing it), or "" (no
    numpy, or not an x86-64 machine)."""
    import platform
    from importlib import metadata

    if platform.machine().lower() not in ("x86_64", "amd64"):
        return ""
    try:
        major, minor = (int(part) for part in metadata.version("numpy").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return ""
    return NUMPY_AVX512["2.4" if (major, minor) >= (2, 4) else "2.0"]


if "numpy" not in sys.modules and sys.platform != "emscripten":
    os.environ["NPY_DISABLE_CPU_FEATURES"] = " ".join(
        filter(None, (os.environ.get("NPY_DISABLE_CPU_FEATURES", ""), _numpy_avx512())))
