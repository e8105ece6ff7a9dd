"""The compression chapter says what its own code computes: lab, sweep and roofline numbers."""

import re
from pathlib import Path

import pytest
import yaml

from kdsite.core.lab import LabRun
from kdsite.core.states.training_lab import lab_settings
from kdsite.figures import accuracy_vs_size, roofline
from kdsite.widgets import WIDGETS

CHAPTER = Path(__file__).resolve().parents[2] / "content" / "compression.md"


@pytest.fixture(scope="module")
def text() -> str:
    return " ".join(CHAPTER.read_text(encoding="utf-8").split())


def pct(value: float) -> str:
    """Return a share as the chapter writes it: 93%, 87.5%."""
    return f"{value * 100:.1f}".removesuffix(".0") + "%"


def test_lab_numbers_are_the_lab_result(text):
    block = re.search(r"```kd-widget training-lab\n(.*?)```", CHAPTER.read_text(encoding="utf-8"), re.S).group(1)
    config, issues = WIDGETS["training-lab"].validate(yaml.safe_load(block))
    assert not issues and config["id"] == "compression-lab" and config["student_layers"] == 0
    run = LabRun(lab_settings(config, {}))
    run.step(run.settings.epochs)
    scratch, distilled = run.history[-1]
    teacher_params, student_params = run.parameters()
    assert f"just {student_params} parameters against the teacher's {teacher_params:,}" in text
    assert (f"teacher classifies {pct(run.teacher_metrics.test_accuracy)} of the 200 test points correctly, "
            f"the student trained from scratch {pct(scratch.test_accuracy)}, and the distilled student "
            f"{pct(distilled.test_accuracy)}") in text
    assert (f"agreeing with the teacher on {pct(distilled.agreement)} of the points "
            f"instead of {pct(scratch.agreement)}") in text


def test_sweep_claims_hold():
    sweep = accuracy_vs_size.sweep()
    gains = [(p.distilled_accuracy - p.scratch_accuracy) * 100 for p in sweep.points]
    assert all(1.95 <= g <= 3.5 for g in gains), gains  # "by 2 to 3.5 points"
    widest = [p for p in sweep.points if p.width == 16][0]
    assert widest.parameters * 10 == pytest.approx(sweep.teacher_parameters, rel=0.02)  # "a tenth"
    assert 0.5 <= (sweep.teacher_accuracy - widest.distilled_accuracy) * 100 <= 1.5  # "about a point"


def test_roofline_numbers_match_the_text(text):
    r = roofline
    assert f"ridge then sits at {r.ridge():.0f} operations per byte" in text
    teacher = f"{r.TEACHER.intensity:.0f} operations per byte, memory-bound, at least {r.TEACHER.seconds * 1e3:.1f} ms"
    assert teacher in text
    assert f"about {round(r.STUDENT.intensity, -3):,.0f} operations per byte" in text
    assert f"compute-bound, at least {r.STUDENT.seconds * 1e3:.2f} ms" in text
    assert f"{r.STUDENT_FP32.weight_bytes / 1e6:.1f} MB of FP32 weights" in text
    ratio = r.TEACHER.seconds / r.STUDENT_FP32.seconds
    assert f"its bound is {ratio:.0f} times lower" in text and f"reads {ratio:.0f} times fewer bytes" in text
    assert f"{r.INPUT_BYTES:,} bytes" in text and f"{r.BANDWIDTH / 1e9:g} GB/s" in text


def test_cited_ratios_are_right(text):
    assert "39 times less arithmetic but runs only 8 times faster" in text
    assert round(11.6e9 / 300e6) == 39 and round(180 / 22) == 8
    assert "recovers 2.9 of the 6.5 points" in text
    assert round(74.7 - 71.8, 1) == 2.9 and round(78.3 - 71.8, 1) == 6.5
