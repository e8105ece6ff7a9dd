"""Firefox ESR through firefox_helper.mjs: a Node process running puppeteer-core over WebDriver
BiDi, spoken to in JSON lines over its stdin and stdout."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from engine_drivers import DEFAULT_TIMEOUT_S, EngineDriver, EngineTimeout, EngineUnavailable, decode, json_expression

HERE = Path(__file__).resolve().parent
HELPER = HERE / "firefox_helper.mjs"
FIREFOXES = ("/usr/bin/firefox-esr", "/usr/bin/firefox")
# Starting Firefox with a new profile, and Node's own start, on a busy machine.
START_TIMEOUT_S = 240.0
# Time the helper gets beyond a browser-side timeout to report it before we give up on it.
MARGIN_S = 30.0
# The document Firefox shows in a tab whose content process crashed (its document.documentURI;
# location still names the page that crashed). That page answers scripts, so a crash shows only as
# the call under way failing ("Waiting failed") and then as this document.
TAB_CRASHED = "about:tabcrashed"


def firefox_path() -> str:
    """Return KDSITE_FIREFOX, else Debian's firefox-esr; EngineUnavailable when there is none."""
    path = os.environ.get("KDSITE_FIREFOX") or next((p for p in FIREFOXES if Path(p).exists()), "")
    if not path or not Path(path).exists():
        raise EngineUnavailable("no Firefox: run scripts/ensure-firefox (as root it installs Debian's "
                                "firefox-esr) or set KDSITE_FIREFOX to a Firefox binary")
    return path


class HelperError(RuntimeError):
    """A request failed in the helper; `timeout` tells whether a browser-side wait ran out."""

    def __init__(self, message: str, timeout: bool) -> None:
        super().__init__(message)
        self.timeout = timeout


class FirefoxDriver(EngineDriver):
    """Headless Debian Firefox ESR; requests to other hosts are refused by a proxy setting.

    Service workers are off unless `service_workers` is true.
    """

    name = "firefox"

    def __init__(self, service_workers: bool = False) -> None:
        path = firefox_path()
        node = shutil.which("node")
        if node is None:
            raise EngineUnavailable("no Node.js to run the Firefox helper: apt-get install nodejs npm")
        if not (HERE / "node_modules" / "puppeteer-core").is_dir():
            raise EngineUnavailable("puppeteer-core is not installed in tests/engines/: run scripts/ensure-firefox "
                                    "(it runs npm ci there)")
        self._next_id = 0
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        options = json.dumps({"serviceWorkers": service_workers})
        self._process = subprocess.Popen([node, str(HELPER), path, options], cwd=HERE, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, args=(self._process.stdout, self._lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self._process.stderr, self._stderr.append), daemon=True).start()
        hello = self._receive(START_TIMEOUT_S)
        if not hello.get("ready"):
            self._process.kill()
            # Installed but broken is a failure, not a skip: only a missing engine is skipped.
            raise RuntimeError(f"Firefox ({path}) did not start: {hello.get('error')}")
        self.version = hello["version"]

    @staticmethod
    def _read(stream, put) -> None:
        for line in stream:
            put(line)
        put(None)

    def _receive(self, timeout_s: float) -> dict:
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            self._stop_helper()
            raise EngineTimeout(f"firefox: the helper did not answer within {timeout_s:g} s") from None
        if line is None:
            self._process.wait()
            raise RuntimeError(f"firefox: the helper exited ({self._process.returncode}): {''.join(self._stderr)}")
        return json.loads(line)

    def _request(self, op: str, timeout_s: float = DEFAULT_TIMEOUT_S, **arguments: Any) -> Any:
        """Send one request and return its value; the helper's errors raise HelperError."""
        self._next_id += 1
        self._process.stdin.write(json.dumps({"id": self._next_id, "op": op, **arguments}) + "\n")
        self._process.stdin.flush()
        answer = self._receive(timeout_s + MARGIN_S)
        if answer.get("id") != self._next_id:
            raise RuntimeError(f"firefox: answer {answer} is not for request {self._next_id}")
        if not answer["ok"]:
            if op != "evaluate" and self._tab_crashed():
                raise HelperError(f"firefox: the page crashed (its content process ended; the tab shows "
                                  f"{TAB_CRASHED}): {op} failed: {answer['error']}", False)
            raise HelperError(f"firefox: {op} failed: {answer['error']}", answer.get("timeout", False))
        return answer["value"]

    def _stop_helper(self) -> None:
        # SIGTERM first: puppeteer then closes the Firefox it started (it runs detached, so a
        # SIGKILL to Node alone would leave it running beside the next one).
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()

    def _tab_crashed(self) -> bool:
        try:
            return str(self.evaluate("document.documentURI")).startswith(TAB_CRASHED)
        except Exception:  # the helper itself is gone: it says so on the next request
            return False

    def open(self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._request("open", timeout_s, url=url, timeoutMs=timeout_s * 1000)

    def evaluate(self, expression: str) -> Any:
        return decode(self._request("evaluate", expression=json_expression(expression)), expression)

    def wait_until(self, expression: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        try:
            self._request("waitUntil", timeout_s, expression=f"!!({expression})", timeoutMs=timeout_s * 1000)
        except HelperError as error:
            if not error.timeout:
                raise
            raise EngineTimeout(self.timeout_message(expression, timeout_s)) from None

    def press(self, selector: str, key: str) -> None:
        self._request("press", selector=selector, key=key)

    def hover(self, selector: str) -> None:
        self._request("hover", selector=selector)

    def console_errors(self) -> list[str]:
        return self._request("errors")

    def set_offline(self, offline: bool) -> None:
        self._request("offline", offline=offline)

    def responsive(self) -> bool:
        # One round trip: a crashed tab still answers scripts, so the page it shows tells.
        try:
            return not str(self.evaluate("document.documentURI")).startswith(TAB_CRASHED)
        except Exception:  # the helper or Firefox is gone
            return False

    def crash_page(self) -> None:
        from engine_drivers import kill_descendants

        kill_descendants(self._process.pid, "-isForBrowser")  # its content processes

    def close(self) -> None:
        try:
            if self._process.poll() is None:
                self._request("close")
        finally:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=MARGIN_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
