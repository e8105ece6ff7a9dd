"""The Markdown parser: CommonMark with raw HTML off, tables, front matter and widgets."""

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from kdsite.directive import widget_plugin


def make_markdown() -> MarkdownIt:
    """Return the one MarkdownIt instance configuration every page is parsed with."""
    # Not the "default" preset: it passes raw HTML through. Raw HTML stays off.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "replacements", "smartquotes"])
    md.use(front_matter_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    md.use(widget_plugin)
    return md
