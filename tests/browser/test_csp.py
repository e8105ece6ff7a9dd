"""The Content-Security-Policy breaks nothing: every page with widgets, the embedding page and an
embed page go live, and the offline service worker installs, without one policy violation."""

from __future__ import annotations

import html
import re

import pytest

from kdsite.csp import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 120_000
# Registered before any page script runs, in every frame: each violation the browser reports.
LISTEN = """
window.__kdViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__kdViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
"""
# Settled: every widget live, or failed (then the test says why instead of timing out).
SETTLED = ("() => [...document.querySelectorAll('[data-kd-widget]')]"
           ".every(w => w.dataset.kdState === 'ready' || w.dataset.kdState === 'error')")
NOT_READY = ("() => [...document.querySelectorAll('[data-kd-widget]')]"
             ".filter(w => w.dataset.kdState !== 'ready').map(w => w.id + ': ' + w.dataset.kdState)")
EMBED_PAGE = "embed/index/distillation-viz-1.html"


def live_pages(built_site) -> list[str]:
    """Return every page with widgets or embedded widgets, and one embed page."""
    pages = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
                   if not p.relative_to(built_site).as_posix().startswith("embed/")
                   and ("data-kd-widget" in (text := p.read_text(encoding="utf-8")) or "<iframe" in text))
    return pages + [EMBED_PAGE]


def watch(page) -> list[str]:
    """Listen for violations in every frame and for CSP errors on the console; return the console list."""
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def violations(page) -> list[str]:
    """Return the violations every frame of the page recorded."""
    return [v for frame in page.frames for v in frame.evaluate("() => window.__kdViolations || []")]


def test_every_page_carries_the_policy_once_before_anything_it_governs(built_site):
    for path in sorted(built_site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        metas = list(re.finditer(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text))
        assert len(metas) == 1 and text.count("Content-Security-Policy") == 1, path
        assert html.unescape(metas[0].group(1)) == CONTENT_SECURITY_POLICY, path
        # A <meta> policy covers only what comes after it.
        governed = [i for tag in ("<script", "<link", "<style", "<img", "<iframe") if (i := text.find(tag)) >= 0]
        assert all(metas[0].start() < i for i in governed), path


def test_widgets_and_embeds_go_live_with_no_policy_violation(page, site_url, built_site):
    console = watch(page)
    pages = live_pages(built_site)
    assert "index.html" in pages and "embedding.html" in pages and len(pages) >= 5
    for path in pages:
        page.goto(site_url + path)
        for iframe in page.locator("iframe").all():
            iframe.scroll_into_view_if_needed()  # the frames load lazily
            frame = iframe.element_handle().content_frame()
            frame.wait_for_selector("[data-kd-widget]", timeout=READY_TIMEOUT_MS)
            frame.wait_for_function(SETTLED, timeout=READY_TIMEOUT_MS)
        assert page.locator("[data-kd-widget], iframe").count(), f"{path} has nothing live"
        page.wait_for_function(SETTLED, timeout=READY_TIMEOUT_MS)
        assert not violations(page), f"{path}: {violations(page)}"
        assert not [w for frame in page.frames for w in frame.evaluate(NOT_READY)], path
    assert not console, console


def test_the_offline_service_worker_installs_with_no_policy_violation(browser, site_url):
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    console = watch(page)
    page.goto(site_url + "temperature.html")
    page.wait_for_selector('[data-kd-offline="ready"]', state="visible", timeout=READY_TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=READY_TIMEOUT_MS)
    assert not violations(page) and not console, (violations(page), console)
    assert not page.evaluate(NOT_READY)
    context.close()
