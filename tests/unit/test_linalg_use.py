"""kdsite.core uses no numpy function that needs numpy.linalg's LAPACK kernels, which the site
ships as a stand-in (kdsite/pyodide/stand_ins.py).

The closure recording and the browser tests catch a kernel asked for with the control values they
try; this reads the source, so a kernel reached only by some other value fails here too.
Allowed: `np.linalg.norm(x)` and `np.linalg.norm(x, axis=…)` (the default order: numpy computes
the square root of a dot product or a sum of squares, for any shape). Anything else of
numpy.linalg, and the numpy functions outside it that call its kernels, fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "kdsite" / "core"
# numpy functions outside numpy.linalg that call its kernels (numpy 2.0: polyfit → lstsq,
# roots → eigvals, poly of a matrix → eigvals, matrix.I → inv, multivariate_normal → svd/cholesky).
KERNEL_USERS = frozenset({"polyfit", "roots", "poly", "matrix", "asmatrix", "multivariate_normal"})
NUMPY_NAMES = frozenset({"np", "numpy"})


def kernel_uses(source: str) -> list[str]:
    """Return, for `source`, each use that needs a kernel or may: 'line N: what'."""
    found = []
    tree = ast.parse(source)
    allowed_norms = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "norm"
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "linalg"
                and len(node.args) == 1 and all(k.arg == "axis" for k in node.keywords)):
            allowed_norms.add(id(node.func))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Attribute) and node.value.attr == "linalg" and id(node) not in allowed_norms:
                found.append(f"line {node.lineno}: linalg.{node.attr}")
            elif node.attr in KERNEL_USERS and (node.attr == "multivariate_normal" or (
                    isinstance(node.value, ast.Name) and node.value.id in NUMPY_NAMES)):
                found.append(f"line {node.lineno}: {node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "numpy" and (
                "linalg" in node.module.split(".") or any(a.name in KERNEL_USERS | {"linalg"} for a in node.names)):
            found.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Import) and any("linalg" in a.name.split(".") for a in node.names):
            found.append(f"line {node.lineno}: import …linalg")
    return found


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_the_core_needs_no_linalg_kernel(path):
    uses = kernel_uses(path.read_text(encoding="utf-8"))
    assert not uses, (f"{path}: {', '.join(uses)} need numpy.linalg's kernels, which the site does not "
                      "ship: take numpy.linalg._umath_linalg out of STAND_INS in kdsite/pyodide/stand_ins.py")


@pytest.mark.parametrize(("source", "flagged"), [
    ("np.linalg.norm(g)", False),
    ("np.linalg.norm(g, axis=1)", False),
    ("np.linalg.norm(g, 2)", True),
    ("np.linalg.norm(g, ord='fro')", True),
    ("np.linalg.inv(a)", True),
    ("f = np.linalg.norm", True),
    ("from numpy.linalg import solve", True),
    ("from numpy import linalg", True),
    ("import numpy.linalg", True),
    ("np.polyfit(x, y, 1)", True),
    ("from numpy import roots", True),
    ("matrix = np.asarray(m); matrix[0]", False),
    ("self.matrix.T", False),
    ("rng.multivariate_normal(m, c)", True),
    ("np.dot(a, b) @ c", False),
])
def test_the_guard_tells_kernel_uses_apart(source, flagged):
    assert bool(kernel_uses(source)) is flagged
