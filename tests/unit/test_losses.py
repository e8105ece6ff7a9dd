"""Losses and their gradients: finite differences, an independent computation, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import log_softmax as scipy_log_softmax
from scipy.special import rel_entr, softmax

from kdsite.core.divergences import entropy, kl_divergence
from kdsite.core.losses import cross_entropy, distillation_loss
from kdsite.core.softening import soften_logits, soften_probs

RNG = np.random.default_rng(7)
Z_STUDENT = RNG.normal(size=(6, 5)) * 2
Z_TEACHER = RNG.normal(size=(6, 5)) * 3
LABELS = np.array([0, 1, 4, 2, 2, 3])


def reference_loss(z, zt, y, temperature, alpha):
    """The distillation loss written out independently with scipy, batch-mean."""
    p = softmax(zt / temperature, axis=1)
    q = softmax(z / temperature, axis=1)
    kl = rel_entr(p, q).sum(axis=1).mean()
    ce = -scipy_log_softmax(z, axis=1)[np.arange(len(y)), y].mean()
    return alpha * temperature**2 * kl + (1 - alpha) * ce


@pytest.mark.parametrize("temperature", [0.5, 1.0, 4.0, 20.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_loss_matches_independent_computation(temperature, alpha):
    loss = distillation_loss(Z_STUDENT, Z_TEACHER, LABELS, temperature, alpha)
    assert loss.total == pytest.approx(reference_loss(Z_STUDENT, Z_TEACHER, LABELS, temperature, alpha), rel=1e-10)
    assert loss.hard == pytest.approx(cross_entropy(Z_STUDENT, LABELS), rel=1e-12)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 4.0, 20.0])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_gradient_matches_finite_differences(temperature, alpha):
    grad = distillation_loss(Z_STUDENT, Z_TEACHER, LABELS, temperature, alpha).grad
    numeric = np.zeros_like(Z_STUDENT)
    h = 1e-6
    for index in np.ndindex(*Z_STUDENT.shape):
        up, down = Z_STUDENT.copy(), Z_STUDENT.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (distillation_loss(up, Z_TEACHER, LABELS, temperature, alpha).total
                          - distillation_loss(down, Z_TEACHER, LABELS, temperature, alpha).total) / (2 * h)
    assert grad == pytest.approx(numeric, abs=1e-7)


def test_t_squared_keeps_the_soft_gradient_from_vanishing():
    # Without T², the soft term's gradient would shrink like 1/T; with it, it stays put.
    norms = [np.abs(distillation_loss(Z_STUDENT, Z_TEACHER, LABELS, t, 1.0).grad).sum() for t in (2.0, 8.0)]
    assert norms[1] / norms[0] > 0.2  # 1/T² scaling would give 1/16
    assert np.abs(distillation_loss(Z_STUDENT, Z_STUDENT, LABELS, 4.0, 1.0).grad).max() < 1e-15


def test_alpha_outside_unit_interval_is_rejected():
    with pytest.raises(ValueError):
        distillation_loss(Z_STUDENT, Z_TEACHER, LABELS, 2.0, 1.5)


distributions = arrays(np.float64, st.integers(2, 8), elements=st.floats(0.0, 1.0)).filter(lambda p: p.sum() > 1e-6)


@settings(max_examples=200, deadline=None)
@given(distributions, st.data())
def test_kl_is_non_negative_and_zero_only_for_equal_distributions(p, data):
    q = data.draw(arrays(np.float64, p.shape, elements=st.floats(1e-6, 1.0)))
    p, q = p / p.sum(), q / q.sum()
    kl = kl_divergence(p, q)
    assert kl >= 0
    assert kl_divergence(p, p) == 0
    if kl == 0:
        assert np.allclose(p, q, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(-20, 20)),
       st.floats(0.05, 50), st.floats(1.01, 3))
def test_entropy_of_softened_targets_rises_with_temperature(z, temperature, factor):
    low, high = soften_logits(z, temperature), soften_logits(z, temperature * factor)
    # Equal logits are uniform at every T; otherwise heating strictly spreads the mass.
    assert entropy(high) >= entropy(low) - 1e-12


@settings(max_examples=100, deadline=None)
@given(distributions, st.floats(0.01, 100))
def test_softened_probabilities_are_a_distribution(p, temperature):
    soft = soften_probs(p, temperature)
    assert np.all(np.isfinite(soft)) and np.all(soft >= 0)
    assert soft.sum() == pytest.approx(1.0)
