"""What every widget declares, and how a widget block's YAML is validated against it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kdsite.widgets.params import REQUIRED, Param, ParamError, widget_id

# Every widget accepts an optional stable id (used for anchors and embed URLs).
COMMON_PARAMS = (Param("id", widget_id, "an id such as kl-demo", default=None),)


@dataclass(frozen=True)
class Issue:
    """One problem with a widget block: the parameter, what is wrong, what is allowed."""

    param: str | None
    message: str
    allowed: str


@dataclass(frozen=True)
class WidgetSpec:
    """A widget's name, parameters, cross-parameter checks and template."""

    name: str
    params: tuple[Param, ...]
    # Returns issues between parameters (lengths, ranges) of an otherwise valid config.
    check: Callable[[dict], list[Issue]] = lambda config: []
    # Extra values the template needs that are not parameters (e.g. a slider step).
    extras: Callable[[dict], dict] = lambda config: {}

    @property
    def template(self) -> str:
        """Return the Jinja template that pre-renders this widget."""
        return f"widgets/{self.name}.html"

    def all_params(self) -> tuple[Param, ...]:
        """Return the widget's own parameters plus the common ones."""
        return self.params + COMMON_PARAMS

    def validate(self, raw: Any) -> tuple[dict, list[Issue]]:
        """Return the validated config (with defaults) and every issue found.

        `raw` is a block's data: a kdsite.markdown.yamlblock.Mapping, whose nodes give text parameters as
        written, or a plain dict of values (taken as they are).
        """
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            return {}, [Issue(None, "the block body is not a set of `name: value` lines",
                              "YAML parameters such as `temperature: 2`")]
        params = {p.name: p for p in self.all_params()}
        # A block's data (kdsite.markdown.yamlblock.Mapping) keeps each value's node by its key as written.
        nodes = getattr(raw, "nodes", {})
        issues = [
            Issue(str(key), f"unknown parameter {key!r}", "one of " + ", ".join(params))
            for key in (nodes or raw) if key not in params
        ]
        config: dict = {}
        for param in params.values():
            if param.name not in raw:
                if param.default is REQUIRED:
                    issues.append(Issue(param.name, f"missing parameter {param.name!r}", param.allowed))
                elif param.default is not None:
                    config[param.name] = param.default
                continue
            try:
                config[param.name] = param.read(raw[param.name], nodes.get(param.name))
            except ParamError as error:
                issues.append(Issue(param.name, f"{param.name}: {error}", error.allowed))
        if not issues:
            issues = self.check(config)
        return config, issues
