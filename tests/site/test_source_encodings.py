"""A page or kdsite.toml saved with any byte-order mark or line ending builds exactly like its
UTF-8, LF twin; text that is not UTF-8 is a located error, never a traceback."""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.cli import main
from kdsite.config import load_config
from kdsite.content import gather_pages
from kdsite.errors import BuildErrors, ConfigError
from kdsite.files import read_source

PROJECT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "bad_content"

# Every construct with a line or a block: front matter, math, a link, widget, figure and embed fences.
PAGE = """---
title: Encodings
description: One page, saved many ways.
order: 0
---

# A heading that is not the title

Some $T^2$ text with a [link](#the-widget).

## The widget

```kd-widget distillation-viz
id: demo
teacher: [0.7, 0.2, 0.1]
student: [0.5, 0.3, 0.2]
labels: [cat, dog, fox]
```

```kd-figure roofline
alt: A roofline.
caption: Where the time goes.
```

```kd-embed
page: index
widget: demo
height: 400
```
"""


def _mixed(text: str) -> str:
    """Return text whose line breaks cycle through LF, CR and CRLF (a CR never just before an LF)."""
    lines = text.split("\n")
    ends = ["\n", "\r", "\r\n"]
    return "".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


# name → how the LF, UTF-8 text is saved.
SAVED = {
    "utf8-bom": lambda t: codecs.BOM_UTF8 + t.encode(),
    "crlf": lambda t: t.replace("\n", "\r\n").encode(),
    "cr": lambda t: t.replace("\n", "\r").encode(),
    "bom-crlf": lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode(),
    "bom-cr": lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r").encode(),
    "mixed": lambda t: _mixed(t).encode(),
    "bom-mixed": lambda t: codecs.BOM_UTF8 + _mixed(t).encode(),
    "utf16-le": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf16-be-crlf": lambda t: codecs.BOM_UTF16_BE + t.replace("\n", "\r\n").encode("utf-16-be"),
    "utf32-le": lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"),
}


def make_project(root: Path, files: dict[str, bytes]) -> Path:
    """Return a project at root with these files (paths relative to it) and the real templates."""
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "templates").symlink_to(PROJECT / "templates")
    return root


def built_files(root: Path) -> dict[str, str]:
    """Build the project at root; return what its content made: each page's HTML, each figure's sha256."""
    report = build(load_config(root))
    assert report.warnings == []
    out = root / "_site"
    # Not the runtime files: those come from kdsite's code, not from the page.
    made = [p for p in sorted(out.rglob("*")) if p.suffix in (".html", ".json", ".svg", ".png")
            and "_kd/pyodide" not in p.as_posix() and p.name != "offline.json"]
    assert "index.html" in {p.name for p in made}
    return {p.relative_to(out).as_posix(): p.read_text() if p.suffix == ".html"
            else hashlib.sha256(p.read_bytes()).hexdigest() for p in made}


@pytest.fixture(scope="module")
def lf_site(tmp_path_factory) -> dict[str, str]:
    """The site built from the plain UTF-8, LF page."""
    root = make_project(tmp_path_factory.mktemp("lf"), {"content/index.md": PAGE.encode(),
                                                        "kdsite.toml": b'title = "Twins"\n'})
    return built_files(root)


@pytest.mark.parametrize("saved", SAVED)
def test_a_page_builds_exactly_like_its_lf_twin(saved, lf_site, tmp_path):
    toml = SAVED[saved]('title = "Twins"\n')
    root = make_project(tmp_path, {"content/index.md": SAVED[saved](PAGE), "kdsite.toml": toml})
    site = built_files(root)
    assert site == lf_site
    assert "<title>Encodings · Twins</title>" in site["index.html"]


# Errors at every kind of line: front matter, widget, figure and embed fences, links, math.
BAD_PAGE = """---
title: Errors
colour: blue
---

Text with [a link](nowhere.md) and $\\frac{1}$.

```kd-widget distillation-viz
teacher: [0.7, 0.3]
student: [0.5, -0.5]
labels: [a, b]

temperature: 0
```

```kd-figure roofline
alt: A roofline.
colour: red
```

```kd-embed
page: index
widget: distillation-viz-1
height: 0
```

```kd-widget distillation-viz
teacher: [0.7, 0.3
student: [0.5, 0.5]
```
"""


def problems_of(root: Path) -> list[tuple]:
    """Return the located problems a build of root reports, without their file."""
    with pytest.raises(BuildErrors) as caught:
        build(load_config(root))
    return [(p.line, p.message, p.fix) for p in caught.value.problems]


@pytest.mark.parametrize("saved", SAVED)
def test_errors_name_the_same_lines_as_in_the_lf_twin(saved, tmp_path):
    lf = problems_of(make_project(tmp_path / "lf", {"content/index.md": BAD_PAGE.encode()}))
    assert [line for line, *_ in lf] == [3, 6, 6, 10, 13, 18, 24, 29]
    assert problems_of(make_project(tmp_path / "saved", {"content/index.md": SAVED[saved](BAD_PAGE)})) == lf


FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.md"))


def build_errors(root: Path, monkeypatch, capsys) -> list[str]:
    """Return the lines `kdsite build` prints for the failed build of the project at root."""
    monkeypatch.chdir(root)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()


@pytest.mark.parametrize("saved", ["utf8-bom", "crlf", "cr", "bom-crlf", "utf16-le"])
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_golden_bad_page_reports_the_same_errors_when_saved_otherwise(name, saved, tmp_path, monkeypatch, capsys):
    text = (FIXTURES / f"{name}.md").read_bytes().decode()
    lf = build_errors(make_project(tmp_path / "lf", {f"content/{name}.md": text.encode()}), monkeypatch, capsys)
    assert lf == build_errors(make_project(tmp_path / "saved", {f"content/{name}.md": SAVED[saved](text)}),
                              monkeypatch, capsys)


def page_problems(tmp_path: Path, data: bytes) -> list[str]:
    """Return the problems gathering one page with these bytes reports, as printed."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "page.md").write_bytes(data)
    problems = []
    gather_pages(tmp_path / "content", problems)
    return [re.sub(r"^.*page\.md:", "page.md:", str(p)) for p in problems]


@pytest.mark.parametrize("data, line", [
    (b"---\ntitle: A\n---\n\nCaf\xe9 au lait.\n", 5),  # Latin-1
    (b"---\r\ntitle: A\r\n---\r\n\r\nCaf\xe9 au lait.\r\n", 5),
    (b"---\rtitle: A\r---\r\rCaf\xe9\r", 5),
    (codecs.BOM_UTF8 + b"# A\n\n\xff\xfe bad bytes\n", 3),
    (b"# A\n\n\xe2\x82 cut short\n", 3),
])
def test_text_that_is_not_utf8_is_a_located_error(data, line, tmp_path):
    (problem,) = page_problems(tmp_path, data)
    assert problem.startswith(f"page.md:{line}: not UTF-8 text (") and "save the file as UTF-8" in problem


@pytest.mark.parametrize("data, line", [
    ("# A\n\nUTF-16 without a byte-order mark\n".encode("utf-16-le"), 1),
    ("# A\r\n\r\ntext\r\n".encode("utf-16-be"), 1),
    (b"# A\n\nA NUL \x00 here\n", 3),
])
def test_nul_characters_say_to_save_as_utf8(data, line, tmp_path):
    (problem,) = page_problems(tmp_path, data)
    assert problem.startswith(f"page.md:{line}: the file holds NUL characters")
    assert "UTF-16 saved without a byte-order mark" in problem and "save the file as UTF-8" in problem


def test_a_broken_utf16_page_is_located(tmp_path):
    data = codecs.BOM_UTF16_LE + "# A\r\n\r\nB\n".encode("utf-16-le") + b"\x00\xd8" + "x".encode("utf-16-le")
    (problem,) = page_problems(tmp_path, data)
    assert problem.startswith("page.md:4: not UTF-16 text (") and "save the file as UTF-8" in problem


@pytest.mark.parametrize("data", [b"title = \"Caf\xe9\"\n", "title = \"x\"\n".encode("utf-16-le")])
def test_a_kdsite_toml_that_is_not_utf8_is_an_error_not_a_traceback(data, tmp_path, monkeypatch, capsys):
    make_project(tmp_path, {"content/index.md": PAGE.encode(), "kdsite.toml": data})
    with pytest.raises(ConfigError, match="kdsite.toml:1: .*save the file as UTF-8"):
        load_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("saved", SAVED)
def test_read_source_gives_lf_text_without_a_mark(saved, tmp_path):
    text = "a\nb\n\nc – é\n"
    (tmp_path / "f").write_bytes(SAVED[saved](text))
    assert read_source(tmp_path / "f", "f") == (text, None)


@pytest.mark.parametrize("breaker", ["\u2028", "\u2029", "\x85"])
def test_a_character_only_yaml_counts_as_a_line_break_shifts_no_line(breaker, tmp_path):
    page = (f"# A\n\n```kd-widget distillation-viz\nid: x\nlabels: [a {breaker} b, c]\n"
            "teacher: [0.7, 0.3]\nstudent: [0.5, -0.5]\n```\n")
    (problem,) = page_problems(tmp_path, page.encode())
    assert problem.startswith("page.md:7: widget distillation-viz: student: [0.5, -0.5] has a negative entry")


@pytest.mark.parametrize("saved", SAVED)
def test_a_kdsite_toml_error_names_the_same_line_as_in_the_lf_twin(saved, tmp_path):
    make_project(tmp_path, {"kdsite.toml": SAVED[saved]('title = "T"\nlanguage = "en"\nsite_url = \n')})
    with pytest.raises(ConfigError, match=r"kdsite.toml: not valid TOML \(Invalid value \(at line 3, column 12\)\)"):
        load_config(tmp_path)
