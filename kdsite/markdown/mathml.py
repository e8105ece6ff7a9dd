"""Math at build time: `$…$` and `$$…$$` in Markdown become MathML through latex2mathml.

Nothing typesets math in the browser: every formula is MathML in the HTML. A formula
latex2mathml cannot convert, or converts into something wrong (an unknown command shown
as text, a fraction without a denominator), is a located build problem.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from kdsite.errors import Problem
from kdsite.markdown.math_delimiters import delimiters_plugin
from kdsite.model import PageRecord, page_record

MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
# How many children a MathML element needs: latex2mathml leaves them short without complaint.
ARITY = {"mfrac": 2, "msup": 2, "msub": 2, "msubsup": 3, "mroot": 2, "munder": 2, "mover": 2,
         "munderover": 3}
# LaTeX commands whose MathML carries attributes a strict Content-Security-Policy or a
# relative-URL-only site cannot have.
FORBIDDEN = {"style": "it writes an inline style, which the site's CSP forbids",
             "href": "links belong in the Markdown around the formula"}
FIX = "write LaTeX that latex2mathml understands, e.g. $\\frac{a}{b}$, $x^{2}$, $\\operatorname{KL}(p \\| q)$"


class MathError(ValueError):
    """A formula that cannot become MathML: `message` says why, `fix` how to mend it."""

    def __init__(self, message: str, fix: str = FIX):
        super().__init__(message)
        self.fix = fix


@lru_cache(maxsize=1024)
def to_mathml(latex: str, display: bool = False) -> str:
    """Return the MathML of a LaTeX formula; raise MathError if it is not valid."""
    from latex2mathml.converter import convert

    latex = latex.strip()
    if not latex:
        raise MathError("empty formula", "write something between the dollar signs, or escape a lone $ as \\$")
    _check_braces(latex)
    for command, why in FORBIDDEN.items():
        if re.search(rf"\\{command}(?![A-Za-z])", latex):
            raise MathError(f"\\{command} is not allowed: {why}", f"remove \\{command}")
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises bare exception classes, many without a message
        raise _describe(error) from None
    _check_tree(mathml)
    return mathml


def _check_braces(latex: str) -> None:
    """Raise MathError for an unbalanced { or }: latex2mathml silently accepts both."""
    depth = 0
    for match in re.finditer(r"\\.|[{}]", latex, re.S):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                raise MathError("a } closes a group that was never opened",
                                "remove the } or add the { it belongs to (write \\} for a literal brace)")
    if depth:
        what = "a { is" if depth == 1 else f"{depth} {{ are"
        raise MathError(f"{what} never closed", "add the missing } (write \\{ for a literal brace)")


def _check_tree(mathml: str) -> None:
    """Raise MathError for MathML that shows a LaTeX command as text, lacks a part, or is not
    well-formed (latex2mathml copies a bare & into it unescaped)."""
    try:
        tree = ET.fromstring(mathml)
    except ET.ParseError:
        if re.search(r"&(?![#\w]+;)", mathml):  # an & that starts no character reference
            raise MathError("a bare & (LaTeX's column separator) outside a table or aligned environment",
                            "write \\& for an ampersand, or put the columns in "
                            "\\begin{aligned}…\\end{aligned}") from None
        raise MathError("latex2mathml made MathML that is not well-formed") from None
    for element in tree.iter():
        tag = element.tag.removeprefix(MATHML_NS)
        text = (element.text or "").strip()
        if command := re.fullmatch(r"\\([A-Za-z]+)", text):
            raise MathError(f"unknown LaTeX command \\{command.group(1)}",
                            "check its spelling; latex2mathml supports the usual math commands")
        if "style" in element.attrib:
            raise MathError("the formula would need an inline style", f"remove the command that sets it; {FIX}")
        need = ARITY.get(tag)
        if need and len(element) < need:
            raise MathError(f"{_WHAT.get(tag, tag)} is missing a part",
                            "give it every argument, e.g. \\frac{a}{b}, x^{2}, \\sqrt[3]{x}")


_WHAT = {"mfrac": "a fraction", "msup": "a superscript", "msub": "a subscript", "msubsup": "a sub/superscript",
         "mroot": "a root", "munder": "an under-script", "mover": "an over-script", "munderover": "a limit"}

# latex2mathml's exceptions by class name: what went wrong, and how to fix it.
_ERRORS = {
    "NumeratorNotFoundError": ("a fraction has no numerator", "write \\frac{top}{bottom}"),
    "DenominatorNotFoundError": ("a fraction has no denominator", "write \\frac{top}{bottom}"),
    "ExtraLeftOrMissingRightError": ("a \\left has no matching \\right",
                                     "close it with \\right) or the like, or \\right. for no visible delimiter"),
    "MissingSuperScriptOrSubscriptError": ("a ^ or _ has nothing after it", "give it a script, e.g. x^{2} or x_{i}"),
    "DoubleSubscriptsError": ("two subscripts on one symbol", "write x_{ab}, or {x_a}_b"),
    "DoubleSuperscriptsError": ("two superscripts on one symbol", "write x^{ab}, or {x^a}^b"),
    "NoAvailableTokensError": ("a command is missing its argument", "give the command its {argument}"),
    "MissingEndError": ("a \\begin has no matching \\end", "add \\end{…} with the same environment name"),
    "InvalidAlignmentError": ("an unknown column alignment", "use l, c or r in the column specification"),
    "InvalidWidthError": ("an invalid width", "give a width with a unit, e.g. 1em"),
    "InvalidStyleForGenfracError": ("an invalid \\genfrac style", "use a style from 0 to 3"),
    "LimitsMustFollowMathOperatorError": ("\\limits must follow an operator", "write e.g. \\sum\\limits_{i}"),
}


def _describe(error: Exception) -> MathError:
    """Return a reader's account of a latex2mathml exception."""
    name = type(error).__name__
    if name in _ERRORS:
        return MathError(*_ERRORS[name])
    detail = str(error).strip()
    return MathError(f"latex2mathml could not read it ({name}{': ' + detail if detail else ''})")


def render_math(content: str, options: dict) -> str:
    """The dollarmath renderer: MathML, already checked when the page was parsed."""
    try:
        return to_mathml(content, bool(options.get("display_mode")))
    except MathError:
        # Only reachable when a build ignores its problems: show the source, never a traceback.
        return f"<code>{escapeHtml(content)}</code>"


def math_plugin(md: MarkdownIt) -> None:
    """Enable $…$ and $$…$$ math, rendered to MathML, with problems located at parse time."""
    # Which dollars delimit math is kdsite.markdown.math_delimiters' rule: "$5 and $10" stays text.
    delimiters_plugin(md, render_math)
    md.core.ruler.push("kd_math_check", _check_math)


def _check_math(state) -> None:
    """Convert every formula once, adding a Problem with its file line for each bad one."""
    record = page_record(state.env)
    for token in state.tokens:
        if token.type == "math_block" and token.map:
            _check(token.content, True, record, token.map[0] + 1)
        elif token.type == "inline" and token.children and token.map:
            cursor = 0
            for child in token.children:
                if child.type not in ("math_inline", "math_inline_double"):
                    continue
                source = f"{child.markup}{child.content}{child.markup}"
                found = token.content.find(source, cursor)
                if found >= 0:
                    cursor = found + len(source)
                line = token.map[0] + 1 + token.content.count("\n", 0, max(found, 0))
                _check(child.content, child.type == "math_inline_double", record, line)


def _check(latex: str, display: bool, record: PageRecord, line: int) -> None:
    """Add a Problem to the page's record for one bad formula."""
    try:
        to_mathml(latex, display)
    except MathError as error:
        shown = latex.strip()
        shown = shown if len(shown) <= 40 else shown[:37] + "…"
        dollars = "$$" if display else "$"
        record.problems.append(Problem(f"math {dollars}{shown}{dollars}: {error}", error.fix, record.file, line))
