"""Issue 17 in Chromium, Firefox and WebKit (one browser per engine, conftest.py): the training
lab's network diagrams follow its hidden-layer selects; every point of the explorable size chart
is reached by keyboard and shows its numbers; the loss cards light their part of the
knowledge-flow diagram; and a host page on another origin drives the loss-explorer's logarithmic
temperature slider (data-kd-start) and hears Python's numbers, the pre-rendered ones first.

Every number expected here is computed in CPython. Nothing waits for a fixed time: each step
waits for the page to reach a state. Axe runs in Chromium only (tests/browser).
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
from pathlib import Path

import pytest
from host_pages import host_page
from test_core_scenarios import READY

from kdsite.core.slider import PER_DECADE
from kdsite.core.states import compute_state
from kdsite.core.states.loss_explorer import sliders as loss_sliders
from kdsite.figures import accuracy_vs_size as chart

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from test_explorable_figures import DETAILS, check_details  # noqa: E402  (tests/browser is not a package)
from widget_site import READ_CONTROLS  # noqa: E402

pytestmark = pytest.mark.browser


def js(value) -> str:
    """Return a Python value as a JavaScript literal."""
    return json.dumps(value)


def embedded_config(site: Path, embed: str) -> dict:
    """Return the data-kd-config of the widget on an embed page of the built site."""
    text = (site / embed).read_text(encoding="utf-8")
    return json.loads(html.unescape(re.search(r'data-kd-config="([^"]*)"', text).group(1)))


def values(state: dict) -> dict[str, dict[str, str]]:
    """Return a state's controls and readouts as a kdsite:change detail has them (data-value strings)."""
    return {part: {key: entry["value"] for key, entry in state[part].items()} for part in ("controls", "readouts")}


# ---- 1. the training lab's network diagrams follow the hidden-layer selects ----------------

LAB = "#lab"
UNITS = ("[...document.querySelectorAll('#lab [data-kd-diagram=\"' + key + '\"] [data-kd-layer]')]"
         ".map((el) => Number(el.dataset.units))")
LABEL = "document.querySelector('#lab [data-kd-diagram=\"' + key + '\"] svg').getAttribute('aria-label')"


def shown_diagrams(engine) -> dict[str, dict]:
    """Return each diagram as the page shows it: {key: {"units": [...], "label": "..."}}."""
    return engine.evaluate(f"Object.fromEntries(['teacher', 'student'].map((key) => [key,"
                           f" {{units: {UNITS}, label: {LABEL}}}]))")


def test_the_lab_diagrams_follow_every_option_of_both_layer_selects(engine, engine_site_url):
    engine.open(engine_site_url + "training.html")
    engine.wait_until(READY)
    config = json.loads(engine.evaluate(f"document.querySelector({js(LAB)}).dataset.kdConfig"))
    for key in ("teacher", "student"):
        select = f'{LAB} select[data-kd-control="{key}-layers"]'
        options = engine.evaluate(f"[...document.querySelector({js(select)}).options].map((o) => o.value)")
        assert len(options) > 1, (engine.name, key, options)
        for option in options:
            engine.evaluate(f"((el) => {{ el.value = {js(option)}; el.dispatchEvent(new Event('change',"
                            f" {{bubbles: true}})); }})(document.querySelector({js(select)}))")
            controls = engine.evaluate(f"({READ_CONTROLS})(document.querySelector({js(LAB)}))")
            assert controls[f"{key}-layers"] == int(option)
            diagrams = compute_state("training-lab", config, controls)["diagrams"]
            want = {k: {"units": [layer["units"] for layer in d["layers"]], "label": d["label"]}
                    for k, d in diagrams.items()}
            # The text alternative names the architecture: once both say this one, it is drawn.
            engine.wait_until(" && ".join(f"document.querySelector('{LAB} [data-kd-diagram=\"{k}\"] svg')"
                                          f".getAttribute('aria-label') === {js(w['label'])}" for k, w in want.items()))
            shown = shown_diagrams(engine)
            assert shown == want, (engine.name, key, option)
            assert len(shown[key]["units"]) == int(option) + 2  # input, the hidden layers, output
    assert engine.console_errors() == []


# ---- 2. the explorable size chart, by keyboard -----------------------------------------------

ACTIVE = "[...document.querySelectorAll('[data-kd-point]')].indexOf(document.activeElement)"
FIGURE = "[data-kd-figure='accuracy-vs-size']"


def focused_point(engine) -> str:
    """Return the selector to press a key on while a point has the focus: the point itself (the
    drivers focus their target with el.focus(), which SVG elements have too)."""
    return "[data-kd-point]:focus"


@pytest.fixture(scope="module")
def chart_points():
    """The figure's points as the build computes them (about ten seconds of training runs)."""
    return chart.chart_points(chart.sweep())


def press_and_land(engine, selector: str, key: str, index: int) -> dict:
    """Press `key` on the element `selector`, wait until point `index` has the focus, return its details."""
    engine.press(selector, key)
    engine.wait_until(f"{ACTIVE} === {index}")
    return engine.evaluate(f"({DETAILS})()")


def check_point(details: dict, point) -> None:
    """The focused point's visible details and aria-label are CPython's, and agree (check_details)."""
    check_details(details)
    assert details["label"] == point.label
    assert details["text"] == " | ".join(point.lines())
    data = details["data"]
    assert (data["series"], int(data["width"]), int(data["layers"]), int(data["parameters"]), int(data["seeds"])) == \
        (point.series, point.width, point.layers, point.parameters, point.seeds)
    assert (float(data["accuracy"]), float(data["low"]), float(data["high"])) == (point.accuracy, point.low, point.high)


def test_every_chart_point_is_reached_by_keyboard_and_shows_cpythons_numbers(engine, engine_site_url, chart_points):
    engine.open(engine_site_url + "compression.html")
    count = len(chart_points)
    assert engine.evaluate("document.querySelectorAll('[data-kd-point]').length") == count
    # Tab from an element placed just before the figure lands on its first point.
    engine.evaluate("((f) => { const b = document.createElement('button'); b.id = 'kd-before';"
                    f" b.textContent = 'before'; f.before(b); }})(document.querySelector({js(FIGURE)}))")
    seen = [press_and_land(engine, "#kd-before", "Tab", 0)]
    point = focused_point(engine)
    check_point(seen[0], chart_points[0])
    for i in range(1, count):  # arrow keys move through every point (figure-points.js)
        details = press_and_land(engine, point, "ArrowRight", i)
        check_point(details, chart_points[i])
        seen.append(details)
    assert len({d["label"] for d in seen}) == count
    press_and_land(engine, point, "ArrowRight", 0)  # wraps to the first
    press_and_land(engine, point, "ArrowLeft", count - 1)  # and back
    press_and_land(engine, point, "Home", 0)
    press_and_land(engine, point, "ArrowDown", 1)
    press_and_land(engine, point, "ArrowUp", 0)
    check_point(press_and_land(engine, point, "End", count - 1), chart_points[-1])
    press_and_land(engine, point, "Home", 0)
    # Tab moves on too: every point is in the tab order.
    check_point(press_and_land(engine, point, "Tab", 1), chart_points[1])
    assert engine.console_errors() == []


# ---- 3. the knowledge-flow diagram and the loss cards ----------------------------------------

FLOW = "[data-kd-figure='knowledge-flow'] svg"
LIT = ("[...document.querySelectorAll('[data-kd-flow]')]"
       ".filter((g) => g.classList.contains('kd-flow-lit')).map((g) => g.dataset.kdFlow).join()")
DIAGRAM_LIT = f"document.querySelector({js(FLOW)}).classList.contains('kd-kf--lit')"
CARDS = {"soft": "soft", "hard": "hard", "total": "combined"}  # card → its part of the diagram


def card(term: str) -> str:
    return f'[data-kd-term="{term}"]'


def test_the_flow_diagram_is_described_and_each_focused_card_lights_its_part(engine, engine_site_url):
    engine.open(engine_site_url + "loss.html")
    described = engine.evaluate(f"((svg) => ({{role: svg.getAttribute('role'),"
                                f" title: svg.querySelector(':scope > title').textContent.trim(),"
                                f" desc: svg.querySelector(':scope > desc').textContent.trim(),"
                                f" parts: [...svg.querySelectorAll('[data-kd-flow]')].map((g) => g.dataset.kdFlow)}}))"
                                f"(document.querySelector({js(FLOW)}))")
    assert described["role"] == "img" and described["title"] and "student only" in described["desc"]
    assert described["parts"] == ["soft", "hard", "combined"]
    for term, part in CARDS.items():
        # The widget's script links the cards once it is imported (before Python is ready): focus
        # the card again on every poll until it has.
        engine.wait_until(f"((c) => {{ c.blur(); c.focus(); return {LIT} === {js(part)}; }})"
                          f"(document.querySelector({js(card(term))}))")
        assert engine.evaluate(DIAGRAM_LIT), (engine.name, term)
        engine.evaluate("document.activeElement.blur()")
        engine.wait_until(f"{LIT} === '' && !{DIAGRAM_LIT}")
    # By keyboard too: Tab from the soft card reaches the hard one, which lights its own part.
    engine.press(card("soft"), "Tab")
    engine.wait_until(f"document.activeElement.matches({js(card('hard'))}) && {LIT} === 'hard'")
    assert engine.console_errors() == []


def test_a_hovered_card_lights_its_part(engine, engine_site_url):
    hover = engine.hover
    engine.open(engine_site_url + "loss.html")
    engine.wait_until("document.querySelector('[data-kd-widget=\"loss-explorer\"]').dataset.kdState === 'ready'")
    for term, part in CARDS.items():
        hover(card(term))
        engine.wait_until(f"{LIT} === {js(part)} && {DIAGRAM_LIT}")
    hover("h1")
    engine.wait_until(f"{LIT} === ''")
    assert engine.console_errors() == []


# ---- data-kd-start: a host drives the loss-explorer's log temperature slider -----------------

LOSS_EMBED = "embed/loss/loss-explorer.html"
EMBED = "kdsite.embeds[0]"


@pytest.fixture(scope="module")
def loss_host_url(tmp_path_factory, engine_site_url):
    """A host page on another origin (its own port) embedding the loss explorer with embed.js."""
    with host_page(tmp_path_factory.mktemp("loss-host"), engine_site_url, LOSS_EMBED, "loss",
                   "loss explorer") as url:
        yield url


def position(value: float, slider) -> float:
    """Return the log slider's position for `value` (kdsite/core/slider.py), as embed-frame.js finds
    it: min and max for the range's ends (their quantities, off the grid), else the nearest step."""
    attributes = slider.attributes()
    if value == slider.high:
        return float(attributes["max"])
    if value == slider.low:
        return float(attributes["min"])
    steps = math.log10(value / slider.start) * PER_DECADE
    # Not near a tie, where JavaScript's and Python's logarithms could round apart.
    assert abs(steps - math.floor(steps) - 0.5) > 0.01, value
    return round(steps) / PER_DECADE


def test_a_host_sets_the_log_temperature_and_hears_pythons_numbers(engine, loss_host_url, built_site):
    config = embedded_config(built_site, LOSS_EMBED)
    slider = loss_sliders(config)["temperature"]
    assert slider.log
    assert f'data-kd-start="{slider.start!r}"' in (built_site / LOSS_EMBED).read_text(encoding="utf-8")
    engine.open(loss_host_url)
    # Asked for its size when it loaded, the frame also said its state: the pre-rendered one,
    # before anything moved (the loss explorer draws nothing of its own until something does).
    engine.wait_until(f"window.kdsite && kdsite.embeds.length === 1 && {EMBED}.readouts")
    assert engine.evaluate(f"({{controls: {EMBED}.controls, readouts: {EMBED}.readouts}})") == \
        values(compute_state("loss-explorer", config, {}))

    engine.evaluate(f"(window.__kdChanges = [], {EMBED}.addEventListener('change',"
                    " (event) => window.__kdChanges.push(event.detail)), true)")
    previous = None
    # Inside the range, its two ends (exact positions), and back to the start.
    for value in (2, 7.3, slider.high, slider.low, slider.start):
        heard = engine.evaluate("window.__kdChanges.length")
        engine.evaluate(f"{EMBED}.set('temperature', {js(value)})")
        # Sets made before the widget is live wait for it in the frame: one set is enough.
        engine.wait_until(f"window.__kdChanges.length > {heard}"
                          f" && window.__kdChanges.at(-1).controls.temperature !== {js(previous)}")
        detail = engine.evaluate("window.__kdChanges.at(-1)")
        want = compute_state("loss-explorer", config, {"temperature_position": position(value, slider)})
        assert {part: detail[part] for part in ("controls", "readouts")} == values(want), (engine.name, value)
        # It lands on the value: the readout says the value the host asked for.
        assert float(want["controls"]["temperature"]["text"]) == value, (value, want["controls"]["temperature"])
        if value in (slider.low, slider.high):  # an end is reached exactly, not a step short
            assert float(detail["controls"]["temperature"]) == value, (value, detail["controls"])
        assert detail["widget"] == "loss-explorer" and detail["id"] == "loss-explorer"
        previous = detail["controls"]["temperature"]
    assert engine.console_errors() == []
