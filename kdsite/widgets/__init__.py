"""Widget specs by name: the parameters each `kd-widget` block accepts."""

# One import and one SPECS line per widget, so adding a widget touches two lines.
from kdsite.widgets import (
    distill_steps,
    distillation_viz,
    loss_explorer,
    soft_labels,
    temperature_explorer,
    training_lab,
)
from kdsite.widgets.spec import Issue, WidgetSpec

SPECS = (
    distillation_viz.SPEC,
    training_lab.SPEC,
    loss_explorer.SPEC,
    distill_steps.SPEC,
    temperature_explorer.SPEC,
    soft_labels.SPEC,
)

WIDGETS: dict[str, WidgetSpec] = {spec.name: spec for spec in SPECS}

__all__ = ["WIDGETS", "Issue", "WidgetSpec"]
