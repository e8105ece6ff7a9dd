"""A checker for the internal links of a built site: every URL reaches a file, every #fragment an id.

No URL may start with `/`, so the site works under any sub-path, except in 404.html: the server
shows it at whatever depth the missing page was asked for, so with site_url set it links
through the site's path prefix (and must stay under it).
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = {"href", "src", "xlink:href", "poster", "action", "formaction", "cite", "data"}
SRCSET_ATTRS = {"srcset", "imagesrcset"}
# Shown at any depth, it is the one page that links through the path of site_url.
ROOTED_PAGE = "404.html"


class Links(HTMLParser):
    """Collect a page's URLs (with their line) and the fragments it answers (ids, a names)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[int, str]] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            if name in URL_ATTRS:
                self.urls.append((line, value.strip()))
            elif name in SRCSET_ATTRS:
                self.urls.extend((line, c.split()[0]) for c in value.split(",") if c.strip())

    handle_startendtag = handle_starttag


def parse(path: Path) -> Links:
    """Return the links and anchors of one HTML or SVG file."""
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    links.close()
    return links


def target(site: Path, page: str, url: str, site_url: str) -> tuple[str | None, str]:
    """Return (the site path `url` on `page` points to, or None if external; a problem or "")."""
    parts = urlsplit(url)
    prefix = urlsplit(site_url).path if site_url else ""
    if site_url and url.startswith(site_url):
        path = url[len(site_url):].split("#")[0].split("?")[0]
    elif parts.scheme.lower() in ("javascript", "vbscript", "data"):
        return None, f"{parts.scheme}: URL"
    elif parts.scheme or parts.netloc:
        return None, ""
    elif parts.path.startswith("/"):
        if page != ROOTED_PAGE or not prefix or not parts.path.startswith(prefix):
            return None, "absolute path: the site must work under any sub-path"
        path = parts.path[len(prefix):]
    elif not parts.path:
        return page, ""
    else:
        path = posixpath.join(posixpath.dirname(page), parts.path)
    path = posixpath.normpath(unquote(path) or ".")
    if path == ".." or path.startswith("../"):
        return None, "leaves the site"
    if path == "." or (site / path).is_dir():
        path = posixpath.join(path, "index.html").removeprefix("./")
    return path, "" if (site / path).is_file() else f"no file {path}"


def broken_links(site: Path, site_url: str = "") -> list[str]:
    """Return every broken internal link of the site as `file:line: url — why`."""
    problems = []
    parsed: dict[str, Links] = {}

    def links(page: str) -> Links:
        if page not in parsed:
            parsed[page] = parse(site / page)
        return parsed[page]

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in (".html", ".svg"))
    for page in pages:
        for line, url in links(page).urls:
            path, problem = target(site, page, url, site_url)
            fragment = unquote(urlsplit(url).fragment)
            if not problem and path and fragment and path.endswith((".html", ".svg")) \
                    and fragment not in links(path).anchors:
                problem = f"no id {fragment!r} in {path}"
            if problem:
                problems.append(f"{page}:{line}: {url} — {problem}")
    return problems
