"""What the Markdown extensions find on a page travels in one typed record, under one env key."""

import re
from pathlib import Path

from kdsite.content import gather_pages
from kdsite.markdown.parser import make_markdown
from kdsite.model import RECORD, Embed, FigureRef, Page, PageRecord, Ref, Widget

PACKAGE = Path(__file__).resolve().parents[2] / "kdsite"
PAGE = """# Page

## Why $T^2$?

A [link](other.md), ![a chart](c.png) and <sub>x</sub>.

```kd-widget distillation-viz
teacher: [0.7, 0.3]
student: [0.5, 0.5]
```

```kd-figure roofline
alt: A roofline.
```

```kd-embed
page: page
widget: distillation-viz-1
```

Bad math $\\frac{1}$ here.
"""


def test_a_parse_leaves_one_env_key_holding_a_typed_record():
    env = {}
    make_markdown().parse(PAGE, env)
    assert list(env) == [RECORD]
    record = env[RECORD]
    assert isinstance(record, PageRecord)
    assert [type(x) for x in (*record.widgets, *record.figures, *record.embeds, *record.links)] == \
        [Widget, FigureRef, Embed, Ref, Ref]
    assert record.ids == {"why-t2": 3, "distillation-viz-1": 7}
    assert [(p.line, p.message.split(":")[0]) for p in record.problems] == [(21, "math $\\frac{1}$")]
    assert [w.line for w in record.warnings] == [5]


def test_a_page_has_typed_fields_for_what_its_record_holds(tmp_path):
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    problems = []
    (page,) = gather_pages(tmp_path, problems)
    assert isinstance(page, Page)
    assert [w.id for w in page.widgets] == ["distillation-viz-1"]
    assert [f.name for f in page.figures] == ["roofline"] and [e.widget for e in page.embeds] == ["distillation-viz-1"]
    assert [ref.written for ref in page.links] == ["other.md", "c.png"]
    assert set(page.ids) == {"why-t2", "distillation-viz-1"}
    assert page.problems == problems and len(problems) == 1
    assert [w.line for w in page.warnings] == [5]


def test_no_module_reads_or_writes_an_env_string_key():
    # The record's one key is the only string key any module of kdsite puts in markdown-it's env.
    pattern = re.compile(r"""env(\.get|\.setdefault|\.pop)?\s*[\[(]\s*["']""")
    found = [f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) or "line_offset" in line]
    assert found == []
