"""Temperature softening of probabilities and logits, computed in log space."""

import numpy as np


def as_distribution(p) -> np.ndarray:
    """Return `p` as a float array renormalised to sum to one."""
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("a distribution is a non-empty 1-D sequence")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probabilities must be finite and non-negative")
    total = p.sum()
    if total <= 0:
        raise ValueError("probabilities must not all be zero")
    return p / total


def log_softmax(z, temperature: float = 1.0) -> np.ndarray:
    """Return log softmax(z / T) along the last axis, stable for any T > 0."""
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    scaled = np.asarray(z, dtype=float) / temperature
    # Subtracting the max keeps exp() in range however small T is; -inf entries
    # (zero probabilities) stay -inf and become exact zeros.
    top = np.max(scaled, axis=-1, keepdims=True)
    shifted = scaled - top
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def soften_logits(z, temperature: float = 1.0) -> np.ndarray:
    """Return softmax(z / T)."""
    return np.exp(log_softmax(z, temperature))


def soften_probs(p, temperature: float = 1.0) -> np.ndarray:
    """Return p^(1/T) renormalised: the softmax of log p at temperature T."""
    p = as_distribution(p)
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    return soften_logits(logp, temperature)
