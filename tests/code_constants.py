"""A test helper, not a test: the string constants a code object holds, for the tests of the
modules that ship without their docstrings (kdsite/pyodide/bytecode.py, DOCS_ONLY)."""

from __future__ import annotations

import types


def string_constants(code: types.CodeType) -> list[str]:
    """Every string constant of `code` and of the code nested in it, tuples' and frozensets' too."""
    out = []
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out += string_constants(c)
        elif isinstance(c, str):
            out.append(c)
        elif isinstance(c, (tuple, frozenset)):
            out += [x for x in c if isinstance(x, str)]
    return out
