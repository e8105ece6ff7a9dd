// The environment Pyodide starts Python with, shared by worker.js (the browser) and
// tests/pyodide/pyodide_node.mjs (Pyodide in Node), so both run the shipped bytecode alike.
//
// PYTHONOPTIMIZE=2 is `python -OO`. The stdlib, numpy and kdsite ship compiled at that level,
// without docstrings and asserts (kdsite/pyodide/bytecode.py, OPTIMIZE), and the interpreter
// must say so: numpy's import attaches its docstrings unless sys.flags.optimize is 2, and
// would fail on the ones that are not there.

export const PYTHON_ENV = Object.freeze({ PYTHONOPTIMIZE: "2" });
