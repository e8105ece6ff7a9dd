"""The ```kd-figure NAME``` fence: a markdown-it plugin that places a build-time figure."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from kdsite.errors import Problem
from kdsite.figures import FIGURES, FigureRef
from kdsite.widgets.params import TEXT, ParamError, read_value
from kdsite.yamlblock import load_block

DIRECTIVE = "kd-figure"
KEYS = {"alt": "what the figure shows, for a reader who cannot see it",
        "caption": "an optional visible caption (plain text)"}


def figure_plugin(md: MarkdownIt) -> None:
    """Register the kd-figure fence: a core rule that validates, a render rule that draws."""
    md.core.ruler.push("kd_figure", _collect_figures)
    md.add_render_rule("kd_figure", _render_figure)


def _collect_figures(state) -> None:
    """Turn kd-figure fences into kd_figure tokens, recording figures and problems in env."""
    env = state.env
    for token in state.tokens:
        if token.type != "fence" or token.info.split()[:1] != [DIRECTIVE]:
            continue
        token.type = "kd_figure"
        fence_line = env.get("line_offset", 0) + token.map[0] + 1
        figure = None
        if "problems" in env:
            figure = _parse(token.info.split()[1:], token.content, env["file"], fence_line, env["problems"])
        if figure is not None:
            env.setdefault("figures", []).append(figure)
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
    """Render a kd_figure token as <figure><img …><figcaption>…</figcaption></figure>."""
    figure: FigureRef | None = tokens[idx].meta.get("figure")
    if figure is None:
        return ""
    size = ""
    if figure.rendered is not None:
        size = f' width="{figure.rendered.width}" height="{figure.rendered.height}"'
    root = env.get("root", "")
    caption = f"\n<figcaption>{escapeHtml(figure.caption)}</figcaption>" if figure.caption else ""
    return (f'<figure class="kd-figure" data-kd-figure="{escapeHtml(figure.name)}">\n'
            f'<img src="{escapeHtml(root + figure.path)}" alt="{escapeHtml(figure.alt)}"{size} decoding="async">'
            f"{caption}\n</figure>\n")
