"""A seeded 2-D, 5-class data set whose classes have real similarity structure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLASS_NAMES = ("cat", "dog", "fox", "car", "truck")
# Two families that overlap inside (cat/dog/fox; car/truck), far apart from each other:
# so a teacher's soft targets carry which classes resemble which.
CENTRES = np.array([[-1.2, 0.9], [-0.3, 1.5], [-1.0, -0.2], [1.8, -1.0], [2.4, -0.1]])
SPREAD = np.array([0.38, 0.38, 0.35, 0.35, 0.38])
# The students see only this many labelled points per class (a small transfer set, as when
# the teacher's own training data is not available), the teacher all of the training set.
TRANSFER_PER_CLASS = 2


@dataclass(frozen=True)
class Dataset:
    """Train and test points (x: (n, 2) floats, y: (n,) class indices)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    names: tuple[str, ...] = CLASS_NAMES

    def transfer_set(self, per_class: int = TRANSFER_PER_CLASS) -> Dataset:
        """Return the students' data: the first `per_class` training points of each class."""
        classes = range(len(self.names))
        idx = np.concatenate([np.flatnonzero(self.y_train == c)[:per_class] for c in classes])
        return Dataset(self.x_train[idx], self.y_train[idx], self.x_test, self.y_test, self.names)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Return (xmin, xmax, ymin, ymax) of the plane shown, with a margin."""
        x = np.vstack([self.x_train, self.x_test])
        lo, hi = x.min(axis=0) - 0.4, x.max(axis=0) + 0.4
        return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def make_dataset(seed: int = 0, per_class: int = 100, test_share: float = 0.4) -> Dataset:
    """Return the blobs data set for `seed`, split into train and test."""
    rng = np.random.default_rng(seed)
    classes = len(CENTRES)
    y = np.repeat(np.arange(classes), per_class)
    x = CENTRES[y] + rng.standard_normal((len(y), 2)) * SPREAD[y, None]
    order = rng.permutation(len(y))
    x, y = x[order], y[order]
    n_test = int(round(len(y) * test_share))
    return Dataset(x[n_test:], y[n_test:], x[:n_test], y[:n_test])
