"""Record which stdlib and numpy modules the site's Python imports, under real Pyodide in Node.

The run uses a full runtime (every module of the stdlib zip and numpy's wheel, precompiled as a
site ships them), loaded the way the worker loads it (run_python.mjs), and does what a reader
can make the worker do: load the packages, import kdsite.core.states, call every widget of the
site with every control at its ends and start, train every training lab to its last epoch, and
report errors (a Python exception converted for JavaScript, a numpy error, a warning), with the
stand-ins of modules nothing calls (kdsite/pyodide/stand_ins.py) in their place from before
the packages load: asking one for anything fails the recording. Whatever is then in
`sys.modules` and came from the stdlib zip or a trimmed wheel, and every stand-in, is the
closure.

    python tests/pyodide/closure_record.py    # rewrite kdsite/pyodide/closure.json
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("run_python.mjs")
# Archives trimmed to the closure: the stdlib zip, and numpy's wheel by package name.
TRIMMED_WHEELS = ("numpy",)

# Run under Pyodide once it has started, before it loads any package (some stand-ins stand in for
# modules its package loader imports): the stand-ins a built site ships instead of modules
# nothing calls (kdsite/pyodide/stand_ins.py), found before the real modules: imported as the
# shipped ones are (a spec, bound to their package), so every way to them leads to the stand-in.
BEFORE_PACKAGES = """
import importlib.abc, importlib.util, json, sys
stand_ins = json.loads(STAND_IN_SOURCES)


class StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name in stand_ins else None

    def exec_module(self, module):
        exec(compile(stand_ins[module.__name__], module.__name__.replace(".", "/") + ".py", "exec"),
             module.__dict__)


sys.meta_path.insert(0, StandIns())
"null"
"""

# Run under Pyodide with the packages loaded, in the same globals: CALLS is replaced by the
# calls' JSON. The last line is the JSON result.
RECORDER = """
import json, sys, warnings
import kdsite, kdsite.core.states as states
import numpy as np

calls = json.loads(CALLS)
for widget, config, controls in calls["states"]:
    states.compute_state_json(widget, json.dumps(config), json.dumps(controls))
for run, config, controls, epochs, restart in calls["train"]:
    states.train_json(run, json.dumps(config), json.dumps(controls), epochs, restart)

# The error paths a reader can reach: the worker reports an exception's last line, converted
# by Pyodide for JavaScript (a bad request), numpy's own errors, and warnings printed.
import js
from pyodide.ffi import create_proxy
catch = js.Function.new("f", "try { f(); return ''; } catch (e) { return String(e.message); }")
bad = create_proxy(lambda: states.compute_state_json("no-such-widget", "{}", "{}"))
if "ValueError" not in catch(bad):  # not `assert`: Python runs as `python -OO` (python-env.js)
    raise AssertionError("a bad request did not raise ValueError")
bad.destroy()
for attempt in (lambda: np.add(np.ones(2), "a"), lambda: np.ones(2).reshape(3),
                lambda: np.ones(2).astype(np.int8, casting="safe"), lambda: np.ones((2, 2)) @ np.ones(3)):
    try:
        attempt()
    except Exception as e:
        str(e), repr(e)
with warnings.catch_warnings():
    warnings.simplefilter("always")
    np.log(np.zeros(1))
    warnings.warn("a warning, formatted as the worker would print it")
str(np.dtype("float64")), repr(np.float64(1.5)), repr(np.arange(3))

# A stand-in asked for anything: something the site runs needs the real module.
asked = {name: sorted(set(sys.modules[name].asked)) for name in stand_ins if sys.modules[name].asked}
if not all(isinstance(sys.modules[name].__spec__.loader, StandIns) for name in stand_ins):
    raise RuntimeError("a real module was imported where its stand-in should have been")
if asked:
    raise RuntimeError(f"the site's Python asked stand-ins for {asked}: take them out of STAND_INS "
                       "in kdsite/pyodide/stand_ins.py")

result = {}
for name, archive in json.loads(STAND_IN_ARCHIVES).items():  # imported as the real module would be
    result.setdefault(archive, []).append(name)
for name, module in list(sys.modules.items()):
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
    if origin.startswith(STDLIB_ROOT):
        result.setdefault("python_stdlib.zip", []).append(name)
    elif origin.startswith(SITE_PACKAGES):
        package = name.partition(".")[0]
        if package in TRIMMED:
            result.setdefault(package, []).append(name)
json.dumps({archive: sorted(names) for archive, names in sorted(result.items())})
"""


def _number(text: str) -> float | int:
    """Return `text` as JavaScript's Number() then JSON.stringify would send it: 2, not 2.0."""
    value = float(text)
    return int(value) if value.is_integer() else value


class _Widgets(HTMLParser):
    """Collect each widget root's name and config, and each of its controls' possible values."""

    def __init__(self) -> None:
        super().__init__()
        self.widgets: list[dict] = []
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-kd-widget" in a and "data-kd-config" in a:
            self.widgets.append({"widget": a["data-kd-widget"], "config": json.loads(a["data-kd-config"]),
                                 "controls": {}})
            return
        if not self.widgets:
            return
        controls = self.widgets[-1]["controls"]
        name = a.get("data-kd-control")
        if tag == "select" and name:
            self._select = controls.setdefault(name, [])
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self._select.append(_number(a["value"]))
        elif tag == "input" and name:
            ends = [_number(a[k]) for k in ("min", "max", "value") if a.get(k) not in (None, "")]
            # A range slider sends its position (common.js sliderControl); a number box its value.
            key = f"{name}_position" if a.get("type") == "range" else name
            controls.setdefault(key, []).extend(ends)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def site_calls(site: Path) -> dict:
    """Return the calls a reader can cause on the built `site`: {"states": [[widget, config,
    controls]…], "train": [[run, config, controls, epochs, restart]…]}."""
    states, train, seen = [], [], set()
    for html in sorted(site.rglob("*.html")):
        parser = _Widgets()
        parser.feed(html.read_text(encoding="utf-8"))
        for w in parser.widgets:
            key = json.dumps([w["widget"], w["config"]], sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            choices = [{}]
            for name, values in w["controls"].items():
                choices += [{name: v} for v in dict.fromkeys(values)]
            # Every control at its lowest, then its highest value at once.
            choices += [{n: min(v) for n, v in w["controls"].items() if v},
                        {n: max(v) for n, v in w["controls"].items() if v}]
            states += [[w["widget"], w["config"], c] for c in choices]
            if w["widget"] == "training-lab":
                run = f"run{len(train)}"
                for c in choices[-2:] + [{}]:  # the smallest and largest networks, then the default
                    train.append([run, w["config"], c, 1, True])
                    train.append([run, w["config"], c, w["config"]["epochs"], False])  # to the end
    return {"states": states, "train": train}


def full_runtime(dest: Path) -> Path:
    """Write a runtime with the whole stdlib zip and numpy wheel into dest/_kd/pyodide (and the
    worker's stdlib-zip.js and python-env.js beside it, as run_python.mjs expects); return that
    folder."""
    from kdsite.pyodide.bundle import write_runtime
    from kdsite.pyodide.fetch import ensure_pyodide
    from kdsite.pyodide.wheel import build_core_wheel

    runtime = dest / "_kd" / "pyodide"
    write_runtime(ensure_pyodide(), runtime, build_core_wheel(dest / "wheel"), trim=False)
    (dest / "_kd" / "static").mkdir(parents=True, exist_ok=True)
    for script in ("stdlib-zip.js", "python-env.js"):
        shutil.copyfile(PROJECT / "kdsite" / "static" / script, dest / "_kd" / "static" / script)
    return runtime


def run_in_node(runtime: Path, program: str, before_packages: str | None = None) -> str:
    """Return the stdout of `program` run by run_python.mjs on `runtime` (after
    `before_packages`, run before the packages load); raise on failure."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed to record the closure: install nodejs")
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        if before_packages is not None:
            (Path(tmp) / "before.py").write_text(before_packages, encoding="utf-8")
            args = ["--before-packages", str(Path(tmp) / "before.py")]
        done = subprocess.run([node, str(RUNNER), str(runtime), *args], input=program, capture_output=True,
                              text=True, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"run_python.mjs failed:\n{done.stderr}")
    return done.stdout


def record(site: Path, work: Path) -> dict[str, list[str]]:
    """Return {archive: sorted module names} imported when the calls of `site` run in Node."""
    runtime = full_runtime(work)
    from kdsite.pyodide.stand_ins import STAND_INS, stand_in_source

    stand_ins = {name: stand_in_source(name).decode() for name in sorted(STAND_INS)}
    program = (RECORDER.replace("CALLS", repr(json.dumps(site_calls(site))))
               .replace("STDLIB_ROOT", repr("/lib/python312.zip/"))
               .replace("SITE_PACKAGES", repr("/lib/python3.12/site-packages/"))
               .replace("TRIMMED", repr(TRIMMED_WHEELS))
               .replace("STAND_IN_ARCHIVES", repr(json.dumps(STAND_INS))))
    before = BEFORE_PACKAGES.replace("STAND_IN_SOURCES", repr(json.dumps(stand_ins)))
    return json.loads(run_in_node(runtime, program, before))


def closure_document(modules: dict[str, list[str]]) -> str:
    """Return closure.json's text for `modules`."""
    return json.dumps({
        "about": "Modules the site's Python imports, per archive; recorded by "
                 "tests/pyodide/closure_record.py, shipped alone by kdsite/pyodide/closure.py.",
        "modules": modules,
    }, indent=1, sort_keys=True) + "\n"


def main() -> int:
    from kdsite.build import build
    from kdsite.config import load_config
    from kdsite.pyodide.closure import CLOSURE_FILE

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "_site"
        build(load_config(PROJECT, output=site))
        modules = record(site, Path(tmp) / "full")
    CLOSURE_FILE.write_text(closure_document(modules), encoding="utf-8")
    print(f"wrote {CLOSURE_FILE}: " + ", ".join(f"{a} {len(m)} modules" for a, m in modules.items()))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT))
    sys.exit(main())
