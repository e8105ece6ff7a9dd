"""Temperature softening of probabilities and logits, computed in log space."""

import numpy as np


def as_distribution(p) -> np.ndarray:
    """Return `p` as a float array renormalised to sum to one."""
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError("a distribution is a non-empty 1-D sequence")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probabilities must be finite and non-negative")
    with np.errstate(over="ignore"):
        total = p.sum()
    if total <= 0:
        raise ValueError("probabilities must not all be zero")
    if not np.isfinite(total):  # entries near the largest double: their sum overflows
        p = p / p.max()
        total = p.sum()
    return p / total


def log_softmax(z, temperature: float = 1.0) -> np.ndarray:
    """Return log softmax(z / T) along the last axis, stable for any T > 0."""
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    z = np.asarray(z, dtype=float)
    # Subtracting the max keeps exp() in range however small T is; -inf entries
    # (zero probabilities) stay -inf and become exact zeros. Subtracting before dividing
    # keeps the max entry at exactly 0 even when z / T would overflow (huge z, tiny T), so
    # no inf − inf = NaN can form.
    top = np.max(z, axis=-1, keepdims=True)
    with np.errstate(over="ignore"):  # a gap beyond the double range is -inf: probability 0
        shifted = (z - top) / temperature
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
