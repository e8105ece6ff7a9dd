"""Students of several widths, trained with the lab's own recipe."""

import numpy as np
import pytest

from kdsite.core.compression import init_student, size_sweep, train_pair
from kdsite.core.lab import LabRun, LabSettings
from kdsite.core.mlp import parameter_count
from kdsite.core.training import STUDENT_WIDTH, initial_student


def test_width_path_leaves_the_lab_student_unchanged():
    for layers in (0, 1, 2):
        lab, ours = initial_student(layers, 3), init_student(layers, STUDENT_WIDTH, 3)
        assert lab.sizes == ours.sizes
        assert all(np.array_equal(a, b) for a, b in zip(lab.weights + lab.biases, ours.weights + ours.biases))


@pytest.mark.parametrize(("width", "params"), [(2, 21), (4, 37), (8, 69), (16, 133), (32, 261)])
def test_widths_give_the_expected_parameter_counts(width, params):
    assert parameter_count(init_student(1, width).sizes) == params


def test_a_layer_needs_a_unit():
    with pytest.raises(ValueError, match="at least one unit"):
        init_student(1, 0)


def test_train_pair_at_the_lab_width_is_the_lab():
    settings = LabSettings()
    run = LabRun(settings)
    run.step(settings.epochs)
    scratch, distilled, params = train_pair(STUDENT_WIDTH, settings)
    assert (scratch, distilled) == run.history[-1]
    assert params == run.parameters()[1]


def test_sweep_is_deterministic_and_complete():
    first = size_sweep(widths=(2, 8), seeds=(0, 1))
    assert first == size_sweep(widths=(2, 8), seeds=(0, 1))
    assert [p.parameters for p in first.points] == [21, 69]
    assert first.teacher_parameters == 1317
    for p in first.points:
        for value in (p.scratch_accuracy, p.distilled_accuracy, p.scratch_agreement, p.distilled_agreement):
            assert 0.2 <= value <= 1.0  # better than chance (5 classes)


def test_sweep_refuses_nothing_to_do():
    with pytest.raises(ValueError):
        size_sweep(widths=(), seeds=(0,))
