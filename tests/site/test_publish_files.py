"""Files for publishing: .nojekyll, 404, sitemap and canonical links, offline manifest, embeds,
glossary.json, and the Pages workflow."""

import hashlib
import json
from pathlib import Path

import yaml

from kdsite.build import build
from kdsite.config import load_config

PROJECT = Path(__file__).resolve().parents[2]


def test_pages_files(built_site):
    assert (built_site / ".nojekyll").exists()
    assert "Page not found" in (built_site / "404.html").read_text()
    # Without site_url there is no sitemap and no canonical link (we do not guess the host).
    assert not (built_site / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (built_site / "index.html").read_text()


def test_site_url_adds_sitemap_and_canonical_links(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "content").mkdir()
    (project / "content" / "index.md").write_text("---\ntitle: A\ndescription: B.\norder: 0\n---\n# A\n")
    (project / "content" / "more.md").write_text("---\ntitle: M\ndescription: C.\norder: 1\n---\n# M\n")
    (project / "templates").symlink_to(PROJECT / "templates")
    (project / "kdsite.toml").write_text('site_url = "https://example.org/docs/"\n')
    build(load_config(project))
    site = project / "_site"
    sitemap = (site / "sitemap.xml").read_text()
    assert ("<loc>https://example.org/docs/</loc>" in sitemap
            and "<loc>https://example.org/docs/more.html</loc>" in sitemap)
    assert '<link rel="canonical" href="https://example.org/docs/more.html">' in (site / "more.html").read_text()
    assert 'href="/docs/index.html"' in (site / "404.html").read_text()


def test_offline_manifest_lists_every_file_with_its_hash(built_site):
    manifest = json.loads((built_site / "_kd" / "offline.json").read_text())
    files = manifest["files"]
    assert "index.html" in files and "_kd/pyodide/pyodide.asm.wasm.xz" in files
    for path, digest in files.items():
        assert hashlib.sha256((built_site / path).read_bytes()).hexdigest() == digest
    written = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
    # _kd/file/ serves only pages opened from disk, where no service worker runs.
    from_disk = {path for path in written if path.startswith("_kd/file/")}
    # Readers fetch a precompressed runtime file's .xz, never the original beside it.
    from_disk |= {path for path in written if f"{path}.xz" in files}
    assert from_disk and "_kd/file/boot.js" in from_disk
    assert written - set(files) - from_disk == {"sw.js", "_kd/offline.json", ".kdsite-build", ".nojekyll", "404.html",
                                                "kdsite-offline.zip"}
    assert f'const VERSION = "{manifest["version"]}"' in (built_site / "sw.js").read_text()


def test_every_widget_has_an_embed_page_and_the_glossary_lists_terms(built_site):
    index = (built_site / "embed" / "index" / "distillation-viz-1.html").read_text()
    assert 'data-kd-widget="distillation-viz"' in index and "embed-frame.js" in index
    assert (built_site / "embed" / "index" / "dog-wolf-cat.html").exists()  # the id parameter names it
    glossary = json.loads((built_site / "glossary.json").read_text())
    term = glossary["terms"][0]
    assert term["term"] == "Knowledge distillation" and term["definition"]
    assert (built_site / term["url"]).exists()
    assert all((built_site / url).exists() for url in term["embeds"])
    assert 'sandbox="allow-scripts allow-same-origin"' in term["iframes"][0]


def test_pages_workflow_builds_with_the_readme_command_and_caches_assets():
    workflow = yaml.safe_load((PROJECT / ".github" / "workflows" / "pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert {"run": "make site"} in steps
    assert any(s.get("uses", "").startswith("actions/cache@") and "kdsite" in s["with"]["path"] for s in steps)
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in steps)
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
