"""The bench's GitHub Pages stand-in, its emulated link and its guard, without a browser.

The link is checked on a fake clock (what it schedules, never how long anything took); the
server through real sockets on 127.0.0.1 with the unthrottled profile.
"""

from __future__ import annotations

import gzip
import http.client
import socket
import urllib.error
import urllib.request

import pytest

from bench.guard import ForeignRequest, Guard
from bench.profiles import COMPRESSIONS, PROFILES, Profile
from bench.server import BURST_S, CACHE_CONTROL, Link, start

FILES = {
    "index.html": b"<!doctype html><title>x</title>" + b"<p>text</p>" * 200,
    "404.html": b"<!doctype html><title>missing</title>",
    "app.js": b"export const x = 1;\n" * 300,
    "app.mjs": b"export const y = 2;\n" * 300,
    "style.css": b"p { color: red }\n" * 300,
    "lock.json": b'{"a": 1}' * 300,
    "fig.svg": b"<svg xmlns='http://www.w3.org/2000/svg'></svg>" * 100,
    "runtime.wasm": b"\0asm" + b"\1" * 5000,
    "numpy-2.0-py3-none-any.whl": b"PK" + b"\2" * 5000,
    "stdlib.zip": b"PK" + b"\3" * 5000,
    "sub/index.html": b"<!doctype html><title>sub</title>",
}
GZIPPED = {"index.html", "app.js", "app.mjs", "style.css", "lock.json", "fig.svg", "runtime.wasm"}


class FakeClock:
    def __init__(self, now: float = 100.0):
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def link(profile: Profile) -> tuple[Link, FakeClock]:
    clock = FakeClock()
    return Link(profile, clock=clock, sleep=clock.sleep), clock


def test_profiles_are_data_with_the_issue_figures():
    mobile, local = PROFILES["mobile"], PROFILES["local"]
    assert (mobile.down_mbps, mobile.rtt_ms) == (9.0, 150) and mobile.throttled
    assert not local.throttled and local.sped_up(20) is local
    fast = mobile.sped_up(10)
    assert (fast.down_mbps, fast.rtt_ms, fast.handshake_rtts) == (90.0, 15.0, mobile.handshake_rtts)
    assert set(COMPRESSIONS) == {"gh-pages", "none"}


def test_a_response_starts_one_rtt_after_its_request_could_be_sent():
    profile = Profile("t", 8.0, 100, 2, "test")
    lk, _ = link(profile)
    # A new connection: the handshake's two round trips, then the request's.
    assert lk.first_byte_at(connected=10.0, arrived=10.0) == pytest.approx(10.3)
    # A request on a connection opened long ago: only its own round trip.
    assert lk.first_byte_at(connected=10.0, arrived=15.0) == pytest.approx(15.1)


def test_the_bandwidth_is_one_bucket_shared_by_every_connection():
    lk, clock = link(Profile("t", 8.0, 100, 1, "test"))  # 1e6 bytes/s
    start = clock.now
    for _ in range(10):  # two connections taking turns, 100 kB each time
        lk.transmit(100_000)
        lk.transmit(100_000)
    # 2 MB at 1 MB/s: 2 s, less the one burst the idle bucket held at the start.
    assert clock.now - start == pytest.approx(2.0 - BURST_S)
    idle_until = clock.now + 5
    clock.now = idle_until  # an idle link refills only up to one burst
    lk.transmit(1_000_000)
    assert clock.now == pytest.approx(idle_until + 1.0 - BURST_S)


def test_an_unthrottled_link_never_waits():
    lk, clock = link(PROFILES["local"])
    lk.wait_first_byte(connected=clock.now, arrived=clock.now)
    lk.transmit(10_000_000)
    assert clock.sleeps == []


@pytest.fixture
def site(tmp_path):
    for name, data in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.fixture
def serve(site):
    servers = []

    def make(compression: str):
        server = start(site, PROFILES["local"], compression)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def get(server, path: str, headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.mark.parametrize("name", sorted(n for n in FILES if "/" not in n and n != "404.html"))
def test_gh_pages_mode_gzips_text_and_wasm_and_sends_wheels_and_zips_as_they_are(serve, name):
    response, body = get(serve("gh-pages"), f"/{name}", {"Accept-Encoding": "gzip, deflate, br"})
    assert response.status == 200
    if name in GZIPPED:
        assert response.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(body) == FILES[name] and len(body) < len(FILES[name])
    else:
        assert response.getheader("Content-Encoding") is None and body == FILES[name]
    assert response.getheader("Vary") == "Accept-Encoding"


@pytest.mark.parametrize("compression,headers", [("none", {"Accept-Encoding": "gzip"}), ("gh-pages", {})])
def test_files_go_as_they_are_without_compression_or_without_gzip_accepted(serve, compression, headers):
    server = serve(compression)
    for name in GZIPPED:
        response, body = get(server, f"/{name}", headers)
        assert response.getheader("Content-Encoding") is None and body == FILES[name], name


def test_cache_headers_and_revalidation_as_on_github_pages(serve):
    server = serve("gh-pages")
    response, _ = get(server, "/app.js")
    assert response.getheader("Cache-Control") == CACHE_CONTROL
    assert response.getheader("Last-Modified") and response.getheader("Access-Control-Allow-Origin") == "*"
    etag = response.getheader("ETag")
    again, body = get(server, "/app.js", {"If-None-Match": etag})
    assert again.status == 304 and body == b""
    assert get(server, "/app.js", {"If-None-Match": '"other"'})[0].status == 200


def test_missing_paths_folders_and_head(serve):
    server = serve("none")
    response, body = get(server, "/nowhere.js")
    assert response.status == 404 and body == FILES["404.html"]
    response, body = get(server, "/sub/")
    assert response.status == 200 and body == FILES["sub/index.html"]
    response, _ = get(server, "/sub")
    assert response.status == 301 and response.getheader("Location") == "/sub/"
    response, body = get(server, "/app.js", method="HEAD")
    assert response.status == 200 and body == b"" and int(response.getheader("Content-Length")) == len(FILES["app.js"])


@pytest.mark.parametrize("compression", list(COMPRESSIONS))
def test_the_meter_counts_every_byte_the_client_received_per_path(serve, compression):
    server = serve(compression)
    received = {}
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30) as sock:
        for path in ("/runtime.wasm", "/index.html", "/nowhere.js"):  # one keep-alive connection
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(1)
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            body = b""
            while len(body) < length:
                body += sock.recv(length - len(body))
            received[path] = len(head) + len(body)
    server.meter.wait_sent(float("inf"), timeout=30)
    assert server.meter.by_path() == received
    assert server.meter.total == sum(received.values())
    server.meter.reset()
    assert server.meter.by_path() == {}


def test_the_meter_counts_only_requests_made_up_to_a_moment(serve):
    server = serve("none")
    get(server, "/app.js")
    server.meter.wait_sent(float("inf"), timeout=30)
    first = next(iter(server.meter._hits)).arrived
    get(server, "/style.css")
    assert set(server.meter.by_path(until=first)) == {"/app.js"}
    assert set(server.meter.by_path()) == {"/app.js", "/style.css"}


def test_the_guard_refuses_other_hosts_and_fails_on_any_but_chromiums_own():
    guard = Guard()
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler(
            {"http": f"http://127.0.0.1:{guard.chromium_args[0].rsplit(':', 1)[1]}"}))
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open("http://update.googleapis.com/service/update2/json", timeout=30)
        assert refused.value.code == 403
        guard.check("Chromium's own update check")  # refused, listed, not a failure
        assert guard.chromium_own == ["update.googleapis.com"]
        with pytest.raises(urllib.error.HTTPError):
            opener.open("http://cdn.example.invalid/pyodide.mjs", timeout=30)
        with pytest.raises(ForeignRequest, match="cdn.example.invalid"):
            guard.check("a page")
    finally:
        guard.close()
