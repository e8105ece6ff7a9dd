"""The training-lab state: what the build pre-renders and each "train" message returns."""

import json

import pytest

from kdsite.core.lab import GRID
from kdsite.core.states import compute_state, train_json
from kdsite.core.states.training_lab import CURVES

CONFIG = {"epochs": 20, "seed": 0, "teacher_layers": 2, "student_layers": 1, "temperature": 4.0, "alpha": 0.5}
READOUTS = {"epoch", "loss-hard", "loss-soft", "loss-total", "kl", "accuracy-teacher", "accuracy-scratch",
            "accuracy-distilled", "agreement-scratch", "agreement-distilled", "params-teacher", "params-student"}


@pytest.fixture(scope="module")
def initial():
    return compute_state("training-lab", CONFIG, {})


def test_initial_state_is_epoch_zero_with_every_readout(initial):
    assert initial["epoch"] == 0 and initial["epochs"] == 20 and not initial["done"]
    assert set(initial["readouts"]) == READOUTS
    assert initial["readouts"]["epoch"] == {"value": "0", "text": "0"}
    assert initial["readouts"]["params-teacher"]["text"] == "1,317"
    assert initial["controls"]["student-layers"]["text"] == "1 hidden layer · 133 parameters"
    assert all(len(initial["curves"][key]) == 1 for key in CURVES)


def test_decision_runs_tile_the_grid(initial):
    for runs in initial["regions"].values():
        covered = [0] * GRID
        for row, col, length, cls in runs:
            assert 0 <= cls < 5 and col + length <= GRID
            covered[row] += length
        assert covered == [GRID] * GRID


def test_points_lie_in_the_unit_square(initial):
    for u, v, cls in initial["points"]["test"] + initial["points"]["transfer"]:
        assert 0 <= u <= 1 and 0 <= v <= 1 and 0 <= cls < 5
    assert len(initial["points"]["transfer"]) == 10


def test_train_json_streams_epochs_restarts_and_times_at_the_end():
    first = json.loads(train_json("t", json.dumps(CONFIG), "{}", 1, True))
    assert first["epoch"] == 1
    later = json.loads(train_json("t", json.dumps(CONFIG), "{}", 19, False))
    assert later["epoch"] == 20 and later["done"]
    assert len(later["curves"]["loss-total"]) == 21
    assert {"time-teacher", "time-student"} <= set(later["readouts"])
    # New settings restart the run from epoch 0.
    changed = json.loads(train_json("t", json.dumps(CONFIG), json.dumps({"alpha": 0.9}), 0, False))
    assert changed["epoch"] == 0 and changed["controls"]["alpha"]["text"] == "0.90"
    # Reset: epoch 0 again, the same numbers as the pre-rendered state.
    reset = json.loads(train_json("t", json.dumps(CONFIG), "{}", 0, True))
    assert reset["readouts"] == compute_state("training-lab", CONFIG, {})["readouts"]


def test_point_control_picks_the_prediction(initial):
    state = compute_state("training-lab", CONFIG, {"point": 3})
    assert state["prediction"]["index"] == 3
    probs = [float(p) for p in state["prediction"]["models"]["teacher"]["probs"]]
    assert sum(probs) == pytest.approx(1.0)
