"""Chapters in order, a table of contents on every page, previous/next links, figures placed."""

import re
from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.cli import main
from kdsite.config import load_config
from kdsite.errors import BuildErrors

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates"


def project(tmp_path: Path, pages: dict[str, str]) -> Path:
    """Return a project folder holding these content pages and the real templates."""
    for name, text in pages.items():
        (tmp_path / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    (tmp_path / "templates").symlink_to(TEMPLATES)
    return tmp_path


def page(title: str, order: int | None = None, body: str = "Text.") -> str:
    """Return a content page with front matter."""
    front = f"title: {title}\ndescription: About {title}.\n" + (f"order: {order}\n" if order is not None else "")
    return f"---\n{front}---\n\n# {title}\n\n{body}\n"


def toc(html: str) -> list[tuple[str, str, bool]]:
    """Return the table of contents' links as (href, text, current)."""
    nav = re.search(r'<nav id="kd-toc".*?</nav>', html, re.S).group(0)
    return [(href, text, bool(cur)) for href, cur, text in
            re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)]


def test_the_real_site_builds_strict_with_no_warnings(tmp_path):
    report = build(load_config(PROJECT, output=tmp_path / "out", strict=True))
    assert report.warnings == []


def test_every_real_page_has_the_contents_and_one_current_link(built_site):
    pages = sorted(built_site.rglob("*.html"))
    for path in pages:
        html = path.read_text(encoding="utf-8")
        relative = path.relative_to(built_site).as_posix()
        # Embed pages are chrome-less and 404.html has no place in the contents.
        if not relative.startswith("embed/") and relative != "404.html":
            links = toc(html)
            assert sum(current for _, _, current in links) == 1, path
            assert 'class="kd-skip" href="#main"' in html and '<main id="main"' in html
        assert 'href="../' not in html or "/" in path.relative_to(built_site).as_posix()
        assert " style=" not in html, f"{path} has an inline style"
        # 404.html alone carries inline code of its own, and a page with widgets the script that
        # begins the runtime's download; both allowed by hash (tests/browser/test_csp.py checks how).
        if relative != "404.html":
            own = len(re.findall(r"<script data-kd-runtime-download=", html))
            assert len(re.findall(r"<script(?![^>]*\bsrc=)", html)) == own <= 1, f"{path} has an inline script"


def test_chapters_are_ordered_and_linked_in_sequence(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {
        "index.md": page("Start", 0), "b.md": page("Second", 2), "a.md": page("Third", 7),
        "glossary/temperature.md": page("Temperature"), "glossary/alpha.md": page("Alpha"),
    }))
    assert main(["build", "--strict"]) == 0
    site = tmp_path / "_site"
    index, second, third = ((site / n).read_text() for n in ("index.html", "b.html", "a.html"))
    assert [t for _, t, _ in toc(second)] == ["Start", "Second", "Third", "Alpha", "Temperature"]
    assert toc(second)[1] == ("b.html", "Second", True)
    assert 'rel="prev"' not in index and re.search(r'<a href="b.html" rel="next">.*Second</a>', index)
    assert re.search(r'<a href="index.html" rel="prev">.*Start</a>', second)
    assert re.search(r'<a href="a.html" rel="next">.*Third</a>', second)
    assert 'rel="next"' not in third
    term = (site / "glossary" / "alpha.html").read_text()
    assert toc(term)[0] == ("../index.html", "Start", False)
    assert ("../glossary/alpha.html", "Alpha", True) in toc(term)
    assert re.search(r'<a href="../index.html"><span class="kd-pager__dir">Back to the chapters</span> Start</a>', term)
    assert 'href="../_kd/static/layout.css"' in term


def test_a_chapter_without_order_warns_and_fails_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(project(tmp_path, {"index.md": page("Start", 0), "loose.md": page("Loose")}))
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert "warning: content/loose.md:1: chapter has no order" in err and "add `order: N`" in err
    assert main(["build", "--strict"]) == 3  # warnings alone: EXIT_STRICT_WARNINGS
    assert "content/loose.md:1: chapter has no order" in capsys.readouterr().err
    # Two chapters with one order: which comes first would be an accident of file names.
    with pytest.raises(BuildErrors, match="same order"):
        (tmp_path / "content" / "loose.md").write_text(page("Loose", 0))
        build(load_config(tmp_path, strict=True))


def test_a_figure_is_an_img_with_alt_size_and_a_relative_src(tmp_path, monkeypatch):
    fence = "```kd-figure roofline\nalt: A roofline & two points.\ncaption: Assumed <numbers>.\n```"
    monkeypatch.chdir(project(tmp_path, {"index.md": page("Start", 0), "glossary/roof.md": page("Roof", body=fence)}))
    assert main(["build", "--strict"]) == 0
    html = (tmp_path / "_site" / "glossary" / "roof.html").read_text()
    assert ('<figure class="kd-figure" data-kd-figure="roofline">\n<img src="../_kd/figures/roofline.svg" '
            'alt="A roofline &amp; two points." width="720" height="432" decoding="async">\n'
            "<figcaption>Assumed &lt;numbers&gt;.</figcaption>\n</figure>") in html
    svg = (tmp_path / "_site" / "_kd" / "figures" / "roofline.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
