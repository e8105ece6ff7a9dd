"""The ```kd-figure NAME``` fence: a markdown-it plugin that places a build-time figure."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from kdsite.errors import Problem
from kdsite.figures import FIGURES, figure_html
from kdsite.markdown.fences import fences, token_type
from kdsite.markdown.yamlblock import load_block
from kdsite.model import FigureRef, page_record
from kdsite.widgets.params import TEXT, ParamError, read_value

DIRECTIVE = "kd-figure"
KEYS = {"alt": "what the figure shows, for a reader who cannot see it",
        "caption": "an optional visible caption (plain text)"}


def figure_fence_plugin(md: MarkdownIt) -> None:
    """Register the kd-figure fence: a core rule that validates, a render rule that draws."""
    md.core.ruler.push("kd_figure", _collect_figures)
    md.add_render_rule(token_type(DIRECTIVE), _render_figure)


def _collect_figures(state) -> None:
    """Validate each kd-figure fence, recording its figure (or its problems) in the page's record."""
    record = page_record(state.env)
    for token, words, fence_line in fences(state, DIRECTIVE):
        figure = _parse(words, token.content, record.file, fence_line, record.problems)
        if figure is not None:
            record.figures.append(figure)
        token.meta["figure"] = figure


def _parse(words: list[str], body: str, file: Path, fence_line: int, problems: list) -> FigureRef | None:
    """Return the figure a fence describes, or None after adding its problems."""
    def problem(message: str, fix: str, line: int = fence_line) -> None:
        problems.append(Problem(message, fix, file, line))

    names = ", ".join(FIGURES)
    if len(words) != 1:
        problem(f"a {DIRECTIVE} block names exactly one figure", f"write ```{DIRECTIVE} NAME with NAME one of: {names}")
        return None
    name = words[0]
    if name not in FIGURES:
        problem(f"unknown figure {name!r}", f"use one of: {names}")
        return None
    block = load_block(body, file, fence_line + 1, f"figure {name}: the parameters", problems)
    if block is None:
        return None
    data = block.data if block.data is not None else {}
    if not isinstance(data, dict):
        problem(f"figure {name}: the parameters are not `key: value` lines", "write e.g. `alt: A chart of …`",
                fence_line + 1)
        return None
    ok = True
    for key, value in data.items():
        line = block.lines.get(str(key), fence_line)
        if key not in KEYS:
            problem(f"figure {name}: unknown parameter {key!r}", "allowed: " + ", ".join(KEYS), line)
            ok = False
            continue
        # Text as the author wrote it: `alt: 2024` or `caption: no` stays those characters.
        try:
            value = data[key] = read_value(TEXT, value, getattr(block.data, "nodes", {}).get(str(key)), KEYS[key])
        except ParamError as error:
            problem(f"figure {name}: {key}: {error}", f"write {key}: {error.allowed}", line)
            ok = False
            continue
        if not isinstance(value, str) or not value.strip():
            problem(f"figure {name}: {key} should be text, not {value!r}", f"write {key}: {KEYS[key]}", line)
            ok = False
    if "alt" not in data:
        problem(f"figure {name}: missing alt text",
                "add `alt: …` saying what the figure shows, for readers who cannot see it")
        ok = False
    if not ok:
        return None
    return FigureRef(name=name, alt=" ".join(data["alt"].split()), caption=" ".join(data.get("caption", "").split()),
                     file=file, line=fence_line)


def _render_figure(renderer, tokens, idx, options, env) -> str:
    """Render a kd_figure token as <figure> with its <img> or inline <svg> (kdsite.figures.figure_html)."""
    figure: FigureRef | None = tokens[idx].meta.get("figure")
    if figure is None:
        return ""
    return figure_html(figure, page_record(env).root)
