"""Where math starts and ends in a page: the `$…$` and `$$…$$` rules (README, "Writing pages").

- `$$…$$` is display math, on lines of its own (which may interrupt a paragraph) or
  inside a paragraph, also across lines.
- `$…$` is inline math. It opens at a `$` that is not followed by whitespace nor
  preceded by a digit, and needs the next `$` (not escaped) to close it: one not preceded
  by whitespace nor followed by a digit or a letter. If that `$` cannot close, the
  first `$` is text: "$5 and $10" and "$HOME/bin:$PATH" stay text. A formula never
  holds a backtick: a `$` in a code span after it closes nothing.
- `\\$` is a dollar sign; nothing in code is math.

A `$…$` that is text only because a letter follows its closing `$` ("$HOME/bin:$PATH",
but also a typo such as "$n$th") is warned about at its line.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath.index import dollarmath_plugin, math_block_dollar, math_inline_dollar

from kdsite.markdown.inline_warnings import inline_warnings_plugin, warn_at

# The blocks a $$ line may interrupt, as for a ``` fence.
_INTERRUPTS = ["paragraph", "reference", "blockquote", "list"]


def delimiters_plugin(md: MarkdownIt, render: Callable[[str, dict], str]) -> None:
    """Enable $…$ and $$…$$ as above; `render(latex, {"display_mode": bool})` returns a formula's HTML."""
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           allow_blank_lines=False, double_inline=True, renderer=render)
    md.block.ruler.at("math_block", _silent_when_asked(math_block_dollar(allow_labels=False, allow_blank_lines=False)),
                      {"alt": _INTERRUPTS})
    md.inline.ruler.at("math_inline", _letter_closes_nothing(
        math_inline_dollar(allow_space=False, allow_digits=False, allow_double=True)))
    inline_warnings_plugin(md)

    def render_inline_display(renderer, tokens, idx, options, env) -> str:
        # Display math inside a paragraph: <math display="block"> is phrasing content, a <div> is not.
        return f'<span class="math block">{render(tokens[idx].content.strip(), {"display_mode": True})}</span>'

    md.add_render_rule("math_inline_double", render_inline_display)


def _silent_when_asked(rule):
    """Wrap dollarmath's block rule, which adds its token even when only asked whether a block starts.

    Asked that (silent) by a paragraph checking whether a `$$` line interrupts it, it
    would leave a formula behind each time; here a silent call leaves the state as it was.
    """
    def math_block(state, start_line: int, end_line: int, silent: bool) -> bool:
        if not silent:
            return rule(state, start_line, end_line, False)
        count, line = len(state.tokens), state.line
        found = rule(state, start_line, end_line, True)
        del state.tokens[count:]
        state.line = line
        return found

    return math_block


def _letter_closes_nothing(rule):
    """Wrap dollarmath's inline rule: a `$` directly followed by a letter, or after a backtick, closes nothing."""
    def math_inline(state, silent: bool) -> bool:
        start, src = state.pos, state.src
        if src[start] != "$" or src.startswith("$$", start):
            return rule(state, silent)
        if not rule(state, True):  # probe: a silent rule still moves state.pos past what it matched
            return False
        end, state.pos = state.pos, start
        if "`" in src[start:end]:  # that $ is inside a code span, which math never reaches into
            return False
        if end < len(src) and src[end].isalpha():
            if not silent:
                shown = src[start:end] if end - start <= 40 else src[start:start + 38] + "…$"
                warn_at(state, start, f"{shown} is not a formula: a letter follows its closing $, "
                                      "so it shows as text with both $",
                        "write \\$ for a dollar sign (or put shell text in `code`); for math, "
                        "let a space or punctuation follow the closing $, e.g. $n$-th")
            return False
        return rule(state, silent)

    return math_inline
