"""Chromium through Playwright, with the flags and request guard of tests/browser/."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from engine_drivers import DEFAULT_TIMEOUT_S, EngineDriver, EngineTimeout, EngineUnavailable, decode, json_expression

BROWSER_CONFTEST = Path(__file__).resolve().parents[1] / "browser" / "conftest.py"
T = TypeVar("T")


def browser_conftest():
    """Return tests/browser/conftest.py as a module, for its CHROMIUM_ARGS.

    pytest imports every conftest as "conftest", so it cannot be imported by name here.
    """
    spec = importlib.util.spec_from_file_location("kd_browser_conftest", BROWSER_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# How long a page may take to answer responsive() before it counts as hung.
PROBE_TIMEOUT_S = 30.0


class ChromiumDriver(EngineDriver):
    """Headless Debian Chromium; only requests to 127.0.0.1, data: and blob: go through."""

    name = "chromium"

    def __init__(self) -> None:
        path = os.environ.get("KDSITE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        if not Path(path).exists():
            raise EngineUnavailable("no Chromium: run scripts/ensure-chromium (as root it installs "
                                    "Debian's chromium) or set KDSITE_CHROMIUM to a Chromium binary")
        # Playwright's sync API refuses to start on a thread that already runs one (as the
        # browser tests' session fixture does), so this one lives on a thread of its own.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kd-engine-chromium")
        self._context = self._page = None
        self._closed = False
        self._errors: list[str] = []
        self._call(lambda: self._start(path))

    def _call(self, function: Callable[[], T]) -> T:
        return self._thread.submit(function).result()

    def _start(self, path: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=path,
                                                         args=browser_conftest().CHROMIUM_ARGS)

    def _guard(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "file:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self._errors.append(f"blocked a request to another host: {url}")
            route.abort()

    def _open(self, url: str, timeout_s: float) -> None:
        if self._context is not None:
            self._context.close()
        self._errors.clear()
        # Service workers are blocked as in tests/browser: they would only precache the site.
        self._context = self._browser.new_context(service_workers="block")
        self._context.route("**/*", self._guard)
        self._page = self._context.new_page()
        self._page.on("console", lambda message: message.type == "error" and self._errors.append(message.text))
        self._page.on("pageerror", lambda error: self._errors.append(str(error)))
        self._page.goto(url, wait_until="load", timeout=timeout_s * 1000)

    def open(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._call(lambda: self._open(url, timeout_s))

    def evaluate(self, expression: str) -> Any:
        return decode(self._call(lambda: self._page.evaluate(json_expression(expression))), expression)

    def wait_until(self, expression: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self._call(lambda: self._page.wait_for_function(f"() => !!({expression})", timeout=timeout_s * 1000))
        except PlaywrightTimeout:
            raise EngineTimeout(self.timeout_message(expression, timeout_s)) from None

    def press(self, selector: str, key: str) -> None:
        self._call(lambda: self._page.press(selector, key))

    def hover(self, selector: str) -> None:
        self._call(lambda: self._page.hover(selector))

    def _console_errors(self) -> list[str]:
        # Playwright hands events over only while it is inside a call: make one round trip.
        self._page.evaluate("0")
        return list(self._errors)

    def console_errors(self) -> list[str]:
        return self._call(self._console_errors)

    def responsive(self) -> bool:
        try:
            if self._page is None:  # no page opened yet: only the browser itself can have gone
                return self._call(self._browser.is_connected)
            # Not evaluate(): Playwright's evaluate has no timeout, and a hung page would stop the run.
            self._call(lambda: self._page.wait_for_function("true", timeout=PROBE_TIMEOUT_S * 1000))
            return True
        except Exception:  # crashed, hung, or closed (its thread no longer takes calls)
            return False

    def crash_page(self) -> None:
        from playwright.sync_api import Error

        try:
            self._call(lambda: self._page.goto("chrome://crash", timeout=30_000))
        except Error:  # the navigation fails as its page crashes
            pass

    def _close(self) -> None:
        # Each step even if one before it failed (a crashed page's context may not close cleanly).
        try:
            if self._context is not None:
                self._context.close()
        finally:
            try:
                self._browser.close()
            finally:
                self._playwright.stop()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._call(self._close)
        finally:
            self._thread.shutdown()
