"""What compression buys: students of several sizes, trained from scratch and distilled.

The lab trains one student of a fixed width; this sweeps the width of the student's
hidden layer and trains each size twice, with the lab's own recipe (same data, teacher,
transfer set, temperature, α and schedule), so the figure built from it and the lab on
the page tell one story. numpy only, like the rest of the core.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from kdsite.core.data import make_dataset
from kdsite.core.lab import LabSettings
from kdsite.core.mlp import MLP, init_mlp, layer_sizes, logits, parameter_count
from kdsite.core.training import Metrics, evaluate, train, trained_teacher

WIDTHS = (2, 4, 8, 16, 32)
# The same seed offset as training.initial_student, so width 16 is the lab's very student.
STUDENT_SEED_OFFSET = 2000


def init_student(hidden_layers: int, width: int, seed: int = 0, classes: int = 5) -> MLP:
    """Return a student with `hidden_layers` layers of `width` units, seeded as the lab's student."""
    if width < 1:
        raise ValueError(f"a hidden layer needs at least one unit, not {width}")
    return init_mlp(layer_sizes(2, hidden_layers, width, classes), np.random.default_rng(STUDENT_SEED_OFFSET + seed))


@dataclass(frozen=True)
class SizePoint:
    """One student size: its parameter count and both students' final metrics (means over seeds).

    `scratch_accuracies` and `distilled_accuracies` hold each seed's test accuracy (0–1), in
    the sweep's seed order: the spread the means hide.
    """

    width: int
    parameters: int
    scratch_accuracy: float
    distilled_accuracy: float
    scratch_agreement: float
    distilled_agreement: float
    scratch_accuracies: tuple[float, ...] = ()
    distilled_accuracies: tuple[float, ...] = ()


@dataclass(frozen=True)
class SizeSweep:
    """Students of several widths against one teacher."""

    settings: LabSettings
    seeds: tuple[int, ...]
    teacher_parameters: int
    teacher_accuracy: float
    points: tuple[SizePoint, ...]
    teacher_accuracies: tuple[float, ...] = ()  # each seed's teacher, in seed order


def train_pair(width: int, settings: LabSettings) -> tuple[Metrics, Metrics, int]:
    """Train a scratch and a distilled student of this width from the same start, the lab's way.

    Return (scratch metrics, distilled metrics, parameter count) after the last epoch,
    measured on the full data set (accuracy and agreement on the test points).
    """
    data = make_dataset(settings.seed)
    transfer = data.transfer_set()
    teacher = trained_teacher(settings.teacher_layers, settings.seed)
    scratch = init_student(settings.student_layers, width, settings.seed)
    distilled = scratch.copy()
    results = []
    for model, alpha in ((scratch, 0.0), (distilled, settings.alpha)):
        training = settings.training(alpha)
        last = evaluate(model, transfer, teacher, training, 0)
        for metrics in train(model, transfer, training, teacher):
            last = metrics
        results.append(last)
    return results[0], results[1], parameter_count(scratch.sizes)


def size_sweep(widths=WIDTHS, settings: LabSettings | None = None, seeds=(0, 1, 2)) -> SizeSweep:
    """Train both students at every width for every seed; return the mean results.

    Each seed is a fresh data set, teacher and starting point, so the means say how the
    method behaves rather than how one lucky draw did.
    """
    settings = settings or LabSettings()
    seeds = tuple(seeds)
    if not seeds or not widths:
        raise ValueError("a sweep needs at least one width and one seed")
    points = []
    for width in widths:
        runs = [train_pair(width, _with_seed(settings, seed)) for seed in seeds]
        points.append(SizePoint(
            width=width, parameters=runs[0][2],
            scratch_accuracy=_mean(r[0].test_accuracy for r in runs),
            distilled_accuracy=_mean(r[1].test_accuracy for r in runs),
            scratch_agreement=_mean(r[0].agreement for r in runs),
            distilled_agreement=_mean(r[1].agreement for r in runs),
            scratch_accuracies=tuple(float(r[0].test_accuracy) for r in runs),
            distilled_accuracies=tuple(float(r[1].test_accuracy) for r in runs),
        ))
    teacher_accuracy = []
    for seed in seeds:
        data = make_dataset(seed)
        teacher = trained_teacher(settings.teacher_layers, seed)
        teacher_accuracy.append(float(np.mean(logits(teacher, data.x_test).argmax(axis=1) == data.y_test)))
    teacher_params = parameter_count(trained_teacher(settings.teacher_layers, seeds[0]).sizes)
    return SizeSweep(settings, seeds, teacher_params, _mean(teacher_accuracy), tuple(points),
                     tuple(teacher_accuracy))


def _with_seed(settings: LabSettings, seed: int) -> LabSettings:
    """Return the settings with another seed."""
    return replace(settings, seed=seed)


def _mean(values) -> float:
    """Return the mean of some floats as a float."""
    values = list(values)
    return float(sum(values) / len(values))
