"""The `training-lab` widget: train a scratch and a distilled student against one teacher."""

from __future__ import annotations

from kdsite.core.data import make_dataset
from kdsite.core.states.training_lab import TEMPERATURE, sliders
from kdsite.widgets.params import Param, integer_between, number_between
from kdsite.widgets.spec import WidgetSpec

TEACHER_LAYERS = (1, 3)
STUDENT_LAYERS = (0, 2)
TEST_POINTS = len(make_dataset(0).y_test)


SPEC = WidgetSpec(
    name="training-lab",
    params=(
        Param("epochs", integer_between(10, 500), "a whole number from 10 to 500", default=100),
        Param("temperature", number_between(*TEMPERATURE), "a number from 1 to 10", default=4.0),
        Param("alpha", number_between(0.0, 1.0), "a number from 0 to 1", default=0.5),
        Param("teacher_layers", integer_between(*TEACHER_LAYERS), "a whole number from 1 to 3", default=2),
        Param("student_layers", integer_between(*STUDENT_LAYERS), "a whole number from 0 to 2", default=1),
        Param("seed", integer_between(0, 2**31 - 1), "a whole number ≥ 0", default=0),
        Param("point", integer_between(0, TEST_POINTS - 1), f"a test point index from 0 to {TEST_POINTS - 1}",
              default=None),
    ),
    extras=lambda config: {
        "sliders": {name: slider.attributes() for name, slider in sliders(config).items()},
        "teacher_layers": range(TEACHER_LAYERS[0], TEACHER_LAYERS[1] + 1),
        "student_layers": range(STUDENT_LAYERS[0], STUDENT_LAYERS[1] + 1),
        "temperature_range": TEMPERATURE,
        "test_points": TEST_POINTS,
    },
)
