"""Every internal link of the built site reaches a file, and every #fragment an id on it,
with and without site_url (see link_checker for the rules)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from link_checker import ROOTED_PAGE, broken_links, parse, target

from kdsite.build import build
from kdsite.config import load_config

PROJECT = Path(__file__).resolve().parents[2]
SITE_URL = "https://example.org/kdsite-demo/"


@pytest.fixture(scope="module")
def site_with_url(tmp_path_factory) -> Path:
    """Build the real project with site_url set: canonical links, a sitemap, a rooted 404 page."""
    config = load_config(PROJECT, output=tmp_path_factory.mktemp("site-url") / "_site")
    config.site_url = SITE_URL
    build(config)
    return config.output_dir


def test_every_internal_link_and_anchor_resolves(built_site):
    assert parse(built_site / "index.html").urls  # the parser sees the links it must check
    assert broken_links(built_site) == []


def test_links_resolve_with_a_site_url(site_with_url):
    assert f'href="{urlsplit(SITE_URL).path}index.html"' in (site_with_url / ROOTED_PAGE).read_text()
    assert broken_links(site_with_url, SITE_URL) == []
    locs = [e.text for e in ET.parse(site_with_url / "sitemap.xml").getroot().iter() if e.tag.endswith("loc")]
    assert locs and [u for u in locs if target(site_with_url, "", u, SITE_URL)[1]] == []


def test_broken_links_are_reported_with_their_place(tmp_path):
    # Proof the checks above can fail: each kind of broken link is found, with its line.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.html").write_text('<p id="here">x</p>\n')
    (tmp_path / "index.html").write_text(
        '<a href="sub/">ok</a><a href="sub/#here">ok</a><a href="#top" id="top">ok</a>\n'
        '<a href="https://example.org/x">external</a><img srcset="sub/index.html 1x, gone.png 2x" alt="">\n'
        '<a href="sub/#nowhere">x</a>\n<a href="missing.html">x</a>\n<link href="/sub/index.html">\n'
        '<a href="../outside.html">x</a>\n<a href="javascript:alert(1)">x</a>\n')
    (tmp_path / ROOTED_PAGE).write_text('<a href="/kdsite-demo/sub/">ok</a>\n<a href="/elsewhere/">x</a>\n')
    assert broken_links(tmp_path, SITE_URL) == [
        "404.html:2: /elsewhere/ — absolute path: the site must work under any sub-path",
        "index.html:2: gone.png — no file gone.png",
        "index.html:3: sub/#nowhere — no id 'nowhere' in sub/index.html",
        "index.html:4: missing.html — no file missing.html",
        "index.html:5: /sub/index.html — absolute path: the site must work under any sub-path",
        "index.html:6: ../outside.html — leaves the site",
        "index.html:7: javascript:alert(1) — javascript: URL",
    ]
