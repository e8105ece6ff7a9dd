"""Nothing an author writes becomes markup: every template autoescapes whatever its file name,
and widget parameters reach the page only as escaped JSON in data-kd-config."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kdsite.build import build
from kdsite.config import load_config
from kdsite.render import make_environment

PROJECT = Path(__file__).resolve().parents[2]
HOSTILE = "</script><script>alert(1)</script>\"' onmouseover=alert(2) x=\"&amp;"


class _Elements(HTMLParser):
    """Every start tag with its attributes, every data-kd-config, and the text."""

    def __init__(self):
        super().__init__()
        self.tags, self.configs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if "data-kd-config" in dict(attrs):
            self.configs.append(json.loads(dict(attrs)["data-kd-config"]))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(html)
    return parsed


@pytest.mark.parametrize("name", ["page.html", "page.html.j2", "widget.jinja", "notes.txt", "no-suffix"])
def test_every_template_autoescapes_whatever_its_name(tmp_path, name):
    (tmp_path / name).write_text('<p title="{{ value }}">{{ value }}</p>', encoding="utf-8")
    parsed = parse(make_environment(tmp_path).get_template(name).render(value=HOSTILE))
    # One element with one attribute, each holding the hostile text as plain text.
    assert parsed.tags == [("p", {"title": HOSTILE})]
    assert "".join(parsed.text) == HOSTILE


def test_widget_parameters_reach_the_page_only_as_escaped_json(tmp_path):
    labels = [HOSTILE, "b", "c"]
    page = ("---\ntitle: Start\ndescription: A page.\n---\n\n```kd-widget distillation-viz\n"
            f"teacher: [0.7, 0.2, 0.1]\nstudent: [0.5, 0.3, 0.2]\nlabels: {json.dumps(labels)}\n```\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text(page, encoding="utf-8")
    (tmp_path / "templates").symlink_to(PROJECT / "templates")
    parsed = parse((build(load_config(tmp_path)).output / "index.html").read_text(encoding="utf-8"))
    assert [c["labels"] for c in parsed.configs] == [labels]  # the exact text, back out of the JSON
    # No inline script but the site's own that begins the runtime's download (kdsite/render.py).
    inline = [attrs for tag, attrs in parsed.tags if tag == "script" and not attrs.get("src")]
    assert [list(attrs) for attrs in inline] == [["data-kd-runtime-download"]]
    assert "".join(parsed.text).count("kdsite.firstDownload") == 1
    assert not [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]
