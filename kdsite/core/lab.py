"""The training lab's experiment: one teacher, a scratch and a distilled student, side by side."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from kdsite.core.data import Dataset, make_dataset
from kdsite.core.mlp import MLP, logits, parameter_count
from kdsite.core.softening import soften_logits
from kdsite.core.training import Metrics, Settings, accuracy, initial_student, score, train, trained_teacher

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


@dataclass(frozen=True)
class RunStart:
    """Where every run with one (teacher layers, student layers, seed) starts, whatever its T, α
    and epochs: the data, the trained teacher, the students' initial weights, and the logits
    epoch 0 is scored on. Shared by those runs, so never changed: its arrays are read-only, and
    runs train copies of `student`."""

    data: Dataset
    transfer: Dataset  # the students' labelled points (data.transfer_set())
    teacher: MLP
    student: MLP  # both students' initial weights
    # Logits, shape (points, classes): the teacher's on data.x_train, and the teacher's and the
    # initial student's on the transfer points and on the test points (data.x_test).
    teacher_train: np.ndarray
    teacher_transfer: np.ndarray
    teacher_test: np.ndarray
    student_transfer: np.ndarray
    student_test: np.ndarray


def _read_only(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.setflags(write=False)


# A slider move restarts the run with a new T or α: it starts where the last run started, so
# the forward passes of epoch 0 are done once per architecture and seed (16: a few pages' worth).
@lru_cache(maxsize=16)
def run_start(teacher_layers: int, student_layers: int, seed: int) -> RunStart:
    """Return the start of every run with these architectures and this seed (computed once)."""
    data = make_dataset(seed)
    transfer = data.transfer_set()
    teacher = trained_teacher(teacher_layers, seed)
    student = initial_student(student_layers, seed)
    start = RunStart(data, transfer, teacher, student,
                     teacher_train=logits(teacher, data.x_train),
                     teacher_transfer=logits(teacher, transfer.x_train),
                     teacher_test=logits(teacher, data.x_test),
                     student_transfer=logits(student, transfer.x_train),
                     student_test=logits(student, data.x_test))
    _read_only(data.x_train, data.y_train, data.x_test, data.y_test, transfer.x_train, transfer.y_train,
               *teacher.weights, *teacher.biases, *student.weights, *student.biases, start.teacher_train,
               start.teacher_transfer, start.teacher_test, start.student_transfer, start.student_test)
    return start


class LabRun:
    """One run of the lab: the teacher (trained once) and two students trained in lockstep."""

    def __init__(self, settings: LabSettings):
        self.settings = settings
        start = self.start = run_start(settings.teacher_layers, settings.student_layers, settings.seed)
        self.data: Dataset = start.data
        self.transfer = start.transfer
        self.teacher = start.teacher
        self.scratch = start.student.copy()
        self.distilled = start.student.copy()
        # Each student is scored by its own loss: the scratch student's total is its hard loss.
        scratch_settings, distilled_settings = settings.training(0.0), settings.training(settings.alpha)
        self._scratch_steps = train(self.scratch, self.transfer, scratch_settings, self.teacher)
        self._distilled_steps = train(self.distilled, self.transfer, distilled_settings, self.teacher)
        # Epoch 0: both students still hold the start's weights, so its logits score them.
        at_start = (start.student_transfer, start.teacher_transfer, start.student_test, start.teacher_test)
        self.history: list[tuple[Metrics, Metrics]] = [(
            score(*at_start, self.transfer, scratch_settings, 0),
            score(*at_start, self.transfer, distilled_settings, 0),
        )]
        self._timings: dict[str, float] | None = None

    @cached_property
    def teacher_metrics(self) -> Metrics:
        """Return the teacher's metrics on the whole data set (its losses at the run's T)."""
        start = self.start
        return score(start.teacher_train, start.teacher_train, start.teacher_test, start.teacher_test,
                     self.data, self.settings.training(0.0), 0)

    @property
    def teacher_accuracy(self) -> float:
        """Return the teacher's test accuracy: teacher_metrics.test_accuracy, which T and α do
        not change, without computing the metrics' losses (the lab shows only this)."""
        return accuracy(self.start.teacher_test, self.data.y_test)

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
        probs = soften_logits(self.start.teacher_test)
        return int(np.argmin(probs.max(axis=1)))

    def timings(self) -> dict[str, float]:
        """Return seconds per sample for the teacher and the student, measured once per run."""
        if self._timings is None:
            self._timings = {"teacher": seconds_per_sample(self.teacher, self.data.x_test),
                             "student": seconds_per_sample(self.distilled, self.data.x_test)}
        return self._timings
