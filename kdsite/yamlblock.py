"""YAML blocks inside Markdown (front matter, widget parameters), with file line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kdsite.errors import Problem


class _Loader(yaml.SafeLoader):
    """Safe YAML that also reads exponents without a decimal point (1e-9, as YAML 1.2 does)."""


# PyYAML follows YAML 1.1, where `1e-9` is a string: authors write it and mean a number.
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))


@dataclass
class Block:
    """A parsed YAML block: its data, and the file line of each top-level key."""

    data: Any
    lines: dict[str, int]


def load_block(text: str, file: Path, first_line: int, what: str, problems: list[Problem]) -> Block | None:
    """Parse YAML whose first line is file line `first_line`; add a problem and return None if invalid."""
    try:
        data = yaml.load(text, Loader=_Loader)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problems.append(Problem(f"{what} is not valid YAML ({reason})",
                                "write one `name: value` per line, lists as [a, b, c]",
                                file, first_line + (mark.line if mark else 0)))
        return None
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(key.value): first_line + key.start_mark.line for key, _ in node.value}
    return Block(data, lines)


def display_path(path: Path) -> Path:
    """Return path relative to the working directory when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
