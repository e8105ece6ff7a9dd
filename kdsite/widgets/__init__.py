"""Widget specs by name: the parameters each `kd-widget` block accepts."""

from kdsite.widgets import distillation_viz, training_lab
from kdsite.widgets.spec import Issue, WidgetSpec

WIDGETS: dict[str, WidgetSpec] = {spec.name: spec for spec in (distillation_viz.SPEC, training_lab.SPEC)}

__all__ = ["WIDGETS", "Issue", "WidgetSpec"]
