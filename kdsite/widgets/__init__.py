"""Widget specs by name: the parameters each `kd-widget` block accepts."""

# One import and one SPECS line per widget, so adding a widget touches two lines.
from kdsite.widgets import distillation_viz
from kdsite.widgets import training_lab
from kdsite.widgets.spec import Issue, WidgetSpec

SPECS = (
    distillation_viz.SPEC,
    training_lab.SPEC,
)

WIDGETS: dict[str, WidgetSpec] = {spec.name: spec for spec in SPECS}

__all__ = ["WIDGETS", "Issue", "WidgetSpec"]
