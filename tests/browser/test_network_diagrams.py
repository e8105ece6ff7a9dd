"""Issue 17 item 1: both copies of the training lab draw the teacher and the student as layers of
units, redrawn from Python's state (state.diagrams) when a hidden-layer select changes."""

from __future__ import annotations

import pytest

from kdsite.core.mlp import layer_sizes, parameter_count
from kdsite.core.network_diagram import describe_sizes
from kdsite.core.training import STUDENT_WIDTH, TEACHER_WIDTH

WIDTH = {"teacher": TEACHER_WIDTH, "student": STUDENT_WIDTH}


def _shown(lab, key):
    """Return (units of each [data-kd-layer], the text alternative) of one diagram."""
    diagram = lab.locator(f'[data-kd-diagram="{key}"]')
    units = diagram.locator("[data-kd-layer]").evaluate_all("(els) => els.map((e) => Number(e.dataset.units))")
    return units, diagram.locator("svg").get_attribute("aria-label")


def _expected(key, hidden):
    sizes = layer_sizes(2, hidden, WIDTH[key], 5)
    return sizes, describe_sizes(key.title(), sizes, parameter_count(sizes))


@pytest.mark.parametrize("page_name", ["training.html", "compression.html"])
def test_diagrams_follow_the_layer_selects(page, site_url, page_name):
    page.goto(site_url + page_name)
    lab = page.locator('[data-kd-widget="training-lab"]').first
    for key in ("teacher", "student"):  # pre-rendered
        hidden = int(lab.locator(f'select[data-kd-control="{key}-layers"]').input_value())
        assert _shown(lab, key) == _expected(key, hidden)
    lab.locator("xpath=self::*[@data-kd-state='ready']").wait_for(timeout=120_000)
    for key in ("teacher", "student"):
        select = lab.locator(f'select[data-kd-control="{key}-layers"]')
        for hidden in [int(v) for v in select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")]:
            select.select_option(str(hidden))
            sizes, label = _expected(key, hidden)
            lab.locator(f'[data-kd-diagram="{key}"] svg[aria-label="{label}"]').wait_for(timeout=60_000)
            assert _shown(lab, key) == (sizes, label)
