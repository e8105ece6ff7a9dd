"""The distill-steps state, checked against published numbers and an independent scipy run."""

import json

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import softmax
from scipy.stats import entropy

from kdsite.core.states import compute_state, compute_state_json
from kdsite.core.states.distill_steps import initial_student_logits
from kdsite.widgets import WIDGETS

# The soft targets the glossary-site visualiser publishes for teacher [0.897, 0.081, 0.022] at
# T = 3. Those inputs are themselves rounded to three decimals, so the percentages we compute
# from them may differ in the first decimal: 57.50 % rather than 57.4 %.
PUBLISHED_SOFT = [57.4, 25.8, 16.7]


def default_config(**raw) -> dict:
    cfg, issues = WIDGETS["distill-steps"].validate(raw)
    assert issues == []
    return cfg


def bars(state, side):
    return [float(b[side]) for b in state["bars"]]


def scipy_run(cfg, steps):
    """Gradient descent on T²·KL(p_T ‖ q_T), with the gradient taken by finite differences."""
    t = cfg["temperature"]
    p_t = softmax(np.log(cfg["teacher_probs"]) / t)
    loss = lambda z: t * t * entropy(p_t, softmax(z / t))  # noqa: E731
    z = 0.1 * np.random.default_rng(cfg["seed"]).standard_normal(len(p_t))
    for _ in range(steps):
        z = z - cfg["learning_rate"] * approx_fprime(z, loss, 1e-8)
    return p_t, softmax(z / t), softmax(z)


def test_defaults():
    cfg = default_config()
    assert cfg == {"teacher_probs": [0.897, 0.081, 0.022], "labels": ["cat", "dog", "rabbit"], "true_label": 0,
                   "temperature": 3.0, "steps": 35, "seed": 0, "learning_rate": 0.5}


def test_soft_targets_match_the_published_numbers():
    state = compute_state("distill-steps", default_config(), {})
    soft = [100 * v for v in bars(state, "soft")]
    assert soft == pytest.approx(PUBLISHED_SOFT, abs=0.15)
    assert [b["soft_text"] for b in state["bars"]] == ["57.5%", "25.8%", "16.7%"]
    assert [b["teacher_text"] for b in state["bars"]] == ["89.7%", "8.1%", "2.2%"]
    # p^(1/T) renormalised, by hand.
    root = np.array([0.897, 0.081, 0.022]) ** (1 / 3)
    assert bars(state, "soft") == pytest.approx(root / root.sum(), rel=1e-12)


def test_seeded_start():
    assert initial_student_logits(3, 0) == pytest.approx([0.01257302, -0.01321049, 0.06404227], abs=1e-8)
    state = compute_state("distill-steps", default_config(), {"step": 0})
    assert [b["student_text"] for b in state["bars"]] == ["33.2%", "33.0%", "33.8%"]
    assert state["readouts"]["step"] == {"value": "0", "text": "Training step: 0/35"}
    assert state["readouts"]["kl"]["text"] == "0.1342"


@pytest.mark.parametrize("step", [0, 1, 7, 35])
def test_student_matches_an_independent_gradient_descent(step):
    cfg = default_config()
    state = compute_state("distill-steps", cfg, {"step": step})
    p_t, q_t, q_1 = scipy_run(cfg, step)
    assert bars(state, "student") == pytest.approx(q_t, abs=1e-6)
    assert float(state["readouts"]["kl"]["value"]) == pytest.approx(entropy(p_t, q_t), rel=1e-4, abs=1e-9)
    assert float(state["readouts"]["student-true"]["value"]) == pytest.approx(q_1[0], abs=1e-6)
    assert state["readouts"]["step"] == {"value": str(step), "text": f"Training step: {step}/35"}


def test_it_visibly_converges_within_the_steps():
    cfg = default_config()
    kls = [float(compute_state("distill-steps", cfg, {"step": k})["readouts"]["kl"]["value"]) for k in range(36)]
    assert all(a > b for a, b in zip(kls, kls[1:]))
    assert kls[0] > 0.1 and kls[5] > 0.01 and kls[35] < 1e-4
    final = compute_state("distill-steps", cfg, {"step": 35})
    assert final["readouts"]["kl"]["text"] == "< 0.0001"
    assert bars(final, "student") == pytest.approx(bars(final, "soft"), abs=0.005)
    # Matching at T = 3 recovers the teacher at T = 1.
    assert float(final["readouts"]["student-true"]["value"]) == pytest.approx(0.897, abs=0.002)


def test_recomputing_is_deterministic_and_json_round_trips():
    cfg = default_config(seed=7, steps=10, learning_rate=1.0)
    text = compute_state_json("distill-steps", json.dumps(cfg), json.dumps({"step": 4}))
    assert json.loads(text) == compute_state("distill-steps", cfg, {"step": 4})
    assert json.loads(text) == json.loads(compute_state_json("distill-steps", json.dumps(cfg), '{"step": 4}'))


def test_aria_label_lists_all_three_distributions():
    label = compute_state("distill-steps", default_config(), {"step": 0})["aria_label"]
    assert label == ("Distillation of one cat example. Teacher: cat 89.7%, dog 8.1%, rabbit 2.2%. "
                     "Soft targets at T = 3: cat 57.5%, dog 25.8%, rabbit 16.7%. "
                     "Student at T = 3 after 0 of 35 steps: cat 33.2%, dog 33.0%, rabbit 33.8%. "
                     "KL divergence 0.1342 nats.")


def test_a_zero_teacher_probability_is_handled():
    cfg = default_config(teacher_probs=[0.9, 0.1, 0.0])
    state = compute_state("distill-steps", cfg, {"step": 35})
    assert bars(state, "soft")[2] == 0.0
    assert np.isfinite(float(state["readouts"]["kl"]["value"]))


@pytest.mark.parametrize("step", [-1, 36])
def test_step_outside_the_run_is_refused(step):
    with pytest.raises(ValueError):
        compute_state("distill-steps", default_config(), {"step": step})


@pytest.mark.parametrize("raw,param", [
    ({"teacher_probs": [0.5, 0.3, 0.1, 0.1]}, "labels"),
    ({"true_label": 3}, "true_label"),
    ({"steps": 0}, "steps"),
    ({"learning_rate": 0}, "learning_rate"),
    ({"teacher_probs": [0, 0, 0]}, "teacher_probs"),
])
def test_validation_names_the_bad_parameter(raw, param):
    _, issues = WIDGETS["distill-steps"].validate(raw)
    assert [issue.param for issue in issues] == [param]
