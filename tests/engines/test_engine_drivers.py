"""The engine adapter itself, on a tiny page, in each engine: the same calls behave the same."""

from __future__ import annotations

import threading
import time
import warnings

import engine_drivers
import pytest
from engine_drivers import CRASH_SIGNS, NOT_RERUN, EngineRestarted, EngineTimeout, JavaScriptError, is_crash
from firefox_driver import HelperError
from playwright.sync_api import Error as PlaywrightError
from selenium.common.exceptions import InvalidSessionIdException, NoSuchElementException, WebDriverException

from kdsite.serve import make_server

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>adapter</title></head>
<body>
<input id="range" type="range" min="0" max="10" step="1" value="5">
<script src="page.js"></script>
</body></html>
"""
# Records what a test does to the slider, so each test can wait for the page's own state.
SCRIPT = """window.events = [];
const range = document.getElementById("range");
for (const type of ["input", "change"]) {
  range.addEventListener(type, () => window.events.push(`${type}:${range.value}`));
}
"""


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "index.html").write_text(PAGE)
    (folder / "page.js").write_text(SCRIPT)
    server = make_server(folder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def poll(condition, timeout_s: float = 60.0):
    """Return condition()'s first truthy value, checking every 50 ms for up to timeout_s."""
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        assert time.monotonic() < deadline, "the condition never became true"
        time.sleep(0.05)
    return value


def test_evaluate_returns_json_values(engine, tiny_url):
    engine.open(tiny_url)
    assert engine.evaluate("({title: document.title, list: [1, 2.5, 'x', null, true]})") == {
        "title": "adapter", "list": [1, 2.5, "x", None, True]}
    assert engine.evaluate("undefined") is None
    assert engine.evaluate("new Promise((resolve) => setTimeout(() => resolve(42), 10))") == 42
    with pytest.raises(JavaScriptError, match="no_such_name"):
        engine.evaluate("no_such_name + 1")


def test_wait_until_polls_and_times_out(engine, tiny_url):
    engine.open(tiny_url)
    engine.evaluate("void setTimeout(() => { document.body.dataset.late = 'yes'; }, 300)")
    engine.wait_until("document.body.dataset.late === 'yes'", timeout_s=60)
    with pytest.raises(EngineTimeout, match=engine.name):
        engine.wait_until("document.body.dataset.never === 'yes'", timeout_s=1)


def test_set_range_fires_input_then_change(engine, tiny_url):
    engine.open(tiny_url)
    engine.set_range("#range", 8)
    assert engine.evaluate("window.events") == ["input:8", "change:8"]


def test_keys_move_a_focused_slider(engine, tiny_url):
    engine.open(tiny_url)
    engine.press("#range", "ArrowRight")
    engine.wait_until("document.getElementById('range').value === '6'", timeout_s=60)
    engine.press("#range", "Home")
    engine.wait_until("document.getElementById('range').value === '0'", timeout_s=60)
    assert "input:6" in engine.evaluate("window.events")


def test_console_errors_are_collected_and_reset_by_open(engine, tiny_url):
    engine.open(tiny_url)
    assert engine.console_errors() == []
    engine.evaluate("void setTimeout(() => { console.log('fine'); console.error('kd-logged');"
                    " throw new Error('kd-uncaught'); }, 0)")
    errors = poll(lambda: (e := engine.console_errors()) and len(e) >= 2 and e)
    assert any("kd-logged" in e for e in errors), errors
    assert any("kd-uncaught" in e for e in errors), errors
    assert not any("fine" in e for e in errors), errors
    engine.open(tiny_url)
    assert engine.console_errors() == []


def test_a_crashed_page_fails_its_test_as_a_crash_and_the_next_gets_a_new_browser(engine_browser, tiny_url):
    with warnings.catch_warnings():
        warnings.simplefilter("error", EngineRestarted)  # a browser that answers is kept
        crashed = engine_browser.driver()
    crashed.open(tiny_url)
    crashed.crash_page()
    with pytest.raises(Exception) as raised:
        crashed.wait_until("false", timeout_s=60)
    assert is_crash(engine_browser.name, raised.value), raised.value
    crashed.close()  # a browser whose page crashed quits cleanly, and a second time changes nothing
    crashed.close()
    with pytest.warns(EngineRestarted, match=engine_browser.name):
        fresh = engine_browser.driver()
    fresh.open(tiny_url)
    assert fresh.evaluate("document.title") == "adapter"


def test_a_test_reruns_only_when_its_browser_crashed(engine, request):
    if request.config.option.usepdb or not request.config.pluginmanager.hasplugin("rerunfailures"):
        pytest.skip("nothing is rerun under --pdb or without pytest-rerunfailures")
    marker = request.node.get_closest_marker("flaky")
    assert marker is not None and marker.kwargs == {"reruns": 1, "only_rerun": list(CRASH_SIGNS[engine.name]),
                                                    "rerun_except": list(NOT_RERUN)}


def test_a_browser_that_cannot_be_started_again_fails_later_tests_at_once(monkeypatch):
    class Dead:
        closed = False

        def responsive(self):
            return False

        def close(self):
            self.closed = True

    dead, attempts = Dead(), []

    def launch(name):
        attempts.append(name)
        if len(attempts) > 1:
            raise RuntimeError("Xvfb did not start")
        return dead

    monkeypatch.setattr(engine_drivers, "launch", launch)
    kept = engine_drivers.KeptBrowser("webkit")
    with pytest.raises(RuntimeError, match="Xvfb did not start"):
        kept.driver()
    assert dead.closed
    with pytest.raises(RuntimeError, match="could not be started again"):
        kept.driver()
    assert attempts == ["webkit", "webkit"]
    kept.close()  # nothing is left to close


# What each driver raised on a crash: seen in a real crash here (the page crashes above, and
# WebKit's segfault in JavaScriptCore), and Playwright's word for a crash during a navigation.
CRASHED = [
    ("webkit", WebDriverException("Could not parse script result")),
    ("webkit", InvalidSessionIdException("session deleted because of page crash or hang.")),
    ("webkit", InvalidSessionIdException("")),
    ("chromium", PlaywrightError("Page.evaluate: Target crashed")),
    ("chromium", PlaywrightError("Page.goto: Navigation failed because page crashed!")),
    ("firefox", HelperError("firefox: the page crashed (its content process ended; the tab shows about:tabcrashed): "
                            "waitUntil failed: Waiting failed", False)),
]


@pytest.mark.parametrize(("name", "error"), CRASHED, ids=lambda value: value if isinstance(value, str) else "")
def test_a_crash_is_told_by_its_error(name, error):
    assert is_crash(name, error)
    try:
        raise RuntimeError("the test's own step failed") from error
    except RuntimeError as wrapped:
        assert is_crash(name, wrapped)  # read along the chain, as pytest-rerunfailures reads it


def test_a_crash_hidden_by_from_none_is_not_read():
    try:
        try:
            raise InvalidSessionIdException("session deleted because of page crash or hang.")
        except InvalidSessionIdException:
            raise AssertionError("the page showed the wrong value") from None
    except AssertionError as error:
        assert not is_crash("webkit", error)


# Failures that are not crashes, as the drivers word them: none may be rerun.
FAILED = [
    EngineTimeout("webkit: 'document.title === \\'x\\'' was not true within 180 s; page errors: []"),
    JavaScriptError("'kdsite.embeds[0].x' threw: TypeError: undefined is not an object"),
    AssertionError("assert '0.5' == '0.6'"),
    HelperError("firefox: waitUntil failed: Waiting failed", False),
    NoSuchElementException("no such element: Unable to locate element: #kd-missing"),
    PlaywrightError("Page.evaluate: ReferenceError: kdsite is not defined"),
]


@pytest.mark.parametrize("error", FAILED, ids=lambda error: type(error).__name__)
@pytest.mark.parametrize("name", sorted(CRASH_SIGNS))
def test_a_failure_is_not_taken_for_a_crash(name, error):
    assert not is_crash(name, error)
