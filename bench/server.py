"""A local stand-in for GitHub Pages behind an emulated link, counting every byte it sends.

Served as GitHub Pages serves a site: HTTP/1.1 with keep-alive, `Cache-Control: max-age=600`,
an ETag and Last-Modified on every file (a conditional request gets 304), the root 404.html
for a missing path, and, in compression mode "gh-pages", gzip for HTML, JS, CSS, JSON, SVG and
wasm when the browser accepts it (wheels and zips as they are); mode "none" sends every file
as it is. The gzip bodies are made once, before anything is timed.

The link (a Profile) is emulated here, in the server, not in the browser. Chromium's
DevTools emulation (Network.emulateNetworkConditions on the page's CDP session) slows the
page and its dedicated worker, but not its service worker: on this Chromium, a 2 MB fetch at
1 Mbit/s took 16.6 s from the page and from a dedicated worker, and 0.2 s from a service
worker. Here every connection waits: a new one `handshake_rtts` round trips before its first
request counts as sent, every response one RTT before its first byte, and every byte, headers
included, goes through one token bucket at the profile's bandwidth shared by all connections
(refilled continuously, holding at most BURST_S of data so a late thread loses no link time).
Not emulated: TCP slow start, upload bandwidth, HTTP/2 (GitHub Pages multiplexes every file on
one connection; Chromium opens at most 6 HTTP/1.1 connections here, so a page that needs
many files at once pays more round trips here than there).

Why count on the server: a cold load's bytes must include the Web Worker's requests (the
Pyodide runtime and the wheels: nearly all of them). `performance.getEntriesByType` in the
page cannot see them, and Playwright's `request.sizes()` reports 0 bytes for the worker script
itself and negative sizes for cache hits. The server sees every response; what it writes
(status line, headers and body as encoded) is what crossed the wire.
"""

from __future__ import annotations

import email.utils
import gzip
import os
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.profiles import COMPRESSIONS, Profile
from kdsite.serve import SiteHandler

CACHE_CONTROL = "max-age=600"  # what GitHub Pages sends with every file
GZIP_TYPES = frozenset({"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                        "image/svg+xml", "application/wasm", "text/plain", "text/xml", "application/xml"})
GZIP_LEVEL = 6  # zlib's default; GitHub Pages' exact level is not published
CHUNK = 16 * 1024  # bytes written to a socket at a time: the token bucket's unit
BURST_S = 0.02  # the token bucket holds at most this many seconds of data


@dataclass
class Hit:
    """One response: its path, when its request arrived (time.monotonic()), what was written."""

    path: str
    arrived: float
    status: int = 0
    bytes: int = 0
    done: bool = False  # the whole response was written (or the client left)


class ByteMeter:
    """Every response the server sent since the last reset, thread-safe."""

    def __init__(self):
        self._lock = threading.Condition()
        self._hits: list[Hit] = []

    def open(self, path: str, arrived: float) -> Hit:
        hit = Hit(path, arrived)
        with self._lock:
            self._hits.append(hit)
        return hit

    def add(self, hit: Hit, n: int) -> None:
        with self._lock:
            hit.bytes += n

    def finish(self, hit: Hit) -> None:
        with self._lock:
            hit.done = True
            self._lock.notify_all()

    def wait_sent(self, until: float, timeout: float) -> None:
        """Wait (at most `timeout` s) until every response to a request that arrived by `until` is sent."""
        with self._lock:
            self._lock.wait_for(lambda: all(h.done for h in self._hits if h.arrived <= until), timeout)

    def reset(self) -> None:
        with self._lock:
            self._hits = []

    def by_path(self, until: float | None = None) -> dict[str, int]:
        """Bytes per URL path of the responses to requests that arrived by `until` (monotonic s; None: all)."""
        out: dict[str, int] = {}
        with self._lock:
            for hit in self._hits:
                if until is None or hit.arrived <= until:
                    out[hit.path] = out.get(hit.path, 0) + hit.bytes
        return out

    @property
    def total(self) -> int:
        return sum(self.by_path().values())


class Link:
    """The emulated link: delays per connection and per response, one shared token bucket.

    `clock` and `sleep` are time.monotonic and time.sleep unless a test passes its own.
    """

    def __init__(self, profile: Profile, clock=time.monotonic, sleep=time.sleep):
        self.profile = profile
        self.rtt = profile.rtt_ms / 1000
        self.handshake = profile.handshake_rtts * self.rtt
        self.rate = profile.down_mbps * 1e6 / 8 if profile.down_mbps else None  # bytes/s
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._free_at = 0.0  # when the data queued so far has crossed the link (clock s)

    def first_byte_at(self, connected: float, arrived: float) -> float:
        """When a response may start: one RTT after its request could be sent on its connection."""
        return max(arrived, connected + self.handshake) + self.rtt

    def wait_first_byte(self, connected: float, arrived: float) -> None:
        """Sleep until first_byte_at()."""
        if self.rtt:
            self._sleep_until(self.first_byte_at(connected, arrived))

    def transmit(self, n: int) -> None:
        """Sleep until `n` more bytes have crossed the link, behind whatever is queued already."""
        if not self.rate:
            return
        with self._lock:
            start = max(self._free_at, self._clock() - BURST_S)
            self._free_at = done = start + n / self.rate
        self._sleep_until(done)

    def _sleep_until(self, when: float) -> None:
        delay = when - self._clock()
        if delay > 0:
            self._sleep(delay)


class Files:
    """File bodies in memory, raw and gzipped, keyed by path and checked against mtime and size."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple[int, int], bytes, bytes | None]] = {}

    def get(self, path: Path, mime: str) -> tuple[bytes, bytes | None, os.stat_result]:
        """Return (raw, gzipped or None when the type is not compressed, stat) of a file."""
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(path)
        if cached is None or cached[0] != key:
            raw = path.read_bytes()
            packed = gzip.compress(raw, GZIP_LEVEL, mtime=0) if mime in GZIP_TYPES else None
            cached = (key, raw, packed)
            with self._lock:
                self._cache[path] = cached
        return cached[1], cached[2], stat

    def prepare(self, root: Path) -> None:
        """Read (and gzip) every file under root now, so no timed request pays for it."""
        for folder, _, names in os.walk(root, followlinks=True):
            for name in names:
                self.get((Path(folder) / name).resolve(), mime_of(name))

    def body_size(self, path: Path, compression: str) -> int:
        """Return the bytes of a file's body as sent in `compression` mode to a browser taking gzip."""
        raw, packed, _ = self.get(path.resolve(), mime_of(path.name))
        return len(packed if packed is not None and compression == "gh-pages" else raw)


class _LinkWriter:
    """Wrap a handler's wfile: pace what it writes through the link and count it."""

    def __init__(self, wfile, handler):
        self._wfile, self._handler = wfile, handler

    def write(self, data) -> int:
        view = memoryview(data)
        server = self._handler.server
        for start in range(0, len(view), CHUNK):
            piece = view[start:start + CHUNK]
            server.link.transmit(len(piece))
            self._wfile.write(piece)
            hit = getattr(self._handler, "hit", None)
            if hit is not None:
                server.meter.add(hit, len(piece))
        return len(view)

    def __getattr__(self, name):
        return getattr(self._wfile, name)


class PagesHandler(SimpleHTTPRequestHandler):
    """GET and HEAD of static files as GitHub Pages answers them (see the module's docstring)."""

    protocol_version = "HTTP/1.1"
    extensions_map = SiteHandler.extensions_map  # kdsite serve's MIME types (application/wasm, …)

    def setup(self) -> None:
        super().setup()
        self.connected = time.monotonic()
        self.wfile = _LinkWriter(self.wfile, self)

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        arrived = time.monotonic()
        url_path = unquote(urlsplit(self.path).path)
        self.hit = self.server.meter.open(url_path, arrived)
        try:
            self._respond(arrived, url_path, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the reader left mid-download: not an error
        finally:
            self.server.meter.finish(self.hit)

    def _respond(self, arrived: float, url_path: str, body: bool) -> None:
        root = Path(self.directory)
        file = Path(self.translate_path(self.path))  # it unquotes and drops the query itself
        if file.is_dir():
            if not url_path.endswith("/"):
                location = urlsplit(self.path).path + "/"
                return self._answer(arrived, HTTPStatus.MOVED_PERMANENTLY, headers={"Location": location})
            file = file / "index.html"
        status = HTTPStatus.OK
        if not file.is_file():
            status, file = HTTPStatus.NOT_FOUND, root / "404.html"
            if not file.is_file():
                return self._answer(arrived, status, b"404 Not Found\n", {"Content-Type": "text/plain"}, body=body)
        mime = self.guess_type(str(file))
        raw, packed, stat = self.server.files.get(file.resolve(), mime)
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers = {"Content-Type": mime + ("; charset=utf-8" if mime.startswith("text/") else ""),
                   "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True), "ETag": etag,
                   "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
        if status == HTTPStatus.OK and etag in self.headers.get("If-None-Match", ""):
            return self._answer(arrived, HTTPStatus.NOT_MODIFIED, None, headers)
        data = raw
        if packed is not None and self.server.compression == "gh-pages" and "gzip" in self.headers.get(
                "Accept-Encoding", ""):
            data, headers["Content-Encoding"] = packed, "gzip"
        self._answer(arrived, status, data, headers, body=body)

    def _answer(self, arrived: float, status: int, data: bytes | None = None, headers: dict | None = None,
                body: bool = True) -> None:
        """Wait out the link's delay, then send the status, headers and (for GET) the body."""
        self.server.link.wait_first_byte(self.connected, arrived)
        self.hit.status = int(status)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Access-Control-Allow-Origin", "*")
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(data or b"")))
        self.end_headers()
        if body and data:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the bench prints its own progress."""


class PagesServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its link, meter, file cache and compression mode."""

    daemon_threads = True

    def __init__(self, directory: Path, profile: Profile, compression: str, files: Files):
        if compression not in COMPRESSIONS:
            raise ValueError(f"unknown compression {compression!r}: one of {', '.join(COMPRESSIONS)}")
        handler = lambda *args, **kw: PagesHandler(*args, directory=str(directory), **kw)  # noqa: E731
        super().__init__(("127.0.0.1", 0), handler)
        self.link, self.meter, self.files, self.compression = Link(profile), ByteMeter(), files, compression
        self.profile = profile

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def mime_of(name: str) -> str:
    """Return the Content-Type the server sends for a file name (without charset)."""
    return PagesHandler.guess_type(PagesHandler, name)


def start(directory: Path, profile: Profile, compression: str, files: Files | None = None) -> PagesServer:
    """Serve `directory` on 127.0.0.1 at a free port, in a thread; `server.shutdown()` stops it.

    Servers given one `files` share its cache: each file is read and gzipped once.
    """
    files = files or Files()
    files.prepare(directory)
    server = PagesServer(directory, profile, compression, files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
