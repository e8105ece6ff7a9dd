"""Playwright routes that change what the browser is served: <html> attributes (the
runtime's time-limit test hooks) and the worker script, per load."""

from __future__ import annotations

from collections.abc import Callable

WORKER = "**/_kd/static/worker.js"


def set_html_attributes(page, page_url: str, **attributes: int | str) -> None:
    """Serve the page at `page_url` with extra attributes on <html>, e.g. data_kd_timeout_ms=3000."""
    extra = " ".join(f'{name.replace("_", "-")}="{value}"' for name, value in attributes.items())

    def edit(route):
        response = route.fetch()
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
        response = route.fetch()
        route.fulfill(response=response, body=edit(len(loads), response.text()))

    page.route(WORKER, handle)
    return loads
