"""No javascript:, vbscript:, data: or file: URL is ever rendered as a link or an image source."""

import html
import re
from urllib.parse import unquote

import pytest
from markdown_it.token import Token

from kdsite.markdown.parser import make_markdown, parse, refused_scheme
from kdsite.markdown.parser import render as render_tokens
from kdsite.model import PageRecord

# Each variant written the way an author (or an attacker) might, with the scheme it hides.
VARIANTS = {
    "[x](javascript:alert(1))": "javascript",
    "[x](JaVaScRiPt:alert(1))": "javascript",
    "[x](  javascript:alert(1)  )": "javascript",
    "[x](<javascript:alert(1)>)": "javascript",
    "[x](&#106;avascript:alert(1))": "javascript",
    "[x](&#x6A;&#x61;vascript:alert(1))": "javascript",
    "[x](jav&#x09;ascript:alert(1))": "javascript",
    "[x](java&#10;script:alert(1))": "javascript",
    "[x](java%73cript:alert(1))": "javascript",
    "[x](vbscript:msgbox(1))": "vbscript",
    "[x](VBSCRIPT:msgbox(1))": "vbscript",
    "[x](data:text/html;base64,PHNjcmlwdD4=)": "data",
    "[x](file:///etc/passwd)": "file",
    "<javascript:alert(1)>": "javascript",
    "<JAVASCRIPT:alert(1)>": "javascript",
    "<vbscript:msgbox(1)>": "vbscript",
    "<data:text/html,hi>": "data",
    "[x][r]\n\n[r]: javascript:alert(1)": "javascript",
    "[x]\n\n[x]: <data:text/html,hi> 'title'": "data",
    "![alt](javascript:alert(1))": "javascript",
    "![alt](data:image/png;base64,iVBORw0KGgo=)": "data",
    "![alt](data:image/svg+xml,<svg/onload=alert(1)>)": "data",
    "![alt][img]\n\n[img]: data:image/gif;base64,R0lGOD": "data",
    "[![alt](data:image/png;base64,AA)](javascript:alert(1))": "javascript",
}


def render(text: str, raw_html: bool = False) -> tuple[str, list]:
    """Return the HTML of `text` and the problems its parse reported."""
    md = make_markdown(raw_html)
    record = PageRecord(file="page.md")
    return render_tokens(md, parse(md, text, record), record), record.problems


def dangerous_urls(page: str) -> list[str]:
    """Return every href or src in `page` that, decoded, names a refused scheme anywhere."""
    urls = re.findall(r'(?:href|src)="([^"]*)"', page)
    plain = [re.sub(r"[\x00-\x20]", "", html.unescape(unquote(url))).lower() for url in urls]
    return [url for url in plain if re.search(r"(javascript|vbscript|data|file):", url)]


@pytest.mark.parametrize("raw_html", [False, True])
@pytest.mark.parametrize("text", VARIANTS)
def test_a_refused_scheme_is_never_a_link_and_is_reported_at_its_line(text, raw_html):
    page, problems = render("Intro\n\n" + text, raw_html)
    assert not dangerous_urls(page), page
    scheme = VARIANTS[text]
    assert problems, f"{text!r} was refused silently"
    assert all(p.file == "page.md" and p.line == 3 for p in problems)
    assert any(f"uses {scheme}:, which is never rendered" in p.message for p in problems)


def test_a_refused_link_keeps_its_text_and_the_paragraph_stays_whole():
    html, _ = render("See [*the* demo](javascript:go()) or [the loss](loss.md), ![a chart](data:image/png;base64,A).")
    assert html == '<p>See <em>the</em> demo or <a href="loss.html">the loss</a>, a chart.</p>\n'


def test_lines_count_from_the_start_of_a_multi_line_paragraph():
    _, problems = render("one\ntwo [x](javascript:a)\nthree <vbscript:b>\n\n- item\n- ![i](data:c)")
    assert [p.line for p in problems] == [2, 3, 6]


@pytest.mark.parametrize("url", ["https://example.org/javascript:x", "loss.md#javascript:x", "javascript.md",
                                 "notes/data:x.txt", "mailto:someone@example.org", "#data", "?file:x", ""])
def test_ordinary_urls_pass_the_rule(url):
    assert refused_scheme(url) is None


def test_the_renderer_blanks_a_refused_url_on_a_token_no_parse_made():
    md = make_markdown()
    link = Token("link_open", "a", 1, attrs={"href": "javascript:alert(1)"})
    image = Token("image", "img", 0, attrs={"src": " data:text/html,x", "alt": ""}, children=[])
    html = md.renderer.render([link, Token("text", "", 0, content="x"), Token("link_close", "a", -1), image],
                              md.options, {})
    assert html == '<a href="">x</a><img src="" alt="" />'


def test_raw_html_is_escaped_unless_switched_on():
    text = "A <b title=x>bold</b> word.\n\n<div>block</div>"
    off, _ = render(text)
    assert off == "<p>A &lt;b title=x&gt;bold&lt;/b&gt; word.</p>\n<p>&lt;div&gt;block&lt;/div&gt;</p>\n"
    on, _ = render(text, raw_html=True)
    assert on == "<p>A <b title=x>bold</b> word.</p>\n<div>block</div>"
