"""The built site: only the files it needs, verified runtime, relative URLs, no other hosts."""

import hashlib
import json
import re
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from kdsite.cli import main
from kdsite.pyodide.bytecode import BUILD_ONLY_SUFFIXES
from kdsite.pyodide.closure import load_closure, module_of, ships
from kdsite.pyodide.fetch import ensure_pyodide
from kdsite.pyodide.pins import PYODIDE_VERSION, SITE_CORE_FILES
from kdsite.pyodide.stand_ins import STAND_INS
from kdsite.pyodide.wheel import build_core_wheel
from kdsite.serve import make_server

PROJECT = Path(__file__).resolve().parents[2]


def test_runtime_folder_holds_only_what_the_site_needs(built_site):
    runtime = built_site / "_kd" / "pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    wheels = {entry["file_name"] for entry in lock["packages"].values()}
    # Beside each, what readers fetch instead: its .xz, and the list of them (precompress.py).
    precompressed = {f"{name}.xz" for name in ("pyodide.asm.wasm", "python_stdlib.zip", *wheels)}
    assert {p.name for p in runtime.iterdir()} == set(SITE_CORE_FILES) | wheels | precompressed | {"boot-files.js"}
    assert set(lock["packages"]) == {"kdsite", "numpy"}
    assert lock["info"]["version"] == PYODIDE_VERSION
    for entry in lock["packages"].values():
        assert hashlib.sha256((runtime / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]
    # numpy ships from the official wheel (sha256 from Pyodide's lock) with its .py precompiled,
    # without the files only a compiler or type checker reads, and with a RECORD to match.
    official = "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08"
    source = ensure_pyodide().wheels["numpy"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == official
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(runtime / lock["packages"]["numpy"]["file_name"]) as ours:
        # ... and only the modules a page imports (kdsite/pyodide/closure.json).
        numpy_closure = load_closure()["numpy"]
        kept = [n for n in original.namelist() if not n.endswith(BUILD_ONLY_SUFFIXES) and ships(n, numpy_closure)]
        assert len(kept) < len(original.namelist())
        # ... but a compiled module nothing calls, which ships as its stand-in (stand_ins.py).
        stand_ins = {n for n in kept if n.endswith(".so") and module_of(n) in STAND_INS}
        assert len(stand_ins) == len([m for m, archive in STAND_INS.items() if archive == "numpy"])
        as_shipped = {n: module_of(n).replace(".", "/") + ".pyc" if n in stand_ins
                      else n + "c" if n.endswith(".py") else n for n in kept}
        assert set(ours.namelist()) == set(as_shipped.values())
        record = "numpy-2.0.2.dist-info/RECORD"
        assert all(ours.read(n) == original.read(n) for n in kept if as_shipped[n] == n and n != record)
        listed = {line.split(",")[0] for line in ours.read(record).decode().splitlines()}
        assert listed == set(ours.namelist())
    assert lock["packages"]["kdsite"]["depends"] == ["numpy"]


def test_pages_and_our_scripts_name_no_other_host(built_site):
    ours = [*built_site.glob("**/*.html"), *(built_site / "_kd" / "static").rglob("*.*")]
    assert ours
    for path in ours:
        text = path.read_text(encoding="utf-8")
        if path.parent.name == "vendor":  # a release's license comment credits its authors' pages
            text = re.sub(r"/\*![\s\S]*?\*/", "", text)
        # The W3C's namespace URIs (SVG, XHTML, MathML) are names, not places: nothing is fetched.
        assert not re.search(r"https?://(?!www\.w3\.org/)", text), f"{path} names a host"
        assert not re.search(r'(?:src|href)="(?:/|//)', text), f"{path} has a root-relative URL"


def test_index_links_resolve_inside_the_site(built_site):
    html = (built_site / "index.html").read_text()
    for url in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert (built_site / url).exists(), url


def test_build_py_matches_kdsite_build(tmp_path, monkeypatch):
    monkeypatch.chdir(PROJECT)
    done = subprocess.run([sys.executable, "build.py", "--output", str(tmp_path / "a"), "--strict"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert main(["build", "--output", str(tmp_path / "b"), "--strict"]) == 0
    assert (tmp_path / "a" / "index.html").read_text() == (tmp_path / "b" / "index.html").read_text()


def test_output_folder_guard(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(PROJECT)
    assert main(["build", "--output", "content"]) == 1
    assert "is or contains content — choose another --output" in capsys.readouterr().err
    assert main(["build", "--output", "content/out"]) == 1
    assert "lies inside content" in capsys.readouterr().err
    assert main(["build", "--output", "."]) == 1
    assert "is or contains the project root" in capsys.readouterr().err
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert main(["build", "--output", str(foreign)]) == 1
    assert "was not made by kdsite" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(("name", "mime"), [
    ("_kd/pyodide/pyodide.asm.wasm", "application/wasm"),
    ("_kd/pyodide/pyodide.mjs", "text/javascript"),
    ("_kd/static/runtime.js", "text/javascript"),
    ("index.html", "text/html"),
])
def test_preview_server_mime_types(built_site, name, mime):
    import threading

    server = make_server(built_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/{name}") as response:
            assert response.headers["Content-Type"].split(";")[0] == mime
    finally:
        server.shutdown()


def test_core_wheel_is_reproducible_and_holds_only_the_core(tmp_path):
    first = build_core_wheel(tmp_path / "1").read_bytes()
    second = build_core_wheel(tmp_path / "2")
    assert first == second.read_bytes()
    names = zipfile.ZipFile(second).namelist()
    code = [n for n in names if n.endswith(".py")]
    assert "kdsite/__init__.py" in code
    assert all(n == "kdsite/__init__.py" or n.startswith("kdsite/core/") for n in code)


def test_core_imports_with_numpy_alone():
    # Block every build-side dependency: the browser has none of them.
    program = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'jinja2', 'matplotlib', 'yaml', 'markdown_it', 'mdit_py_plugins', 'pyodide_lock'}:
            raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
import kdsite, kdsite.core.states
print(kdsite.core.states.compute_state('distillation-viz', {'teacher': [1, 1], 'student': [1, 3], 'temperature': 1.0}, \
{})['readouts']['kl']['text'])
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.144"
