"""The preview server: MIME types, CORS and cache headers, live reload."""

import threading
import urllib.request

import pytest

from kdsite.serve import LIVERELOAD_TAG, Watcher, make_server


@pytest.fixture
def served(built_site):
    ids = iter(["one", "two", "three"])
    current = {"id": next(ids)}
    server = make_server(built_site, port=0, build_id=lambda: current["id"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", current
    server.shutdown()


def get(url):
    with urllib.request.urlopen(url) as response:
        return response.headers, response.read().decode("utf-8", "replace")


def test_pages_get_the_live_reload_tag_and_the_build_id_changes(served):
    url, current = served
    headers, html = get(url)
    assert LIVERELOAD_TAG in html and headers["Content-Type"].startswith("text/html")
    assert get(url + "__kdsite__/build-id")[1] == "one"
    current["id"] = "two"
    assert get(url + "__kdsite__/build-id")[1] == "two"
    assert "location.reload()" in get(url + "__kdsite__/livereload.js")[1]


def test_cors_and_cache_headers(served):
    url, _ = served
    wasm, _ = get(url + "_kd/pyodide/pyodide.asm.wasm")
    assert wasm["Access-Control-Allow-Origin"] == "*"
    assert "max-age=86400" in wasm["Cache-Control"]
    lock, _ = get(url + "_kd/pyodide/pyodide-lock.json")
    assert lock["Cache-Control"] == "no-cache"  # it changes with every build of our wheel
    page, _ = get(url + "index.html")
    assert page["Cache-Control"] == "no-cache"


def test_watcher_rebuilds_on_content_change(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    page = content / "index.md"
    page.write_text("# One\n")
    rebuilt = threading.Event()
    watcher = Watcher([content], tmp_path / "package", rebuilt.set, interval=0.05)
    first = watcher.build_id
    watcher.start()
    page.write_text("# Two\n")
    assert rebuilt.wait(10)
    for _ in range(100):
        if watcher.build_id != first:
            break
        threading.Event().wait(0.02)
    assert watcher.build_id != first
