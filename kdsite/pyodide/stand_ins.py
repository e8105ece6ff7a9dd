"""Modules something imports but nothing the site runs calls: shipped as a small stand-in.

Each is imported at the top of a module the site needs, and used by attribute only in functions
the site never reaches, so a stand-in module imports where it did and fails at the first
attribute asked for, naming the way out:

- `numpy.linalg._umath_linalg`, numpy's LAPACK kernels (1.9 MB of WebAssembly, 0.27 MB of the
  xz download, a fifth of numpy's), imported by numpy.linalg on every `import numpy`. The site
  uses only `numpy.linalg.norm` with its default order, which numpy computes as the square root
  of a dot product for any shape and which calls none; only numpy.linalg's own functions reach
  the kernels (`_umath_linalg.inv`, …).
- `tarfile` (31 kB of the stdlib's xz), imported by Pyodide's package loader to list the shared
  libraries of a package shipped as a tar archive; every package here is a wheel (a zip).

That nothing asks is checked three ways: tests/unit/test_linalg_use.py fails on any other use of
numpy's linear algebra in kdsite.core's source; tests/pyodide/closure_record.py loads the
packages and runs every widget with every control, the training loop and the error paths with
the stand-ins in place (asking one for anything fails the recording, even where the caller
swallows the error: each stand-in lists what it was asked); and the browser tests load the
packages and drive every control against the shipped stand-ins.
"""

from __future__ import annotations

import hashlib

# Module name -> the archive (a key of closure.json) it ships in, as its stand-in: the recording
# files it there. A build stands in for the module of that name in whichever archive holds it;
# the names are unique across the stdlib zip and numpy's wheel, so that is the one.
STAND_INS: dict[str, str] = {
    "numpy.linalg._umath_linalg": "numpy",
    "tarfile": "python_stdlib.zip",
}


def stand_in_source(module: str) -> bytes:
    """Return the Python source of the stand-in for `module` (one of STAND_INS)."""
    return f'''"""Stand-in for {module}, which this site does not ship: nothing it runs calls it
(kdsite/pyodide/stand_ins.py). Asking it for anything raises AttributeError naming the fix."""

asked = []  # what was asked of it; tests/pyodide/closure_record.py requires nothing


def __getattr__(name):
    if not (name.startswith("__") and name.endswith("__")):  # not a lookup by Python itself
        asked.append(name)
    raise AttributeError(
        f"{{__name__}}.{{name}}: this site ships without {{__name__}}, as nothing it ran needed "
        "it; take it out of STAND_INS in kdsite/pyodide/stand_ins.py and build again")
'''.encode()


def stand_ins_digest() -> str:
    """Return a short hash of the stand-ins and their source (a cache key for trimmed archives)."""
    text = "\n".join(f"{m}\n{STAND_INS[m]}\n{stand_in_source(m).decode()}" for m in sorted(STAND_INS))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
