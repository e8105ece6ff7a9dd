"""The Content-Security-Policy breaks nothing: every page with widgets, the embedding page and an
embed page go live, and the offline service worker installs, without one policy violation."""

from __future__ import annotations

import base64
import hashlib
import html
import re

import pytest
from csp_watch import violations, watch

from kdsite.csp import CONTENT_SECURITY_POLICY
from kdsite.files import STATIC_DIR

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 120_000
# Settled: every widget live, or failed (then the test says why instead of timing out).
SETTLED = ("() => [...document.querySelectorAll('[data-kd-widget]')]"
           ".every(w => w.dataset.kdState === 'ready' || w.dataset.kdState === 'error')")
NOT_READY = ("() => [...document.querySelectorAll('[data-kd-widget]')]"
             ".filter(w => w.dataset.kdState !== 'ready').map(w => w.id + ': ' + w.dataset.kdState)")
EMBED_PAGE = "embed/index/distillation-viz-1.html"
FIRST_DOWNLOAD = (STATIC_DIR / "inline" / "first-download.js").read_text(encoding="utf-8")


def live_pages(built_site) -> list[str]:
    """Return every page with widgets or embedded widgets, and one embed page."""
    pages = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
                   if not p.relative_to(built_site).as_posix().startswith("embed/")
                   and ("data-kd-widget" in (text := p.read_text(encoding="utf-8")) or "<iframe" in text))
    return pages + [EMBED_PAGE]


def inline(tag: str, text: str) -> list[str]:
    """Return the text of each inline <script> (one without src) or <style> of a page."""
    return re.findall(rf"<{tag}(?![^>]*\ssrc=)[^>]*>(.*?)</{tag}>", text, flags=re.S)


def sha256_source(code: str) -> str:
    """Return the CSP source that allows an inline element with this text, as CSP 3 defines it."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def test_every_page_carries_the_policy_once_before_anything_it_governs(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert built_site / "404.html" in pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        metas = list(re.finditer(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text))
        assert len(metas) == 1 and text.count("Content-Security-Policy") == 1, path
        policy = html.unescape(metas[0].group(1))
        if path.name == "404.html" and path.parent == built_site:
            # Shown at any address, the 404 page may allow its own inline script and style by
            # hash, and nothing else: the common policy plus exactly those hashes.
            scripts, styles = inline("script", text), inline("style", text)
            assert scripts and styles, "the 404 page finds the site's root by an inline script"
            directives = dict(d.split(" ", 1) for d in policy.split("; "))
            hashes = {name: set(re.findall(r"'sha256-[A-Za-z0-9+/]+=*'", value)) for name, value in directives.items()}
            assert hashes["script-src"] == {sha256_source(s) for s in scripts}
            assert hashes["style-src"] == {sha256_source(s) for s in styles}
            assert not [name for name in directives if name not in ("script-src", "style-src") and hashes[name]]
            policy = re.sub(r" 'sha256-[A-Za-z0-9+/]+=*'", "", policy)
        elif "data-kd-runtime-download" in text:
            # A page with widgets begins the runtime's download by its one inline script
            # (kdsite/render.py), allowed by its hash alone.
            assert inline("script", text) == [FIRST_DOWNLOAD] and not inline("style", text), path
            directives = dict(d.split(" ", 1) for d in policy.split("; "))
            assert re.findall(r"'sha256-[A-Za-z0-9+/]+=*'", policy) == [sha256_source(FIRST_DOWNLOAD)], path
            assert sha256_source(FIRST_DOWNLOAD) in directives["script-src"], path
            policy = policy.replace(" " + sha256_source(FIRST_DOWNLOAD), "")
        else:
            assert not inline("script", text) and not inline("style", text), path
        assert policy == CONTENT_SECURITY_POLICY, path
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
