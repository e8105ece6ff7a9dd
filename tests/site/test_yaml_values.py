"""YAML that is not what the author wrote: text parameters (labels, ids, title, description)
show exactly the characters written; a number written as text, or one YAML 1.1 misreads, is a
located error saying what to write."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config
from kdsite.content import gather_pages

PROJECT = Path(__file__).resolve().parents[2]

# Plain YAML 1.1 scalars that PyYAML turns into something else: numbers in other bases,
# exponents, base 60, booleans, nulls, dates, infinities; and a few that stay text anyway.
AS_WRITTEN = [
    "010", "007", "08", "0x1F", "0o17", "0b101", "1_000", "1e3", "1E-3", "-.5", ".5", "1.50", "+1", "-0",
    "1:30", "12:30:00", "190:20:30", "no", "No", "NO", "yes", "on", "Off", "y", "n", "true", "False",
    "~", "null", "Null", ".inf", "-.Inf", ".NaN", "2024-01-01", "2001-12-14t21:59:43.10-05:00", "=",
    "cat", "0", "3.0",
]


def gather(tmp_path: Path, text: str) -> tuple[list, list[str]]:
    """Return the pages parsed from one page with this text, and its problems as printed."""
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "page.md").write_text(text)
    problems = []
    pages = gather_pages(content, problems)
    return pages, [re.sub(r"^.*page\.md:", "page.md:", str(p)) for p in problems]


def widget_page(labels: str, extra: str = "") -> str:
    """Return a page whose one distillation-viz widget has three classes and these labels."""
    return ("# Page\n\n```kd-widget distillation-viz\nteacher: [0.7, 0.2, 0.1]\nstudent: [0.5, 0.3, 0.2]\n"
            f"labels: {labels}\n{extra}```\n")


@pytest.mark.parametrize("written", AS_WRITTEN)
def test_a_label_in_a_flow_list_is_shown_as_written(written, tmp_path):
    (page,), problems = gather(tmp_path, widget_page(f"[{written}, b, c]"))
    assert problems == []
    assert page.widgets[0].config["labels"] == [written, "b", "c"]


@pytest.mark.parametrize("written", AS_WRITTEN)
def test_a_label_in_a_block_list_is_shown_as_written(written, tmp_path):
    (page,), problems = gather(tmp_path, widget_page(f"\n  - a\n  - {written}\n  - c"))
    assert problems == []
    assert page.widgets[0].config["labels"] == ["a", written, "c"]


@pytest.mark.parametrize("written, shown", [("'010'", "010"), ('"no"', "no"), ("'it''s'", "it's"),
                                            ('"a\\tb"', "a\tb"), ('""', "")])
def test_a_quoted_label_is_its_text(written, shown, tmp_path):
    (page,), problems = gather(tmp_path, widget_page(f"[{written}, b, c]"))
    assert problems == [] and page.widgets[0].config["labels"][0] == shown


@pytest.mark.parametrize("written", ["no", "on", "yes", "off", "null", "y"])
def test_an_id_is_text_as_written(written, tmp_path):
    (page,), problems = gather(tmp_path, widget_page("[a, b, c]", f"id: {written}\n"))
    assert problems == [] and page.widgets[0].id == written


@pytest.mark.parametrize("written", AS_WRITTEN)
def test_title_and_description_are_text_as_written(written, tmp_path):
    (page,), problems = gather(tmp_path, f"---\ntitle: {written}\ndescription: {written}\norder: 1\n---\n\n# Heading\n")
    assert problems == []
    assert (page.title, page.description, page.order) == (written, written, 1)


@pytest.mark.parametrize("front, problem", [
    ("title:", "page.md:2: front matter 'title': no value is written — write title: followed by text, e.g. "
               "title: Temperature"),
    ("title: [a, b]", "page.md:2: front matter 'title' should be text, not ['a', 'b'] — write title: followed by "
                      "text, e.g. title: Temperature"),
    ('order: "2"', "page.md:2: front matter 'order': '2' is in quotes, which makes it text: write 2 without quotes "
                   "— write order: followed by a whole number, e.g. order: 2"),
    ("order: 010", "page.md:2: front matter 'order': YAML reads 010 as 8, an octal number, because of the leading "
                   "zero: write 10 (or 8, if you meant octal) — write order: followed by a whole number, "
                   "e.g. order: 2"),
    ("order: 1:30", "page.md:2: front matter 'order': YAML reads 1:30 as 90 (base 60, as for hours:minutes): write "
                    "the one number you mean, e.g. 90 — write order: followed by a whole number, e.g. order: 2"),
    ("order: yes", "page.md:2: front matter 'order' should be a whole number, not 'yes' — write order: followed by "
                   "a whole number, e.g. order: 2"),
    ("order: 1.5", "page.md:2: front matter 'order' should be a whole number, not 1.5 — write order: followed by "
                   "a whole number, e.g. order: 2"),
])
def test_front_matter_that_is_not_what_was_meant_is_located(front, problem, tmp_path):
    _, problems = gather(tmp_path, f"---\n{front}\n---\n\n# Heading\n")
    assert problems == [problem]


def test_the_built_page_shows_every_label_as_written(tmp_path):
    labels = ["010", "no", "0x1F", "1e3", "1:30", "on", ".inf", "~", "2024-01-01", "-.5"]
    n = len(labels)
    page = (f"---\ntitle: 2024\ndescription: no\norder: 0\n---\n\n```kd-widget distillation-viz\n"
            f"teacher: [{', '.join(['0.1'] * n)}]\nstudent: [{', '.join(['0.1'] * n)}]\n"
            f"labels: [{', '.join(labels)}]\n```\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text(page)
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    build(load_config(tmp_path))
    built = (tmp_path / "_site" / "index.html").read_text()
    config = json.loads(html.unescape(re.search(r'data-kd-config="([^"]*)"', built).group(1)))
    assert config["labels"] == labels
    for label in labels:
        assert f">{html.escape(label, quote=False)}<" in built, f"label {label} is not shown as written"
    assert "<title>2024 · " in built and '<meta name="description" content="no">' in built


# Numbers written as numbers, in every form YAML and a reader agree on, are accepted.
@pytest.mark.parametrize("teacher", ["[7e-1, .2, 0x1]", "[+0.7, 2E-1, 1_0]", "[0.7, 0.2, -.0]", "[1, 00.5, 0]"])
def test_plain_numbers_are_read_as_numbers(teacher, tmp_path):
    (page,), problems = gather(tmp_path, widget_page("[a, b, c]").replace("teacher: [0.7, 0.2, 0.1]",
                                                                          f"teacher: {teacher}"))
    assert problems == [] and all(isinstance(p, float) for p in page.widgets[0].config["teacher"])


def test_unknown_keys_are_named_and_located_as_written(tmp_path):
    _, problems = gather(tmp_path, "---\ntitle: T\nyes: 1\n---\n\n" + widget_page("[a, b, c]", "on: 1\n010: 2\n"))
    assert {p.split(" — ")[0] for p in problems} == {
        "page.md:3: unknown front matter key 'yes'",
        "page.md:12: widget distillation-viz: unknown parameter 'on'",
        "page.md:13: widget distillation-viz: unknown parameter '010'",
    }


@pytest.mark.parametrize("written", ["2024", "no", "1:30", "010", "1e3"])
def test_figure_text_is_shown_as_written(written, tmp_path):
    (page,), problems = gather(tmp_path, f"# Page\n\n```kd-figure roofline\nalt: {written}\ncaption: {written}\n```\n")
    assert problems == []
    (figure,) = page.figures
    assert (figure.alt, figure.caption) == (written, written)


def test_embed_height_in_quotes_is_a_located_error(tmp_path):
    _, problems = gather(tmp_path, "# Page\n\n```kd-embed\npage: index\nwidget: kl\nheight: \"480\"\n```\n")
    assert problems == ["page.md:6: kd-embed: height: '480' is in quotes, which makes it text: write 480 "
                        "without quotes — allowed: a whole number of pixels from 1 to 10000"]
