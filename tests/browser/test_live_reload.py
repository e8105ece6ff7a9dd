"""`kdsite serve`'s live reload: a page reloads when its content changes, and a server that is
away for a while (it restarts when kdsite's code changes) is polled again quietly.

Every wait here is for an event (a line the server prints, a request, a page load); the time
limits are only there so that a broken reload fails instead of hanging."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
LIMIT_MS = 180_000
PAGE = "---\ntitle: Live\ndescription: A page.\norder: 0\n---\n\n# {}\n"


def free_port() -> int:
    """Return a port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(project: Path, port: int) -> subprocess.Popen:
    """Start `kdsite serve` (from the project's own copy of kdsite); return once it is serving."""
    process = subprocess.Popen([sys.executable, "-m", "kdsite.cli", "serve", "--port", str(port)],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(project / "code"), "PYTHONUNBUFFERED": "1"})
    said = []
    for line in process.stdout:
        said.append(line)
        if line.startswith("Serving "):
            break
    else:
        process.wait()
        raise AssertionError("kdsite serve stopped before serving:\n" + "".join(said))
    # Keep reading, so that the server never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process


def stop(process: subprocess.Popen) -> None:
    """Stop the server and wait until it is gone."""
    process.terminate()
    process.wait(60)


def is_poll(request) -> bool:
    return "/__kdsite__/build-id" in request.url


@pytest.fixture
def project(tmp_path):
    """A one-page project with copies of the templates and of kdsite itself.

    `kdsite serve` rebuilds when a template changes and restarts when kdsite's code changes:
    with copies, only this test decides when that happens.
    """
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text(PAGE.format("Before"))
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PROJECT / "templates", tmp_path / "templates", ignore=ignore)
    shutil.copytree(PROJECT / "kdsite", tmp_path / "code" / "kdsite", ignore=ignore)
    return tmp_path


@pytest.fixture
def console(page):
    """Collect the page's console errors and warnings (the page fixture fails on uncaught errors).

    Left out: the browser's own line for a poll that could not reach the server ("Failed to
    load resource"), which it prints for any request to a server that is away, whatever the
    script does (the script itself must say nothing), and the test browser's note that it
    blocks service workers (conftest.py).
    """
    seen: list[str] = []

    def note(message):
        url = message.location.get("url", "")
        away = url.endswith("/__kdsite__/build-id") and message.text.startswith("Failed to load resource")
        blocked = message.text.startswith("Service Worker registration blocked by Playwright")
        if message.type in ("error", "warning") and not (away or blocked):
            seen.append(f"{message.type}: {message.text} ({url})")

    page.on("console", note)
    return seen


def test_a_page_reloads_when_its_content_changes(page, project, console):
    port = free_port()
    server = start_serve(project, port)
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        assert page.inner_text("h1") == "Before"
        page.evaluate("() => { window.kdMarker = 1; }")
        with page.expect_event("load", timeout=LIMIT_MS):
            (project / "content" / "index.md").write_text(PAGE.format("After"))
        assert page.inner_text("h1") == "After"
        assert page.evaluate("() => window.kdMarker") is None  # a real reload, not a patch
    finally:
        stop(server)
    assert console == []


def test_the_server_restarting_under_an_open_page_is_quiet_and_reload_still_works(page, project, console):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_serve(project, port)
    try:
        with page.expect_response(lambda r: is_poll(r.request) and r.ok, timeout=LIMIT_MS):
            page.goto(url)

        # The server goes away: the page's polls fail, and it polls again, quietly.
        with page.expect_event("requestfailed", is_poll, timeout=LIMIT_MS):
            stop(server)
        page.wait_for_event("requestfailed", is_poll, timeout=LIMIT_MS)

        # A new server is a new build: the page reloads itself from it.
        with page.expect_event("load", timeout=LIMIT_MS):
            server = start_serve(project, port)
        assert page.inner_text("h1") == "Before"

        # kdsite's code changes: the server restarts itself, and the page reloads from the new one.
        with page.expect_event("load", timeout=LIMIT_MS):
            (project / "code" / "kdsite" / "touched.py").write_text("# a change to kdsite's code\n")
        assert page.inner_text("h1") == "Before"

        # Away just as the page loads: its very first poll fails too, and it polls again.
        first = []

        def away(route):
            if first:
                return route.continue_()
            first.append(route.request.url)
            route.abort("connectionrefused")

        page.route("**/__kdsite__/build-id", away)
        with page.expect_response(lambda r: is_poll(r.request) and r.ok, timeout=LIMIT_MS):
            page.reload()
        assert first

        # And a change still reloads the page.
        page.evaluate("() => { window.kdMarker = 1; }")
        with page.expect_event("load", timeout=LIMIT_MS):
            (project / "content" / "index.md").write_text(PAGE.format("After"))
        assert page.inner_text("h1") == "After" and page.evaluate("() => window.kdMarker") is None
    finally:
        stop(server)
    assert console == []
