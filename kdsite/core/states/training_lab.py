"""State of the `training-lab` widget: a run's curves, decision maps, readouts and table."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

from kdsite.core.display import data_value, percent, small_fixed
from kdsite.core.lab import GRID, LabRun, LabSettings, decision_runs, run_start
from kdsite.core.network_diagram import network_diagram
from kdsite.core.slider import Slider, control_value, make_slider

CURVES = ("loss-hard", "loss-soft", "loss-total", "kl-distilled", "kl-scratch")
# The two charts (templates/widgets/training-lab.html data-kd-chart) and the curves each draws.
CHARTS = {"loss": ("loss-total", "loss-soft", "loss-hard"), "kl": ("kl-distilled", "kl-scratch")}
TEMPERATURE = (1.0, 10.0)  # the T slider's range
# Tick steps a chart's axes choose from; a top beyond 4 × 1000 takes 1, 2, 2.5 or 5 × 10**k.
NICE_STEPS = (0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
TICKS = 4  # at most this many steps along an axis

# Runs kept alive between "train" messages, by the page's run id (one per widget).
_RUNS: dict[str, LabRun] = {}


def lab_settings(config: dict, controls: dict, scales: dict[str, Slider] | None = None) -> LabSettings:
    """Return the run settings from the widget's config, overridden by the reader's controls
    (T and α as values, or as their sliders' positions: see kdsite.core.slider); `scales` are
    `sliders(config)`, for a caller that has them already."""
    pick = lambda control, key: controls.get(control, config[key])  # noqa: E731
    scales = scales or sliders(config)
    return LabSettings(
        teacher_layers=int(pick("teacher-layers", "teacher_layers")),
        student_layers=int(pick("student-layers", "student_layers")),
        temperature=control_value(controls, "temperature", scales["temperature"], config["temperature"]),
        alpha=control_value(controls, "alpha", scales["alpha"], config["alpha"]),
        epochs=int(config["epochs"]),
        seed=int(config["seed"]),
    )


def sliders(config: dict) -> dict[str, Slider]:
    """Return the scales of the T slider (over TEMPERATURE) and the α slider (over [0, 1])."""
    return {"temperature": make_slider(*TEMPERATURE, config["temperature"]),
            "alpha": make_slider(0.0, 1.0, config["alpha"])}


def nice_step(top: float) -> float:
    """Return the smallest nice step of which TICKS cover [0, top] (0.01 for top ≤ 0.04)."""
    wanted = top / TICKS
    for step in NICE_STEPS:
        if step >= wanted:
            return step
    decade = 10.0 ** math.floor(math.log10(wanted))
    return next(m * decade for m in (1, 2, 2.5, 5, 10) if m * decade >= wanted)


def _tick_text(value: float) -> str:
    """Return a tick label: six significant digits, trailing zeros dropped, never an exponent
    (0.30000000000000004 → "0.3", 1e6 → "1000000")."""
    return format(Decimal(f"{value:.6g}").normalize(), "f")


def chart_axes(curves: dict[str, list[float]], epochs: int) -> dict[str, dict]:
    """Return each chart's axes, by chart name (CHARTS): `y_max`, the top of the y axis (the
    fewest nice steps, at least one, that reach every value its curves draw); `y_ticks`, one per
    step from 0 to y_max; `x_ticks`, every nice step of epochs from 0 up to `epochs`. A tick is
    {"value", "text"}. The page only places them (kdsite/static/widgets/training-lab.js)."""
    x_step = int(nice_step(epochs))  # whole epochs: a step of 2.5 (10 epochs) ticks every 2
    x_ticks = [{"value": e, "text": str(e)} for e in range(0, epochs + 1, x_step)]
    axes = {}
    for chart, keys in CHARTS.items():
        top = max((v for key in keys for v in curves[key] if math.isfinite(v)), default=0.0)
        step = nice_step(max(top, 0.0))
        count = max(1, math.ceil(top / step - 1e-9))  # 1e-9: a top on a step is that step's tick
        axes[chart] = {"y_max": step * count,
                       "y_ticks": [{"value": step * i, "text": _tick_text(step * i)} for i in range(count + 1)],
                       "x_ticks": x_ticks}
    return axes


def _readout(value: float, text: str) -> dict:
    """Return a readout: full-precision value and display text."""
    return {"value": data_value(value), "text": text}


def _layers_text(layers: int, params: int) -> str:
    """Return e.g. '2 hidden layers · 1,317 parameters'."""
    noun = "hidden layer" if layers == 1 else "hidden layers"
    return f"{layers} {noun} · {params:,} parameters"


def _normalise(points, bounds) -> list[list[float]]:
    """Return points as [u, v] in the unit square, v = 0 at the top."""
    xmin, xmax, ymin, ymax = bounds
    return [[round((x - xmin) / (xmax - xmin), 5), round((ymax - y) / (ymax - ymin), 5)] for x, y in points]


@dataclass
class _Fixed:
    """What a run's state shows that neither T, α nor the epochs change: the parts decided by
    the architectures and the seed alone (kdsite.core.lab.RunStart), and the epoch-0 students."""

    teacher_regions: list
    points: dict
    diagrams: dict
    default_point: int  # LabRun.default_point: the teacher's least sure test point
    start_regions: dict  # the three maps at epoch 0, where both students hold the start's weights
    start_predictions: dict[int, dict] = field(default_factory=dict)  # epoch-0 panels by test point
    texts: dict[str, str] = field(default_factory=dict)  # JSON of points, diagrams, start_regions

    def text(self, name: str) -> str:
        """Return the JSON text of the part `name`, encoded once: most of a state's text."""
        if name not in self.texts:
            self.texts[name] = json.dumps(getattr(self, name), allow_nan=False)
        return self.texts[name]


# By (teacher layers, student layers, seed): every slider move restarts a run, and most of an
# epoch-0 state is the same as the last one's. At most 16 entries (then it starts again).
# States share these lists and dicts: whoever gets a state reads it, never changes it.
_FIXED: dict[tuple[int, int, int], _Fixed] = {}


def clear_caches() -> None:
    """Forget every run start and fixed part computed so far (the next state computes them)."""
    run_start.cache_clear()
    _FIXED.clear()


def _fixed_parts(run: LabRun) -> _Fixed:
    """Return the parts of the run's state that only its architectures and seed decide."""
    s = run.settings
    key = (s.teacher_layers, s.student_layers, s.seed)
    if key not in _FIXED:
        if len(_FIXED) >= 16:
            _FIXED.clear()
        start, bounds = run.start, run.data.bounds
        teacher_params, student_params = (int(n) for n in run.parameters())
        points = {
            "test": [[*uv, int(c)] for uv, c in zip(_normalise(start.data.x_test, bounds), start.data.y_test)],
            "transfer": [[*uv, int(c)] for uv, c in zip(_normalise(start.transfer.x_train, bounds),
                                                         start.transfer.y_train)],
        }
        diagrams = {"teacher": network_diagram("Teacher", start.teacher.sizes, teacher_params),
                    "student": network_diagram("Student", start.student.sizes, student_params)}
        teacher_regions, student_regions = decision_runs(start.teacher, bounds), decision_runs(start.student, bounds)
        start_regions = {"teacher": teacher_regions, "scratch": student_regions, "distilled": student_regions}
        _FIXED[key] = _Fixed(teacher_regions, points, diagrams, run.default_point(), start_regions)
    return _FIXED[key]


def _prediction(run: LabRun, index: int) -> dict:
    """Return the prediction panel for test point `index`."""
    names = run.data.names
    panel = {"index": index, "true": names[int(run.data.y_test[index])], "models": {}}
    for key, model in (("teacher", run.teacher), ("scratch", run.scratch), ("distilled", run.distilled)):
        probs = run.probabilities(model, index)
        panel["models"][key] = {"predicted": names[int(probs.argmax())],
                                "probs": [data_value(p) for p in probs],
                                "texts": [percent(p) for p in probs]}
    return panel


def lab_state(run: LabRun, point: int | None = None, timings: dict | None = None,
              scales: dict[str, Slider] | None = None) -> dict:
    """Return everything the lab shows for the run as it stands; `scales` (see `sliders`) word
    T and α as their sliders do (default: sliders starting at the run's own T and α)."""
    s = run.settings
    scales = scales or sliders({"temperature": s.temperature, "alpha": s.alpha})
    t_text, a_text = scales["temperature"].text(s.temperature), scales["alpha"].text(s.alpha)
    scratch, distilled = run.history[-1]
    teacher_params, student_params = (int(n) for n in run.parameters())
    teacher_accuracy = run.teacher_accuracy
    fixed = _fixed_parts(run)
    point = fixed.default_point if point is None else max(0, min(int(point), len(run.data.y_test) - 1))
    readouts = {
        "epoch": _readout(run.epoch, str(run.epoch)),
        "loss-hard": _readout(distilled.loss_hard, small_fixed(distilled.loss_hard, 3)),
        "loss-soft": _readout(distilled.loss_soft, small_fixed(distilled.loss_soft, 3)),
        "loss-total": _readout(distilled.loss_total, small_fixed(distilled.loss_total, 3)),
        "kl": _readout(distilled.kl, small_fixed(distilled.kl, 4)),
        "accuracy-teacher": _readout(teacher_accuracy, percent(teacher_accuracy)),
        "accuracy-scratch": _readout(scratch.test_accuracy, percent(scratch.test_accuracy)),
        "accuracy-distilled": _readout(distilled.test_accuracy, percent(distilled.test_accuracy)),
        "agreement-scratch": _readout(scratch.agreement, percent(scratch.agreement)),
        "agreement-distilled": _readout(distilled.agreement, percent(distilled.agreement)),
        "params-teacher": _readout(teacher_params, f"{teacher_params:,}"),
        "params-student": _readout(student_params, f"{student_params:,}"),
    }
    if timings:
        for key, seconds in timings.items():
            readouts[f"time-{key}"] = _readout(seconds, f"{seconds * 1e6:.1f} µs")
    # At epoch 0 both students still hold the start's weights: their map and panel are the start's.
    if run.epoch == 0:
        regions = fixed.start_regions
        if point not in fixed.start_predictions:
            fixed.start_predictions[point] = _prediction(run, point)
        prediction = fixed.start_predictions[point]
    else:
        bounds = run.data.bounds
        regions = {"teacher": fixed.teacher_regions, "scratch": decision_runs(run.scratch, bounds),
                   "distilled": decision_runs(run.distilled, bounds)}
        prediction = _prediction(run, point)
    history = run.history
    curves = {
        "loss-hard": [m.loss_hard for _, m in history],
        "loss-soft": [m.loss_soft for _, m in history],
        "loss-total": [m.loss_total for _, m in history],
        "kl-distilled": [m.kl for _, m in history],
        "kl-scratch": [m.kl for m, _ in history],
    }
    curves = {key: [round(v, 6) for v in values] for key, values in curves.items()}
    return {
        "epoch": run.epoch,
        "epochs": s.epochs,
        "done": run.done,
        "controls": {
            "temperature": _readout(s.temperature, t_text),
            "alpha": _readout(s.alpha, a_text),
            "teacher-layers": _readout(s.teacher_layers, _layers_text(s.teacher_layers, teacher_params)),
            "student-layers": _readout(s.student_layers, _layers_text(s.student_layers, student_params)),
            "point": _readout(point, str(point)),
        },
        "readouts": readouts,
        "curves": curves,
        "charts": chart_axes(curves, s.epochs),
        "grid": GRID,
        "regions": regions,
        # The architectures as drawn (kdsite/core/network_diagram.py); the page only draws them.
        "diagrams": fixed.diagrams,
        "classes": list(run.data.names),
        "points": fixed.points,
        "prediction": prediction,
        "aria_label": (
            f"Training lab at epoch {run.epoch} of {s.epochs}, T = {t_text}, "
            f"α = {a_text}. Test accuracy: teacher {percent(teacher_accuracy)}, "
            f"scratch student {percent(scratch.test_accuracy)}, distilled student {percent(distilled.test_accuracy)}. "
            f"Agreement with the teacher: scratch {percent(scratch.agreement)}, "
            f"distilled {percent(distilled.agreement)}."
        ),
    }


def training_lab_state(config: dict, controls: dict) -> dict:
    """Return the lab at epoch 0 for these settings (the build's pre-rendered state)."""
    scales = sliders(config)
    return lab_state(LabRun(lab_settings(config, controls, scales)), controls.get("point", config.get("point")),
                     scales=scales)


def train_json(run_id: str, config_json: str, controls_json: str, epochs: int, restart: bool) -> str:
    """Advance run `run_id` by `epochs` (restarting it first if asked) and return its state as JSON.

    Called by the page's Python worker; declared in kdsite/static/protocol.js PYTHON
    (tests/unit/test_protocol_js.py checks the parameters).
    """
    config, controls = json.loads(config_json), json.loads(controls_json)
    scales = sliders(config)
    settings = lab_settings(config, controls, scales)
    run = _RUNS.get(run_id)
    if restart or run is None or run.settings != settings:
        run = _RUNS[run_id] = LabRun(settings)
    run.step(epochs)
    timings = run.timings() if run.done else None
    state = lab_state(run, controls.get("point", config.get("point")), timings, scales)
    return _state_json(state, _fixed_parts(run))


# The state's values that may be a _Fixed's own, by the name of that _Fixed part.
_SHARED = {"points": "points", "diagrams": "diagrams", "regions": "start_regions"}


def _state_json(state: dict, fixed: _Fixed) -> str:
    """Return json.dumps(state, allow_nan=False) but for the order of the keys: each value that
    is a part of `fixed` (the same object) is written as that part's text, encoded once."""
    shared = {key: name for key, name in _SHARED.items() if state[key] is getattr(fixed, name)}
    text = json.dumps({key: value for key, value in state.items() if key not in shared}, allow_nan=False)
    if not shared:
        return text
    return text[:-1] + "".join(f", {json.dumps(key)}: {fixed.text(name)}" for key, name in shared.items()) + "}"
