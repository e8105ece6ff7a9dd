"""The Markdown parser: CommonMark with raw HTML off, tables, front matter, math, widgets, figures."""

import html
import re
from urllib.parse import unquote

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from kdsite.errors import Problem
from kdsite.markdown.embed_fence import embed_fence_plugin
from kdsite.markdown.figure_fence import figure_fence_plugin
from kdsite.markdown.heading_ids import ids_plugin
from kdsite.markdown.links import links_plugin, token_line
from kdsite.markdown.mathml import math_plugin
from kdsite.markdown.raw_tags import raw_tags_plugin
from kdsite.markdown.widget_fence import widget_fence_plugin
from kdsite.model import RECORD, PageRecord, page_record

# The one rule for every link and image source: never a scheme that runs code or carries
# its own content. markdown-it's default lets data:image/… through; this rule does not.
REFUSED_SCHEMES = ("javascript", "vbscript", "data", "file")
# Browsers drop ASCII whitespace and control characters inside a URL's scheme.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def refused_scheme(url: str) -> str | None:
    """Return the refused scheme `url` uses (after every disguise is undone), or None."""
    plain = _INVISIBLE.sub("", html.unescape(unquote(url))).lower()
    scheme = plain.split(":", 1)[0] if ":" in plain else None
    return scheme if scheme in REFUSED_SCHEMES else None


def make_markdown(raw_html: bool = False) -> MarkdownIt:
    """Return the one MarkdownIt configuration every page is parsed with (raw HTML only if asked)."""
    # Not the "default" preset: it passes raw HTML through. Raw HTML stays off unless
    # kdsite.toml says `raw_html = true`.
    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": True})
    md.enable(["table", "replacements", "smartquotes"])
    # Every destination is parsed, so a refused one can be named at its line; the core rule
    # below then unlinks it, and the renderer drops any that slipped past.
    md.validateLink = lambda url: True
    md.use(front_matter_plugin)
    md.use(math_plugin)  # $…$ and $$…$$ → MathML at build time
    if not raw_html:
        md.use(raw_tags_plugin)  # HTML in prose shows as text: warn at each tag
    md.use(widget_fence_plugin)
    md.use(figure_fence_plugin)
    md.use(embed_fence_plugin)
    md.core.ruler.push("kd_table_align", _align_classes)
    md.core.ruler.push("kd_refuse_schemes", _refuse_schemes)
    md.use(ids_plugin)  # heading ids; after the widgets whose ids it checks
    md.use(links_plugin)  # after the refusal: it only sees links that will be rendered
    md.add_render_rule("link_open", _render_guarded)
    md.add_render_rule("image", _render_guarded)
    return md


def parse(md: MarkdownIt, text: str, record: PageRecord) -> list:
    """Return the tokens of `text`, recording what the extensions find in `record`."""
    return md.parse(text, {RECORD: record})


def render(md: MarkdownIt, tokens: list, record: PageRecord) -> str:
    """Return the HTML of a page's tokens; `record` is the page's, with its render-time fields set."""
    return md.renderer.render(tokens, md.options, {RECORD: record})


def _refuse_schemes(state) -> None:
    """Unlink every link and image whose URL has a refused scheme, keeping its text; report each."""
    record = page_record(state.env)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept, in_refused = [], False
        for child in block.children:
            url = child.attrGet("href") or child.attrGet("src") or ""
            if child.type in ("link_open", "image") and refused_scheme(url):
                record.problems.append(_refused(url, child, block, record.file))
                # A link keeps its text; an image becomes its description.
                in_refused = in_refused or child.type == "link_open"
                kept.extend(child.children or [])
            elif child.type == "link_close" and in_refused:
                in_refused = False  # links cannot nest, so this closes the refused one
            else:
                kept.append(child)
        block.children = kept


def _refused(url: str, token, block, file) -> Problem:
    """Return the problem for a refused URL, located at its line."""
    scheme, shown = refused_scheme(url), url if len(url) <= 50 else url[:49] + "…"
    if token.type == "image":
        return Problem(f"image source uses {scheme}:, which is never rendered ({shown!r})",
                       "save the image as a file under content/ and write ![description](file.png)",
                       file, token_line(block, token))
    return Problem(f"link uses {scheme}:, which is never rendered ({shown!r})",
                   "link to a page of the site (page.md) or to an https:// address",
                   file, token_line(block, token))


def _render_guarded(renderer, tokens, idx, options, env) -> str:
    """Render a link or image, blanking a refused URL whatever made the token."""
    token = tokens[idx]
    for attr in ("href", "src"):
        if refused_scheme(token.attrGet(attr) or ""):
            token.attrSet(attr, "")
    if token.type == "image":
        return type(renderer).image(renderer, tokens, idx, options, env)
    return renderer.renderToken(tokens, idx, options, env)


def _align_classes(state) -> None:
    """Turn the table plugin's style="text-align:…" into a class: a strict CSP forbids inline styles."""
    for token in state.tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if style and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "kd-align-" + style.split(":", 1)[1].strip())
