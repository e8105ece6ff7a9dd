"""Heading ids: non-empty, unique, stable, made from the heading's text and formulas as the README says."""

import re
from pathlib import Path

import pytest

from kdsite.cli import main
from kdsite.markdown.parser import make_markdown
from kdsite.markdown.parser import parse as parse_page
from kdsite.model import PageRecord

PROJECT = Path(__file__).resolve().parents[2]
WIDGET = "```kd-widget distillation-viz\nid: {id}\nteacher: [0.7, 0.3]\nstudent: [0.5, 0.5]\n```\n"


def parse(text: str) -> tuple[list[str], PageRecord]:
    """Return the ids of the page's ## and ### headings, in order, and the parse's record."""
    record = PageRecord(file="page.md")
    tokens = parse_page(make_markdown(), text, record)
    return [t.attrGet("id") for t in tokens if t.type == "heading_open" and t.tag in ("h2", "h3")], record


@pytest.mark.parametrize("heading, id_", [
    ("## Why $T^2$?", "why-t2"),
    ("## $T^2$", "t2"),
    ("## $\\alpha$ and $\\beta$", "alpha-and-beta"),
    ("## The $\\operatorname{KL}(p_T \\| q_T)$ term", "the-operatornameklptqt-term"),
    ("## $$E = mc^2$$ inline", "emc2-inline"),
    ("## 🔥", "section"),
    ("## ???", "section"),
    ("## 🔥 Hot takes 🔥", "hot-takes"),
    ("## -- dashes --", "dashes"),
    ("## Moving α and T", "moving-α-and-t"),
    ("## Why multiply by T²?", "why-multiply-by-t²"),
    ("## Температура и знания", "температура-и-знания"),
    ("## 知识蒸馏", "知识蒸馏"),
    ("## हिन्दी शीर्षक", "हिन्दी-शीर्षक"),
    ("## `kd-widget` blocks", "kd-widget-blocks"),
    ("## [Linked](x.md) *words* and ![a chart](c.png)", "linked-words-and-a-chart"),
    ("## snake_case names", "snake_case-names"),
    ("### Three levels", "three-levels"),
])
def test_a_heading_id_keeps_its_words_and_formulas(heading, id_):
    assert parse(heading)[0] == [id_]


@pytest.mark.parametrize("headings, ids", [
    (["## 🔥", "## 🚀", "## 🔥"], ["section", "section-2", "section-3"]),
    (["## Notes", "## Notes", "### Notes"], ["notes", "notes-2", "notes-3"]),
    (["## A", "## A", "## A 2"], ["a", "a-3", "a-2"]),
    (["## Main", "## Kd toc"], ["main-2", "kd-toc-2"]),
    (["## Why $T^2$?", "## Why T2"], ["why-t2", "why-t2-2"]),
])
def test_repeated_ids_get_the_next_free_suffix(headings, ids):
    assert parse("\n\n".join(headings))[0] == ids


def test_a_suffix_skips_a_widget_id_and_a_widget_clash_is_still_an_error():
    ids, record = parse("## Lab\n\n## Lab\n\n" + WIDGET.format(id="lab-2"))
    assert ids == ["lab", "lab-3"] and record.problems == []
    _, record = parse("## Kl demo\n\n" + WIDGET.format(id="kl-demo"))
    assert [p.message for p in record.problems] == [
        "widget distillation-viz: id 'kl-demo' is also the id of the heading at line 1"]


HEADINGS = ["## 🔥", "## 🔥", "## $T^2$", "## Why $T^2$?", "## -", "## Main", "## ---x---", "## section",
            "## Section 2", "## section", "## ✓ Done", "## 1", "## 1", "## _", "## Ünïcödé", "### $\\cdot$"]


def test_every_id_is_non_empty_unique_without_an_end_dash_and_stable():
    ids, record = parse("\n\n".join(HEADINGS))
    assert len(ids) == len(HEADINGS) and len(set(ids)) == len(ids)
    assert all(id_ and not id_.startswith("-") and not id_.endswith("-") and not re.search(r"\s", id_)
               for id_ in ids)
    assert "main" not in ids and record.problems == []
    assert parse("\n\n".join(HEADINGS))[0] == ids


def test_the_readme_examples_are_what_the_build_does():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"`(##+ [^`]+)`\s+is\s+`#([^`]+)`", readme)
    assert len(examples) >= 2
    for heading, id_ in examples:
        assert parse(heading)[0] == [id_]
    twice = re.search(r"\(`(##+ [^`]+)` twice: `#([^`]+)`, `#([^`]+)`\)", readme)
    assert parse(f"{twice[1]}\n\n{twice[1]}")[0] == [twice[2], twice[3]]


def test_a_wrong_anchor_is_an_error_that_names_the_real_id(tmp_path, monkeypatch, capsys):
    content = tmp_path / "content"
    content.mkdir()
    front = "---\ntitle: {0}\ndescription: D.\norder: {1}\n---\n\n"
    (content / "loss.md").write_text(front.format("Loss", 1) + "## Why $T^2$?\n\n## 🔥\n\nSee [why](#why-).\n")
    (content / "index.md").write_text(front.format("Start", 0) + "[a](loss.md#Why-T^2)\n\n[b](loss.md#-1)\n\n"
                                      "[c](loss.md#why-t2) and [d](loss.md#section)\n")
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    reported = [line.strip() for line in capsys.readouterr().err.splitlines()[1:]]
    assert reported == [
        "content/index.md:7: link to #Why-T^2: nothing on loss.md has that id — did you mean #why-t2?",
        "content/index.md:9: link to #-1: nothing on loss.md has that id — link to a ## or ### heading "
        "(its id is its text in lower case, spaces as -) or a widget's id",
        "content/loss.md:11: link to #why-: nothing on this page has that id — did you mean #why-t2?",
    ]
