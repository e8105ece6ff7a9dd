"""The distillation-viz state function: what the build pre-renders and the worker returns."""

import json

from kdsite.core.states import compute_state, compute_state_json

CONFIG = {"teacher": [0.7, 0.2, 0.05, 0.03, 0.02], "student": [0.55, 0.18, 0.12, 0.1, 0.05],
          "labels": ["cat", "dog", "fox", "fish", "bird"], "temperature": 1.0}


def test_readout_text_and_full_precision_value():
    state = compute_state("distillation-viz", CONFIG, {})
    kl = state["readouts"]["kl"]
    assert kl["text"] == "0.092"
    assert abs(float(kl["value"]) - 0.0916671072684) < 1e-12


def test_aria_label_names_t_top_class_and_kl():
    state = compute_state("distillation-viz", CONFIG, {"temperature": 1.0})
    assert state["aria_label"] == ("Teacher vs student distributions at temperature 1.00. "
                                   "Teacher peaks at cat (70.0%). KL divergence 0.092 nats.")


def test_delta_marks_only_gaps_over_one_point_toward_the_higher_side():
    config = dict(CONFIG, teacher=[0.5, 0.3, 0.2], student=[0.505, 0.25, 0.245], labels=["a", "b", "c"])
    deltas = [bar["delta"] for bar in compute_state("distillation-viz", config, {})["bars"]]
    assert deltas == ["", "teacher", "student"]


def test_controls_temperature_overrides_config_and_labels_default_to_indices():
    config = {k: v for k, v in CONFIG.items() if k != "labels"}
    state = compute_state("distillation-viz", config, {"temperature": 4.0})
    assert state["controls"]["temperature"] == {"value": "4.0", "text": "4.00"}
    assert [bar["label"] for bar in state["bars"]] == ["0", "1", "2", "3", "4"]
    assert abs(sum(float(bar["teacher"]) for bar in state["bars"]) - 1.0) < 1e-12


def test_infinite_kl_is_inf_in_data_value_and_infinity_sign_in_text():
    config = dict(CONFIG, teacher=[0.5, 0.5], student=[1.0, 0.0], labels=["a", "b"])
    state = compute_state("distillation-viz", config, {})
    assert state["readouts"]["kl"] == {"value": "inf", "text": "∞"}
    assert "KL divergence ∞ nats" in state["aria_label"]


def test_json_entry_point_round_trips():
    text = compute_state_json("distillation-viz", json.dumps(CONFIG), json.dumps({"temperature": 2.0}))
    assert json.loads(text) == compute_state("distillation-viz", CONFIG, {"temperature": 2.0})
