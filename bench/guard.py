"""Make sure no request of a measured page leaves 127.0.0.1, and fail loudly if one tries.

Two nets, because each sees what the other cannot:
- Chromium is started with this module's server as its HTTP(S) proxy. Chromium never proxies
  loopback addresses, so the pages' own requests go straight to the bench's servers, while any
  request to another host (from the page, a worker, a service worker or the browser itself)
  arrives here and is refused (403; https gets no tunnel). Nothing reaches another host.
- Playwright reports every request of the measured browser context, the dedicated workers'
  and service workers' included: one whose host is not 127.0.0.1 is a page's, and fails the
  bench. (The proxy cannot tell who asked: for https it sees only `CONNECT host:443`.)
Chromium also calls its own services (sign-in and component updates, which its flags do not
turn off) from outside any context: those are refused like the rest, listed in the results,
and do not fail the bench; a refused request to any other host does.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

ALLOWED_HOST = "127.0.0.1"
# Hosts of Chromium's own background services (seen here: accounts.google.com,
# update.googleapis.com, clients2.google.com), by suffix.
CHROMIUM_SERVICES = (".google.com", ".googleapis.com")


class ForeignRequest(RuntimeError):
    """A measured page asked a host other than 127.0.0.1 for something."""


class _Refuse(BaseHTTPRequestHandler):
    def __getattr__(self, name: str):
        if name.startswith("do_"):  # any method, CONNECT included
            return self._refuse
        raise AttributeError(name)

    def _refuse(self) -> None:
        with self.server.lock:
            self.server.seen.append(f"{self.command} {self.path}")
        self.send_error(403, "the bench allows no request to another host")

    def log_message(self, format: str, *args) -> None:
        """Quiet: check() reports what was refused."""


def _proxy_host(line: str) -> str:
    """Return the host of a proxied request line: `CONNECT host:443` or `GET http://host/path`."""
    target = line.split(" ", 1)[1]
    return (urlsplit(target).hostname if "://" in target else target.rsplit(":", 1)[0]).lower()


class Guard:
    """The refusing proxy plus a watch on each browser context (see the module's docstring)."""

    def __init__(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
        self._server.daemon_threads = True
        self._server.seen, self._server.lock = [], threading.Lock()
        self._pages: list[str] = []
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def chromium_args(self) -> list[str]:
        return [f"--proxy-server=http://127.0.0.1:{self._server.server_address[1]}"]

    def watch(self, context) -> None:
        """Record the requests of a Playwright browser context that go to another host."""
        context.on("request", self._on_request)

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != ALLOWED_HOST:
            self._pages.append(request.url)

    @property
    def chromium_own(self) -> list[str]:
        """The hosts of Chromium's own requests refused so far (not failures)."""
        with self._server.lock:
            hosts = {_proxy_host(line) for line in self._server.seen}
        return sorted(h for h in hosts if h.endswith(CHROMIUM_SERVICES))

    def check(self, where: str) -> None:
        """Raise ForeignRequest naming every request a page made to another host so far."""
        with self._server.lock:
            refused = [line for line in self._server.seen if not _proxy_host(line).endswith(CHROMIUM_SERVICES)]
        bad = list(dict.fromkeys(self._pages + refused))
        if bad:
            raise ForeignRequest(f"{where}: requests to a host other than {ALLOWED_HOST} "
                                 f"(refused, nothing left this machine): " + "; ".join(bad))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
