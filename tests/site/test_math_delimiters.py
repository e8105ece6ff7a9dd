"""Which dollar signs are math: `$$…$$` is display math wherever it is written; `$…$` only a formula."""

import re

import pytest
from golden_warnings import expected_warnings, strict_warnings

from kdsite.markdown.parser import make_markdown, parse
from kdsite.markdown.parser import render as render_tokens
from kdsite.model import PageRecord

DISPLAY = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
INLINE = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'


def render(text: str) -> tuple[str, PageRecord]:
    """Return the HTML of `text` and the record its parse filled (problems, warnings)."""
    md, record = make_markdown(), PageRecord(file="page.md")
    return render_tokens(md, parse(md, text, record), record), record


@pytest.mark.parametrize("text", [
    "The loss $$L = T^2$$ of the student.",
    "The loss $$ L = T^2 $$ of the student.",
    "The loss $$L =\nT^2$$ of the student.",
    "The loss\n$$\nL = T^2\n$$\nof the student.",
    "The loss\n$$L = T^2$$\nof the student.",
    "> The loss\n> $$\n> L = T^2\n> $$\n> of the student.",
    "- The loss\n\n  $$\n  L = T^2\n  $$\n  of the student.",
    "| a |\n| --- |\n| The loss $$L = T^2$$ of the student. |",
])
def test_display_math_inside_a_paragraph_is_display_math_with_no_dollar_left(text):
    html, record = render(text)
    assert html.count("<math") == 1 and DISPLAY in html
    assert "$" not in html
    assert "The loss" in html and "of the student." in html
    # Valid HTML: a paragraph never holds a <div>.
    assert all("<div" not in p for p in re.findall(r"<p>.*?</p>", html, re.S))
    assert record.problems == [] and record.warnings == []


@pytest.mark.parametrize("text, shown", [
    ("A price of $5 and $10.", "A price of $5 and $10."),
    ("From $5 to $10 for $x$.", None),
    ("Run $HOME/bin:$PATH now.", "Run $HOME/bin:$PATH now."),
    ("Set $PATH:$HOME/bin first.", "Set $PATH:$HOME/bin first."),
    ("Both $FOO$BAR here.", "Both $FOO$BAR here."),
    ("Escaped: \\$x\\$ and \\$$5.", "Escaped: $x$ and $$5."),
    ("In code: `$x$` and `$HOME`.", "In code: <code>$x$</code> and <code>$HOME</code>."),
    ("Only $HOME/bin here.", "Only $HOME/bin here."),
    ("Costs $10, not `$y$` or `$z`.", "Costs $10, not <code>$y$</code> or <code>$z</code>."),
])
def test_text_that_is_not_math_stays_text(text, shown):
    html, _ = render(text)
    if shown is None:  # everything but the one formula
        assert html.count("<math") == 1 and "From $5 to $10 for <span" in html
    else:
        assert html == f"<p>{shown}</p>\n"


@pytest.mark.parametrize("text, formulas", [
    ("The $x$-th value, $T$. And ($T$), $a/b$ and $f: X \\to Y$.", 5),
    ("At $T = 1$ nothing changes; at $T^2$ it does.", 2),
])
def test_formulas_stay_formulas(text, formulas):
    html, record = render(text)
    assert html.count(INLINE) == formulas and "$" not in html
    assert record.warnings == []


def test_a_bad_display_formula_inside_a_paragraph_is_an_error_at_its_line():
    _, record = render("Fine.\nThe loss $$\\frac{1}$$ here.")
    assert [str(p) for p in record.problems] == [
        "page.md:2: math $$\\frac{1}$$: a fraction is missing a part — "
        "give it every argument, e.g. \\frac{a}{b}, x^{2}, \\sqrt[3]{x}"]


def test_text_kept_only_by_a_letter_after_the_dollar_is_a_warning_at_its_line(tmp_path, monkeypatch, capsys):
    status, warnings = strict_warnings(tmp_path, monkeypatch, capsys, "math_dollars")
    assert warnings == expected_warnings("math_dollars")
    assert status == 3
