"""Every local link and image of every page points at something the site has."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kdsite.content_files import content_files
from kdsite.errors import Problem
from kdsite.markdown.heading_ids import LAYOUT_IDS, heading_slug
from kdsite.model import Page, Ref
from kdsite.urls import embed_path

# Files the build writes that a page may link to.
LINKABLE_OUTPUTS = frozenset({"404.html", "glossary.json"})


def check_links(pages: list[Page], content_dir: Path, problems: list[Problem]) -> None:
    """Add a problem for each link to a missing page, file or #id, and each bad image."""
    files = content_files(content_dir)
    ids = {page.path: set(page.ids) | LAYOUT_IDS for page in pages}
    targets = set(files) | {embed_path(p.path, w.id) for p in pages for w in p.widgets} | LINKABLE_OUTPUTS
    for page in pages:
        for ref in page.links:
            found = _image_problems(ref, page, files) if ref.image else _link_problems(ref, page, ids, targets)
            problems.extend(Problem(message, fix, page.file, ref.line) for message, fix in found)


def _link_problems(ref: Ref, page: Page, ids: dict[str, set], targets: set) -> Iterator[tuple[str, str]]:
    """Yield (what, fix) for a link whose page, file or #id does not exist; other sites are not checked."""
    parts = urlsplit(ref.url)
    if parts.scheme or parts.netloc:
        return
    fragment = unquote(parts.fragment)
    if not parts.path:
        if fragment:
            yield from _anchor_problems(fragment, ids[page.path], "this page")
        elif not ref.url.startswith("?"):
            yield "link has no target", "write [text](page.md) or [text](#heading-id)"
        return
    target, trouble = _site_path(page.path, unquote(parts.path), unquote(ref.written))
    if trouble:
        yield trouble
    elif target in ids:
        if fragment:
            yield from _anchor_problems(fragment, ids[target], _relative(page.path, _source_name(target)))
    elif target not in targets:
        known = [_source_name(p) for p in ids] + sorted(targets)
        wanted = unquote(urlsplit(ref.written).path)
        guess = difflib.get_close_matches(wanted, [_relative(page.path, k) for k in known], 1, 0.8)
        if target.endswith(".html"):
            what, fix = "page", "link to a page by its file name, relative to this page (e.g. temperature.md)"
        else:
            what, fix = "file", f"put the file at content/{target}, or correct the path"
        yield (f"link to a {what} that does not exist: {unquote(ref.written)}",
               f"did you mean {guess[0]}?" if guess else fix)


def _image_problems(ref: Ref, page: Page, files: dict[str, Path]) -> Iterator[tuple[str, str]]:
    """Yield (what, fix) for an image without a description or without a file of the site."""
    if not ref.alt.strip():
        yield "image has no description", "add a description in the brackets: ![what the image shows](…)"
    parts = urlsplit(ref.url)
    if parts.scheme or parts.netloc:
        yield (f"image from another site ({ref.url[:60]}): the site's Content-Security-Policy blocks it",
               "save the image under content/ and give its path relative to the page")
        return
    target, trouble = _site_path(page.path, unquote(parts.path), ref.written)
    if trouble:
        yield trouble
    elif target not in files:
        yield (f"image file not found: content/{target}",
               "save the image there, or correct the path (relative to the page's file)")


def _site_path(page_path: str, path: str, written: str) -> tuple[str, tuple[str, str] | None]:
    """Return the site path that `path`, linked from page_path, reaches; or a problem with `written`."""
    if path.startswith("/"):
        return "", (f"absolute path {written}: it breaks when the site is served under a sub-path",
                    "write the path relative to this page, e.g. temperature.md")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
    if target == ".." or target.startswith("../"):
        return "", (f"path {written} leads outside the site", "link only to pages and files under content/")
    if path.endswith("/") or target == ".":
        target = posixpath.normpath(posixpath.join(target, "index.html"))
    return target, None


def _anchor_problems(fragment: str, ids: set[str], where: str) -> Iterator[tuple[str, str]]:
    """Yield (what, fix) when no element on the target page has the id `fragment`."""
    if fragment in ids:
        return
    guess = closest_id(fragment, sorted(ids - LAYOUT_IDS))
    yield (f"link to #{fragment}: nothing on {where} has that id",
           f"did you mean #{guess}?" if guess else
           "link to a ## or ### heading (its id is its text in lower case, spaces as -) or a widget's id")


def closest_id(fragment: str, ids: list[str]) -> str | None:
    """Return the id among `ids` that a link to #fragment most likely means, or None.

    A fragment written as heading text (`#Why-$T^2$?`) is first made an id the way a
    heading's is; otherwise difflib's closest match (ratio ≥ 0.6) is taken.
    """
    slug = heading_slug(fragment)
    if slug in ids:
        return slug
    found = difflib.get_close_matches(slug or fragment, ids, 1)
    return found[0] if found else None


def _source_name(page_path: str) -> str:
    """Return the name a link gives a page: its Markdown file's, e.g. glossary/term.md."""
    return page_path.removesuffix(".html") + ".md"


def _relative(page_path: str, target: str) -> str:
    """Return target as a link from page_path writes it."""
    return posixpath.relpath(target, posixpath.dirname(page_path) or ".")
