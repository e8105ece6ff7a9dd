"""The explorable size chart and the knowledge-flow diagram in a real Chromium: points reached
by keyboard and tap show details matching their aria-label and data, the loss cards light the
diagram, both figures pass axe in light and dark, and the diagram fits a 360 px screen."""

from __future__ import annotations

import re

import pytest
from axe import ensure_axe, format_violations

pytestmark = pytest.mark.browser

POINT = "[data-kd-point]"
DETAILS = ("() => { const p = document.activeElement;"
           " const box = p.querySelector('.kd-sc__tip');"
           " return {label: p.getAttribute('aria-label'), shown: getComputedStyle(box).display !== 'none',"
           " text: [...box.querySelectorAll('text')].map(t => t.textContent).join(' | '),"
           " data: {...p.dataset}, index: [...document.querySelectorAll('[data-kd-point]')].indexOf(p)}; }")


def numbers(text: str) -> list[str]:
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def check_details(details: dict) -> None:
    """The focused point's visible details say exactly its aria-label's numbers, which are its data's."""
    assert details["shown"], details
    assert numbers(details["text"]) == numbers(details["label"])
    data = details["data"]
    expected = [data["layers"], data["width"], data["parameters"], f"{float(data['accuracy']) * 100:.1f}",
                data["seeds"], f"{float(data['low']) * 100:.1f}", f"{float(data['high']) * 100:.1f}"]
    assert numbers(details["label"]) == expected


def test_keyboard_reaches_every_point_and_shows_its_details(page, site_url):
    page.goto(site_url + "compression.html")
    count = page.locator(POINT).count()
    assert count == 11
    # Tab from the element before the figure lands on its first point.
    page.locator("[data-kd-figure='accuracy-vs-size']").evaluate(
        "f => { const b = document.createElement('button'); b.textContent = 'before'; f.before(b); b.focus(); }")
    page.keyboard.press("Tab")
    first = page.evaluate(DETAILS)
    assert first["index"] == 0
    check_details(first)
    seen = {first["label"]}
    for i in range(1, count):
        page.keyboard.press("ArrowRight")
        details = page.evaluate(DETAILS)
        assert details["index"] == i
        check_details(details)
        seen.add(details["label"])
    assert len(seen) == count
    page.keyboard.press("ArrowRight")  # wraps to the first
    assert page.evaluate(DETAILS)["index"] == 0
    page.keyboard.press("End")
    assert page.evaluate(DETAILS)["index"] == count - 1
    page.keyboard.press("Home")
    page.keyboard.press("Tab")  # Tab moves on too: every point is in the tab order
    assert page.evaluate(DETAILS)["index"] == 1


def test_a_tap_focuses_a_point(browser, site_url):
    context = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 360, "height": 740},
                                  service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + "compression.html")
        page.wait_for_load_state("load")
        point = page.locator(POINT).nth(3)
        point.scroll_into_view_if_needed()
        point.locator(".kd-sc__mark").tap()
        details = page.evaluate(DETAILS)
        assert details["index"] == 3
        check_details(details)
    finally:
        context.close()


@pytest.mark.parametrize("card,part", [("soft", "soft"), ("hard", "hard"), ("total", "combined")])
def test_a_focused_or_hovered_loss_card_lights_its_part_of_the_diagram(page, site_url, card, part):
    page.goto(site_url + "loss.html")
    lit = ("() => [...document.querySelectorAll('[data-kd-flow]')]"
           ".filter(g => g.classList.contains('kd-flow-lit')).map(g => g.dataset.kdFlow)")
    # The widget's script links the cards once it is imported (before Python is ready): focus
    # the card again on every poll until it has.
    page.wait_for_function(f"() => {{ const c = document.querySelector('[data-kd-term=\"{card}\"]');"
                           f" c.blur(); c.focus(); return ({lit})().join() === '{part}'; }}", timeout=120_000)
    assert page.evaluate("() => document.querySelector('.kd-kf').classList.contains('kd-kf--lit')")
    page.evaluate("() => document.activeElement.blur()")
    page.wait_for_function(f"() => ({lit})().length === 0")
    page.hover(f'[data-kd-term="{card}"]')
    page.wait_for_function(f"() => ({lit})().join() === '{part}'")
    page.mouse.move(0, 0)
    page.wait_for_function(f"() => ({lit})().length === 0")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path,figure", [("compression.html", "accuracy-vs-size"), ("loss.html", "knowledge-flow")])
def test_the_figures_pass_axe(page, site_url, path, figure, scheme):
    page.emulate_media(color_scheme=scheme)
    page.add_init_script(path=str(ensure_axe()))
    page.goto(site_url + path)
    page.wait_for_load_state("load")
    include = [f"[data-kd-figure='{figure}']"] + ([".kd-le__terms"] if path == "loss.html" else [])
    result = page.evaluate("async (include) => await axe.run({include: include.map(s => [s])},"
                           " {resultTypes: ['violations']})", include)
    assert not result["violations"], format_violations(site_url + path, result["violations"])


def test_the_flow_diagram_fits_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + "loss.html")
        box = page.locator("[data-kd-figure='knowledge-flow'] svg").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        # Text stays near its drawn size: the 340-unit-wide diagram is drawn at 300 px or more.
        assert box["width"] >= 300
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
