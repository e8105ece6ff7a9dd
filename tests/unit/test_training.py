"""The MLP, its backprop, and the training lab's headline result."""

import numpy as np
import pytest

from kdsite.core.data import TRANSFER_PER_CLASS, make_dataset
from kdsite.core.lab import LabRun, LabSettings
from kdsite.core.losses import distillation_loss
from kdsite.core.mlp import backward, forward, init_mlp, layer_sizes, parameter_count


def test_backprop_matches_finite_differences():
    rng = np.random.default_rng(3)
    model = init_mlp(layer_sizes(2, 2, 5, 3), rng)
    x, y = rng.normal(size=(7, 2)), np.array([0, 1, 2, 0, 1, 2, 0])
    teacher = rng.normal(size=(7, 3))

    def loss():
        return distillation_loss(forward(model, x)[0], teacher, y, 3.0, 0.5).total

    z, acts = forward(model, x)
    grads_w, grads_b = backward(model, acts, distillation_loss(z, teacher, y, 3.0, 0.5).grad)
    h = 1e-6
    for params, grads in ((model.weights, grads_w), (model.biases, grads_b)):
        for p, g in zip(params, grads):
            for index in np.ndindex(*p.shape):
                p[index] += h
                up = loss()
                p[index] -= 2 * h
                down = loss()
                p[index] += h
                assert g[index] == pytest.approx((up - down) / (2 * h), abs=1e-7)


def test_parameter_counts():
    assert parameter_count(layer_sizes(2, 1, 16, 5)) == 2 * 16 + 16 + 16 * 5 + 5
    assert parameter_count(layer_sizes(2, 0, 16, 5)) == 2 * 5 + 5


def test_dataset_is_seeded_and_split():
    a, b = make_dataset(0), make_dataset(0)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(make_dataset(1).x_train, a.x_train)
    assert len(a.y_train) == 300 and len(a.y_test) == 200
    transfer = a.transfer_set()
    assert np.bincount(transfer.y_train).tolist() == [TRANSFER_PER_CLASS] * 5


def test_classes_have_similarity_structure():
    # cat/dog/fox overlap and car/truck overlap; the two families lie far apart.
    data = make_dataset(0)
    centre = [data.x_train[data.y_train == c].mean(axis=0) for c in range(5)]
    near = np.linalg.norm(centre[0] - centre[1])
    far = np.linalg.norm(centre[0] - centre[4])
    assert far > 3 * near


@pytest.fixture(scope="module")
def default_run():
    run = LabRun(LabSettings())
    run.step(run.settings.epochs)
    return run


def test_runs_are_deterministic(default_run):
    again = LabRun(LabSettings())
    again.step(again.settings.epochs)
    assert again.history[-1] == default_run.history[-1]


def test_training_lowers_the_loss_and_fits_the_transfer_set(default_run):
    first, last = default_run.history[0][1], default_run.history[-1][1]
    assert last.loss_total < 0.1 * first.loss_total
    assert last.train_accuracy == 1.0 and default_run.history[-1][0].train_accuracy == 1.0


def test_distillation_transfers_more_than_hard_labels(default_run):
    scratch, distilled = default_run.history[-1]
    # The headline of the lab: similar test accuracy, clearly higher agreement with the teacher.
    assert distilled.agreement >= scratch.agreement + 0.05
    assert abs(distilled.test_accuracy - scratch.test_accuracy) < 0.05
    assert default_run.teacher_metrics.test_accuracy > 0.8


def test_scratch_and_distilled_start_identical(default_run):
    fresh = LabRun(LabSettings())
    for a, b in zip(fresh.scratch.weights, fresh.distilled.weights):
        assert np.array_equal(a, b)


def test_alpha_zero_makes_the_distilled_student_a_scratch_student():
    run = LabRun(LabSettings(alpha=0.0, epochs=10))
    run.step(10)
    scratch, distilled = run.history[-1]
    assert scratch.agreement == distilled.agreement and scratch.loss_hard == distilled.loss_hard
