"""Compiled modules numpy imports but nothing the site runs calls: shipped as a small stand-in.

numpy.linalg imports its LAPACK kernels, `numpy.linalg._umath_linalg` (1.9 MB of WebAssembly,
0.27 MB of the xz download, a fifth of numpy's), on every `import numpy`, whether or not a
kernel is used; the site uses only `numpy.linalg.norm` with its default order, which numpy
computes as the square root of a dot product for any shape and which calls none. Only
numpy.linalg's own functions reach the kernels (`_umath_linalg.inv`, …), by attribute at call
time, so a stand-in module imports where the kernels did and fails at the first kernel asked
for, naming the way out.

That nothing asks is checked three ways: tests/unit/test_linalg_use.py fails on any other use of
numpy's linear algebra in kdsite.core's source; tests/pyodide/closure_record.py runs every widget
with every control, the training loop and the error paths with the stand-ins in place (a kernel
asked for fails the recording, even where the caller swallows the error: each stand-in lists
what it was asked); and the browser tests drive every control against the shipped stand-in.
"""

from __future__ import annotations

import hashlib

# Module names, each of a compiled module imported only through its module object.
STAND_INS = frozenset({"numpy.linalg._umath_linalg"})


def stand_in_source(module: str) -> bytes:
    """Return the Python source of the stand-in for `module` (one of STAND_INS)."""
    return f'''"""Stand-in for {module}, which this site does not ship: nothing it runs calls it
(kdsite/pyodide/stand_ins.py). Asking it for anything raises AttributeError naming the fix."""

asked = []  # what was asked of it; tests/pyodide/closure_record.py requires nothing


def __getattr__(name):
    if not (name.startswith("__") and name.endswith("__")):  # not a lookup by Python itself
        asked.append(name)
    raise AttributeError(
        f"{{__name__}}.{{name}}: this site ships numpy without {{__name__}}, as nothing it ran "
        "needed it; take it out of STAND_INS in kdsite/pyodide/stand_ins.py and build again")
'''.encode()


def stand_ins_digest() -> str:
    """Return a short hash of the stand-ins and their source (a cache key for trimmed wheels)."""
    text = "\n".join(f"{m}\n{stand_in_source(m).decode()}" for m in sorted(STAND_INS))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
