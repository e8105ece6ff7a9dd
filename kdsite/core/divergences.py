"""KL divergence and entropy of discrete distributions, in nats."""

import numpy as np


def kl_divergence(p, q) -> float:
    """Return KL(p ‖ q) in nats; +inf where q = 0 < p, and 0·log 0 counts as 0."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    if p.shape != q.shape:
        raise ValueError(f"p and q differ in length ({p.size} vs {q.size})")
    support = p > 0
    if np.any(q[support] <= 0):
        return float("inf")
    ps, qs = p[support], q[support]
    # Clamp tiny negative round-off: KL is never below zero.
    return max(0.0, float(np.sum(ps * (np.log(ps) - np.log(qs)))))


def entropy(p) -> float:
    """Return the Shannon entropy of p in nats."""
    p = np.asarray(p, dtype=float)
    support = p[p > 0]
    return float(-np.sum(support * np.log(support)))
