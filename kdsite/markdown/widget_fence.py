"""The ```kd-widget NAME``` fence: a markdown-it plugin that turns it into a validated widget."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from kdsite.errors import Problem
from kdsite.markdown.fences import fences, token_type
from kdsite.markdown.yamlblock import load_block
from kdsite.model import Widget, page_record
from kdsite.widgets import WIDGETS

DIRECTIVE = "kd-widget"


def widget_fence_plugin(md: MarkdownIt) -> None:
    """Register the kd-widget fence: a core rule that validates, a render rule that draws."""
    md.core.ruler.push("kd_widget", _collect_widgets)
    md.add_render_rule(token_type(DIRECTIVE), _render_widget)


def _collect_widgets(state) -> None:
    """Validate each kd-widget fence, recording its widget (or its problems) in the page's record."""
    record = page_record(state.env)
    for token, words, fence_line in fences(state, DIRECTIVE):
        widget = _parse(words, token.content, record.file, fence_line, record.problems)
        if widget is not None:
            count = sum(w.name == widget.name for w in record.widgets) + 1
            widget.id = widget.config.get("id") or f"{widget.name}-{count}"
            record.widgets.append(widget)
        token.meta["widget"] = widget


def _parse(words: list[str], body: str, file: Path, fence_line: int, problems: list) -> Widget | None:
    """Return the widget a fence describes, or None after adding its problems."""
    def problem(message: str, fix: str, line: int = fence_line) -> None:
        problems.append(Problem(message, fix, file, line))

    if len(words) != 1:
        problem(f"a {DIRECTIVE} block names exactly one widget",
                f"write ```{DIRECTIVE} NAME with NAME one of: {', '.join(WIDGETS)}")
        return None
    name = words[0]
    spec = WIDGETS.get(name)
    if spec is None:
        problem(f"unknown widget {name!r}", f"use one of: {', '.join(WIDGETS)}")
        return None
    block = load_block(body, file, fence_line + 1, f"widget {name}: the parameters", problems)
    if block is None:
        return None
    config, issues = spec.validate(block.data)
    for issue in issues:
        problem(f"widget {name}: {issue.message}", f"allowed: {issue.allowed}",
                block.lines.get(issue.param, fence_line))
    if issues:
        return None
    return Widget(name=name, id="", config=config, file=file, line=fence_line)


def _render_widget(renderer, tokens, idx, options, env) -> str:
    """Render a kd_widget token through the page's widget renderer (set by the build)."""
    widget = tokens[idx].meta.get("widget")
    return page_record(env).render_widget(widget) if widget is not None else ""
