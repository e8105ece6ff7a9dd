"""Medians, ranges and percentiles: every figure is the median of its runs, with min and max."""

from __future__ import annotations

import statistics


def summary(values: list[float]) -> dict | None:
    """Return {median, min, max, runs} of the values measured, or None if there are none."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (0–100), interpolating between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """Return ours / baseline, or None when either is missing or the baseline is 0."""
    return ours / baseline if ours is not None and baseline else None
