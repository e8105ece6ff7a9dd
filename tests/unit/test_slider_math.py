"""Issue 13, item 4: every continuous slider starts exactly at the configured value, reaches
every value its readout can show, moves on every keyboard step, and never reads 0 for a
positive value; tiny KL and loss values read "< 0.001", never "0.000".

The maths lives in kdsite/core/slider.py; these tests check it directly, then through every
widget's spec, template attributes and state function."""

from __future__ import annotations

import math
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kdsite.content import gather_pages
from kdsite.core.display import number_text, small_fixed
from kdsite.core.slider import MAX_POSITIONS, make_slider
from kdsite.core.states import compute_state
from kdsite.model import Widget
from kdsite.render import make_environment, render_widget
from kdsite.widgets import WIDGETS

# (low, high, start): the issue's cases, then other members of the kind — tiny and huge
# ranges, starts off any round grid, starts at an end, and starts with many decimals.
SCALES = [
    (0.0001, 0.001, 0.0005),  # issue: step 0.01 could not move; "T = 0.00"
    (0.001, 1000.0, 1.0),  # issue: step 5, T = 1 unreachable
    (0.5, 8.0, 1.03),  # issue: thumb at 1.05, readout 1.03
    (0.5, 8.0, 1.0),
    (0.1, 10.0, 1.03),  # temperature-explorer's log range, off its old 0.01 grid
    (0.5, 20.0, 4.0),  # loss-explorer's T
    (0.5, 10.0, 1.037),  # soft-labels' T, three decimals
    (1.0, 10.0, 4.25),  # training-lab's T
    (0.0, 1.0, 0.5),  # α
    (0.0, 1.0, 0.125),
    (0.25, 10.0, 1.0),
    (1e-6, 1e-5, 3.3e-6),
    (1e-9, 1e9, 0.7),
    (0.001, 1000.0, 0.001),  # start at an end
    (0.001, 1000.0, 1000.0),
    (0.5, 10.0, 1.78125),  # too many decimals for a step of its own (over MAX_POSITIONS)
    (0.5, 8.0, 0.3333333333333333 + 1),
    (1e-300, 1.0, 1e-300),  # near the smallest normal double
    (1.0, 1e308, 1.0),
]


def positions(slider):
    """Return the input value (as the browser sends it) of every position, first to last."""
    attrs = slider.attributes()
    low, step = Decimal(attrs["min"]), Decimal(attrs["step"])
    return [float(low + i * step) for i in range(slider.positions)]


def display_values(slider, limit: int = 40_000) -> list[str] | None:
    """Return every text the readout can show for a value in the range (None if too many)."""
    if slider.log and slider.decimals < 0:
        texts = set()
        for exponent in range(math.floor(math.log10(slider.low)) - 1, math.ceil(math.log10(slider.high)) + 1):
            for mantissa in range(100, 1000):
                value = mantissa * 10.0 ** (exponent - 2)
                if slider.low <= value <= slider.high:
                    texts.add(slider.text(value))
                if len(texts) > limit:
                    return None
        return sorted(texts | {slider.text(slider.low), slider.text(slider.high)})
    unit = Decimal(1).scaleb(-slider.decimals)
    first = math.ceil(Decimal(repr(slider.low)) / unit)
    last = math.floor(Decimal(repr(slider.high)) / unit)
    if last - first > limit:
        return None
    return [slider.text(float(i * unit)) for i in range(first, last + 1)]


def unit_of(slider, text: str) -> float:
    """Return one unit of the text's last shown digit (3 significant digits: 1000 → 10)."""
    if slider.log and slider.decimals < 0:
        return 10.0 ** (Decimal(text).adjusted() - 2)
    return 10.0 ** -len(text.partition(".")[2])


@pytest.mark.parametrize("low,high,start", SCALES)
def test_first_position_is_exactly_the_configured_value(low, high, start):
    slider = make_slider(low, high, start)
    attrs = slider.attributes()
    assert slider.value_at(float(attrs["value"])) == start
    assert slider.value_at(float(attrs["min"])) == low
    assert slider.value_at(float(attrs["max"])) == high
    # The browser keeps a value only if it lies on min + k·step (in decimal arithmetic).
    span = (Decimal(attrs["value"]) - Decimal(attrs["min"])) / Decimal(attrs["step"])
    assert span == span.to_integral_value()
    span = (Decimal(attrs["max"]) - Decimal(attrs["min"])) / Decimal(attrs["step"])
    assert span == span.to_integral_value() and int(span) + 1 == slider.positions
    assert attrs["data-kd-scale"] == ("log" if low > 0 and high / low > 20 else "linear")


@pytest.mark.parametrize("low,high,start", SCALES)
def test_every_keyboard_step_moves_and_no_positive_value_reads_zero(low, high, start):
    slider = make_slider(low, high, start)
    if not slider.log:
        assert slider.positions <= MAX_POSITIONS + 2
    every = positions(slider)
    # Both ends, and neighbouring pairs spread over the middle of a long slider.
    stride = max(1, len(every) // 5000)
    picked = sorted({*range(min(3000, len(every))), *range(max(0, len(every) - 3000), len(every)),
                     *(j for i in range(0, len(every) - 1, stride) for j in (i, i + 1))})
    values = [slider.value_at(every[i]) for i in picked]
    steps = [(a, b) for (i, a), (j, b) in zip(zip(picked, values), zip(picked[1:], values[1:])) if j == i + 1]
    assert steps and all(a < b for a, b in steps), "a keyboard step does not move the value"
    for value in values:
        text = slider.text(value)
        if value > 0:
            assert float(text) > 0, f"{value} reads {text}"
            unit = unit_of(slider, text)
            assert abs(float(text) - value) <= unit / 2 * (1 + 1e-9) + abs(value) * 1e-15, (value, text)


@pytest.mark.parametrize("low,high,start", SCALES)
def test_every_value_the_readout_can_show_is_reachable(low, high, start):
    slider = make_slider(low, high, start)
    wanted = display_values(slider)
    if wanted is None:
        pytest.skip("too many display values to list")
    reached = {slider.text(slider.value_at(p)) for p in positions(slider)}
    missing = [text for text in wanted if text not in reached]
    assert not missing, f"{len(missing)} values cannot be set, e.g. {missing[:5]}"


@pytest.mark.parametrize("low,high,start", [(0.001, 1000.0, 1.0), (0.1, 10.0, 1.0), (0.5, 20.0, 4.0)])
def test_log_readout_changes_within_a_dozen_steps(low, high, start):
    slider = make_slider(low, high, start)
    step = float(slider.attributes()["step"])
    texts = [slider.text(slider.value_at(i * step)) for i in range(13)]
    assert texts[0] == slider.text(start) and texts[-1] != texts[0]


def test_issue_examples_read_as_configured():
    assert make_slider(0.0001, 0.001, 0.0005).text(0.0005) == "0.00050"
    assert make_slider(0.0001, 0.001, 0.0005).attributes()["step"] == "0.00001"
    huge = make_slider(0.001, 1000.0, 1.0)
    assert huge.log and huge.text(1.0) == "1.00" and huge.text(0.001) == "0.00100" and huge.text(1000.0) == "1000"
    assert make_slider(1.0, 1e6, 1.0).text(12345.0) == "12300"
    default = make_slider(0.5, 8.0, 1.03)
    assert default.attributes()["value"] == "1.03" and default.attributes()["step"] == "0.01"


def test_number_text_never_reads_zero_for_a_nonzero_value():
    for x in (1e-300, 5e-324, 0.0004, 0.004999, 1e-9):
        assert float(number_text(x)) != 0
    assert number_text(0.0) == "0.00"
    assert number_text(1.78125, 4) == "1.7813"  # half up, from the decimal text


@pytest.mark.parametrize("x,digits,text", [(0.0004, 3, "< 0.001"), (1e-300, 3, "< 0.001"), (0.0, 3, "0.000"),
                                           (0.00049, 3, "< 0.001"), (0.0006, 3, "0.001"), (4e-5, 4, "< 0.0001"),
                                           (math.inf, 3, "∞"), (0.0917, 3, "0.092")])
def test_small_values_read_as_less_than_the_last_digit(x, digits, text):
    assert small_fixed(x, digits) == text


# ---- through every widget: spec → slider attributes → state ---------------------------

WIDGET_CASES = [
    ("distillation-viz", {"teacher": [0.7, 0.2, 0.1], "student": [0.5, 0.3, 0.2], "temperature": 0.0005,
                          "temp_range": [0.0001, 0.001]}, "slider", "temperature"),
    ("distillation-viz", {"teacher": [0.7, 0.2, 0.1], "student": [0.5, 0.3, 0.2], "temperature": 1,
                          "temp_range": [0.001, 1000]}, "slider", "temperature"),
    ("distillation-viz", {"teacher": [0.7, 0.2, 0.1], "student": [0.5, 0.3, 0.2], "temperature": 1.03},
     "slider", "temperature"),
    ("temperature-explorer", {"logits": [3, 1, -0.5], "temperature": 1.03}, "slider", "temperature"),
    ("soft-labels", {"labels": ["a", "b"], "logits": [[2, 0], [0, 2]], "temperature": 1.037}, "slider", "temperature"),
    ("loss-explorer", {"teacher_logits": [2, 1, 0], "student_logits": [1, 1, 0], "label": 0, "temperature": 3.3},
     "sliders.temperature", "temperature"),
    ("loss-explorer", {"teacher_logits": [2, 1, 0], "student_logits": [1, 1, 0], "label": 0, "alpha": 0.123},
     "sliders.alpha", "alpha"),
    ("training-lab", {"epochs": 10, "temperature": 4.25}, "sliders.temperature", "temperature"),
    ("training-lab", {"epochs": 10, "alpha": 0.37}, "sliders.alpha", "alpha"),
]


def attributes(extras: dict, path: str) -> dict:
    for key in path.split("."):
        extras = extras[key]
    return extras


@pytest.mark.parametrize("name,raw,path,control", WIDGET_CASES)
def test_widget_slider_starts_at_the_configured_value(name, raw, path, control):
    spec = WIDGETS[name]
    config, issues = spec.validate(raw)
    assert issues == []
    attrs = attributes(spec.extras(config), path)
    first = compute_state(name, config, {})
    # What the browser sends for the slider's first position is the configured value.
    sent = compute_state(name, config, {f"{control}_position": float(attrs["value"])})
    assert sent["controls"][control] == first["controls"][control]
    assert float(first["controls"][control]["value"]) == config[control]
    assert float(first["controls"][control]["text"]) > 0 or config[control] == 0
    # One keyboard step up changes the value; the text is the same function's.
    step = compute_state(name, config, {f"{control}_position": float(attrs["value"]) + float(attrs["step"])})
    assert float(step["controls"][control]["value"]) > config[control]


def test_tiny_kl_reads_less_than_not_zero_in_every_widget():
    near = {"teacher": [0.5, 0.5], "student": [0.5 + 1e-4, 0.5 - 1e-4]}
    dv = compute_state("distillation-viz", WIDGETS["distillation-viz"].validate(near)[0], {})
    assert dv["readouts"]["kl"]["text"] == "< 0.001" and "KL divergence < 0.001 nats" in dv["aria_label"]
    le_config = WIDGETS["loss-explorer"].validate({"teacher_logits": [1, 0], "student_logits": [1.0001, 0],
                                                    "label": 0, "alpha": 1.0})[0]
    le = compute_state("loss-explorer", le_config, {})
    assert le["readouts"]["kl"]["text"] == "< 0.001"
    assert le["readouts"]["loss-soft-term"]["text"] == "< 0.001"
    assert all(r["text"] != "0.000" or float(r["value"]) == 0 for r in le["readouts"].values())


# ---- data-kd-start: a log slider names its start, so a host page can place a value on it ----

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("low,high,start", SCALES)
def test_a_log_slider_carries_its_exact_start(low, high, start):
    slider = make_slider(low, high, start)
    attrs = slider.attributes()
    if not slider.log:
        assert "data-kd-start" not in attrs  # a linear slider's value is the quantity itself
        return
    # The text reads back as the very double (as JavaScript's Number() reads it), which is
    # the quantity at position 0.
    assert attrs["data-kd-start"] == repr(start) and float(attrs["data-kd-start"]) == start
    assert slider.value_at(0.0) == float(attrs["data-kd-start"])
    # The ends: what min and max read as, exactly (a host page snaps a value there by them).
    assert float(attrs["data-kd-low"]) == slider.value_at(float(attrs["min"])) == low
    assert float(attrs["data-kd-high"]) == slider.value_at(float(attrs["max"])) == high


class _RangeInputs(HTMLParser):
    """The attributes of every <input type="range"> in a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "range":
            self.inputs.append(attrs)


def _site_widgets() -> list[tuple[str, dict]]:
    """Return (name, validated config) of every widget on the project's pages."""
    problems = []
    pages = gather_pages(PROJECT / "content", problems)
    assert problems == []
    return [(w.name, w.config) for page in pages for w in page.widgets]


def _case_widgets() -> list[tuple[str, dict]]:
    cases = []
    for name, raw, _path, _control in WIDGET_CASES:
        config, issues = WIDGETS[name].validate(raw)
        assert issues == []
        cases.append((name, config))
    return cases


def test_every_log_slider_of_every_widget_carries_its_start_in_the_page():
    env = make_environment(PROJECT / "templates")
    seen = set()
    for name, config in _case_widgets() + _site_widgets():
        widget = Widget(name=name, id="w", config=config, file="x.md", line=1,
                        state=compute_state(name, config, {}))
        parser = _RangeInputs()
        parser.feed(render_widget(env, widget))
        for attrs in parser.inputs:
            control = attrs["data-kd-control"]
            if attrs.get("data-kd-scale") != "log":
                assert "data-kd-start" not in attrs, (name, control)
                continue
            seen.add(name)
            # The configured value is where the slider starts (test_widget_slider_starts_at_the_configured_value).
            assert attrs.get("data-kd-start") == repr(float(config[control])), (name, control, attrs)
            assert float(attrs["data-kd-start"]) == config[control]
    # The widgets whose sliders are logarithmic here: temperature-explorer and loss-explorer
    # always, distillation-viz with a wide temp_range.
    assert seen == {"temperature-explorer", "loss-explorer", "distillation-viz"}
