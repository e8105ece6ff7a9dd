"""The soft-labels state function and parameters, against scipy."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from scipy.stats import entropy

from kdsite.core.states import compute_state, compute_state_json
from kdsite.widgets import WIDGETS

SPEC = WIDGETS["soft-labels"]
LABELS = ["cat", "dog", "fox", "car", "truck"]
LOGITS = [[6.0, 3.5, 3.0, -1.0, -1.5],
          [3.2, 6.0, 3.6, -1.2, -1.0],
          [3.4, 3.8, 6.0, -1.5, -1.8],
          [-1.0, -0.8, -1.5, 6.0, 4.2],
          [-1.5, -1.0, -1.8, 4.5, 6.0]]


def config(**extra):
    validated, issues = SPEC.validate({"labels": LABELS, "logits": LOGITS, **extra})
    assert issues == []
    return validated


def column(state, kind):
    return np.array([float(bar[kind]) for bar in state["bars"]])


def test_defaults_are_class_0_at_t2():
    c = config()
    assert c["class"] == 0 and c["temperature"] == 2.0
    state = compute_state("soft-labels", c, {})
    assert state["class"] == {"index": 0, "label": "cat"}
    assert state["readouts"]["temperature"] == {"value": "2.0", "text": "2.00"}


@pytest.mark.parametrize("chosen", range(5))
@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0, 4.7, 10.0])
def test_every_number_matches_scipy(chosen, temperature):
    state = compute_state("soft-labels", config(), {"class": chosen, "temperature": temperature})
    row = np.array(LOGITS[chosen])
    soft, plain = softmax(row / temperature), softmax(row)
    hard = np.eye(5)[chosen]
    np.testing.assert_allclose(column(state, "soft"), soft, rtol=1e-12)
    np.testing.assert_allclose(column(state, "t1"), plain, rtol=1e-12)
    np.testing.assert_array_equal(column(state, "hard"), hard)
    assert [bar["chosen"] for bar in state["bars"]] == list(hard == 1)
    # The logits shown are the teacher's raw ones: T never changes them.
    assert [float(item["value"]) for item in state["logits"]] == list(row)
    r = state["readouts"]
    assert r["entropy-bits-hard"] == {"value": "0.0", "text": "0.00"}
    assert float(r["entropy-bits-soft"]["value"]) == pytest.approx(entropy(soft, base=2), rel=1e-12)
    assert float(r["entropy-bits-soft"]["value"]) == pytest.approx(entropy(soft) / math.log(2), rel=1e-12)
    assert r["entropy-bits-soft"]["text"] == f"{entropy(soft, base=2):.2f}"
    assert float(r["entropy-bits-t1"]["value"]) == pytest.approx(entropy(plain, base=2), rel=1e-12)
    assert float(r["max-prob"]["value"]) == pytest.approx(soft.max(), rel=1e-12)
    assert r["max-prob"]["text"] == f"{100 * soft.max():.1f}%"
    assert float(r["temperature"]["value"]) == temperature
    # Most similar: every other class, by soft probability, largest first.
    others = [i for i in np.argsort(-soft, kind="stable") if i != chosen]
    assert [item["index"] for item in state["similar"]] == others
    assert [item["label"] for item in state["similar"]] == [LABELS[i] for i in others]
    assert [float(item["value"]) for item in state["similar"]] == pytest.approx(list(soft[others]), rel=1e-12)


def test_cat_resembles_dog_and_fox_before_vehicles_and_logits_do_not_move_with_t():
    c = config()
    cold = compute_state("soft-labels", c, {"class": 0, "temperature": 1})
    hot = compute_state("soft-labels", c, {"class": 0, "temperature": 8})
    assert [item["label"] for item in hot["similar"]] == ["dog", "fox", "car", "truck"]
    assert [item["label"] for item in cold["similar"]] == [item["label"] for item in hot["similar"]]
    assert cold["logits"] == hot["logits"]
    assert [item["label"] for item in compute_state("soft-labels", c, {"class": 4})["similar"]][0] == "car"
    assert float(hot["readouts"]["entropy-bits-soft"]["value"]) > float(cold["readouts"]["entropy-bits-soft"]["value"])


def test_aria_label():
    state = compute_state("soft-labels", config(), {"class": 3, "temperature": 2})
    assert state["aria_label"] == (
        "Labels for an input of class car. The hard label puts 100% on car and carries 0.00 bits. "
        "The teacher's soft label at temperature 2.00 gives car 66.9%, then truck 27.2%, dog 2.2%, "
        "cat 2.0%, fox 1.6%; it carries 1.23 bits.")


@pytest.mark.parametrize("bad", [5, -1, 1.5, True])
def test_a_bad_class_control_is_refused(bad):
    with pytest.raises(ValueError):
        compute_state("soft-labels", config(), {"class": bad})


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 7), st.data(), st.floats(0.5, 10))
def test_any_valid_teacher(n, data, temperature):
    rows = [data.draw(st.lists(st.floats(-20, 20), min_size=n, max_size=n)) for _ in range(n)]
    for i, row in enumerate(rows):  # make each row peak at its own class
        row[i] = max(row) + 1.0
    chosen = data.draw(st.integers(0, n - 1))
    validated, issues = SPEC.validate({"labels": [f"c{i}" for i in range(n)], "logits": rows,
                                       "temperature": temperature, "class": chosen})
    assert issues == []
    state = compute_state("soft-labels", validated, {})
    soft = softmax(np.array(rows[chosen]) / temperature)
    np.testing.assert_allclose(column(state, "soft"), soft, rtol=1e-9, atol=1e-15)
    assert 0 <= float(state["readouts"]["entropy-bits-soft"]["value"]) <= math.log2(n) + 1e-12
    json.dumps(state, allow_nan=False)


def test_json_entry_point_round_trips():
    c = config()
    controls = {"class": 2, "temperature": 3.3}
    text = compute_state_json("soft-labels", json.dumps(c), json.dumps(controls))
    assert json.loads(text) == compute_state("soft-labels", c, controls)


@pytest.mark.parametrize(("raw", "messages"), [
    ({"logits": [[2, 1], [1, 2, 0]]},
     ["logits: row 1 has 3 logits but there are 2 rows; each row needs one logit per class"]),
    ({"logits": [[2, 1], 3]}, ["logits: row 1 (3) is not a list of numbers"]),
    ({"logits": [[2, ".nan"], [1, 2]]}, ["logits: row 0: '.nan' is not a number"]),
    ({"logits": [[2, float("nan")], [1, 2]]}, ["logits: row 0: nan is not a finite number"]),
    ({"logits": [[2, 1], [3, 2]]}, ["logits: row 1 (b): its own logit 2 is not the largest (a has 3)"]),
    ({"logits": [[2, 2], [1, 2]]}, ["logits: row 0 (a): its own logit 2 is not the largest (b has 2)"]),
    ({"logits": [[2, 1], [1, 2]], "class": 2}, ["class 2 is not a class index (there are 2 classes)"]),
    ({"logits": [[2, 1], [1, 2]], "class": -1}, ["class: -1 is negative"]),
    ({"logits": [[2, 1], [1, 2]], "temperature": 0.2}, ["temperature: 0.2 is not between 0.5 and 10"]),
    ({"logits": [[2, 1], [1, 2]], "labels": ["a"]}, ["labels has 1 names but logits has 2 rows"]),
])
def test_bad_parameters_are_reported(raw, messages):
    _, issues = SPEC.validate({"labels": ["a", "b"], **raw})
    assert [issue.message for issue in issues] == messages
