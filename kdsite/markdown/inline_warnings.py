"""Warnings noticed while a paragraph's inline text is parsed, each located at its source line.

An inline rule sees only an offset into the text of one paragraph, heading or table cell;
`warn_at` notes it, and the core rule `inline_warnings_plugin` registers turns every note
into a `Problem` with the file's line in the page record's warnings (which the build
prints, and `--strict` fails on).
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from kdsite.errors import Problem
from kdsite.model import page_record

_RULE = "kd_inline_warnings"


def inline_warnings_plugin(md: MarkdownIt) -> None:
    """Register the core rule that locates the notes of `warn_at`; using it twice is harmless."""
    if _RULE not in md.core.ruler.get_all_rules():
        md.core.ruler.push(_RULE, _locate)


def warn_at(state, pos: int, message: str, fix: str) -> None:
    """Note a warning about offset `pos` of the inline text `state` parses (a StateInline)."""
    page_record(state.env).inline_notes.append((state.src, pos, message, fix))


def _locate(state) -> None:
    """Turn the notes into located warnings in the page's record, once each, in source order."""
    record = page_record(state.env)
    notes, record.inline_notes = record.inline_notes, []
    if not notes:
        return
    seen = set()
    for token in state.tokens:
        if token.type != "inline" or not token.map:
            continue
        # The inline parser reads the token's own content string, so identity finds its notes.
        # Text parsed on its own (an image's description, never shown as text) has no token.
        for src, pos, message, fix in notes:
            if src is not token.content:
                continue
            line = token.map[0] + 1 + src.count("\n", 0, pos)
            if (line, message) not in seen:  # the same thing twice on a line is one warning
                seen.add((line, message))
                record.warnings.append(Problem(message, fix, record.file, line))
