"""The Jinja environment and page rendering: Markdown tokens + widgets → HTML."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from kdsite.boot_modules import boot_modules
from kdsite.content import chapters, glossary_entries
from kdsite.csp import CONTENT_SECURITY_POLICY, policy, source_hash
from kdsite.figures import figure_scripts
from kdsite.files import STATIC_DIR
from kdsite.markdown.parser import render
from kdsite.model import GLOSSARY, Page, Widget
from kdsite.pyodide.precompress import CORE, SUFFIX
from kdsite.urls import canonical_url
from kdsite.widgets import WIDGETS

# Scripts pages carry inline live under static/inline/, which the build does not copy.
INLINE_DIR = "inline"

# The inline <script> that begins the runtime's download on every page with widgets, as the
# <head> is parsed: early.js, which takes it over, arrives a round trip later (on a mobile link
# its request then also waits for a connection the stylesheets hold), and the download is the
# wait there (measured, `make bench`, mobile link: Python live 0.08 and 0.17 s sooner on
# average in two A/B runs; HTTP/2, as GitHub Pages serves, is not measured). The only inline
# code of those pages: their policy allows it by its sha256, and nothing else. It looks for an
# earlier visit's decompressed copy in the decoded cache only (the service worker's may be busy
# writing its precache), with no deadline (a Cache Storage that never answered would stall the
# decoders' own lookup as much), and more loosely than boot-fetch.js' keptCopyPresent (any
# build's copy will do: it only decides whether to begin early, and a copy that is not the
# build's costs this head start, once). The download it publishes is early.js' to take
# (takeFirstDownload); early.js cancels it when it starts no worker, and the script itself at
# the load event if early.js never ran. Its element's data-kd-runtime-download names the file
# relative to the page: not early.js' former data-kd-first-download (relative to _kd/), which an
# early.js an earlier build left in a browser's cache would misread for up to ten minutes after
# a deploy (GitHub Pages' max-age).
FIRST_DOWNLOAD_SCRIPT = STATIC_DIR / INLINE_DIR / "first-download.js"


def inline_script(path: Path) -> Markup:
    """Return the text of `path` to place between <script> and </script> as it is. Raises
    ValueError if the HTML parser would end or hide the script early in it ("</script", "<!--")."""
    text = path.read_text(encoding="utf-8")
    for bad in ("</script", "<!--"):
        if bad in text.lower():
            raise ValueError(f"{path}: contains {bad!r}, which would end the inline script early; remove it")
    return Markup(text)


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Return the Jinja environment; autoescape is on for every template, whatever its name."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    # Every page's <head> writes it: the policy lives here once, not in each template.
    env.globals["content_security_policy"] = CONTENT_SECURITY_POLICY
    # A page with widgets lists the Python worker's scripts for early.js (boot_modules.py says why).
    env.globals["boot_modules"] = boot_modules()
    # …and the boot's first download, begun by an inline script (FIRST_DOWNLOAD_SCRIPT says why),
    # which such pages' policy allows by its hash.
    env.globals["first_download"] = f"pyodide/{CORE[0]}{SUFFIX}"
    script = inline_script(FIRST_DOWNLOAD_SCRIPT)
    env.globals["first_download_script"] = script
    env.globals["widget_page_policy"] = policy([source_hash(script)])
    return env


def config_json(config: dict) -> str:
    """Return a widget's config as compact JSON for its data-kd-config attribute."""
    return json.dumps(config, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def render_widget(env: jinja2.Environment, widget: Widget) -> str:
    """Return the pre-rendered HTML of one widget, from its first state."""
    spec = WIDGETS[widget.name]
    context = {"id": widget.id, "config_json": config_json(widget.config), **spec.extras(widget.config)}
    return env.get_template(spec.template).render(widget=context, config=widget.config, state=widget.state)


def render_page(env: jinja2.Environment, md: MarkdownIt, page: Page, site: dict,
                pages: list[Page] | None = None) -> str:
    """Return the full HTML of a page parsed by `md`; `pages` (default: just this one) feed the nav."""
    record = page.record.for_rendering(page.root, site["url"], lambda w: render_widget(env, w))
    body = render(md, page.tokens, record)
    context = {"html": Markup(body), "title": page.title, "description": page.description,
               "widgets": page.widgets, "path": page.path, "stylesheets": widget_stylesheets(page),
               "canonical": canonical_url(site["url"], page.path) if site["url"] else "",
               "embeds": bool(page.embeds), "figure_scripts": figure_scripts(page)}
    return env.get_template("page.html").render(page=context, site=site, root=page.root,
                                                nav=site_nav(page, pages or [page]))


def site_nav(page: Page, pages: list[Page]) -> dict:
    """Return the table of contents and previous/next links for `page`; paths from the site root."""
    def link(other: Page) -> dict:
        return {"title": other.title, "path": other.path, "current": other.path == page.path}

    ordered = chapters(pages)
    index = next((i for i, p in enumerate(ordered) if p.path == page.path), None)
    glossary_index = next((p for p in pages if p.path == f"{GLOSSARY}/index.html"), None)
    return {
        "chapters": [link(p) for p in ordered],
        "glossary": [link(p) for p in glossary_entries(pages)],
        "glossary_index": link(glossary_index) if glossary_index else None,
        "previous": link(ordered[index - 1]) if index else None,
        "next": link(ordered[index + 1]) if index is not None and index + 1 < len(ordered) else None,
        # Pages outside the chapters (the glossary) lead back to the first chapter.
        "start": link(ordered[0]) if index is None and ordered else None,
    }


def widget_stylesheets(page: Page) -> list[str]:
    """Return the site paths of the stylesheets of the widget kinds on the page, if they have one."""
    names = dict.fromkeys(widget.name for widget in page.widgets)
    return [f"_kd/static/widgets/{name}.css" for name in names
            if (STATIC_DIR / "widgets" / f"{name}.css").exists()]

