"""The drivers' offline switch (EngineDriver.set_offline): where a driver has it, pages see
navigator.onLine follow it, and it switches back; where not, it says so."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "data:text/html,<!doctype html><title>offline switch</title>"


def test_set_offline_switches_the_whole_browser_and_back(engine):
    engine.open(PAGE)
    if engine.name != "firefox":
        with pytest.raises(NotImplementedError, match=engine.name):
            engine.set_offline(True)
        return
    try:
        engine.set_offline(True)
        engine.wait_until("navigator.onLine === false", timeout_s=60)
    finally:
        engine.set_offline(False)  # the browser is shared by the session's other tests
    engine.wait_until("navigator.onLine === true", timeout_s=60)
    assert engine.console_errors() == []
