"""The training lab's chart axes come from its Python state, and no page script words a number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kdsite.core.lab import LabRun, LabSettings
from kdsite.core.states.training_lab import CHARTS, TICKS, chart_axes, lab_state

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATE = PROJECT / "templates" / "widgets" / "training-lab.html"
# The scripts that put a widget's numbers on screen.
STATIC = PROJECT / "kdsite" / "static"
SCRIPTS = sorted((STATIC / "widgets").glob("*.js")) + [STATIC / "charts.js"]


def axes_for(top: float, epochs: int = 100) -> dict:
    """Return the loss chart's axes for curves whose largest value is `top`."""
    curves = {key: [0.0] for keys in CHARTS.values() for key in keys}
    curves["loss-total"] = [top, 0.0]
    return chart_axes(curves, epochs)["loss"]


@pytest.mark.parametrize(("top", "y_max", "texts"), [
    (0.0, 0.01, ["0", "0.01"]),  # nothing to show yet: one step
    (0.004, 0.01, ["0", "0.01"]),
    (0.3, 0.30000000000000004, ["0", "0.1", "0.2", "0.3"]),  # the text is 0.3, whatever 3 × 0.1 is
    (1.0, 1.0, ["0", "0.25", "0.5", "0.75", "1"]),  # a top on a tick is that tick
    (1.0000001, 1.5, ["0", "0.5", "1", "1.5"]),  # at most four steps
    (14.2, 15, ["0", "5", "10", "15"]),
    (4000, 4000, ["0", "1000", "2000", "3000", "4000"]),
    (4001, 4000.0 + 2000.0, ["0", "2000", "4000", "6000"]),  # beyond the list: 1, 2, 2.5, 5 × 10**k
    (3.3e7, 4e7, ["0", "10000000", "20000000", "30000000", "40000000"]),  # never an exponent
])
def test_y_axis_has_nice_steps_that_cover_the_curves(top, y_max, texts):
    axes = axes_for(top)
    assert axes["y_max"] == y_max
    assert [tick["text"] for tick in axes["y_ticks"]] == texts
    assert axes["y_ticks"][-1]["value"] == axes["y_max"] >= top


@pytest.mark.parametrize(("epochs", "texts"), [
    (10, ["0", "2", "4", "6", "8", "10"]),  # a step of 2.5 epochs ticks every 2
    (100, ["0", "25", "50", "75", "100"]),
    (500, ["0", "200", "400"]),
])
def test_x_axis_ticks_whole_epochs(epochs, texts):
    assert [tick["text"] for tick in axes_for(1.0, epochs)["x_ticks"]] == texts


def test_every_state_of_a_run_carries_axes_that_cover_its_curves():
    run = LabRun(LabSettings(epochs=12, temperature=9.0, alpha=0.3))
    for _ in range(run.settings.epochs + 1):
        state = lab_state(run)
        assert set(state["charts"]) == set(CHARTS)
        for chart, keys in CHARTS.items():
            axes = state["charts"][chart]
            values = [v for key in keys for v in state["curves"][key]]
            assert max(values) <= axes["y_max"]
            assert 2 <= len(axes["y_ticks"]) <= TICKS + 1
            assert [tick["value"] for tick in axes["x_ticks"]][0] == 0
        run.step()


def test_template_draws_each_chart_of_the_state_and_computes_no_scale():
    text = TEMPLATE.read_text(encoding="utf-8")
    assert set(re.findall(r'chart\("([^"]+)"', text)) == set(CHARTS)
    # The axes' numbers are the state's: no step list, no rounding of a top, no "%g" of a tick.
    for computed in ('"%g"', "ceil", "nice"):
        assert computed not in text


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_widget_script_words_a_number(script):
    """Text a reader sees (readouts, ticks, aria-valuetext) is Python's; a script may format a
    number only for an SVG attribute (geometry)."""
    for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("//")[0]
        assert not re.search(r"toPrecision\(|toLocaleString\(|Intl\.", code), f"{script.name}:{number}: {line}"
        if "toFixed(" in code:
            geometry = "setAttribute(" in code or "setAttr(" in code
            assert geometry, f"{script.name}:{number} formats a number for text: {line}"
