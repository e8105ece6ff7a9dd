"""A test site whose one page holds every widget with extreme but valid parameters, and
helpers to compare what a widget shows with the state CPython computes."""

from __future__ import annotations

import json
from pathlib import Path

from kdsite.build import build
from kdsite.config import load_config
from kdsite.core.states import compute_state

PROJECT = Path(__file__).resolve().parents[2]

# Zeros (one that makes the KL ∞), identical distributions, ties, a near-zero logit, and a
# training run short enough to play 50 times, long enough that keeping every state it sends
# would take more than 20 MB (test_stress.py).
PAGE = """---
title: Every widget
description: Every widget at the edges of its parameters.
order: 0
---

# Every widget

```kd-widget distillation-viz
id: dv
teacher: [1, 0, 0]
student: [0, 0.5, 0.5]
```

```kd-widget distillation-viz
id: same
teacher: [0.6, 0.3, 0.1]
student: [0.6, 0.3, 0.1]
temp_range: [0.01, 100]
```

```kd-widget temperature-explorer
id: te
logits: [40, 40, -40]
```

```kd-widget soft-labels
id: sl
labels: [cat, dog]
logits: [[30, -30], [0, 1.0e-9]]
```

```kd-widget loss-explorer
id: le
teacher_logits: [2, 1, 0]
student_logits: [2, 1, 0]
label: 2
```

```kd-widget distill-steps
id: ds
teacher_probs: [1, 0, 0]
steps: 200
learning_rate: 10
```

```kd-widget training-lab
id: lab
epochs: 20
```
"""

# Every slider of every widget on the page, as (widget id, control).
SLIDERS = [("dv", "temperature"), ("same", "temperature"), ("te", "temperature"),
           ("sl", "temperature"), ("le", "alpha"), ("le", "temperature"), ("ds", "step"),
           ("lab", "temperature"), ("lab", "alpha")]


def build_widget_site(folder: Path) -> Path:
    """Build the every-widget project in `folder` and return its output directory."""
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "index.md").write_text(PAGE)
    (folder / "templates").symlink_to(PROJECT / "templates")
    output = folder / "_site"
    build(load_config(folder, output=output))
    return output


# Each widget's controls as its module sends them (see kdsite/static/widgets/<name>.js): a
# continuous slider (data-kd-scale, kdsite/core/slider.py) as {<control>_position}, any other
# control by its value; the lab's test point is not a setting.
READ_CONTROLS = """(root) => {
  const controls = {};
  for (const el of root.querySelectorAll("[data-kd-control]")) {
    const name = el.dataset.kdControl;
    if (el.dataset.kdScale) controls[`${name}_position`] = Number(el.value);
    else if (name !== "point") controls[name] = Number(el.value);
  }
  return controls;
}"""


def expected_labels(page) -> dict[str, str]:
    """Return, by widget id, the aria-label CPython computes for the controls shown now."""
    widgets = page.eval_on_selector_all(
        "[data-kd-widget]",
        f"(roots) => roots.map((root) => [root.id, root.dataset.kdWidget, root.dataset.kdConfig, "
        f"({READ_CONTROLS})(root)])")
    return {wid: compute_state(name, json.loads(config), controls)["aria_label"]
            for wid, name, config, controls in widgets}


def wait_for_labels(page, expected: dict[str, str], timeout: int = 60_000) -> None:
    """Wait until every widget's aria-label is the expected one: its last state has arrived."""
    page.wait_for_function(
        "(want) => Object.entries(want).every(([id, label]) => "
        "document.getElementById(id).getAttribute('aria-label') === label)",
        arg=expected, timeout=timeout)
