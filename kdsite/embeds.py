"""Widgets in other sites: chrome-less embed pages and glossary.json, made at build time."""

from __future__ import annotations

import json

import jinja2

from kdsite.content import Page, glossary_entries
from kdsite.embed_directive import iframe_snippet
from kdsite.errors import Problem
from kdsite.render import render_widget, widget_stylesheets
from kdsite.urls import canonical_url, embed_path


def check_embeds(pages: list[Page], problems: list[Problem]) -> None:
    """Add a problem for every kd-embed block that names no widget of this site."""
    known = {embed_path(page.path, widget.id) for page in pages for widget in page.widgets}
    for page in pages:
        for embed in page.env.get("embeds", []):
            if embed.path not in known:
                problems.append(Problem(f"kd-embed: no widget {embed.widget!r} on page {embed.page!r}",
                                        "name a page (its content path without .md) and a widget id on it",
                                        embed.file, embed.line))


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
