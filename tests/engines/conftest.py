"""Cross-engine fixtures: the built site on 127.0.0.1, and one browser per engine.

An engine that this machine cannot run is skipped with the reason and the fix (pytest -ra
prints it), never silently; scripts/ensure-<engine> installs each.
"""

from __future__ import annotations

import threading

import pytest
from engine_drivers import CRASH_SIGNS, ENGINES, NOT_RERUN, EngineUnavailable, KeptBrowser

from kdsite.serve import make_server


@pytest.fixture(scope="session")
def engine_site_url(built_site):
    """Serve the built site at the root of 127.0.0.1 (with application/wasm) and return its URL."""
    server = make_server(built_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", params=ENGINES)
def engine_browser(request):
    """One browser per engine, shared by the session's tests; pytest runs one engine at a time."""
    try:
        browser = KeptBrowser(request.param)
    except EngineUnavailable as reason:
        pytest.skip(f"{request.param} cannot run here: {reason}")
    yield browser
    browser.close()


@pytest.fixture
def engine(engine_browser):
    """The engine's browser, started again if it crashed under an earlier test."""
    return engine_browser.driver()


def pytest_collection_modifyitems(config, items):
    """A test that fails because its browser crashed (CRASH_SIGNS) runs once more, in a new
    browser, and pytest's summary counts it as rerun; any other failure fails at once. Not under
    --pdb (the plugin refuses reruns there) or without the plugin (-p no:rerunfailures)."""
    if config.option.usepdb or not config.pluginmanager.hasplugin("rerunfailures"):
        return
    for item in items:
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("engine_browser") if callspec else None
        if name in CRASH_SIGNS:
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=list(CRASH_SIGNS[name]),
                                              rerun_except=list(NOT_RERUN)))
