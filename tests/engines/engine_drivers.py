"""One small interface over three browser engines, for tests that must pass in each.

Chromium runs through Playwright (as in tests/browser/), Firefox ESR through puppeteer-core
over WebDriver BiDi in a Node helper (firefox_driver.py), WebKitGTK's MiniBrowser through
Selenium and WebKitWebDriver under Xvfb (webkit_driver.py). Each uses the Debian browser
that scripts/ensure-<engine> installs; none downloads one.

JavaScript is passed as an *expression* string, e.g. "document.title" or
"fetch('x').then((r) => r.status)"; a promise is awaited, and its value comes back as JSON.
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
from abc import ABC, abstractmethod
from typing import Any

ENGINES = ("chromium", "firefox", "webkit")
# Pyodide boots in the page's worker: over a minute on a busy 2-core machine is possible.
DEFAULT_TIMEOUT_S = 180.0
# What each engine's driver raises when its page's process crashed under a test (in WebKit, whose
# driver cannot tell them apart: crashed or hung, or the whole browser gone), as regular
# expressions over "ExceptionName: message", read along the error's chain as pytest-rerunfailures
# reads them (is_crash). A test that fails so is run once more, in a new browser (conftest.py); one
# that fails again fails. test_engine_drivers.py crashes a page in each engine and checks that the
# error it gets is told as a crash. Seen besides: WebKitGTK 2.50's web process segfaulted in
# JavaScriptCore in a worker thread once, in one of about ten runs of the WebKit tests here
# (2026-12); the call under way got "Could not parse script result", every later one an
# InvalidSessionIdException (WebKitWebDriver sends that only once a session is gone). Not seen:
# Playwright's "page crashed", its word for a crash during a navigation.
CRASH_SIGNS = {
    "chromium": (r"Target crashed", r"[Pp]age crashed"),
    "firefox": (r"firefox: the page crashed",),
    "webkit": (r"page crash or hang", r"Could not parse script result", r"^InvalidSessionIdException: "),
}
# A browser that could not be started again (KeptBrowser) fails every later test at once, whatever
# the error that stopped it.
NOT_RERUN = (r"could not be started again",)


class EngineUnavailable(Exception):
    """The engine cannot run on this machine; the message says what is missing and the fix."""


class JavaScriptError(Exception):
    """An expression threw, or its promise rejected; the message is the page's error."""


class EngineTimeout(AssertionError):
    """A wait ran out; the message names the engine, the expression and the page's errors."""


class EngineRestarted(UserWarning):
    """A shared browser stopped answering (it crashed or hung) and a new one was started."""


def is_crash(engine: str, error: BaseException) -> bool:
    """Whether `error`, or an error it was raised from or while handling, says `engine` crashed."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if any(re.search(sign, f"{type(error).__name__}: {error}") for sign in CRASH_SIGNS[engine]):
            return True
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return False


def kill_descendants(root: int, marker: str) -> None:
    """SIGKILL every process below `root` whose command line contains `marker`."""
    import psutil

    for process in psutil.Process(root).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):  # it ended meanwhile
            if marker in " ".join(process.cmdline()):
                process.kill()


def json_expression(expression: str) -> str:
    """Return JS that evaluates `expression`, awaits it, and gives a JSON string of the outcome.

    The outcome is {"value": v} (undefined becomes null) or {"error": "message"}, so every
    engine reports values and errors the same way; see decode().
    """
    return ("(async () => { try { const value = await (" + expression + ");"
            " return JSON.stringify({value: value === undefined ? null : value}); }"
            " catch (error) { return JSON.stringify({error: String(error && error.stack || error)}); } })()")


def decode(outcome: str, expression: str) -> Any:
    """Return the value of a json_expression() outcome, or raise JavaScriptError."""
    result = json.loads(outcome)
    if "error" in result:
        raise JavaScriptError(f"{expression!r} threw: {result['error']}")
    return result["value"]


class EngineDriver(ABC):
    """A browser showing one page at a time.

    Every method blocks until done; none sleeps for a fixed time. Waits raise EngineTimeout,
    page errors JavaScriptError.
    """

    name: str

    @abstractmethod
    def open(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        """Load `url` as a new document, wait for its load event, and forget earlier console errors."""

    @abstractmethod
    def evaluate(self, expression: str) -> Any:
        """Return the JSON value (dict, list, str, float, bool, None) of a JS expression."""

    @abstractmethod
    def wait_until(self, expression: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        """Poll a JS expression in the page until it is truthy; EngineTimeout after timeout_s."""

    @abstractmethod
    def press(self, selector: str, key: str) -> None:
        """Focus the element matching a CSS selector and press a key ("ArrowRight", "Home", "a")."""

    @abstractmethod
    def hover(self, selector: str) -> None:
        """Move the pointer over the centre of the element matching a CSS selector (scrolled into view)."""

    @abstractmethod
    def console_errors(self) -> list[str]:
        """Return the console.error messages and uncaught errors of the page since open()."""

    @abstractmethod
    def close(self) -> None:
        """Quit the browser and every process started for it."""

    def responsive(self) -> bool:
        """Whether the browser still answers a script: False once it or its page crashed, or it
        was closed. A hung page keeps this waiting until the driver's timeout."""
        try:
            return self.evaluate("true") is True
        except Exception:  # whatever a dead browser's driver raises
            return False

    @abstractmethod
    def crash_page(self) -> None:
        """Make the process of the page shown crash, as a browser bug would (for the tests of
        how a crash is told and handled)."""

    def set_offline(self, offline: bool) -> None:
        """Take the whole browser offline (True) or back online (False), for every page and worker.

        Offline, navigator.onLine is false in pages, workers and service workers alike, as when a
        reader's machine has no network, and requests a service worker does not answer fail.
        Raises NotImplementedError where the driver cannot do it.
        """
        raise NotImplementedError(f"{self.name}: this driver cannot take the browser offline")

    def set_range(self, selector: str, value: str | float) -> None:
        """Set a range input's value as a drag does, then fire input and change (both bubble)."""
        self.evaluate(
            f"((el) => {{ el.value = {json.dumps(str(value))};"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); return el.value; })"
            f"(document.querySelector({json.dumps(selector)}))")

    def timeout_message(self, expression: str, timeout_s: float) -> str:
        """Describe a wait that ran out, with the page's errors, which usually say why."""
        try:
            errors = self.console_errors()
        except Exception as error:  # the page may be the thing that broke
            errors = [f"(could not read them: {error})"]
        return f"{self.name}: {expression!r} was not true within {timeout_s:g} s; page errors: {errors}"


def launch(name: str, service_workers: bool = False) -> EngineDriver:
    """Start the engine called `name` (one of ENGINES).

    With `service_workers`, pages may register service workers: Firefox's driver turns them on
    (they are off by default), WebKit's always has them, Chromium's blocks them
    (NotImplementedError). Raises EngineUnavailable when something the engine needs is not
    installed (callers skip), and any other error when it is installed but does not start
    (callers fail).
    """
    if name == "chromium":
        if service_workers:
            raise NotImplementedError("chromium: the driver blocks service workers (chromium_driver.py); "
                                      "tests/browser/test_publish.py runs Chromium with them")
        from chromium_driver import ChromiumDriver
        return ChromiumDriver()
    if name == "firefox":
        from firefox_driver import FirefoxDriver
        return FirefoxDriver(service_workers=service_workers)
    if name == "webkit":
        from webkit_driver import WebKitDriver
        return WebKitDriver()
    raise ValueError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")


class KeptBrowser:
    """One engine's browser, shared by many tests and started again when it stops answering, so
    a browser that crashed fails the test it crashed under, not every test after it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._driver = launch(name)
        self._broken: Exception | None = None  # why it could not be started again

    def driver(self) -> EngineDriver:
        """The browser, or a new one (with an EngineRestarted warning) if it no longer answers."""
        if self._broken is not None:
            raise RuntimeError(f"{self.name} could not be started again after it stopped answering") from self._broken
        if not self._driver.responsive():
            self._close_quietly()
            try:
                self._driver = launch(self.name)
            except Exception as error:
                self._broken = error  # later tests fail at once instead of each trying again
                raise
            warnings.warn(EngineRestarted(f"{self.name} no longer answered (it crashed or hung under an earlier "
                                          "test, or this test's first run); a new browser was started"),
                          stacklevel=2)
        return self._driver

    def _close_quietly(self) -> None:
        try:
            self._driver.close()
        except Exception:  # a browser whose page or process crashed may not quit cleanly
            pass

    def close(self) -> None:
        if self._broken is None:
            self._close_quietly()
