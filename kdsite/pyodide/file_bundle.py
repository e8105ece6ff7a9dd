"""The extra files that make a built site's widgets live when a page is opened from disk (file://).

From file:// a browser runs classic <script src> files but refuses module scripts, fetch() and
workers made from a file, so neither the runtime's ES modules nor Pyodide's files can load the
usual way. This writes, under `_kd/file/` only:

- `modules.js`: the runtime's own ES modules (runtime.js, worker.js, the widgets and everything
  they import, found by following their imports) as classic-script factories, each module's
  text kept whole between a header and a footer, with its `import`/`export` lines rewritten;
- `p/<name>.js`: one classic script per runtime file (Pyodide, the stdlib, the lock, every wheel)
  carrying its bytes in base64 — the `.xz` of each file the build precompressed (precompress.py,
  run first), which the worker decompresses and checks as over http (boot-fetch.js, with
  `boot-files.js` among the worker's modules): a third of the bytes to read from disk and parse;
- `index.js`: the list of those files with the sha256 each must have once decoded (a wheel's
  from the site lock, which Pyodide checks again when it installs the wheel).

`kdsite/static/file/boot.js`, copied here too, runs them: local-file.js loads it only when the
page finds itself on file://, so readers served over http(s) never download any of this.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

from kdsite.errors import AssetError
from kdsite.files import STATIC_DIR
from kdsite.pyodide.precompress import CORE, MANIFEST, SUFFIX

FILE_DIR = "_kd/file"
STATIC = "_kd/static"
PYODIDE = "_kd/pyodide"
# kdsite/static/file/ is not copied into _kd/static/: its boot.js goes to _kd/file/ with the bundle.
FILE_BOOT_DIR = "file"
BOOT_SOURCE = STATIC_DIR / FILE_BOOT_DIR / "boot.js"
# Entry points: the page runtime, the Python worker, and every widget (runtime.js imports
# those by name at run time, so they are not reachable through static imports).
ENTRIES = ("runtime.js", "worker.js")

# The only module syntax the runtime's sources use, one statement per line.
_IMPORT_NAMED = re.compile(r'^import \{([^}]*)\} from "([^"]+)";\s*$')
_IMPORT_ALL = re.compile(r'^import \* as ([A-Za-z_$][\w$]*) from "([^"]+)";\s*$')
_EXPORT = re.compile(r"^export (const|let|function|async function|class) ([A-Za-z_$][\w$]*)")
_ANY_IMPORT = re.compile(r"""^import\b.*\bfrom\s*["']|^import\s*["'{*]|^export\b""")
_PYODIDE_EXPORT = re.compile(r"export\{([\w$]+) as loadPyodide,([\w$]+) as version\};")


def write_file_bundle(site: Path) -> list[str]:
    """Write `_kd/file/` into the built `site` (after its `_kd/static/` and `_kd/pyodide/`).

    Returns the paths written, relative to `site`. A site without `_kd/pyodide/` (no widgets)
    gets nothing. Raises AssetError when a runtime module uses syntax the rewrite does not know,
    or when a wheel's bytes do not match the site lock.
    """
    pyodide = site / PYODIDE
    if not (pyodide / "pyodide-lock.json").is_file():
        return []
    out = site / FILE_DIR
    if out.exists():
        shutil.rmtree(out)
    (out / "p").mkdir(parents=True)
    written = []

    modules, worker_modules = _module_graph(site / STATIC)
    if (pyodide / MANIFEST).is_file():  # worker.js imports it at run time, by name
        manifest = f"{PYODIDE}/{MANIFEST}"
        modules.append(manifest)
        worker_modules.append(manifest)
    factories = [f"kdFile.define({json.dumps(rel)}, {factory_source(site / rel, rel)});" for rel in modules]
    payloads = _payloads(pyodide)
    index = {
        "worker": worker_modules,  # the modules the Python worker's Blob is made from, in order
        "payloads": [{"path": path, "script": f"p/{Path(path).name}.js", "sha256": sha, "size": len(data)}
                     for path, (data, sha) in payloads.items()],
    }
    files = {
        "boot.js": BOOT_SOURCE.read_text(encoding="utf-8"),
        "index.js": f"kdFile.index({json.dumps(index, indent=1)});\n",
        "modules.js": ("// Made by kdsite/pyodide/file_bundle.py from _kd/static/; see boot.js.\n"
                       + "\n".join(factories) + "\n"),
    }
    for path, (data, _sha) in payloads.items():
        files[f"p/{Path(path).name}.js"] = (f"kdFile.payload({json.dumps(path)}, "
                                            f'"{base64.b64encode(data).decode()}");\n')
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(f"{FILE_DIR}/{name}")
    return written


def factory_source(path: Path, rel: str) -> str:
    """Return the ES module at `path` as `function (__kd_require, __kd_meta, __kd_import) {…}`.

    Named and namespace imports become `const … = __kd_require("spec")`, `export` declarations
    lose the keyword and are returned as getters (so bindings stay live), `import.meta` becomes
    `__kd_meta` and `import(` becomes `__kd_import(`. Any other module syntax raises AssetError.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    exported = []
    for number, line in enumerate(lines, 1):
        if m := _IMPORT_NAMED.match(line):
            names = [n.strip() for n in m.group(1).split(",") if n.strip()]
            bindings = ", ".join(n.replace(" as ", ": ") for n in names)
            lines[number - 1] = f"const {{ {bindings} }} = __kd_require({json.dumps(m.group(2))});"
        elif m := _IMPORT_ALL.match(line):
            lines[number - 1] = f"const {m.group(1)} = __kd_require({json.dumps(m.group(2))});"
        elif m := _EXPORT.match(line):
            exported.append(m.group(2))
            lines[number - 1] = line[len("export "):]
        elif _ANY_IMPORT.match(line):
            raise AssetError(f"{rel}:{number}: the file:// bundle cannot rewrite this module syntax: {line.strip()}",
                             'write imports as `import { a, b } from "./x.js";` or `import * as x from "./x.js";` '
                             "on one line, and exports as `export const|let|function|class name`")
    body = "\n".join(lines)
    body = re.sub(r"\bimport\.meta\b", "__kd_meta", body)
    body = re.sub(r"(?<![\w$.])import\(", "__kd_import(", body)
    getters = ", ".join(f"get {name}() {{ return {name}; }}" for name in exported)
    return ('function (__kd_require, __kd_meta, __kd_import) {\n"use strict";\n'
            f"{body}\nreturn {{ {getters} }};\n}}")


def _imports(path: Path) -> list[str]:
    """Return the static import specifiers of a module, in order."""
    found = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if m := (_IMPORT_NAMED.match(line) or _IMPORT_ALL.match(line)):
            found.append(m.group(2))
    return found


def _module_graph(static: Path) -> tuple[list[str], list[str]]:
    """Return (every module reachable from the entries and widgets, the worker's modules),
    as site-relative paths, each after the modules it imports."""
    site = static.parents[1]

    def visit(rel: str, order: list[str]) -> None:
        if rel in order:
            return
        path = site / rel
        if not path.is_file():
            raise AssetError(f"{rel}: a runtime module imports it, but it is not in the built site",
                             "check the import in kdsite/static/")
        for spec in _imports(path):
            visit(_normalize(f"{Path(rel).parent.as_posix()}/{spec}"), order)
        order.append(rel)

    everything: list[str] = []
    entries = [f"{STATIC}/{name}" for name in ENTRIES]
    entries += sorted(f"{STATIC}/widgets/{p.name}" for p in (static / "widgets").glob("*.js"))
    for rel in entries:
        visit(rel, everything)
    worker: list[str] = []
    visit(f"{STATIC}/worker.js", worker)
    return everything, worker


def _normalize(path: str) -> str:
    """Resolve `.` and `..` segments of a site-relative path."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _payloads(pyodide: Path) -> dict[str, tuple[bytes, str]]:
    """Return {site path: (bytes, sha256)} for every runtime file the worker needs: a file's .xz
    when the build precompressed it (its sha256 is the .xz's; boot-fetch.js checks what it
    decompresses to against boot-files.js), else the file itself."""
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    packed = {name for name in (*CORE, *(e["file_name"] for e in lock["packages"].values()))
              if (pyodide / f"{name}{SUFFIX}").is_file() and (pyodide / MANIFEST).is_file()}
    found = {}
    for name in sorted(packed):
        data = (pyodide / f"{name}{SUFFIX}").read_bytes()
        found[f"{PYODIDE}/{name}{SUFFIX}"] = (data, hashlib.sha256(data).hexdigest())
    for name in ("pyodide.asm.js", *CORE, "pyodide-lock.json"):
        if name in packed:
            continue
        data = (pyodide / name).read_bytes()
        found[f"{PYODIDE}/{name}"] = (data, hashlib.sha256(data).hexdigest())
    # pyodide.mjs ends with an ES export; the worker's Blob holds it as a module factory.
    mjs = (pyodide / "pyodide.mjs").read_text(encoding="utf-8")
    exports = list(_PYODIDE_EXPORT.finditer(mjs))
    if len(exports) != 1:
        raise AssetError("_kd/pyodide/pyodide.mjs: its export statement is not the one the file:// bundle knows",
                         "update _PYODIDE_EXPORT in kdsite/pyodide/file_bundle.py for this Pyodide version")
    m = exports[0]
    factory = mjs[:m.start()] + f"return {{ loadPyodide: {m.group(1)}, version: {m.group(2)} }};" + mjs[m.end():]
    data = factory.encode()
    found[f"{PYODIDE}/pyodide.mjs"] = (data, hashlib.sha256(data).hexdigest())
    for name, entry in sorted(lock["packages"].items()):
        if entry["file_name"] in packed:
            continue
        data = (pyodide / entry["file_name"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise AssetError(f"_kd/pyodide/{entry['file_name']}: its sha256 is not the site lock's for {name}",
                             "rebuild the site (make site)")
        found[f"{PYODIDE}/{entry['file_name']}"] = (data, entry["sha256"])
    return found
