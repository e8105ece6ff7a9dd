"""kdsite: an interactive knowledge-distillation explainer, built as a static site.

This module and ``kdsite.core`` import with numpy alone: they are what the browser runs.
"""

import os
import sys

__version__ = "0.1.0"

# numpy picks its exp and log loops by CPU when it is imported. On a CPU with AVX-512 they are
# numpy's own vector code, which rounds some results a unit in the last place apart from the C
# library's exp and log. Without AVX-512, and in Pyodide (WebAssembly, no such loops), numpy's exp
# and log give the C library's results, and glibc and musl (Pyodide's) share one implementation
# (ARM's optimized-routines). The build pre-renders numbers the browser computes again, and the
# widgets built on softening, KL divergence and the loss must agree to the last digit
# (tests/engines, tests/pyodide), so kdsite keeps numpy off AVX-512 when it is imported before
# numpy. Measured on an AVX-512 machine: the loss explorer's KL at T = 4 was 0.12833026947711323
# with those loops, 0.12833026947711343 without them and in Pyodide. (The training lab's network
# also uses tanh and matrix products, whose last digits depend on the CPU either way: its tests
# compare to a relative 1e-9.) numpy 2.4 renamed its x86 feature groups, and 2.3 added
# AVX512_SPR; a name a numpy does not dispatch earns an ImportWarning.
_BEFORE_2_4 = "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
NUMPY_AVX512 = (((2, 4), "X86_V4 AVX512_ICL AVX512_SPR"),
                ((2, 3), f"{_BEFORE_2_4} AVX512_SPR"),
                ((0, 0), _BEFORE_2_4))


def _numpy_avx512() -> str:
    """The names of numpy's AVX-512 loops for the installed numpy (without importing it), or "" (no
    numpy, or not an x86-64 machine)."""
    import platform
    from importlib import metadata

    if platform.machine().lower() not in ("x86_64", "amd64"):
        return ""
    try:
        version = tuple(int(part) for part in metadata.version("numpy").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return ""
    return next(names for since, names in NUMPY_AVX512 if version >= since)


def _keep_numpy_off_avx512(environ) -> None:
    """Add _numpy_avx512()'s names to NPY_DISABLE_CPU_FEATURES in `environ`, each once (a process
    kdsite starts, e.g. `kdsite serve` restarting itself, inherits them). Nothing when the user
    set NPY_ENABLE_CPU_FEATURES: numpy refuses both at once (kdsite.build then checks the loops)."""
    if "NPY_ENABLE_CPU_FEATURES" in environ:
        return
    asked = environ.get("NPY_DISABLE_CPU_FEATURES", "")
    have = set(asked.replace(",", " ").split())
    added = [name for name in _numpy_avx512().split() if name not in have]
    if added:
        environ["NPY_DISABLE_CPU_FEATURES"] = " ".join(filter(None, [asked.strip(), *added]))


if "numpy" not in sys.modules and sys.platform != "emscripten":
    _keep_numpy_off_avx512(os.environ)
