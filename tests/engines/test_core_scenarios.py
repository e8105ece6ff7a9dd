"""The browser suite's core scenarios in Chromium, Firefox and WebKit (one browser per engine,
conftest.py): every page reaches `ready`; one slider per widget type, checked against CPython's
compute_state; training advances; the cross-origin embed resizes its iframe; the offline download
goes live from file://; and, where the engine's driver runs service workers, the site works
offline after one visit.

Times to `ready` are printed (see them with -rP), never asserted: load must not fail a test.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from engine_drivers import DEFAULT_TIMEOUT_S, launch
from host_pages import host_page

from kdsite.core.states import compute_state
from kdsite.offline_zip import FOLDER
from kdsite.publish import OFFLINE_ZIP
from kdsite.serve import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from widget_site import READ_CONTROLS  # noqa: E402  (tests/browser is not a package)

pytestmark = pytest.mark.browser

READY = "[...document.querySelectorAll('[data-kd-widget]')].every((w) => w.dataset.kdState === 'ready')"
# Every root of a widget, as [id, name, config, controls now, aria-label, {readout: text}].
WIDGETS = (f"[...document.querySelectorAll('[data-kd-widget]')].map((root) => [root.id, root.dataset.kdWidget,"
           f" root.dataset.kdConfig, ({READ_CONTROLS})(root), root.getAttribute('aria-label'),"
           " Object.fromEntries([...root.querySelectorAll('[data-kd-readout]')]"
           ".map((el) => [el.dataset.kdReadout, el.textContent])) ])")


def widget_pages(site: Path) -> list[str]:
    """Return the site's pages that hold a widget (chapters and glossary), sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "data-kd-widget=" in p.read_text(encoding="utf-8") and not p.relative_to(site).parts[0] == "embed")


def time_to_ready(engine, url: str) -> float:
    """Open url, wait for every widget to be ready; return the seconds it took."""
    started = time.monotonic()
    engine.open(url)
    engine.wait_until(READY)
    return time.monotonic() - started


def first_slider(root_id: str) -> str:
    return f'#{root_id} input[type="range"][data-kd-control]:not([data-kd-control="point"]):not([disabled])'


def test_every_page_goes_live_and_one_slider_per_widget_type_matches_cpython(engine, engine_site_url, built_site):
    driven: set[str] = set()
    for path in widget_pages(built_site):
        seconds = time_to_ready(engine, engine_site_url + path)
        print(f"TIME {engine.name} served {path}: ready {seconds:.1f} s")
        for root_id, name, _config, *_ in engine.evaluate(WIDGETS):
            selector = first_slider(root_id)
            if name in driven or not engine.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                continue
            driven.add(name)
            # Two thirds of the way: off the start, inside the range, on no special value.
            target = engine.evaluate(f"((el) => Number(el.min) + (Number(el.max) - Number(el.min)) * 2 / 3)"
                                     f"(document.querySelector({json.dumps(selector)}))")
            engine.set_range(selector, target)
            moved = next(w for w in engine.evaluate(WIDGETS) if w[0] == root_id)
            want = compute_state(name, json.loads(moved[2]), moved[3])
            engine.wait_until(f"document.getElementById({json.dumps(root_id)}).getAttribute('aria-label')"
                              f" === {json.dumps(want['aria_label'])}")
            shown = next(w for w in engine.evaluate(WIDGETS) if w[0] == root_id)[5]
            expected = {key: readout["text"] for key, readout in want["readouts"].items() if key in shown}
            assert expected and {key: shown[key] for key in expected} == expected, (engine.name, name)
        assert engine.console_errors() == [], path
    assert driven == {"distillation-viz", "temperature-explorer", "soft-labels", "loss-explorer",
                      "training-lab", "distill-steps"}


def test_training_advances(engine, engine_site_url):
    engine.open(engine_site_url + "training.html")
    engine.wait_until(READY)
    engine.evaluate("document.querySelector('#lab [data-kd-action=\"play\"]').click()")
    engine.wait_until("parseInt(document.querySelector('#lab [data-kd-readout=\"epoch\"]').textContent) >= 3")
    assert engine.console_errors() == []


@pytest.fixture(scope="module")
def host_url(tmp_path_factory, engine_site_url):
    """A host page on another origin (its own port) embedding a widget with embed.js as a plain script."""
    with host_page(tmp_path_factory.mktemp("host"), engine_site_url, "embed/index/distillation-viz-1.html",
                   "good", "widget") as url:
        yield url


def test_a_cross_origin_embed_sizes_its_iframe_and_is_live(engine, host_url):
    engine.open(host_url)
    engine.wait_until("Number(document.getElementById('good').height) > 300")
    # The host sees the frame only through embed.js, whose readouts arrive with each state the widget
    # draws: ask for temperature 4 until the live widget has answered it (a control it gets before
    # it is live is ignored, and asking again for the same value changes nothing).
    engine.wait_until("window.kdsite && kdsite.embeds.length === 1 && ((kdsite.embeds[0].readouts"
                      " && Number(kdsite.embeds[0].controls.temperature) === 4)"
                      " || (kdsite.embeds[0].set('temperature', 4), false))")
    assert float(engine.evaluate("kdsite.embeds[0].readouts.kl")) > 0
    assert engine.console_errors() == []


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory, built_site) -> Path:
    """The offline download, unzipped as a reader would into a new folder; its index.html."""
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(built_site / OFFLINE_ZIP) as zipped:
        zipped.extractall(folder)
    return folder / FOLDER / "index.html"


def test_the_offline_download_is_live_from_file_urls(engine, unzipped):
    seconds = time_to_ready(engine, unzipped.as_uri())
    print(f"TIME {engine.name} file index.html: ready {seconds:.1f} s")
    selector = '#distillation-viz-1 input[data-kd-control="temperature"]'
    engine.set_range(selector, 3)
    root = next(w for w in engine.evaluate(WIDGETS) if w[0] == "distillation-viz-1")
    want = compute_state("distillation-viz", json.loads(root[2]), root[3])
    engine.wait_until("document.querySelector('#distillation-viz-1 [data-kd-readout=\"kl\"]').textContent"
                      f" === {json.dumps(want['readouts']['kl']['text'])}")
    # From file:// the browser refuses the pages' module scripts (local-file.js takes over), and
    # Chromium and Firefox say so in the console; anything else is a fault.
    refused = ("CORS policy", "net::ERR_FAILED", "CORS request not http")
    assert [e for e in engine.console_errors() if not any(r in e for r in refused)] == []


# Why an engine's driver cannot show the service worker at work (each test then says so).
NO_SERVICE_WORKER = {
    "chromium": "the Chromium driver's context blocks service workers (as tests/browser does); "
                "tests/browser/test_publish.py runs this scenario in Chromium",
}
# offline.js shows this once the service worker has every file, after the widgets settle and an
# idle moment: a full load, then the precache (~20 MB hashed).
OFFLINE_READY = "document.querySelector('[data-kd-offline]').dataset.kdOffline === 'ready'"


def test_the_site_works_offline_after_one_visit(engine, built_site):
    if engine.name in NO_SERVICE_WORKER:
        pytest.skip(f"{engine.name}: {NO_SERVICE_WORKER[engine.name]}")
    widgets = (built_site / "index.html").read_text(encoding="utf-8").count("data-kd-widget=")
    server = make_server(built_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    # A browser of its own: service workers on, and its offline state and caches reach no other test.
    browser = launch(engine.name, service_workers=True)
    try:
        try:
            browser.open(url)
            browser.wait_until(READY)
            browser.wait_until(OFFLINE_READY, timeout_s=2 * DEFAULT_TIMEOUT_S)
        finally:
            server.shutdown()
            server.server_close()
        # The browser offline where its driver can do that (navigator.onLine false); else
        # (WebKitWebDriver emulates no network) a browser that believes it is online, its server
        # gone, as on a captive portal or with the site down: sw.js answers from its cache both ways.
        try:
            browser.set_offline(True)
            offline = True
        except NotImplementedError:
            offline = False
        browser.open(url)
        # Not a vacuous READY: the page the worker answered holds every widget of index.html.
        browser.wait_until(f"document.querySelectorAll('[data-kd-widget]').length === {widgets} && {READY}")
        assert browser.evaluate("navigator.onLine") is (not offline)
        # Python, from the worker's cache, computes a state the page did not have: its readouts
        # are CPython's for the same controls.
        root_id = "distillation-viz-1"
        before = next(w for w in browser.evaluate(WIDGETS) if w[0] == root_id)
        browser.set_range(f'#{root_id} input[data-kd-control="temperature"]', 3)
        moved = next(w for w in browser.evaluate(WIDGETS) if w[0] == root_id)
        want = compute_state("distillation-viz", json.loads(moved[2]), moved[3])
        assert want["aria_label"] != before[4]
        browser.wait_until(f"document.getElementById({json.dumps(root_id)}).getAttribute('aria-label')"
                           f" === {json.dumps(want['aria_label'])}")
        shown = next(w for w in browser.evaluate(WIDGETS) if w[0] == root_id)[5]
        assert shown == {"kl": want["readouts"]["kl"]["text"], "temperature": want["controls"]["temperature"]["text"]}
        assert browser.console_errors() == []
    finally:
        browser.close()
