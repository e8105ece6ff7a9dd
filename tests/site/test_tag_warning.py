"""HTML in a page's prose while raw HTML is off shows as text: each tag is a located warning."""

import re
from pathlib import Path

from golden_warnings import FIXTURES, expected_warnings, strict_warnings

from kdsite.cli import main
from kdsite.content import gather_pages
from kdsite.markdown.parser import make_markdown, parse, render
from kdsite.model import PageRecord

PROJECT = Path(__file__).resolve().parents[2]


def test_each_tag_in_prose_is_a_warning_at_its_line_and_strict_fails(tmp_path, monkeypatch, capsys):
    status, warnings = strict_warnings(tmp_path, monkeypatch, capsys, "raw_tags")
    assert warnings == expected_warnings("raw_tags")
    assert status == 3


def test_without_strict_the_page_builds_and_the_tag_stays_text(tmp_path, monkeypatch, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text(
        "---\ntitle: T\ndescription: D.\norder: 1\n---\n\nThe loss of *p*<sub>*T*</sub>.\n")
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    assert "warning: content/index.md:7: HTML tag <sub> will show as text" in capsys.readouterr().err
    html = (tmp_path / "_site" / "index.html").read_text()
    assert "<em>p</em>&lt;sub&gt;<em>T</em>&lt;/sub&gt;" in html and "<sub>" not in html


def test_with_raw_html_on_nothing_is_warned():
    record = PageRecord(file="raw_tags.md")
    parse(make_markdown(raw_html=True), (FIXTURES / "raw_tags.md").read_text(encoding="utf-8"), record)
    assert record.warnings == [] and record.problems == []


def test_no_page_of_the_explainer_warns_or_shows_a_tag_as_text():
    problems = []
    pages = gather_pages(PROJECT / "content", problems)
    assert problems == []
    assert [str(w) for page in pages for w in page.warnings] == []
    md = make_markdown()
    for page in pages:
        record = page.record.for_rendering(page.root, "", lambda widget: "")
        prose = re.sub(r"<(code|pre)[ >].*?</\1>", "", render(md, page.tokens, record), flags=re.S)
        assert not re.search(r"&lt;/?[A-Za-z]", prose), page.path
