"""Issue 13, item 9: layout at the edges. A class name of any length keeps its bars (the name
clamps, its whole text stays in the element and its title); a distillation-viz with hundreds
of classes draws the top ones plus one "other" row and says so, while data-kd-config keeps
every number and the page stays small."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from kdsite.core.states import compute_state
from kdsite.model import Widget
from kdsite.render import config_json, make_environment, render_widget
from kdsite.widgets import WIDGETS

PROJECT = Path(__file__).resolve().parents[2]
MAX_ROWS = 20  # rows drawn at most, the "other" row included
TOP_ROWS = MAX_ROWS - 1
LONG = "a class whose name goes on and on " * 4  # 136 characters
LONG = LONG.strip()


class _Tags(HTMLParser):
    """Every start tag as (tag, attributes), and the text inside each element with a title."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render(name: str, raw: dict) -> tuple[str, dict, dict]:
    """Return a widget's pre-rendered HTML, its validated config and its first state."""
    config, issues = WIDGETS[name].validate(raw)
    assert issues == []
    state = compute_state(name, config, {})
    widget = Widget(name=name, id="w", config=config, file=PROJECT / "content" / "x.md", line=1, state=state)
    return render_widget(make_environment(PROJECT / "templates"), widget), config, state


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


LONG_LABEL_WIDGETS = [
    ("distillation-viz", {"teacher": [0.6, 0.3, 0.1], "student": [0.5, 0.3, 0.2], "labels": ["cat", LONG, "fox"]}),
    ("loss-explorer", {"teacher_logits": [2, 1, 0], "student_logits": [1, 1, 0], "label": 1,
                       "labels": ["cat", LONG, "fox"]}),
    ("temperature-explorer", {"logits": [3, 1, 0], "labels": ["cat", LONG, "fox"]}),
    ("soft-labels", {"labels": ["cat", LONG, "fox"], "logits": [[3, 1, 0], [1, 3, 0], [0, 1, 3]]}),
    ("distill-steps", {"labels": ["cat", LONG, "fox"]}),
]


@pytest.mark.parametrize("name,raw", LONG_LABEL_WIDGETS)
def test_a_long_class_name_is_clamped_with_its_whole_text_kept(name, raw):
    html, _, _ = render(name, raw)
    named = [attrs for tag, attrs in tags(html) if attrs.get("title") == LONG]
    assert named, "no element carries the whole name in its title"
    assert all("kd-label" in attrs.get("class", "").split() for attrs in named)
    assert f">{LONG}<" in html  # the element's own text: what a screen reader reads


def many_classes(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {"teacher": rng.dirichlet(np.full(n, 0.3)).tolist(), "student": rng.dirichlet(np.full(n, 0.3)).tolist(),
            "labels": [f"class {i}" for i in range(n)]}


@pytest.mark.parametrize("n", [MAX_ROWS + 1, 100, 1000])
def test_many_classes_draw_the_top_rows_and_one_other_row(n):
    raw = many_classes(n)
    html, _, state = render("distillation-viz", raw)
    rows = [attrs for tag, attrs in tags(html) if tag == "li" and "kd-dv__row" in attrs.get("class", "")]
    assert len(rows) == MAX_ROWS
    indexed = [int(attrs["data-index"]) for attrs in rows if "data-index" in attrs]
    others = [attrs for attrs in rows if "data-kd-other" in attrs]
    assert len(indexed) == TOP_ROWS and len(others) == 1 and others[0]["data-kd-other"] == str(n - TOP_ROWS)
    # The rows are the classes most likely under either model, by their original index.
    score = np.maximum(np.array(raw["teacher"]) / sum(raw["teacher"]), np.array(raw["student"]) / sum(raw["student"]))
    assert sorted(indexed) == indexed and set(indexed) == set(np.argsort(-score, kind="stable")[:TOP_ROWS].tolist())
    # Bars: data-index is the class's own index; the other row's bars say how many they sum.
    bars = [attrs for tag, attrs in tags(html) if "data-kd-bar" in attrs]
    assert len(bars) == 2 * MAX_ROWS
    teacher = [float(a["data-value"]) for a in bars if a["data-kd-bar"] == "teacher"]
    assert sum(teacher) == pytest.approx(1.0, abs=1e-9)
    other = [a for a in bars if "data-kd-other" in a]
    assert len(other) == 2 and all("data-index" not in a for a in other)
    for attrs in bars:
        if "data-index" in attrs:
            bar = next(b for b in state["bars"] if b["index"] == int(attrs["data-index"]))
            assert attrs["data-value"] == bar[attrs["data-kd-bar"]]
    # It says so, on the page and to screen readers, and keeps every number in its config.
    assert f"the other {n - TOP_ROWS:,} share the last row" in html
    assert state["note"] in state["aria_label"]
    shown = json.loads(next(a["data-kd-config"] for t, a in tags(html) if "data-kd-config" in a))
    assert shown["teacher"] == raw["teacher"] and shown["student"] == raw["student"] and len(shown["labels"]) == n


def test_at_most_twenty_classes_draw_every_class():
    html, _, state = render("distillation-viz", many_classes(MAX_ROWS))
    assert state["other"] is None and state["note"] == ""
    assert html.count('data-kd-bar="teacher"') == MAX_ROWS and "data-kd-other" not in html


def markup_bytes(n: int) -> tuple[int, int]:
    """Return (bytes of the widget's HTML, bytes besides the numbers of its data-kd-config)."""
    html, config, _ = render("distillation-viz", many_classes(n))
    data = len(config_json(config).encode())
    escaped = html.count("&#34;") + html.count("&quot;")  # each JSON quote takes 5 bytes escaped
    return len(html.encode()), len(html.encode()) - data - 4 * escaped


def test_a_thousand_classes_make_a_small_page():
    total, markup = markup_bytes(1000)
    assert total < 120_000  # it was 3 MB
    assert markup < 32_000
    # Beyond the data, the markup no longer grows with the number of classes.
    assert markup - markup_bytes(MAX_ROWS + 1)[1] < 1_000
