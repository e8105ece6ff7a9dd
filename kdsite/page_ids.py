"""Element ids on a page: heading anchors and widget ids, each used once, none the layout's."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors.index import unique_slug

from kdsite.errors import Problem

# Ids templates/page.html gives its own elements (the skip link targets #main).
LAYOUT_IDS = frozenset({"main", "kd-toc", "kd-toc-title"})


def ids_plugin(md: MarkdownIt) -> None:
    """Register the core rule that records env["ids"] (id → line) and reports duplicates."""
    md.core.ruler.push("kd_ids", _collect_ids)


def _collect_ids(state) -> None:
    """Record every heading and widget id with its line; report an id used twice."""
    env = state.env
    offset = env.get("line_offset", 0)
    headings = [t for t in state.tokens if t.type == "heading_open" and t.attrGet("id")]
    taken = {str(t.attrGet("id")) for t in headings} | LAYOUT_IDS
    for token in headings:
        # A heading titled "Main" must not steal the layout's id: it gets the next free slug.
        if token.attrGet("id") in LAYOUT_IDS:
            token.attrSet("id", unique_slug(str(token.attrGet("id")), taken))
            taken.add(str(token.attrGet("id")))
    owners = [(str(t.attrGet("id")), offset + t.map[0] + 1, None) for t in headings]
    owners += [(w.id, w.line, w) for w in env.get("widgets", [])]
    ids: dict[str, tuple[int, object]] = {}
    for id_, line, widget in sorted(owners, key=lambda owner: owner[1]):
        if id_ in LAYOUT_IDS:
            _report(env, Problem(f"widget {widget.name}: id {id_!r} is taken by the page layout",
                                 "choose another `id:`", env.get("file"), line))
        elif id_ in ids:
            _report(env, _duplicate(id_, ids[id_], (line, widget), env.get("file")))
        else:
            ids[id_] = (line, widget)
    env["ids"] = {id_: line for id_, (line, _) in ids.items()}


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


def _report(env: dict, problem: Problem) -> None:
    """Add `problem` to the page's problems, if the parse collects them."""
    if "problems" in env:
        env["problems"].append(problem)
