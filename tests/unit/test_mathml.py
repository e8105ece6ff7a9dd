"""Math at build time: LaTeX in Markdown becomes MathML; bad LaTeX is a located problem."""

import xml.etree.ElementTree as ET

import pytest

from kdsite.markdown.mathml import MathError, to_mathml
from kdsite.markdown.parser import make_markdown, parse
from kdsite.markdown.parser import render as render_tokens
from kdsite.model import PageRecord

M = "{http://www.w3.org/1998/Math/MathML}"


def render(text: str) -> tuple[str, list]:
    """Render Markdown as a build does; return the HTML and the problems found."""
    md = make_markdown()
    record = PageRecord(file="page.md")
    html = render_tokens(md, parse(md, text, record), record)
    return html, record.problems


def test_inline_and_display_math_become_mathml():
    html, problems = render("Loss $T^2 \\cdot \\mathrm{KL}(p \\| q)$ here.\n\n"
                            "$$\n\\frac{e^{z_i/T}}{\\sum_j e^{z_j/T}}\n$$\n")
    assert problems == []
    assert '<span class="math inline"><math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert '<div class="math block">\n<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    block = ET.fromstring(html[html.index("<math", html.index("math block")):html.rindex("</math>") + 7])
    fraction = block.find(f".//{M}mfrac")
    assert fraction is not None and len(fraction) == 2
    assert [e.text for e in block.iter(f"{M}mi")][:2] == ["e", "z"]
    assert "style=" not in html and "\\" not in html.replace("\\|", "")


def test_dollar_amounts_and_code_stay_text():
    html, problems = render("It costs $5, or $10.\n\nIn code, `$x$` stays as written.")
    assert problems == []
    assert "<math" not in html and "$5, or $10." in html and "<code>$x$</code>" in html


@pytest.mark.parametrize(("latex", "message"), [
    ("x^", "a ^ or _ has nothing after it"),
    ("\\frac{a}", "a fraction is missing a part"),
    ("\\left( x", "a \\left has no matching \\right"),
    ("{a", "a { is never closed"),
    ("a}", "a } closes a group that was never opened"),
    ("\\sofmax(z)", "unknown LaTeX command \\sofmax"),
    ("\\begin{matrix} a", "a \\begin has no matching \\end"),
    ("\\style{color:red}{x}", "\\style is not allowed"),
    ("   ", "empty formula"),
    ("&", "a bare & (LaTeX's column separator)"),
    ("a & b", "a bare & (LaTeX's column separator)"),
])
def test_bad_latex_is_a_math_error_with_a_fix(latex, message):
    with pytest.raises(MathError) as caught:
        to_mathml(latex)
    assert str(caught.value).startswith(message)
    assert caught.value.fix


def test_escaped_braces_and_known_commands_are_fine():
    for latex in ("\\{a\\}", "\\operatorname{KL}(p \\| q)", "\\sqrt[3]{x}", "\\alpha \\cdot T^{2}", "x_{i}^{2}",
                  "\\&", "\\begin{matrix} a & b \\end{matrix}"):
        ET.fromstring(to_mathml(latex))


def test_problems_carry_the_file_line_of_the_formula():
    _, problems = render("---\ntitle: t\n---\n\nok $a$\nthen $b^$ on line 6\n\n$$\n\\frac{1}\n$$\n")
    assert [(p.file, p.line) for p in problems] == [("page.md", 6), ("page.md", 8)]
    assert "$b^$" in problems[0].message and "$$\\frac{1}$$" in problems[1].message


def test_table_alignment_is_a_class_not_an_inline_style():
    html, _ = render("| a | b |\n| :-: | --: |\n| 1 | 2 |\n")
    assert "style=" not in html
    assert '<th class="kd-align-center">a</th>' in html and '<td class="kd-align-right">2</td>' in html
