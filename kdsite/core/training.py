"""Gradient-descent training with per-epoch metrics: teacher, scratch and distilled students."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from kdsite.core.data import Dataset, make_dataset
from kdsite.core.losses import distillation_loss
from kdsite.core.mlp import MLP, backward, forward, init_mlp, layer_sizes, logits

TEACHER_WIDTH = 32
STUDENT_WIDTH = 16
TEACHER_EPOCHS = 100


@dataclass(frozen=True)
class Settings:
    """How a network is trained: schedule, distillation temperature and weight, seed."""

    epochs: int = 100
    learning_rate: float = 0.1
    momentum: float = 0.9
    batch_size: int = 32  # 0 means full batch
    temperature: float = 4.0
    alpha: float = 0.5
    seed: int = 0


@dataclass(frozen=True)
class Metrics:
    """One epoch's numbers for one network."""

    epoch: int
    loss_hard: float
    loss_soft: float
    loss_total: float
    kl: float
    train_accuracy: float
    test_accuracy: float
    agreement: float

    def as_dict(self) -> dict:
        """Return the metrics as a plain dict."""
        return dict(self.__dict__)


def evaluate(model: MLP, data: Dataset, teacher: MLP, settings: Settings, epoch: int) -> Metrics:
    """Return the metrics of `model` on the whole data set against the teacher."""
    return score(logits(model, data.x_train), logits(teacher, data.x_train),
                 logits(model, data.x_test), logits(teacher, data.x_test), data, settings, epoch)


def score(z_train: np.ndarray, teacher_train: np.ndarray, z_test: np.ndarray, teacher_test: np.ndarray,
          data: Dataset, settings: Settings, epoch: int) -> Metrics:
    """Return what `evaluate` returns, from the logits it would compute: the model's and the
    teacher's on `data.x_train` (shape (n_train, classes)) and on `data.x_test` (n_test, classes).
    For callers that already hold them (kdsite.core.lab scores every run's epoch 0 this way)."""
    loss = distillation_loss(z_train, teacher_train, data.y_train, settings.temperature, settings.alpha)
    return Metrics(
        epoch=epoch, loss_hard=loss.hard, loss_soft=loss.soft, loss_total=loss.total, kl=loss.kl,
        train_accuracy=accuracy(z_train, data.y_train),
        test_accuracy=accuracy(z_test, data.y_test),
        agreement=accuracy(z_test, teacher_test.argmax(axis=1)),
    )


def accuracy(z: np.ndarray, classes: np.ndarray) -> float:
    """Return the share of rows of logits `z` (n, classes) whose largest entry is at `classes` (n,)."""
    return float(np.mean(z.argmax(axis=1) == classes))


def _epochs(model: MLP, data: Dataset, settings: Settings, teacher: MLP | None) -> Iterator[int]:
    """Train `model` in place with momentum SGD, yielding after each epoch."""
    rng = np.random.default_rng(settings.seed + 1)
    alpha = settings.alpha if teacher is not None else 0.0
    teacher_logits = logits(teacher, data.x_train) if teacher is not None else None
    velocity = [np.zeros_like(p) for p in model.weights + model.biases]
    n = len(data.y_train)
    batch = settings.batch_size or n
    for epoch in range(1, settings.epochs + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            z, acts = forward(model, data.x_train[idx])
            # Without a teacher the soft term has weight 0; any targets of the right shape do.
            targets = teacher_logits[idx] if teacher_logits is not None else z
            grad = distillation_loss(z, targets, data.y_train[idx], settings.temperature, alpha).grad
            grads_w, grads_b = backward(model, acts, grad)
            for i, (p, g) in enumerate(zip(model.weights + model.biases, grads_w + grads_b)):
                velocity[i] = settings.momentum * velocity[i] - settings.learning_rate * g
                p += velocity[i]
        yield epoch


def train(model: MLP, data: Dataset, settings: Settings, teacher: MLP | None = None) -> Iterator[Metrics]:
    """Train `model` in place; yield its metrics after every epoch.

    With a teacher the loss is the distillation loss at settings.temperature and .alpha;
    without one (or with alpha = 0) it is plain cross-entropy on the hard labels.
    """
    for epoch in _epochs(model, data, settings, teacher):
        yield evaluate(model, data, teacher if teacher is not None else model, settings, epoch)


@lru_cache(maxsize=8)
def trained_teacher(hidden_layers: int, seed: int = 0) -> MLP:
    """Return the teacher with this many hidden layers, trained deterministically on hard labels."""
    data = make_dataset(seed)
    model = init_mlp(layer_sizes(2, hidden_layers, TEACHER_WIDTH, len(data.names)),
                     np.random.default_rng(1000 + seed))
    settings = Settings(epochs=TEACHER_EPOCHS, learning_rate=0.2, batch_size=100, alpha=0.0, seed=seed)
    for _ in _epochs(model, data, settings, None):
        pass
    return model


def initial_student(hidden_layers: int, seed: int = 0) -> MLP:
    """Return the student's initial weights: the same for the scratch and the distilled run."""
    return init_mlp(layer_sizes(2, hidden_layers, STUDENT_WIDTH, 5), np.random.default_rng(2000 + seed))
