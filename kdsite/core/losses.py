"""Hard-label cross-entropy and the distillation loss, with analytic gradients (batched)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdsite.core.softening import log_softmax


@dataclass(frozen=True)
class Loss:
    """Batch-mean loss terms and the gradient of the total with respect to student logits."""

    hard: float  # CE(y, q₁)
    soft: float  # T² · KL(p_T ‖ q_T)
    kl: float  # KL(p_T ‖ q_T), without the T² factor
    total: float  # α · soft + (1 − α) · hard
    grad: np.ndarray  # ∂ total / ∂ student logits, shape (n, classes)


def cross_entropy(logits, labels) -> float:
    """Return the mean cross-entropy of integer `labels` under softmax(logits)."""
    logp = log_softmax(np.atleast_2d(logits))
    labels = np.atleast_1d(labels)
    return float(-np.mean(logp[np.arange(len(labels)), labels]))


def kl_rows(log_p: np.ndarray, log_q: np.ndarray) -> np.ndarray:
    """Return KL(p ‖ q) for each row, given log-probabilities (0·log 0 counts as 0)."""
    p = np.exp(log_p)
    # Where p = 0, log p is -inf: pick 0 before multiplying, so no 0·inf is ever formed.
    gap = np.where(p > 0, log_p - np.where(p > 0, log_q, 0.0), 0.0)
    return np.maximum((p * gap).sum(axis=-1), 0.0)


def weighted(weight: float, term: float) -> float:
    """Return weight · term, 0 when the weight is 0: a term switched off adds nothing, even ∞."""
    return weight * term if weight else 0.0


def distillation_loss(student_logits, teacher_logits, labels, temperature: float, alpha: float) -> Loss:
    """Return L = α·T²·KL(p_T ‖ q_T) + (1 − α)·CE(y, q₁), averaged over the batch, and ∂L/∂z.

    α = 0 trains on hard labels only, α = 1 on the teacher's soft targets only.
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError("alpha must lie in [0, 1]")
    z = np.atleast_2d(np.asarray(student_logits, dtype=float))
    labels = np.atleast_1d(labels)
    n = z.shape[0]
    t2 = temperature * temperature

    log_q1 = log_softmax(z)
    log_qt = log_softmax(z, temperature)
    log_pt = log_softmax(np.atleast_2d(teacher_logits), temperature)
    kl = float(np.mean(kl_rows(log_pt, log_qt)))
    hard = float(-np.mean(log_q1[np.arange(n), labels]))

    one_hot = np.zeros_like(z)
    one_hot[np.arange(n), labels] = 1.0
    # d/dz KL(p_T ‖ softmax(z/T)) = (q_T − p_T) / T, so the T² factor leaves T·(q_T − p_T):
    # without it the soft term's gradient would shrink like 1/T as T grows.
    grad_soft = temperature * (np.exp(log_qt) - np.exp(log_pt))
    grad_hard = np.exp(log_q1) - one_hot
    grad = (alpha * grad_soft + (1.0 - alpha) * grad_hard) / n
    soft = t2 * kl
    total = weighted(alpha, soft) + weighted(1.0 - alpha, hard)
    return Loss(hard=hard, soft=soft, kl=kl, total=total, grad=grad)
