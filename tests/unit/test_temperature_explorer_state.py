"""The temperature-explorer state function and parameters, against scipy and the seed's numbers."""

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

SPEC = WIDGETS["temperature-explorer"]
SEED = {"logits": [3, 1, -0.5], "labels": ["dog", "wolf", "cat"]}


def config(**raw):
    """Return a validated config, failing the test on any issue."""
    validated, issues = SPEC.validate(raw)
    assert issues == []
    return validated


def probs(state):
    return np.array([float(bar["value"]) for bar in state["bars"]])


def test_seed_004_example_at_t1_and_t10():
    c = config(**SEED)
    at1 = compute_state("temperature-explorer", c, {})
    at10 = compute_state("temperature-explorer", c, {"log_temperature": 1})
    assert [bar["text"] for bar in at1["bars"]] == ["85.8%", "11.6%", "2.6%"]
    assert [bar["text"] for bar in at10["bars"]] == ["39.6%", "32.4%", "27.9%"]
    assert [bar["label"] for bar in at1["bars"]] == ["dog", "wolf", "cat"]
    h1, h10 = (float(s["readouts"]["entropy"]["value"]) for s in (at1, at10))
    assert h10 > 2 * h1
    assert at1["readouts"]["entropy"]["text"] == "0.476"
    assert at10["readouts"]["entropy"]["text"] == "1.088"
    assert at10["readouts"]["temperature"] == {"value": "10.0", "text": "10.00"}


@pytest.mark.parametrize("position", [-1, -0.5, -0.01, 0, 0.37, 0.5, 1])
def test_matches_scipy_at_slider_positions(position):
    c = config(**SEED)
    state = compute_state("temperature-explorer", c, {"log_temperature": position})
    t = 10.0 ** position
    expected = softmax(np.array(SEED["logits"], dtype=float) / t)
    np.testing.assert_allclose(probs(state), expected, rtol=1e-12, atol=1e-300)
    readouts = state["readouts"]
    assert float(readouts["temperature"]["value"]) == pytest.approx(t, rel=1e-15)
    assert readouts["temperature"]["text"] == f"{t:.2f}"
    assert float(readouts["max-prob"]["value"]) == pytest.approx(expected.max(), rel=1e-12)
    assert readouts["max-prob"]["text"] == f"{100 * expected.max():.1f}%"
    assert float(readouts["entropy"]["value"]) == pytest.approx(entropy(expected), rel=1e-9, abs=1e-15)
    assert float(state["controls"]["temperature"]["position"]) == pytest.approx(position, abs=1e-12)
    for bar, z in zip(state["bars"], SEED["logits"]):
        assert float(bar["scaled"]) == pytest.approx(z / t, rel=1e-12)


def test_temperature_control_and_config_default():
    c = config(**SEED, temperature=2.5)
    assert compute_state("temperature-explorer", c, {}) == compute_state(
        "temperature-explorer", c, {"temperature": 2.5})
    state = compute_state("temperature-explorer", c, {})
    assert state["readouts"]["temperature"]["text"] == "2.50"
    assert state["regime"]["key"] == "flatten"
    assert compute_state("temperature-explorer", c, {"log_temperature": -0.5})["regime"]["key"] == "sharpen"
    assert compute_state("temperature-explorer", c, {"log_temperature": 0})["regime"]["key"] == "plain"


def test_aria_label_and_default_labels():
    c = config(logits=[0, 0])
    state = compute_state("temperature-explorer", c, {})
    assert [bar["label"] for bar in state["bars"]] == ["0", "1"]
    assert state["aria_label"] == ("Softmax of the logits at temperature 1.00: 0 50.0%, 1 50.0%. "
                                   "Entropy 0.693 nats of at most 0.693.")


def test_extreme_logits_stay_finite_and_never_show_minus_zero():
    c = config(logits=[1000, 0, -1000])
    state = compute_state("temperature-explorer", c, {"log_temperature": -1})
    assert state["readouts"]["entropy"] == {"value": "0.0", "text": "0.000"}
    assert state["readouts"]["max-prob"]["text"] == "100.0%"
    json.dumps(state, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=8), st.floats(-1, 1))
def test_any_logits_give_a_distribution_matching_scipy(logits, position):
    c = config(logits=logits)
    state = compute_state("temperature-explorer", c, {"log_temperature": position})
    p = probs(state)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(p, softmax(np.array(logits) / 10.0 ** position), rtol=1e-9, atol=1e-15)
    h = float(state["readouts"]["entropy"]["value"])
    assert 0 <= h <= math.log(len(logits)) + 1e-12


def test_json_entry_point_round_trips():
    c = config(**SEED)
    text = compute_state_json("temperature-explorer", json.dumps(c), json.dumps({"log_temperature": 0.25}))
    assert json.loads(text) == compute_state("temperature-explorer", c, {"log_temperature": 0.25})


@pytest.mark.parametrize(("raw", "message"), [
    ({"logits": [1]}, "logits: [1] is not a list of two or more numbers"),
    ({"logits": [1, "a"]}, "logits: 'a' is not a number"),
    ({"logits": [1, float("inf")]}, "logits: inf is not a finite number"),
    ({"logits": [1, 2], "labels": ["a"]}, "labels has 1 names but logits has 2 entries"),
    ({"logits": [1, 2], "temperature": 20}, "temperature: 20 is not between 0.1 and 10"),
    ({"logits": [1, 2], "temperature": 0.05}, "temperature: 0.05 is not between 0.1 and 10"),
])
def test_bad_parameters_are_reported(raw, message):
    _, issues = SPEC.validate(raw)
    assert [issue.message for issue in issues] == [message]
