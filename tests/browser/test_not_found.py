"""The 404 page as GitHub Pages serves it: the bytes of <site>/404.html, with status 404, at
whatever depth the missing address was, under whatever sub-path the site is. Built with no
configuration (`make site`, no site_url) or the way the Pages workflow builds (site_url from
configure-pages' base_url), its stylesheet loads and its link leads home at every depth, with no
policy violation; with scripts off it stays readable; the offline service worker leaves it alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from csp_watch import violations, watch

from kdsite.build import build
from kdsite.config import load_config

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
# Depth 0 to 3 below the site: a typo at the top, in a real folder, in embed/, in no folder at all.
MISSING = ["typo.html", "glossary/typo.html", "embed/index/typo.html", "a/b/c/typo.html"]
# The site at a domain's root, as a GitHub project site, and deeper.
SUB_PATHS = ["/", "/repo/", "/a/b/"]
HOME = "Knowledge distillation, explained"
# Only the site's stylesheet sets this property (kdsite.css); the page may load it after a search.
STYLED = "() => getComputedStyle(document.documentElement).getPropertyValue('--kd-bg').trim() === '#fcfcfa'"
# Set by the 404 page's own inline style, which must apply even when no stylesheet can load.
INLINE_STYLED = "() => getComputedStyle(document.querySelector('main')).maxWidth === '640px'"
LOAD_TIMEOUT_MS = 60_000


def make_project(folder: Path) -> Path:
    """Return a small project: a home page and a glossary page, with the real templates."""
    (folder / "content" / "glossary").mkdir(parents=True)
    (folder / "content" / "index.md").write_text("---\ntitle: Home\ndescription: The start.\norder: 0\n---\n\n# Home\n")
    (folder / "content" / "glossary" / "term.md").write_text("---\ntitle: Term\ndescription: A term.\n---\n\n# Term\n")
    (folder / "templates").symlink_to(PROJECT / "templates")
    return folder


def test_the_pages_workflow_gives_the_build_the_pages_address():
    steps = yaml.safe_load((PROJECT / ".github" / "workflows" / "pages.yml").read_text())["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    (configure,) = [i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/configure-pages@")]
    (site_url,) = [i for i, run in enumerate(runs) if run.startswith("scripts/pages-site-url ")]
    assert configure < site_url < runs.index("make site")
    pages = steps[configure]["id"]
    assert steps[site_url]["env"]["BASE_URL"] == "${{ steps." + pages + ".outputs.base_url }}"


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory) -> Path:
    """Build the project as the Pages workflow does, for https://octocat.github.io/repo."""
    project = make_project(tmp_path_factory.mktemp("pages"))
    subprocess.run([PROJECT / "scripts" / "pages-site-url", "https://octocat.github.io/repo"], cwd=project, check=True)
    build(load_config(project))
    return project / "_site"


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory) -> Path:
    """Build the project with no configuration at all, as `make site` does: no site_url."""
    project = make_project(tmp_path_factory.mktemp("plain"))
    build(load_config(project))
    return project / "_site"


def assert_styled_and_leads_home(page, url: str, missing: str) -> None:
    """Open `missing` under the site at `url`: a 404 page, styled, whose link opens the home page."""
    console = watch(page)
    response = page.goto(url + missing)
    assert response.status == 404 and page.inner_text("h1") == "Page not found"
    page.wait_for_function(STYLED, timeout=LOAD_TIMEOUT_MS)
    assert not violations(page), violations(page)
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name=HOME).click()
    assert navigation.value.status == 200 and page.url in (url, url + "index.html")
    assert page.inner_text("h1") == "Home" and page.evaluate(STYLED)
    assert not console, console


@pytest.mark.parametrize("missing", MISSING)
def test_built_for_pages_the_404_page_is_styled_and_leads_home_at_any_depth(page, pages_site, serve_site, missing):
    server, url = serve_site(pages_site, "/repo/")
    try:
        assert_styled_and_leads_home(page, url, missing)
    finally:
        server.shutdown()


@pytest.mark.parametrize("missing", MISSING)
@pytest.mark.parametrize("sub_path", SUB_PATHS)
def test_with_no_configuration_the_404_page_is_styled_and_leads_home_at_any_depth(page, plain_site, serve_site,
                                                                                  sub_path, missing):
    server, url = serve_site(plain_site, sub_path)
    try:
        assert_styled_and_leads_home(page, url, missing)
    finally:
        server.shutdown()


@pytest.mark.parametrize("missing", MISSING)
def test_with_scripts_off_the_404_page_stays_readable_and_says_where_its_link_works(browser, plain_site, serve_site,
                                                                                    missing):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    server, url = serve_site(plain_site, "/repo/")
    try:
        assert page.goto(url + missing).status == 404
        # Its own inline style is allowed by the policy: narrow, readable text with no stylesheet.
        if missing == "typo.html":
            page.wait_for_function(STYLED, timeout=LOAD_TIMEOUT_MS)
            with page.expect_navigation() as navigation:
                page.get_by_role("link", name=HOME).click()
            assert navigation.value.status == 200 and page.inner_text("h1") == "Home"
        else:
            assert page.evaluate(INLINE_STYLED)
            assert "shorten the address to the site's folder" in page.inner_text("main")
    finally:
        server.shutdown()
        context.close()


def test_the_offline_service_worker_neither_breaks_nor_keeps_the_404_page(browser, plain_site, serve_site):
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    server, url = serve_site(plain_site, "/repo/")
    try:
        page.goto(url)
        page.wait_for_selector('[data-kd-offline="ready"]', state="visible", timeout=120_000)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=LOAD_TIMEOUT_MS)
        assert_styled_and_leads_home(page, url, "embed/index/typo.html")
        cached = page.evaluate("""async () => {
            const urls = [];
            for (const name of await caches.keys()) {
              for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
            }
            return urls;
        }""")
        assert url + "index.html" in cached and not [u for u in cached if "typo" in u or u.endswith("404.html")]
        assert not errors, errors
    finally:
        server.shutdown()
        context.close()
