"""Element ids on a page: heading anchors and widget ids, each used once, none the layout's.

A `##` or `###` heading's id is made from its text (see `heading_slug`): non-empty, never
starting or ending with `-`, and the same in every build of the same page. A repeated id
gets `-2`, `-3`, … in page order.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt

from kdsite.errors import Problem
from kdsite.model import page_record

# Ids templates/page.html gives its own elements (the skip link targets #main).
LAYOUT_IDS = frozenset({"main", "kd-toc", "kd-toc-title"})
# The heading levels that get an id: the page's sections and subsections.
HEADING_TAGS = ("h2", "h3")
# The id of a heading with no letter or digit in it (an emoji, punctuation).
FALLBACK_ID = "section"
_FORMULA_WORDS = re.compile(r"[^\W_]+")


def ids_plugin(md: MarkdownIt) -> None:
    """Register the core rule that gives headings their ids and records every id with its line."""
    md.core.ruler.push("kd_ids", _collect_ids)


def heading_slug(text: str) -> str:
    """Return the id for a heading whose text is `text` (formulas already as `formula_words`).

    Lower case; each whitespace character becomes `-`; letters, digits and marks of any
    script, `_` and `-` are kept and everything else (punctuation, symbols, emoji) is
    dropped; a leading or trailing `-` goes. Returns "" when nothing is left.
    """
    kept = []
    for char in text.lower():
        if char.isspace():
            kept.append("-")
        elif char in "-_" or unicodedata.category(char)[0] in "LNM":
            kept.append(char)
    return "".join(kept).strip("-")


def formula_words(latex: str) -> str:
    """Return what a formula contributes to a heading's id: its letters and digits, in order.

    `T^2` → "T2", `\\alpha` → "alpha" (a command's name is letters too), `p_{T}` → "pT".
    """
    return "".join(_FORMULA_WORDS.findall(latex))


def heading_text(inline) -> str:
    """Return the text of a heading's inline token that its id is made from."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):  # an image counts as its description
            parts.append(child.content)
        elif child.type in ("math_inline", "math_inline_double"):
            parts.append(formula_words(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def assign_heading_ids(tokens, widget_ids: set[str]) -> None:
    """Set the id of every `##`/`###` heading in `tokens`: unique, non-empty, stable.

    The first heading with a slug gets it as is (a widget with the same id is then a
    duplicate the caller reports); later ones, and one named after a layout id, get the
    first free `slug-2`, `slug-3`, … that no heading's slug, widget or layout id uses.
    """
    headings = [(token, heading_slug(heading_text(tokens[i + 1])) or FALLBACK_ID)
                for i, token in enumerate(tokens)
                if token.type == "heading_open" and token.tag in HEADING_TAGS]
    # Reserved up front so that "## A", "## A", "## A 2" give a, a-3, a-2 whatever the order.
    reserved = {slug for _, slug in headings} | widget_ids | LAYOUT_IDS
    used: set[str] = set()
    for token, slug in headings:
        id_ = slug
        if id_ in used or id_ in LAYOUT_IDS:
            number = 2
            while f"{slug}-{number}" in reserved or f"{slug}-{number}" in used:
                number += 1
            id_ = f"{slug}-{number}"
        used.add(id_)
        token.attrSet("id", id_)


def _collect_ids(state) -> None:
    """Give headings their ids, then record every heading and widget id with its line; report an id used twice."""
    record = page_record(state.env)
    assign_heading_ids(state.tokens, {w.id for w in record.widgets})
    headings = [t for t in state.tokens if t.type == "heading_open" and t.attrGet("id")]
    owners = [(str(t.attrGet("id")), t.map[0] + 1, None) for t in headings]
    owners += [(w.id, w.line, w) for w in record.widgets]
    ids: dict[str, tuple[int, object]] = {}
    for id_, line, widget in sorted(owners, key=lambda owner: owner[1]):
        if id_ in LAYOUT_IDS:
            record.problems.append(Problem(f"widget {widget.name}: id {id_!r} is taken by the page layout",
                                           "choose another `id:`", record.file, line))
        elif id_ in ids:
            record.problems.append(_duplicate(id_, ids[id_], (line, widget), record.file))
        else:
            ids[id_] = (line, widget)
    record.ids = {id_: line for id_, (line, _) in ids.items()}


def _duplicate(id_: str, first: tuple, second: tuple, file) -> Problem:
    """Return the problem for an id that the owner `second` takes again from `first`."""
    def who(widget) -> str:
        return f"the {widget.name} widget" if widget is not None else "the heading"

    (first_line, first_widget), (line, widget) = first, second
    message = f"id {id_!r} is also the id of {who(first_widget)} at line {first_line}"
    if widget is not None:
        message = f"widget {widget.name}: " + message
        explicit = widget.config.get("id") == id_
    else:
        message = "heading " + message
        explicit = False
    if first_widget is None or widget is None:
        fix = "rename the heading, or give the widget an `id:` of its own"
    elif explicit:
        fix = "give each widget its own `id:`"
    else:
        fix = "give this widget an `id:` of its own"
    return Problem(message, fix, file, line)

