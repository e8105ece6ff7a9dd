"""The training lab's experiment: one teacher, a scratch and a distilled student, side by side."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from kdsite.core.data import Dataset, make_dataset
from kdsite.core.mlp import MLP, logits, parameter_count
from kdsite.core.softening import soften_logits
from kdsite.core.training import Metrics, Settings, evaluate, initial_student, train, trained_teacher

GRID = 32  # decision-region map resolution per side
TIMING_SECONDS = 0.05  # how long to time a forward pass, so a coarse browser clock still resolves it


@dataclass(frozen=True)
class LabSettings:
    """What the reader chooses: architectures, T, α, epochs and the seed."""

    teacher_layers: int = 2
    student_layers: int = 1
    temperature: float = 4.0
    alpha: float = 0.5
    epochs: int = 100
    seed: int = 0

    def training(self, alpha: float) -> Settings:
        """Return the student's training settings with this α."""
        # The transfer set is tiny, so small batches give several updates per epoch.
        return Settings(epochs=self.epochs, temperature=self.temperature, alpha=alpha, seed=self.seed,
                        batch_size=5, learning_rate=0.1)


def decision_runs(model: MLP, bounds) -> list[list[int]]:
    """Return the model's class map on a GRID×GRID raster as runs [row, col, length, class]."""
    xmin, xmax, ymin, ymax = bounds
    xs = np.linspace(xmin, xmax, GRID)
    ys = np.linspace(ymax, ymin, GRID)  # row 0 is the top of the picture
    gx, gy = np.meshgrid(xs, ys)
    classes = logits(model, np.column_stack([gx.ravel(), gy.ravel()])).argmax(axis=1).reshape(GRID, GRID)
    runs = []
    for row in range(GRID):
        start = 0
        for col in range(1, GRID + 1):
            if col == GRID or classes[row, col] != classes[row, start]:
                runs.append([row, start, col - start, int(classes[row, start])])
                start = col
    return runs


def seconds_per_sample(model: MLP, x: np.ndarray) -> float:
    """Return the measured time of one forward pass per sample, in seconds."""
    repeats, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < TIMING_SECONDS:
        logits(model, x)
        repeats += 1
    return elapsed / (repeats * len(x))


class LabRun:
    """One run of the lab: the teacher (trained once) and two students trained in lockstep."""

    def __init__(self, settings: LabSettings):
        self.settings = settings
        self.data: Dataset = make_dataset(settings.seed)
        self.transfer = self.data.transfer_set()
        self.teacher = trained_teacher(settings.teacher_layers, settings.seed)
        self.scratch = initial_student(settings.student_layers, settings.seed)
        self.distilled = self.scratch.copy()
        # Each student is scored by its own loss: the scratch student's total is its hard loss.
        scratch_settings, distilled_settings = settings.training(0.0), settings.training(settings.alpha)
        self._scratch_steps = train(self.scratch, self.transfer, scratch_settings, self.teacher)
        self._distilled_steps = train(self.distilled, self.transfer, distilled_settings, self.teacher)
        self.history: list[tuple[Metrics, Metrics]] = [(
            evaluate(self.scratch, self.transfer, self.teacher, scratch_settings, 0),
            evaluate(self.distilled, self.transfer, self.teacher, distilled_settings, 0),
        )]
        self.teacher_metrics = evaluate(self.teacher, self.data, self.teacher, scratch_settings, 0)
        self._timings: dict[str, float] | None = None

    @property
    def epoch(self) -> int:
        """Return the number of epochs trained so far."""
        return len(self.history) - 1

    @property
    def done(self) -> bool:
        """Return whether every epoch has been trained."""
        return self.epoch >= self.settings.epochs

    def step(self, epochs: int = 1) -> None:
        """Train both students for up to `epochs` more epochs."""
        for _ in range(epochs):
            if self.done:
                return
            self.history.append((next(self._scratch_steps), next(self._distilled_steps)))

    def parameters(self) -> tuple[int, int]:
        """Return (teacher, student) parameter counts."""
        return parameter_count(self.teacher.sizes), parameter_count(self.scratch.sizes)

    def probabilities(self, model: MLP, index: int) -> np.ndarray:
        """Return the model's class probabilities (T = 1) for test point `index`."""
        return soften_logits(logits(model, self.data.x_test[index:index + 1])[0])

    def default_point(self) -> int:
        """Return the test point the teacher is least sure about: where dark knowledge shows."""
        probs = soften_logits(logits(self.teacher, self.data.x_test))
        return int(np.argmin(probs.max(axis=1)))

    def timings(self) -> dict[str, float]:
        """Return seconds per sample for the teacher and the student, measured once per run."""
        if self._timings is None:
            self._timings = {"teacher": seconds_per_sample(self.teacher, self.data.x_test),
                             "student": seconds_per_sample(self.distilled, self.data.x_test)}
        return self._timings
