"""The Markdown parser: CommonMark with raw HTML off, tables, front matter, math, widgets, figures."""

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from kdsite.embed_directive import embed_plugin
from kdsite.directive import widget_plugin
from kdsite.figures.fence import figure_plugin
from kdsite.mathml import math_plugin


def make_markdown() -> MarkdownIt:
    """Return the one MarkdownIt instance configuration every page is parsed with."""
    # Not the "default" preset: it passes raw HTML through. Raw HTML stays off.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "replacements", "smartquotes"])
    md.use(front_matter_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    md.use(math_plugin)  # $…$ and $$…$$ → MathML at build time
    md.use(widget_plugin)
    md.use(figure_plugin)
    md.use(embed_plugin)
    md.core.ruler.push("kd_table_align", _align_classes)
    return md


def _align_classes(state) -> None:
    """Turn the table plugin's style="text-align:…" into a class: a strict CSP forbids inline styles."""
    for token in state.tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if style and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "kd-align-" + style.split(":", 1)[1].strip())
