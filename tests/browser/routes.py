"""Playwright routes that change what the browser is served: <html> attributes (the
runtime's time-limit test hooks) and the worker script, per load."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError

WORKER = "**/_kd/static/worker.js"


def _fetched(route):
    """Return the server's response to a routed request, or None when the server is gone.

    A test's own server (test_embed_api.py's `host`) shuts down before its page closes, and a
    frame may still be loading a worker then: Playwright would raise the failed fetch from its
    event loop as an error of the test's teardown. The request fails as it would unrouted, and a
    test that still needs the response fails on its own assertions.
    """
    try:
        return route.fetch()
    except PlaywrightError:
        try:
            route.abort("connectionfailed")
        except PlaywrightError:
            pass  # the page closed as well
        return None


def set_html_attributes(page, page_url: str, **attributes: int | str) -> None:
    """Serve the page at `page_url` with extra attributes on <html>, e.g. data_kd_timeout_ms=3000."""
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())

    def edit(route):
        response = _fetched(route)
        if response is None:
            return
        route.fulfill(response=response, body=response.text().replace("<html ", f"<html {extra} ", 1))

    page.route(page_url, edit)
    if page_url.endswith("/"):
        page.route(page_url + "index.html", edit)


def serve_worker(page, edit: Callable[[int, str], str]) -> list[int]:
    """Serve worker.js as edit(n, source) for its n-th load (from 1); return the load counter.

    Routing keeps Chromium's HTTP cache out of the way, so every new Worker fetches again.
    """
    loads: list[int] = []

    def handle(route):
        loads.append(len(loads) + 1)
        response = _fetched(route)
        if response is None:
            return
        route.fulfill(response=response, body=edit(len(loads), response.text()))

    page.route(WORKER, handle)
    return loads
