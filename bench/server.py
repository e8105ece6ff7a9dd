"""Serve the site with kdsite's own server and count every byte it sends.

Why count on the server: a cold load's bytes must include the Web Worker's requests (the
Pyodide runtime and the wheels: nearly all of them). `performance.getEntriesByType`
in the page cannot see them (they live in the worker's timeline); a CDP session on the page
receives no Network events for the dedicated worker; and Playwright's `request.sizes()`
reports 0 bytes for the worker script itself and negative sizes for cache hits. The server
sees every response, so what it writes (status line, headers and body, over plain HTTP/1.1
without compression) equals Chromium's encodedDataLength totals.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from kdsite.serve import make_server


class ByteMeter:
    """A thread-safe running total of the bytes written to clients, by request path."""

    def __init__(self):
        self._lock = threading.Lock()
        self.by_path: dict[str, int] = {}

    def add(self, path: str, n: int) -> None:
        with self._lock:
            self.by_path[path] = self.by_path.get(path, 0) + n

    def reset(self) -> None:
        with self._lock:
            self.by_path = {}

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.by_path.values())


class _CountingWriter:
    """Wrap a handler's wfile, adding what goes through it to the meter."""

    def __init__(self, wfile, handler, meter: ByteMeter):
        self._wfile, self._handler, self._meter = wfile, handler, meter

    def write(self, data) -> int:
        n = self._wfile.write(data)
        self._meter.add(getattr(self._handler, "path", "?").split("?", 1)[0], len(data))
        return n

    def __getattr__(self, name):
        return getattr(self._wfile, name)


def start(directory: Path) -> tuple[object, str, ByteMeter]:
    """Serve `directory` on 127.0.0.1 at a free port; return (server, base URL, meter)."""
    server = make_server(directory, port=0)
    meter = ByteMeter()
    made = server.RequestHandlerClass  # functools.partial(SiteHandler, directory=…)

    class CountingHandler(made.func):
        def setup(self):
            super().setup()
            self.wfile = _CountingWriter(self.wfile, self, meter)

    server.RequestHandlerClass = functools.partial(CountingHandler, *made.args, **made.keywords)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/", meter
