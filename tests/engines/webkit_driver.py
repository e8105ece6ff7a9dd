"""WebKitGTK's MiniBrowser through Selenium and WebKitWebDriver, on an Xvfb display of its own."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

from engine_drivers import DEFAULT_TIMEOUT_S, EngineDriver, EngineTimeout, EngineUnavailable, decode, json_expression

MINIBROWSERS = "/usr/lib/*/webkit2gtk-4.*/MiniBrowser"
WEBDRIVER = "/usr/bin/WebKitWebDriver"
INSTALL = "run scripts/ensure-webkit (as root it installs Debian's webkit2gtk-driver and xvfb)"
# WebKitWebDriver has no console log and no BiDi (Debian's 2.50), so the page's errors are
# collected by hooks put into each page once it has loaded: errors thrown while the document
# itself was parsing are not seen.
ERROR_HOOKS = """(() => {
  if (window.__kdEngineErrors) return true;
  const errors = window.__kdEngineErrors = [];
  const original = console.error;
  console.error = function (...args) { errors.push(args.map(String).join(" ")); return original.apply(this, args); };
  addEventListener("error", (event) => errors.push(String(event.error || event.message)));
  addEventListener("unhandledrejection", (event) => errors.push(`unhandled rejection: ${event.reason}`));
  return true;
})()"""
# wait_until's scripts throw only Errors: WebKitWebDriver takes a thrown string for the script's result
# and then fails to parse it ("Could not parse script result"), which CRASH_SIGNS reads as a crash.
RETHROW = "throw error instanceof Error ? error : new Error(String(error));"
# Selenium's names for the keys tests press; other keys are sent as the characters they are.
KEY_NAMES = {"ArrowRight": "ARROW_RIGHT", "ArrowLeft": "ARROW_LEFT", "ArrowUp": "ARROW_UP",
             "ArrowDown": "ARROW_DOWN", "Home": "HOME", "End": "END", "PageUp": "PAGE_UP",
             "PageDown": "PAGE_DOWN", "Enter": "ENTER", "Tab": "TAB", "Escape": "ESCAPE",
             "Space": "SPACE", "Backspace": "BACKSPACE", "Delete": "DELETE"}


def minibrowser_path() -> str:
    """Return KDSITE_WEBKIT, else the MiniBrowser of Debian's libwebkit2gtk; else EngineUnavailable."""
    path = os.environ.get("KDSITE_WEBKIT") or next(iter(sorted(glob.glob(MINIBROWSERS), reverse=True)), "")
    if not path or not Path(path).exists():
        raise EngineUnavailable(f"no WebKitGTK MiniBrowser: {INSTALL}, or set KDSITE_WEBKIT to a MiniBrowser")
    return path


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """Start an Xvfb on a free display and return (process, ":N") once it accepts clients."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise EngineUnavailable(f"no Xvfb: {INSTALL}")
    read, write = os.pipe()
    # -displayfd: Xvfb picks a free display and writes its number once it is ready.
    process = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                               pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        raise RuntimeError(f"Xvfb did not start: {process.communicate()[1].decode(errors='replace')}")
    return process, f":{number}"


class WebKitDriver(EngineDriver):
    """MiniBrowser in automation mode; requests to other hosts go to a proxy that refuses them."""

    name = "webkit"

    def __init__(self) -> None:
        path = minibrowser_path()
        if not Path(WEBDRIVER).exists():
            raise EngineUnavailable(f"no {WEBDRIVER}: {INSTALL}")
        try:
            from selenium import webdriver
            from selenium.webdriver.webkitgtk.options import Options
            from selenium.webdriver.webkitgtk.service import Service
        except ImportError:
            raise EngineUnavailable("Selenium is not installed: pip install selenium (in .venv)") from None
        self._xvfb, display = start_xvfb()
        options = Options()
        options.binary_location = path
        options.add_argument("--automation")
        options.add_argument("--proxy=http://127.0.0.1:9")  # the discard port: refused
        options.add_argument("--ignore-host=127.0.0.1")
        # Passing the driver's path keeps Selenium Manager from looking for (downloading) one.
        service = Service(executable_path=WEBDRIVER, env={**os.environ, "DISPLAY": display})
        try:
            with warnings.catch_warnings():
                # Selenium's own WebKitGTK class passes an argument Selenium has deprecated.
                warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
                self._driver = webdriver.WebKitGTK(options=options, service=service)
        except Exception:
            self._xvfb.kill()
            self._xvfb.wait()
            raise
        self.version = self._driver.capabilities.get("browserVersion", "")

    def open(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._driver.set_page_load_timeout(timeout_s)
        self._driver.get(url)
        self._driver.execute_script(f"return {ERROR_HOOKS}")

    def evaluate(self, expression: str) -> Any:
        self._driver.set_script_timeout(DEFAULT_TIMEOUT_S)
        outcome = self._driver.execute_async_script(
            f"const done = arguments[arguments.length - 1]; {json_expression(expression)}.then(done);")
        return decode(outcome, expression)

    def wait_until(self, expression: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.wait import WebDriverWait

        script = f"try {{ return !!({expression}); }} catch (error) {{ {RETHROW} }}"
        try:
            WebDriverWait(self._driver, timeout_s, poll_frequency=0.1).until(
                lambda driver: driver.execute_script(script))
        except TimeoutException:
            raise EngineTimeout(self.timeout_message(expression, timeout_s)) from None

    def press(self, selector: str, key: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        name = KEY_NAMES.get(key)
        self._driver.find_element(By.CSS_SELECTOR, selector).send_keys(getattr(Keys, name) if name else key)

    def hover(self, selector: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By

        element = self._driver.find_element(By.CSS_SELECTOR, selector)
        self._driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        ActionChains(self._driver).move_to_element(element).perform()

    def console_errors(self) -> list[str]:
        return json.loads(self._driver.execute_script("return JSON.stringify(window.__kdEngineErrors || [])"))

    def crash_page(self) -> None:
        from engine_drivers import kill_descendants

        # SIGKILL: the web process handles SIGSEGV itself (JavaScriptCore's WebAssembly bounds checks).
        kill_descendants(self._driver.service.process.pid, "WebKitWebProcess")

    def close(self) -> None:
        try:
            self._driver.quit()
        finally:
            self._xvfb.terminate()
            self._xvfb.wait()
