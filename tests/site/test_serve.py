"""The preview server: MIME types, CORS and cache headers, live reload, GitHub Pages' 404 rule."""

import threading
import time
import urllib.error
import urllib.request

import pytest

from kdsite.serve import LIVERELOAD_JS, Watcher, livereload_tag, make_server


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
    # The page names the build it was made from, so a poll that first answers after a rebuild
    # (or a restart) still reloads it.
    assert livereload_tag("one") in html and headers["Content-Type"].startswith("text/html")
    assert get(url + "__kdsite__/build-id")[1] == "one"
    current["id"] = "two"
    assert get(url + "__kdsite__/build-id")[1] == "two"
    assert livereload_tag("two") in get(url + "glossary/knowledge-distillation.html")[1]
    assert "location.reload()" in get(url + "__kdsite__/livereload.js")[1]


def test_the_live_reload_poller_never_leaves_a_failed_fetch_uncaught():
    # The browser test (tests/browser/test_live_reload.py) shows it; here, its shape: every fetch is inside the
    # try of the one polling function; nothing awaits at the top level.
    assert LIVERELOAD_JS.count("fetch(") == 1 and "\nawait " not in LIVERELOAD_JS
    assert "catch" in LIVERELOAD_JS and "setInterval" not in LIVERELOAD_JS


def not_found(url):
    """Return (status, body) of a request that should fail."""
    try:
        urllib.request.urlopen(url)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    raise AssertionError(f"{url} was found")


@pytest.mark.parametrize("path", ["typo.html", "embed/index/typo.html", "a/b/c/typo.html", "embed/", "_kd/x.css"])
def test_a_missing_path_gets_the_sites_404_page_with_status_404_as_on_github_pages(served, path):
    url, _ = served
    status, html = not_found(url + path)
    assert status == 404 and "Page not found" in html and livereload_tag("one") in html


def test_a_site_under_a_sub_path_answers_with_its_own_404_page(built_site, tmp_path):
    (tmp_path / "repo").symlink_to(built_site, target_is_directory=True)
    server = make_server(tmp_path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        status, html = not_found(host + "repo/glossary/typo.html")
        assert status == 404 and html == (built_site / "404.html").read_text()
        status, html = not_found(host + "elsewhere.html")  # above the site: no page of its own
        assert status == 404 and "Page not found" not in html
    finally:
        server.shutdown()


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
    # Generous limits, only so that a broken watcher fails instead of hanging.
    assert rebuilt.wait(120)
    deadline = time.monotonic() + 120
    while watcher.build_id == first and time.monotonic() < deadline:
        time.sleep(0.02)  # the new id is set just after rebuild() returns
    assert watcher.build_id != first
