"""Files that let a site be published anywhere: GitHub Pages, offline, search engines."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from xml.sax.saxutils import escape

from kdsite.csp import allow_own_inline_code
from kdsite.files import STATIC_DIR
from kdsite.pyodide.precompress import SUFFIX as PACKED
from kdsite.urls import canonical_url

NOT_FOUND_PAGE = "404.html"
OFFLINE_MANIFEST = "_kd/offline.json"
SERVICE_WORKER = "sw.js"
# The whole site as one download (kdsite/offline_zip.py): a reader fetches it on purpose, never
# the service worker, which would otherwise download it again on every visit.
OFFLINE_ZIP = "kdsite-offline.zip"
# Not precached: the worker script itself (the browser fetches it fresh), build markers, the download.
NOT_PRECACHED = {SERVICE_WORKER, OFFLINE_MANIFEST, ".kdsite-build", ".nojekyll", NOT_FOUND_PAGE, "sitemap.xml",
                 OFFLINE_ZIP}


def write_publish_files(site: Path, page_paths: list[str], site_url: str) -> None:
    """Write .nojekyll, the offline manifest and service worker, and a sitemap when site_url is set;
    let 404.html's policy allow its own inline script and style."""
    # A host shows 404.html at any missing address, at any depth, where its stylesheet and links
    # may be out of reach: its template inlines the styles it needs to stay readable and a script
    # that finds the site's root. Only this page, made from the templates alone, may do so.
    not_found = site / NOT_FOUND_PAGE
    if not_found.is_file():
        not_found.write_text(allow_own_inline_code(not_found.read_text(encoding="utf-8")), encoding="utf-8")
    # GitHub Pages would otherwise run Jekyll, which drops folders starting with "_" (our _kd/).
    (site / ".nojekyll").write_text("")
    write_offline_manifest(site)
    if site_url:
        (site / "sitemap.xml").write_text(sitemap(page_paths, site_url), encoding="utf-8")


def write_offline_manifest(site: Path) -> None:
    """(Re)write _kd/offline.json and the service worker (sw.js) for the files now in `site`."""
    manifest = offline_manifest(site)
    (site / OFFLINE_MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    worker = (STATIC_DIR / SERVICE_WORKER).read_text(encoding="utf-8")
    (site / SERVICE_WORKER).write_text(worker.replace("__KDSITE_VERSION__", manifest["version"]), encoding="utf-8")


def offline_manifest(site: Path) -> dict:
    """Return {version, files: {path: sha256}} for every file a reader may need offline."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = path.relative_to(site).as_posix()
        # _kd/file/ serves only pages opened from disk, where no service worker runs.
        # The worker fetches a precompressed runtime file's .xz, never the original beside it.
        precompressed = relative.startswith("_kd/pyodide/") and path.with_name(path.name + PACKED).is_file()
        if relative not in NOT_PRECACHED and relative != "_kd/static/sw.js" and not relative.startswith("_kd/file/") \
                and not precompressed:
            files[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    version = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    return {"version": version, "files": files}


def sitemap(page_paths: list[str], site_url: str) -> str:
    """Return sitemap.xml for the pages."""
    urls = "".join(f"  <url><loc>{escape(canonical_url(site_url, p))}</loc></url>\n" for p in sorted(page_paths))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")
