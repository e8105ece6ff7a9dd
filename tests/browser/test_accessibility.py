"""Every page of the built site in a real Chromium: axe-core finds nothing, in the light and
the dark theme, once the widgets are live; the keyboard reaches the skip link first; nothing
overflows a 360 px screen; printing keeps the figures and drops the navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe import ensure_axe, format_violations

pytestmark = pytest.mark.browser

CONTENT = Path(__file__).resolve().parents[2] / "content"
# Every page the content folder makes; test_every_built_page_is_checked proves none is missed.
PAGES = sorted(p.relative_to(CONTENT).with_suffix(".html").as_posix() for p in CONTENT.rglob("*.md"))
READY_TIMEOUT_MS = 120_000
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return the verified axe.min.js (fetched once into the kdsite cache)."""
    return ensure_axe()


def open_live(page, url: str) -> None:
    """Open a page and wait until every widget on it is live; fail if one ends in error."""
    page.goto(url)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kd-widget]')]"
        ".every(w => w.dataset.kdState === 'ready' || w.dataset.kdState === 'error')",
        timeout=READY_TIMEOUT_MS)
    failed = page.evaluate(
        "() => [...document.querySelectorAll('[data-kd-widget]')]"
        ".filter(w => w.dataset.kdState === 'error').map(w => w.id + ': ' + w.textContent.trim().slice(0, 200))")
    assert not failed, f"widgets failed to start: {failed}"


# Besides every content page: the 404 page and embed pages of each widget kind's example.
EXTRA = ["404.html", "embed/index/distillation-viz-1.html", "embed/training/lab.html",
         "embed/glossary/knowledge-distillation/distill-steps.html"]


def test_every_built_page_is_checked(built_site):
    built = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    # Every other embed page is the same template around a widget checked on its own page.
    assert [p for p in built if not p.startswith("embed/")] == sorted(PAGES + ["404.html"])
    assert all((built_site / p).exists() for p in EXTRA)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES + EXTRA)
def test_axe_finds_no_violations(page, site_url, axe_script, path, scheme):
    page.emulate_media(color_scheme=scheme)
    # An init script arrives through the browser's debugging protocol: a page CSP cannot block it.
    page.add_init_script(path=str(axe_script))
    open_live(page, site_url + path)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    assert not violations, format_violations(f"{path} ({scheme})", violations)


@pytest.mark.parametrize("path", PAGES)
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, site_url, path):
    page.goto(site_url + path)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({cls: document.activeElement.className, text: document.activeElement.textContent,"
                            " top: document.activeElement.getBoundingClientRect().top,"
                            " outline: getComputedStyle(document.activeElement).outlineStyle})")
    assert focused["cls"] == "kd-skip" and focused["text"] == "Skip to content"
    assert focused["top"] >= 0, "the focused skip link is off screen"
    assert focused["outline"] != "none", "the focused skip link shows no focus ring"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.evaluate("() => location.hash") == "#main"
    # The next Tab continues inside the main content, not back at the top.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


@pytest.mark.parametrize("path", PAGES)
def test_nothing_overflows_a_360px_screen(browser, site_url, path, tmp_path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    try:
        page = context.new_page()
        open_live(page, site_url + path)
        width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > innerWidth + 0.5 && getComputedStyle(e).position !== 'absolute')"
            ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))")
        assert width <= inner, f"{path} is {width}px wide on a {inner}px screen; too wide: {wide}"
        shot = tmp_path / "phone.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000  # a real picture, not a blank page
    finally:
        context.close()


def test_print_keeps_figures_and_drops_navigation(page, site_url):
    page.emulate_media(media="print")
    page.goto(site_url + "compression.html")
    hidden = page.evaluate("() => ['.kd-toc', '.kd-pager', '.kd-skip', '.kd-toc-jump']"
                           ".map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none"] * 4
    figures = page.evaluate("() => [...document.querySelectorAll('.kd-figure img')]"
                            ".map(i => [getComputedStyle(i).display, i.complete && i.naturalWidth > 0])")
    assert figures and all(display != "none" and loaded for display, loaded in figures)


def test_table_of_contents_marks_the_current_chapter(page, site_url):
    page.goto(site_url + "compression.html")
    current = page.locator('#kd-toc a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == "What compression buys"
    page.click("#kd-toc >> text=Training a student")
    assert page.url.endswith("training.html")
    assert page.locator('#kd-toc a[aria-current="page"]').inner_text() == "Training a student"
    assert page.locator('.kd-pager a[rel="next"]').inner_text().endswith("What compression buys")
