"""Local preview: the built site on 127.0.0.1 with Pyodide's MIME types, live reload, and GitHub
Pages' answer to a missing address."""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from kdsite.pyodide.pins import SITE_CORE_FILES

# Served by the preview server only, never written into a site.
DEV_PREFIX = "/__kdsite__/"
LIVERELOAD_JS = """// kdsite serve: reload this page when the site is rebuilt.
// The page was served with the build id in this script's URL; a different id from the server
// means a newer build. The server is away for a moment whenever it restarts (kdsite's own code
// changed): a poll that fails is retried quietly, backing off to one every few seconds.
const served = new URL(import.meta.url).searchParams.get("build");
const url = new URL("build-id", import.meta.url);
const EVERY_MS = 500;
const AT_MOST_MS = 4000;
let wait = EVERY_MS;

async function poll() {
  try {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`status ${response.status}`);
    if ((await response.text()) !== served) return location.reload();
    wait = EVERY_MS;
  } catch {
    wait = Math.min(wait * 2, AT_MOST_MS); // the server is restarting: ask again later
  }
  setTimeout(poll, wait);
}

setTimeout(poll, wait);
"""
# The runtime files change only with the Pyodide version: let the browser keep them a day.
KEEP = {name for name in SITE_CORE_FILES if name != "pyodide-lock.json"}


def livereload_tag(build_id: str) -> str:
    """Return the script tag put into every served page: it reloads the page after `build_id`."""
    return f'<script type="module" src="{DEV_PREFIX}livereload.js?build={quote(build_id)}"></script>'


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with the MIME types Pyodide needs, CORS and cache headers, live reload,
    and GitHub Pages' answer to a missing path: the nearest 404.html, with status 404."""

    # Without application/wasm, streaming compilation fails and Pyodide can hang.
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
        ".zip": "application/zip",
        ".svg": "image/svg+xml",
    }

    def end_headers(self) -> None:
        """Add CORS (sandboxed embeds have an opaque origin) and a cache policy."""
        self.send_header("Access-Control-Allow-Origin", "*")
        name = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        numpy_like = name.endswith(".whl") and not name.startswith("kdsite-")
        keep = "/_kd/pyodide/" in self.path and (name in KEEP or numpy_like)
        self.send_header("Cache-Control", "public, max-age=86400" if keep else "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        """Serve dev endpoints, HTML with the live-reload tag, or plain files."""
        build_id = getattr(self.server, "build_id", None)
        if self.path.startswith(DEV_PREFIX) and build_id is not None:
            name = self.path[len(DEV_PREFIX):].split("?", 1)[0]
            bodies = {"build-id": (build_id(), "text/plain"), "livereload.js": (LIVERELOAD_JS, "text/javascript")}
            if name in bodies:
                return self._send(*bodies[name])
        if build_id is not None:
            url = self.path.split("?", 1)[0]
            path = Path(self.translate_path(url))
            if url.endswith("/"):
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                return self._send(self._with_livereload(path.read_text(encoding="utf-8")), "text/html")
        return super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing file as GitHub Pages does: the nearest 404.html above it, status 404."""
        page = self._not_found_page() if code == HTTPStatus.NOT_FOUND else None
        if page is None:
            return super().send_error(code, message, explain)
        html = page.read_text(encoding="utf-8")
        if getattr(self.server, "build_id", None) is not None:
            html = self._with_livereload(html)
        self._send(html, "text/html", HTTPStatus.NOT_FOUND)

    def list_directory(self, path):
        """A folder without index.html is missing, as on GitHub Pages (no listings)."""
        self.send_error(HTTPStatus.NOT_FOUND)

    def _not_found_page(self) -> Path | None:
        """Return the 404.html nearest above the asked path, within the served folder, if any."""
        top = Path(self.directory)
        asked = Path(self.translate_path(self.path))
        # The asked path, not where symlinks lead: a site mounted at a sub-path keeps its 404.html.
        for folder in [asked, *asked.parents]:
            if (folder / "404.html").is_file():
                return folder / "404.html"
            if folder == top:
                break
        return None

    def _with_livereload(self, html: str) -> str:
        """Return the page with the live-reload script, which knows the build it was served with."""
        return html.replace("</head>", f"{livereload_tag(self.server.build_id())}\n</head>", 1)

    def copyfile(self, source, outputfile) -> None:
        """Copy a file to the client; a reader that left mid-download is not an error."""
        try:
            super().copyfile(source, outputfile)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, text: str, mime: str, status: int = HTTPStatus.OK) -> None:
        """Send a small generated response (no body for HEAD)."""
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{mime}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Stay quiet: a preview server's access log only hides the build's messages."""


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000,
                build_id: Callable[[], str] | None = None) -> ThreadingHTTPServer:
    """Return a server for `directory` (not yet serving); with build_id, pages live-reload."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    server = ThreadingHTTPServer((host, port), handler)
    server.build_id = build_id
    return server


def snapshot(folders: list[Path]) -> dict[Path, tuple[int, int]]:
    """Return the modification time and size of every file under the folders."""
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for folder in folders if folder.exists()
            for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


class Watcher(threading.Thread):
    """Poll sources; rebuild on content, template or static changes, restart on code changes."""

    def __init__(self, folders: list[Path], package: Path, rebuild: Callable[[], None], interval: float = 0.3):
        super().__init__(daemon=True)
        self.folders, self.package, self.rebuild, self.interval = folders, package, rebuild, interval
        self.build_id = str(time.time_ns())
        self.seen = snapshot(folders)

    def run(self) -> None:
        """Watch until the process ends."""
        seen = self.seen
        while True:
            time.sleep(self.interval)
            now = snapshot(self.folders)
            changed = {p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)}
            seen = now
            if not changed:
                continue
            if any(p.suffix == ".py" and self.package in p.parents for p in changed):
                # Pre-rendering runs kdsite's own code: a fresh process picks the new code up.
                print("kdsite's code changed: restarting the preview", file=sys.stderr)
                os.execv(sys.executable, [sys.executable, "-m", "kdsite.cli", *sys.argv[1:]])
            try:
                self.rebuild()
                self.build_id = str(time.time_ns())
            except Exception as error:  # the terminal shows it; the old site stays served
                print(f"kdsite: rebuild failed: {error}", file=sys.stderr)


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8000,
          watch: list[Path] | None = None, rebuild: Callable[[], None] | None = None) -> None:
    """Serve `directory` until interrupted; with `watch` and `rebuild`, reload pages on change."""
    watcher = None
    if watch and rebuild:
        watcher = Watcher(watch, Path(__file__).parent, rebuild)
        watcher.start()
    with make_server(directory, host, port, (lambda: watcher.build_id) if watcher else None) as server:
        print(f"Serving {directory} at http://{host}:{server.server_address[1]}/ (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
