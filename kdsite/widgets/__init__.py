"""Widget specs by name: the parameters each `kd-widget` block accepts."""

# One import and one SPECS line per widget, so adding a widget touches two lines.
from kdsite.widgets import distillation_viz
from kdsite.widgets import training_lab
from kdsite.widgets import loss_explorer
from kdsite.widgets import distill_steps
from kdsite.widgets import temperature_explorer
from kdsite.widgets import soft_labels
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
