"""The loss-explorer state, checked against independent scipy computations."""

import json
import math

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import log_softmax, softmax
from scipy.stats import entropy

from kdsite.core.states import compute_state, compute_state_json
from kdsite.core.states.loss_explorer import CURVE_POINTS, soft_gradient_norms
from kdsite.widgets import WIDGETS

RAW = {"teacher_logits": [6, 3.5, 2, -1, -2], "student_logits": [2, 1.5, 1.2, 0.3, -0.2], "label": 0,
       "labels": ["cat", "dog", "fox", "fish", "bird"]}


def config(**changes) -> dict:
    cfg, issues = WIDGETS["loss-explorer"].validate(dict(RAW, **changes))
    assert issues == []
    return cfg


def soft_term_unweighted(z, teacher, temperature) -> float:
    """T²·KL(p_T ‖ q_T), by scipy."""
    p = softmax(np.asarray(teacher) / temperature)
    q = softmax(np.asarray(z, dtype=float) / temperature)
    return temperature ** 2 * entropy(p, q)


def value(state, key) -> float:
    return float(state["readouts"][key]["value"])


@pytest.mark.parametrize("alpha,temperature", [(0.0, 1.0), (0.5, 4.0), (0.25, 0.5), (1.0, 20.0), (0.85, 7.3)])
def test_terms_total_and_shares_match_scipy(alpha, temperature):
    cfg = config()
    state = compute_state("loss-explorer", cfg, {"alpha": alpha, "temperature": temperature})
    soft = alpha * soft_term_unweighted(cfg["student_logits"], cfg["teacher_logits"], temperature)
    hard = (1 - alpha) * -log_softmax(cfg["student_logits"])[cfg["label"]]
    assert value(state, "loss-soft-term") == pytest.approx(soft, rel=1e-9, abs=1e-12)
    assert value(state, "loss-hard-term") == pytest.approx(hard, rel=1e-9, abs=1e-12)
    assert value(state, "loss-total") == pytest.approx(soft + hard, rel=1e-9)
    assert value(state, "share-soft") == pytest.approx(soft / (soft + hard), rel=1e-9, abs=1e-12)
    assert value(state, "share-hard") == pytest.approx(hard / (soft + hard), rel=1e-9, abs=1e-12)
    assert state["readouts"]["share-soft"]["text"] == f"{100 * soft / (soft + hard):.1f}%"
    assert value(state, "alpha") == alpha and value(state, "temperature") == temperature
    assert value(state, "one-minus-alpha") == pytest.approx(1 - alpha)
    p = softmax(np.asarray(cfg["teacher_logits"]) / temperature)
    q = softmax(np.asarray(cfg["student_logits"]) / temperature)
    assert [float(b["teacher"]) for b in state["bars"]] == pytest.approx(p, rel=1e-12)
    assert [float(b["student"]) for b in state["bars"]] == pytest.approx(q, rel=1e-12)
    assert value(state, "kl") == pytest.approx(entropy(p, q), rel=1e-9)


def test_first_state_defaults_and_text():
    state = compute_state("loss-explorer", config(), {})
    texts = {k: v["text"] for k, v in state["readouts"].items()}
    assert texts["temperature"] == "4.00" and texts["alpha"] == "0.50"
    assert (texts["loss-soft-term"], texts["loss-hard-term"], texts["loss-total"]) == ("1.027", "0.427", "1.454")
    assert (texts["share-soft"], texts["share-hard"]) == ("70.6%", "29.4%")
    assert state["aria_label"].startswith("Distillation loss at T = 4.00 and α = 0.50: soft term 1.027 (70.6%)")
    assert [b["true"] for b in state["bars"]] == [True, False, False, False, False]


def test_gradient_readouts_are_finite_difference_gradients_of_the_soft_term():
    cfg = config()
    for temperature in (0.5, 1.0, 3.0, 12.0):
        state = compute_state("loss-explorer", cfg, {"temperature": temperature})
        numeric = approx_fprime(np.array(cfg["student_logits"], dtype=float),
                                lambda z, t=temperature: soft_term_unweighted(z, cfg["teacher_logits"], t), 1e-7)
        assert value(state, "grad-scaled") == pytest.approx(np.linalg.norm(numeric), rel=1e-4)
        assert value(state, "grad-unscaled") == pytest.approx(np.linalg.norm(numeric) / temperature ** 2, rel=1e-4)
    one_hot = np.eye(5)[cfg["label"]]
    hard = np.linalg.norm(softmax(cfg["student_logits"]) - one_hot)
    assert value(state, "grad-hard") == pytest.approx(hard, rel=1e-12)


def test_t_squared_keeps_the_soft_gradient_steady_while_without_it_it_fades_like_one_over_t_squared():
    cfg = config()
    norms = {t: soft_gradient_norms(cfg, t) for t in (5.0, 10.0, 20.0)}
    # With T²: the gradient settles to a constant for large T.
    assert norms[20.0][0] == pytest.approx(norms[10.0][0], rel=0.02)
    assert norms[10.0][0] == pytest.approx(norms[5.0][0], rel=0.05)
    # Without it: doubling T divides the gradient by about four.
    assert norms[10.0][1] / norms[20.0][1] == pytest.approx(4.0, rel=0.03)
    assert norms[5.0][1] / norms[10.0][1] == pytest.approx(4.0, rel=0.06)
    # ... so at high T it is far below the hard term's gradient, which does not depend on T.
    hard = value(compute_state("loss-explorer", cfg, {}), "grad-hard")
    assert norms[20.0][1] < hard / 100 < norms[20.0][0]


def test_chart_has_both_curves_and_a_marker_at_the_current_temperature():
    cfg = config()
    chart = compute_state("loss-explorer", cfg, {"temperature": 2.0})["chart"]
    scaled = [tuple(map(float, p.split(","))) for p in chart["scaled"].split()]
    unscaled = [tuple(map(float, p.split(","))) for p in chart["unscaled"].split()]
    assert len(scaled) == len(unscaled) == CURVE_POINTS
    xs = [x for x, _ in scaled]
    assert xs == sorted(xs) and xs[0] == 44.0 and xs[-1] == 312.0
    # SVG y grows downwards: the unscaled curve falls (y rises) all the way at high T.
    assert [y for _, y in unscaled][-10:] == sorted(y for _, y in unscaled[-10:])
    # T = 2 sits at log(2/0.5)/log(40) of the axis.
    assert chart["marker"]["x"] == pytest.approx(44 + 268 * math.log(4) / math.log(40), abs=0.01)
    assert [t["text"] for t in chart["x_ticks"]] == ["0.5", "1", "2", "5", "10", "20"]
    assert chart["marker"]["scaled_y"] < chart["marker"]["unscaled_y"]  # T > 1: scaled is larger


def test_alpha_ends_switch_a_term_off():
    cfg = config()
    labels_only = compute_state("loss-explorer", cfg, {"alpha": 0.0})
    teacher_only = compute_state("loss-explorer", cfg, {"alpha": 1.0})
    assert value(labels_only, "loss-soft-term") == 0.0 and value(labels_only, "share-hard") == 1.0
    assert value(teacher_only, "loss-hard-term") == 0.0 and value(teacher_only, "share-soft") == 1.0


def test_identical_logits_with_alpha_one_have_no_shares_to_show():
    state = compute_state("loss-explorer", config(student_logits=RAW["teacher_logits"]), {"alpha": 1.0})
    assert value(state, "loss-total") == 0.0
    assert state["readouts"]["share-soft"] == {"value": "0.0", "text": "—"}
    assert "nan" not in json.dumps(state)


def test_labels_default_to_indices_and_json_round_trips():
    cfg = config()
    del cfg["labels"]
    state = compute_state("loss-explorer", cfg, {"alpha": 0.3})
    assert [b["label"] for b in state["bars"]] == ["0", "1", "2", "3", "4"]
    text = compute_state_json("loss-explorer", json.dumps(cfg), json.dumps({"alpha": 0.3}))
    assert json.loads(text) == state


def test_temperature_outside_the_range_is_refused():
    with pytest.raises(ValueError):
        compute_state("loss-explorer", config(), {"temperature": 25})


@pytest.mark.parametrize("changes,param", [
    ({"student_logits": [1, 2]}, "student_logits"),
    ({"labels": ["a", "b"]}, "labels"),
    ({"label": 5}, "label"),
    ({"label": -1}, "label"),
    ({"teacher_logits": [1, float("inf"), 2, 3, 4]}, "teacher_logits"),
    ({"temperature": 0.4}, "temperature"),
    ({"alpha": 1.2}, "alpha"),
])
def test_validation_names_the_bad_parameter(changes, param):
    _, issues = WIDGETS["loss-explorer"].validate(dict(RAW, **changes))
    assert [issue.param for issue in issues] == [param]
