"""Extreme but valid inputs never produce NaN: every widget's state at the ends of its ranges.

Each case is a raw widget block that the widget's spec accepts, and controls at the ends of
what its sliders can send (T at both ends, α = 0 and 1, the first and last step), with
identical distributions, zero probabilities, ties and huge or tiny numbers. A single class is
never valid: the build stops with a located error instead.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from kdsite.cli import main
from kdsite.core.states import compute_state_json, train_json
from kdsite.widgets import WIDGETS
from kdsite.widgets.distillation_viz import slider_step
from kdsite.widgets.loss_explorer import SPEC as LOSS_SPEC
from kdsite.widgets.soft_labels import TEMPERATURE as SOFT_T
from kdsite.widgets.temperature_explorer import LOG_RANGE
from kdsite.widgets.training_lab import STUDENT_LAYERS, TEACHER_LAYERS
from kdsite.widgets.training_lab import TEMPERATURE as LAB_T

# "inf" is the documented data-value of ∞ (a KL where the student gives zero to a class the
# teacher does not); anywhere else, and "nan" anywhere, it is a bug.
BAD_TOKEN = re.compile(r"nan|inf(inity)?", re.IGNORECASE)
WHOLE_INF = {"inf", "-inf"}


def assert_no_nan(text: str, where: str) -> None:
    """Fail if the state JSON `text` holds NaN or ±inf anywhere but an exact "inf" data-value."""
    def walk(value, path):
        if isinstance(value, float):
            assert math.isfinite(value), f"{where}: {path} = {value}"
        elif isinstance(value, str):
            if value in WHOLE_INF:
                return
            words = re.findall(r"[A-Za-z]+", value)
            bad = [w for w in words if BAD_TOKEN.fullmatch(w)]
            assert not bad, f"{where}: {path} = {value!r}"
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    # allow_nan=False in the state functions' JSON already refuses NaN and ±inf numbers.
    walk(json.loads(text), "state")


def valid(name: str, raw: dict) -> dict:
    """Return the validated config of a block the spec must accept."""
    config, issues = WIDGETS[name].validate(raw)
    assert not issues, issues
    return config


def check(name: str, raw: dict, controls_list: list[dict]) -> None:
    """Compute the state for each controls and check it."""
    config = valid(name, raw)
    for controls in controls_list:
        text = compute_state_json(name, json.dumps(config), json.dumps(controls))
        assert_no_nan(text, f"{name} {raw} {controls}")


PROBS = [
    ([0.7, 0.2, 0.1], [0.7, 0.2, 0.1]),  # identical
    ([0.5, 0.5], [0.5, 0.5]),  # identical ties
    ([1, 0, 0], [1, 0, 0]),  # identical one-hot
    ([1, 0, 0], [0.2, 0.3, 0.5]),  # zeros in the teacher
    ([0.5, 0.3, 0.2], [0, 0.5, 0.5]),  # zero in the student where the teacher has mass: KL = ∞
    ([0, 1], [1, 0]),  # disjoint
    ([1e-300, 1], [1, 1e-300]),  # tiny
    ([1e308, 1e308, 1], [1, 1e308, 5e-324]),  # huge: the sum overflows
]
TEMP_RANGES = [[0.5, 8.0], [1e-6, 1e6], [5e-324, 1.0], [1.0, 1e308]]


@pytest.mark.parametrize("teacher,student", PROBS)
@pytest.mark.parametrize("temp_range", TEMP_RANGES)
def test_distillation_viz(teacher, student, temp_range):
    low, high = temp_range
    raw = {"teacher": teacher, "student": student, "temp_range": temp_range, "temperature": low}
    check("distillation-viz", raw, [{}, {"temperature": low}, {"temperature": high},
                                    {"temperature": min(high, low + slider_step(low, high))}])


LOGITS = [
    [0.0, 0.0, 0.0],  # all equal
    [3.0, 3.0, -1.0],  # a tie at the top
    [50.0, -50.0],  # far apart
    [1e308, -1e308, 0.0],  # as far apart as a double allows
    [-1e308, -1e308],  # equal and huge
    [5e-324, 0.0],
]


@pytest.mark.parametrize("logits", LOGITS)
def test_temperature_explorer(logits):
    check("temperature-explorer", {"logits": logits, "temperature": 10.0},
          [{}, {"log_temperature": LOG_RANGE[0]}, {"log_temperature": LOG_RANGE[1]},
           {"temperature": 0.1}])


MATRICES = [
    [[1.0, 0.0], [0.0, 1.0]],
    [[1e-9, 0.0, 0.0], [0.0, 1e-9, 0.0], [0.0, 0.0, 1e-9]],  # almost identical rows
    [[1e308, -1e308], [-1e308, 1e308]],
    [[100.0, -100.0, 99.0], [-100.0, 100.0, 0.0], [0.0, 0.0, 1.0]],
]


@pytest.mark.parametrize("matrix", MATRICES)
def test_soft_labels(matrix):
    n = len(matrix)
    controls = [{"class": c, "temperature": t} for c in range(n) for t in SOFT_T]
    check("soft-labels", {"labels": [f"c{i}" for i in range(n)], "logits": matrix}, controls)


LOSS_LOGITS = [
    ([2.0, 1.0, 0.0], [2.0, 1.0, 0.0], 0),  # identical
    ([0.0, 0.0], [0.0, 0.0], 1),  # identical and flat
    ([50.0, -50.0, 0.0], [-50.0, 50.0, 0.0], 0),  # the student is sure of the wrong class
    ([1e308, -1e308], [-1e308, 1e308], 0),  # KL and CE overflow to ∞
    ([1e308, -1e308], [1e308, -1e308], 1),
]


@pytest.mark.parametrize("teacher,student,label", LOSS_LOGITS)
def test_loss_explorer(teacher, student, label):
    t_min, t_max = (LOSS_SPEC.extras({})[key] for key in ("t_min", "t_max"))
    controls = [{"temperature": t, "alpha": a} for t in (t_min, t_max) for a in (0.0, 1.0, 0.5)]
    check("loss-explorer", {"teacher_logits": teacher, "student_logits": student, "label": label}, controls)


@pytest.mark.parametrize("teacher_probs", [[1, 0, 0], [0.5, 0.5], [1, 1e-300], [1e308, 1e308, 0]])
@pytest.mark.parametrize("temperature,learning_rate", [(0.5, 10.0), (20.0, 10.0), (0.5, 0.01), (20.0, 0.01)])
def test_distill_steps(teacher_probs, temperature, learning_rate):
    steps = 200
    raw = {"teacher_probs": teacher_probs, "labels": [f"c{i}" for i in range(len(teacher_probs))],
           "temperature": temperature, "learning_rate": learning_rate, "steps": steps,
           "true_label": len(teacher_probs) - 1}
    check("distill-steps", raw, [{"step": 0}, {"step": 1}, {"step": steps}])


@pytest.mark.parametrize("temperature", LAB_T)
@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("layers", [(TEACHER_LAYERS[1], STUDENT_LAYERS[0]), (TEACHER_LAYERS[0], STUDENT_LAYERS[1])])
def test_training_lab_trained_to_the_end(temperature, alpha, layers):
    config = valid("training-lab", {"epochs": 10, "temperature": temperature, "alpha": alpha,
                                    "teacher_layers": layers[0], "student_layers": layers[1]})
    where = f"training-lab T={temperature} α={alpha} layers={layers}"
    assert_no_nan(compute_state_json("training-lab", json.dumps(config), "{}"), where)
    run = f"extreme-{temperature}-{alpha}-{layers}"
    for epochs in (0, 1, 9):
        assert_no_nan(train_json(run, json.dumps(config), "{}", epochs, epochs == 0), where)


def test_the_check_itself_catches_nan_and_stray_inf():
    with pytest.raises(AssertionError):
        assert_no_nan('{"text": "NaN%"}', "t")
    with pytest.raises(AssertionError):
        assert_no_nan('{"aria_label": "KL divergence inf nats"}', "t")
    assert_no_nan('{"value": "inf", "text": "∞", "label": "Information"}', "t")


SINGLE_CLASS = {
    "distillation-viz": ("teacher: [1.0]\nstudent: [1.0]", "teacher"),
    "temperature-explorer": ("logits: [2.0]", "logits"),
    "soft-labels": ("labels: [cat]\nlogits: [[1.0]]", "logits"),
    "loss-explorer": ("teacher_logits: [1.0]\nstudent_logits: [1.0]\nlabel: 0", "teacher_logits"),
    "distill-steps": ("teacher_probs: [1.0]\nlabels: [cat]", "teacher_probs"),
}


def test_a_single_class_is_a_located_build_error(tmp_path, monkeypatch, capsys):
    # training-lab has no classes to choose: its data set is fixed.
    assert set(SINGLE_CLASS) == set(WIDGETS) - {"training-lab"}
    lines = ["---", "title: One class", "description: d", "order: 0", "---", ""]
    expected = []
    for name, (body, param) in SINGLE_CLASS.items():
        lines += ["", f"```kd-widget {name}"]
        body_lines = body.splitlines()
        at = next(i for i, text in enumerate(body_lines) if text.startswith(f"{param}:"))
        expected.append((len(lines) + 1 + at, name, param))  # the error points at the parameter
        lines += [*body_lines, "```"]
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "one.md").write_text("\n".join(lines) + "\n")
    (tmp_path / "templates").symlink_to(Path(__file__).parents[2] / "templates")
    monkeypatch.chdir(tmp_path)

    assert main(["build"]) == 1

    err = capsys.readouterr().err
    assert "Traceback" not in err
    for line, name, param in expected:
        assert re.search(rf"one\.md:{line}: widget {name}: {param}: .*two or more", err), (name, err)
