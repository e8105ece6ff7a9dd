"""Widgets in other sites: chrome-less embed pages and glossary.json, made at build time."""

from __future__ import annotations

import json
from difflib import get_close_matches

import jinja2

from kdsite.content import glossary_entries
from kdsite.errors import Problem
from kdsite.markdown.embed_fence import iframe_snippet
from kdsite.model import Page
from kdsite.render import render_widget, widget_stylesheets
from kdsite.urls import canonical_url, embed_path


def check_embeds(pages: list[Page], problems: list[Problem]) -> None:
    """Add a located problem for every kd-embed block whose page, or widget on it, is not in this site."""
    by_name = {page.path.removesuffix(".html"): page for page in pages}
    for page in pages:
        for embed in page.embeds:
            target = by_name.get(embed.page)
            if target is None:
                problems.append(Problem(f"kd-embed: no page {embed.page!r}", _page_fix(embed.page, list(by_name)),
                                        embed.file, embed.page_line or embed.line))
                continue
            ids = [widget.id for widget in target.widgets]
            if embed.widget not in ids:
                fix = ("use one of its widget ids: " + ", ".join(ids) if ids else
                       "that page has no widgets: name a page with one")
                problems.append(Problem(f"kd-embed: no widget {embed.widget!r} on page {embed.page!r}", fix,
                                        embed.file, embed.widget_line or embed.line))


def _page_fix(name: str, names: list[str]) -> str:
    """Return how to write the page a kd-embed `page:` meant, given the names of the site's pages."""
    form = "the path of its Markdown file, without .md"
    # The usual slips: the page's file (index.md), its HTML (index.html), a path with content/.
    plain = name.strip().removeprefix("./").removeprefix("/").removeprefix("content/")
    plain = plain.removesuffix(".md").removesuffix(".html")
    if plain in names:
        return f"write page: {plain} (a page is named by {form})"
    close = get_close_matches(plain, names, n=3)
    return f"name a page by {form}, e.g. page: index" + (f"; did you mean {' or '.join(close)}?" if close else "")


def render_embed_pages(env: jinja2.Environment, pages: list[Page], site: dict) -> dict[str, str]:
    """Return every widget's chrome-less embed page, by path."""
    files = {}
    for page in pages:
        for widget in page.widgets:
            path = embed_path(page.path, widget.id)
            context = {"title": page.title, "path": page.path, "stylesheets": widget_stylesheets(page)}
            files[path] = env.get_template("embed.html").render(
                page=context, site=site, root="../" * path.count("/"),
                widget_html=render_widget(env, widget))
    return files


def glossary_json(pages: list[Page], site_url: str) -> str:
    """Return glossary.json: each glossary term with its definition, URLs and iframe snippets."""
    def url(path: str) -> str:
        return canonical_url(site_url, path) if site_url else path

    terms = []
    for page in glossary_entries(pages):
        embeds = [url(embed_path(page.path, w.id)) for w in page.widgets]
        terms.append({"term": page.title, "definition": page.description, "url": url(page.path),
                      "embeds": embeds, "iframes": [iframe_snippet(e, page.title) for e in embeds]})
    return json.dumps({"terms": terms}, indent=1, ensure_ascii=False) + "\n"
