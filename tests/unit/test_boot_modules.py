"""The scripts early.js preloads as it starts Python (kdsite/boot_modules.py): exactly the Python
worker's and the decoder threads' static module graph, read from the scripts themselves; and the
inline script that begins the boot's first download before it (kdsite/render.py)."""

from __future__ import annotations

import json
import posixpath
import re
import shutil

import pytest
from markupsafe import escape

from kdsite.boot_modules import boot_modules, static_imports
from kdsite.csp import policy, source_hash
from kdsite.files import STATIC_DIR
from kdsite.render import inline_script


def test_the_list_is_the_boot_threads_static_module_graph():
    modules = boot_modules()
    assert modules == sorted(set(modules))
    for name in ("unxz-worker.js", "boot-fetch.js", "decoders.js", "protocol.js", "vendor/xz-decompress.js"):
        assert f"static/{name}" in modules
    # worker.js is asked for by early.js's `new Worker` at that very moment; its imports are listed.
    assert "static/worker.js" not in modules
    for spec in static_imports(STATIC_DIR / "worker.js"):
        assert posixpath.normpath(posixpath.join("static", spec)) in modules
    assert "pyodide/boot-files.js" in modules
    # Every static import of every listed script is listed: nothing is left for a round trip.
    for module in modules:
        if module.startswith("static/"):
            for spec in static_imports(STATIC_DIR / module.removeprefix("static/")):
                assert posixpath.normpath(posixpath.join(posixpath.dirname(module), spec)) in modules
    # Neither the page's own scripts nor Pyodide's 1 MB classic script (it would be parsed as a module).
    assert "static/runtime.js" not in modules
    assert "pyodide/pyodide.asm.js" not in modules


def test_imports_over_several_lines_count_and_dynamic_ones_do_not(tmp_path):
    (tmp_path / "a.js").write_text(
        'import {\n  one,\n  two,\n} from "./b.js";\nimport "./c.js";\n'
        '// import x from "./commented.js";\nconst later = import("./dynamic.js");\n', encoding="utf-8")
    assert static_imports(tmp_path / "a.js") == ["./b.js", "./c.js"]


def test_a_missing_import_fails_the_build_naming_it(tmp_path):
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static)
    (static / "decoders.js").unlink()
    with pytest.raises(FileNotFoundError, match="decoders.js"):
        boot_modules(static)


def test_pages_with_widgets_list_them_for_early_js_and_pages_without_do_not(built_site):
    listed = f'data-kd-boot-modules="{" ".join(boot_modules())}"'
    for page in ("training.html", "glossary/knowledge-distillation.html"):
        assert listed in (built_site / page).read_text(encoding="utf-8")
    for page in ("embedding.html", "404.html"):
        assert "data-kd-boot-modules" not in (built_site / page).read_text(encoding="utf-8")


def test_pages_with_widgets_begin_the_boots_first_download_inline_allowed_by_its_hash_alone(built_site):
    # An inline script begins the wasm's .xz as the page is parsed; the decoder of the first file
    # boot-files.js lists gets the download. The page's policy allows that script, by its hash.
    first = built_site / "_kd" / "pyodide" / "boot-files.js"
    files = json.loads(first.read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";"))["files"]
    assert (built_site / "_kd" / "pyodide" / files[0]["packed"]).is_file()
    script = (STATIC_DIR / "inline" / "first-download.js").read_text(encoding="utf-8")
    allowed = f'content="{escape(policy([source_hash(script)]))}"'
    for page, root in (("training.html", ""), ("glossary/knowledge-distillation.html", "../"),
                       ("embed/index/distillation-viz-1.html", "../../")):
        text = (built_site / page).read_text(encoding="utf-8")
        named = f"{root}_kd/pyodide/{files[0]['packed']}"
        assert f'<script data-kd-runtime-download="{named}">{script}</script>' in text, page
        assert allowed in text, page
        # Before early.js, which takes the download over.
        assert text.index("data-kd-runtime-download") < text.index("_kd/static/early.js"), page
    for page in ("embedding.html", "404.html"):
        text = (built_site / page).read_text(encoding="utf-8")
        assert "data-kd-runtime-download" not in text and str(escape(source_hash(script))) not in text, page
    assert not (built_site / "_kd" / "static" / "inline").exists()  # carried inline, not copied
    # The script looks for a kept copy in the cache boot-fetch.js keeps them in.
    cache = re.search(r'const DECODED_CACHE = "([^"]+)";', (STATIC_DIR / "boot-fetch.js").read_text())
    assert f'cacheName: "{cache.group(1)}"' in script


@pytest.mark.parametrize("bad", ["</script>", "</SCRIPT ", "<!--"])
def test_an_inline_script_that_would_end_early_is_refused_naming_the_file(tmp_path, bad):
    path = tmp_path / "begin.js"
    path.write_text(f"const s = '{bad}';\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"begin\.js.*would end the inline script early"):
        inline_script(path)
