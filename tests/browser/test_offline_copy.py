"""The footer of a page opened from disk (file://). The reader has the site already, and the
unzipped download (kdsite-offline.zip) does not hold itself, so there the footer's download link
gives way to a line saying this is the offline copy, with a link to the page online when the site
has a `site_url` (offline-copy.js). Served over http, the footer offers the download."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config
from kdsite.offline_zip import FOLDER
from kdsite.publish import OFFLINE_ZIP

pytestmark = pytest.mark.browser

SITE_URL = "https://example.org/kd/"
PAGES = {"index.md": "---\ntitle: Home\n---\n\n# Home\n\nA page.\n",
         "glossary/term.md": "---\ntitle: A term\n---\n\n# A term\n\nA page one folder down.\n"}
# The page each one is online, with the site_url above.
ONLINE = {"index.html": SITE_URL, "glossary/term.html": SITE_URL + "glossary/term.html"}
DOWNLOAD = "[data-kd-download]"
COPY = "[data-kd-offline-copy]"


@pytest.fixture(scope="module", params=["with site_url", "without site_url"])
def site(request, tmp_path_factory) -> tuple[Path, str]:
    """Build a small project (no widgets: quick) and return (its _site, its site_url or "")."""
    project = tmp_path_factory.mktemp("copy")
    for name, text in PAGES.items():
        (project / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "content" / name).write_text(text, encoding="utf-8")
    (project / "templates").symlink_to(Path(__file__).resolve().parents[2] / "templates")
    site_url = SITE_URL if request.param == "with site_url" else ""
    if site_url:
        (project / "kdsite.toml").write_text(f'site_url = "{site_url}"\n', encoding="utf-8")
    build(load_config(project))
    return project / "_site", site_url


@pytest.mark.parametrize("path", sorted(ONLINE))
def test_the_unzipped_copy_says_it_is_the_offline_copy_instead_of_offering_itself(browser, site, tmp_path, path):
    built, site_url = site
    with zipfile.ZipFile(built / OFFLINE_ZIP) as zipped:
        zipped.extractall(tmp_path)
    copy = tmp_path / FOLDER
    assert not (copy / OFFLINE_ZIP).exists()  # what the download link would lead to
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto((copy / path).as_uri())
        page.wait_for_selector(COPY, state="visible")
        assert page.locator(DOWNLOAD).is_hidden()
        assert "You are reading the offline copy" in page.inner_text(COPY)
        links = page.locator(f"{COPY} a")
        if site_url:
            assert links.count() == 1 and links.get_attribute("href") == ONLINE[path]
        else:
            assert links.count() == 0
    finally:
        context.close()
    assert not errors, errors


def test_served_the_footer_offers_the_download(page, site, serve_site):
    built, _site_url = site
    server, url = serve_site(built, "/")
    try:
        script = []
        page.on("response", lambda response: response.url.endswith("/offline-copy.js") and script.append(response))
        page.goto(url + "glossary/term.html")  # "load": the deferred script has run
        assert [response.status for response in script] == [200]
        assert page.locator(DOWNLOAD).is_visible() and page.locator(COPY).is_hidden()
        href = page.get_attribute(f"{DOWNLOAD} a", "href")
        assert href == f"../{OFFLINE_ZIP}" and (built / OFFLINE_ZIP).is_file()
    finally:
        server.shutdown()
