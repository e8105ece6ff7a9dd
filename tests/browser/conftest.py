"""Browser fixtures: the built site served under a sub-path, and a real Chromium that fails
any request to another host."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from kdsite.serve import make_server
from kdsite.widgets import WIDGETS

SUB_PATH = "/kdsite-demo/"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
    # Any host but loopback fails to resolve, so nothing can slip out even unrouted.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium_path() -> str:
    """Return the Chromium binary: KDSITE_CHROMIUM, else Debian's."""
    path = os.environ.get("KDSITE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("no Chromium: run the tests with `make test` (it installs Debian's chromium) "
                    "or set KDSITE_CHROMIUM to a Chromium binary")
    return path


def serve_under(directory: Path, sub_path: str):
    """Start a server for `directory` at http://127.0.0.1:<port><sub_path>; return (server, url)."""
    root = directory
    if sub_path.strip("/"):
        root = directory.parent / f"{directory.name}-served"
        mount = root / sub_path.strip("/")
        mount.parent.mkdir(parents=True, exist_ok=True)
        if not mount.exists():
            mount.symlink_to(directory, target_is_directory=True)
    server = make_server(root, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{sub_path}"


@pytest.fixture(scope="session")
def site_url(built_site):
    """Serve the built site under a sub-path, as GitHub Pages does, and return its URL."""
    server, url = serve_under(built_site, SUB_PATH)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Launch one headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """Return a fresh page whose context aborts, and the test then fails on, any foreign request."""
    # Service workers are tested on their own (test_publish.py); here they would only
    # precache the whole site in the background of every test.
    context = browser.new_context(service_workers="block")
    foreign: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not foreign, f"the page requested other hosts: {foreign}"
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture(scope="session")
def serve_site():
    """Return serve_under, for tests that serve a site at another path."""
    return serve_under


@pytest.fixture(scope="session")
def lab_config() -> dict:
    """Return the validated config of the training lab on content/training.md (shared by its tests)."""
    text = (Path(__file__).parents[2] / "content" / "training.md").read_text(encoding="utf-8")
    block = text.split("```kd-widget training-lab\n", 1)[1].split("```", 1)[0]
    config, issues = WIDGETS["training-lab"].validate(yaml.safe_load(block))
    assert not issues
    return config
