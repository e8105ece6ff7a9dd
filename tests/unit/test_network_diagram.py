"""Issue 17 item 1: the training lab's network diagrams, computed in Python (kdsite/core/network_diagram.py)."""

from __future__ import annotations

import pytest

from kdsite.core.lab import LabRun, LabSettings
from kdsite.core.mlp import parameter_count
from kdsite.core.network_diagram import DRAWN_WIDE, MAX_DRAWN, network_diagram
from kdsite.core.states.training_lab import lab_state


@pytest.mark.parametrize("sizes", [[2, 5], [2, 16, 5], [2, 32, 32, 32, 5], [2, 6, 7, 5], [1000, 1]])
def test_every_layer_is_drawn_at_its_real_width_with_an_ellipsis_when_wide(sizes):
    d = network_diagram("Net", sizes, parameter_count(sizes))
    assert [layer["units"] for layer in d["layers"]] == sizes
    assert [layer["role"] for layer in d["layers"]] == ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    for layer, units in zip(d["layers"], sizes):
        drawn = len(layer["nodes"])
        if units > MAX_DRAWN:
            assert drawn == DRAWN_WIDE and layer["ellipsis"]["elided"] == units - DRAWN_WIDE
            assert layer["ellipsis"]["text"] == f"+{units - DRAWN_WIDE:,}"
        else:
            assert drawn == units and layer["ellipsis"] is None
        assert layer["label"]["text"] == f"{units:,}"
        for x, y in layer["nodes"]:
            assert 0 <= x <= d["width"] and 0 <= y <= d["height"]
    assert len(d["edges"]) == sum(len(a["nodes"]) * len(b["nodes"]) for a, b in zip(d["layers"], d["layers"][1:]))
    assert d["params"] == parameter_count(sizes)
    assert f"{parameter_count(sizes):,} parameter" in d["params_text"] and d["params_text"] in d["label"]


def test_text_alternative_states_the_architecture():
    assert network_diagram("Teacher", [2, 32, 32, 5], 1317)["label"] == (
        "Teacher: 2 inputs → 2 hidden layers of 32 units → 5 outputs; 1,317 parameters.")
    assert network_diagram("Student", [2, 5], 15)["label"] == (
        "Student: 2 inputs → no hidden layer → 5 outputs; 15 parameters.")
    assert network_diagram("Net", [1, 4, 6, 1], 45)["label"] == (
        "Net: 1 input → hidden layers of 4, 6 units → 1 output; 45 parameters.")


@pytest.mark.parametrize("sizes", [[2], [], [2, 0, 5]])
def test_a_network_without_two_layers_of_units_is_an_error(sizes):
    with pytest.raises(ValueError, match="at least two layers"):
        network_diagram("Net", sizes, 0)


def test_the_lab_state_carries_both_diagrams_for_its_architectures():
    run = LabRun(LabSettings(teacher_layers=3, student_layers=0, epochs=10))
    state = lab_state(run)
    teacher, student = run.parameters()
    assert [layer["units"] for layer in state["diagrams"]["teacher"]["layers"]] == run.teacher.sizes
    assert [layer["units"] for layer in state["diagrams"]["student"]["layers"]] == [2, 5]
    assert state["diagrams"]["teacher"]["params"] == teacher
    assert state["diagrams"]["student"]["params"] == student
