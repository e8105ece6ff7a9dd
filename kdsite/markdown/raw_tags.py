"""HTML written in a page while raw HTML is off: shown as text, so each tag is a located warning.

With `raw_html = false` (the default) markdown-it shows `<sub>T</sub>` as those very
characters. The inline rule here notices every HTML tag or comment in a page's prose —
paragraphs, headings, lists, tables, blockquotes, link text — and warns at its line with
the way to write it instead. Code spans, code blocks, math, autolinks (`<https://…>`)
and escaped `\\<` are not prose; neither is `a < b > c` nor `Vec<T>` (not an HTML element).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.html_blocks import block_names
from markdown_it.common.html_re import close_tag, comment, open_tag

from kdsite.markdown.inline_warnings import inline_warnings_plugin, warn_at

# A tag or comment as CommonMark reads raw HTML, or a comment that is never closed.
_TAG = re.compile(f"(?:{open_tag}|{close_tag}|{comment}|<!--)")
_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# Elements a writer might reach for; CommonMark's block-level names cover the rest.
_PHRASING = {"a", "abbr", "b", "bdi", "bdo", "big", "br", "button", "canvas", "cite", "code", "data",
             "del", "dfn", "em", "embed", "font", "i", "img", "input", "ins", "kbd", "label", "map",
             "mark", "math", "meter", "noscript", "object", "output", "picture", "pre", "progress", "q",
             "rp", "rt", "ruby", "s", "samp", "script", "select", "slot", "small", "source", "span",
             "strike", "strong", "style", "sub", "sup", "svg", "template", "textarea", "time", "tt",
             "u", "var", "video", "audio", "wbr"}
HTML_ELEMENTS = frozenset(block_names) | _PHRASING
# What to write instead, by element.
_INSTEAD = {
    **dict.fromkeys(("sub", "sup"), "write the formula as math, e.g. $p_T$ or $T^2$"),
    **dict.fromkeys(("b", "strong"), "write **bold** in Markdown"),
    **dict.fromkeys(("i", "em"), "write *emphasis* in Markdown"),
    **dict.fromkeys(("code", "kbd", "samp", "tt", "var"), "write `code` in backticks"),
    "br": "end the line with a backslash \\ for a line break",
    "img": "write ![what it shows](file.png)",
    "a": "write [text](page.md) or [text](https://…)",
    "hr": "write --- on a line of its own",
    "pre": "put the text in a ``` fenced block",
    "blockquote": "start each line with >",
    **dict.fromkeys(("ul", "ol", "li"), "write the list with - or 1. in Markdown"),
    **dict.fromkeys(("table", "thead", "tbody", "tr", "td", "th"), "write a Markdown table (| a | b |)"),
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "write the heading with # in Markdown"),
}
_OR = "or set `raw_html = true` in kdsite.toml to pass HTML through (or write \\< to show it as text on purpose)"


def raw_tags_plugin(md: MarkdownIt) -> None:
    """Warn at each HTML tag or comment in prose; for a parser whose raw HTML is off."""
    # After the autolink rule, so <https://…> is a link, never a tag.
    md.inline.ruler.after("html_inline", "kd_raw_tag", _notice_tag)
    inline_warnings_plugin(md)


def _notice_tag(state, silent: bool) -> bool:
    """At a `<`, note a warning if an HTML tag or comment starts there; never consumes anything."""
    if state.src[state.pos] != "<" or silent:
        return False
    match = _TAG.match(state.src, state.pos)
    if match is None:
        return False
    written = match.group()
    if written.startswith("<!--"):
        what, fix = "HTML comment", "Markdown pages have no hidden comments: remove it"
        shown = "<!-- … -->"
    else:
        name = _NAME.match(written).group(1).lower()
        if name not in HTML_ELEMENTS and "-" not in name:  # "-": a custom element
            return False
        # One warning per element: a closing tag is news only without its opening one in
        # the same text (a StateInline parses one paragraph, heading or table cell).
        if not hasattr(state, "kd_opened_tags"):
            state.kd_opened_tags = set()
        if written.startswith("</") and name in state.kd_opened_tags:
            return False
        state.kd_opened_tags.add(name)
        what, fix = "HTML tag", _INSTEAD.get(name, "write it in Markdown")
        shown = " ".join(written.split())
        shown = shown if len(shown) <= 40 else shown[:38] + "…>"
    warn_at(state, state.pos, f"{what} {shown} will show as text, since raw HTML is off", f"{fix}, {_OR}")
    return False
