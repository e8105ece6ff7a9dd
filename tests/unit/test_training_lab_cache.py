"""The training lab's caches (kdsite.core.lab.run_start, the state's fixed parts) change no
number: every state equals the one computed with empty caches, whatever came before it."""

import json

import pytest

from kdsite.core.display import data_value
from kdsite.core.lab import LabRun, LabSettings, decision_runs
from kdsite.core.network_diagram import network_diagram
from kdsite.core.states import compute_state
from kdsite.core.states.training_lab import clear_caches, lab_settings, lab_state, sliders, train_json
from kdsite.core.training import evaluate

BASE = {"epochs": 6, "seed": 0, "teacher_layers": 2, "student_layers": 1, "temperature": 4.0, "alpha": 0.5}
# Each step differs from the one before in one thing a cache could wrongly ignore: T, α, the
# point, each architecture, the seed, the configured start of the sliders.
STEPS = [
    (BASE, {}),
    (BASE, {"temperature_position": 7.3}),
    (BASE, {"temperature_position": 7.3, "alpha_position": 0.9}),
    (BASE, {"temperature_position": 1.0, "point": 3}),
    (BASE, {"teacher-layers": 1, "temperature_position": 1.0}),
    (BASE, {"teacher-layers": 1, "student-layers": 0, "temperature_position": 1.0}),
    (BASE, {"student-layers": 2, "point": 3}),
    ({**BASE, "seed": 1}, {"point": 3}),
    ({**BASE, "seed": 1, "temperature": 2.5, "alpha": 0.2}, {"temperature_position": 2.5}),
    (BASE, {}),
]
# (controls, epochs, restart) of successive "train" messages: training, a point, restarts.
TRAIN = [({}, 0, True), ({}, 2, False), ({"point": 7}, 0, False), ({"temperature_position": 9.0}, 0, True),
         ({"student-layers": 0}, 3, True), ({}, 6, True), ({}, 0, True)]


def uncached(function, *args):
    """Return function(*args) computed with empty caches."""
    clear_caches()
    try:
        return function(*args)
    finally:
        clear_caches()


def as_json(state: dict) -> dict:
    return json.loads(json.dumps(state, allow_nan=False))


def trained_state(controls: dict, epochs: int) -> dict:
    """Return the state of a new run with these controls after `epochs` epochs."""
    run = LabRun(lab_settings(BASE, controls, sliders(BASE)))
    run.step(epochs)
    return lab_state(run, controls.get("point"), run.timings() if run.done else None, sliders(BASE))


def test_each_state_is_the_state_computed_without_the_caches():
    warm = [as_json(compute_state("training-lab", config, controls)) for config, controls in STEPS]
    for (config, controls), state in zip(STEPS, warm, strict=True):
        assert state == as_json(uncached(compute_state, "training-lab", config, controls)), controls
    # The steps really differ where a stale entry would show: maps, panels, losses.
    assert len({json.dumps(s["regions"]) for s in warm}) >= 4
    assert len({json.dumps(s["prediction"]) for s in warm}) >= 4
    assert len({s["readouts"]["loss-total"]["value"] for s in warm}) >= 6


def test_train_json_gives_the_uncached_states_while_training_and_restarting():
    for controls, epochs, restart in TRAIN:
        got = json.loads(train_json("cache-test", json.dumps(BASE), json.dumps(controls), epochs, restart))
        want = as_json(uncached(trained_state, controls, got["epoch"]))
        if got["done"]:  # times are measured, different in every run
            for key in ("time-teacher", "time-student"):
                del got["readouts"][key], want["readouts"][key]
        assert got == want, (controls, epochs, restart)


@pytest.mark.parametrize("settings", [LabSettings(epochs=3), LabSettings(teacher_layers=1, student_layers=0,
                                                                          temperature=1.5, alpha=0.9, seed=2)])
def test_a_run_scores_epoch_zero_as_evaluate_does_and_never_trains_its_start(settings):
    run = LabRun(settings)
    scratch, distilled = run.history[0]
    assert scratch == evaluate(run.scratch, run.transfer, run.teacher, settings.training(0.0), 0)
    assert distilled == evaluate(run.distilled, run.transfer, run.teacher, settings.training(settings.alpha), 0)
    assert run.teacher_metrics == evaluate(run.teacher, run.data, run.teacher, settings.training(0.0), 0)
    assert run.teacher_accuracy == run.teacher_metrics.test_accuracy
    run.step(settings.epochs)
    assert run.history[-1] != run.history[0]
    again = LabRun(settings)  # from the same cached start: still the untrained weights
    assert again.history[0] == (scratch, distilled)
    assert all((a == b).all() for a, b in zip(again.scratch.weights, run.start.student.weights, strict=True))
    with pytest.raises(ValueError, match="read-only"):
        run.start.student.weights[0] += 1.0


def test_the_reused_parts_of_a_state_are_the_runs_own_at_every_epoch():
    run = LabRun(LabSettings(epochs=3, student_layers=2))
    for epoch in range(4):
        run.step(epoch - run.epoch)
        state = lab_state(run, 11)
        bounds = run.data.bounds
        assert state["regions"] == {"teacher": decision_runs(run.teacher, bounds),
                                    "scratch": decision_runs(run.scratch, bounds),
                                    "distilled": decision_runs(run.distilled, bounds)}, epoch
        for key in ("teacher", "scratch", "distilled"):
            probs = run.probabilities(getattr(run, key), 11)
            assert state["prediction"]["models"][key]["probs"] == [data_value(p) for p in probs], (epoch, key)
        teacher_params, student_params = run.parameters()
        assert state["diagrams"] == {"teacher": network_diagram("Teacher", run.teacher.sizes, teacher_params),
                                     "student": network_diagram("Student", run.scratch.sizes, student_params)}
    assert state["regions"]["scratch"] != lab_state(LabRun(run.settings), 11)["regions"]["scratch"]
