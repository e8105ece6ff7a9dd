"""YAML blocks inside Markdown (front matter, widget parameters), with file line numbers.

A block's data is what YAML reads; its nodes keep what the author wrote, so a text value
can be shown exactly as written (`010`, `no`, `1:30`) and a number written as text found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kdsite.errors import Problem

QUOTED = ("'", '"')


class _Loader(yaml.SafeLoader):
    """Safe YAML that also reads exponents without a decimal point (1e-9, as YAML 1.2 does)."""


# PyYAML follows YAML 1.1, where `1e-9` is a string: authors write it and mean a number.
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))
# …and a signed fraction without its leading 0 (`-.5`), which YAML 1.1 reads as text.
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?$"), list("-+"))
# YAML 1.1 reads a lone `=` as a "value" tag that no safe loader can build: an error for a label `=`.
_Loader.yaml_implicit_resolvers = {first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":value")]
                                   for first, resolvers in _Loader.yaml_implicit_resolvers.items()}

# Numbers YAML 1.1 reads unlike a reader (and unlike YAML 1.2): base 60, and octal by a leading zero.
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_LEADING_ZERO = re.compile(r"([-+]?)0[0-9_]+")
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class Mapping(dict):
    """A block's top-level `key: value` data, plus each value's YAML node by the key as written (`nodes`).

    The keys of `nodes` are the keys' text (`on:` is "on", where the data's key is True).
    """

    def __init__(self, data: dict, nodes: dict[str, yaml.Node]):
        super().__init__(data)
        self.nodes = nodes


@dataclass
class Block:
    """A parsed YAML block: its data (a Mapping for `key: value` lines), and the file line of each top-level key."""

    data: Any
    lines: dict[str, int]


def load_block(text: str, file: Path, first_line: int, what: str, problems: list[Problem]) -> Block | None:
    """Parse YAML whose first line is file line `first_line`; add a problem and return None if invalid.

    `text` has "\\n" line breaks (as Markdown gives a block); lines are counted by them alone,
    so a YAML-only break such as U+2028 inside a value does not shift a reported line.
    """
    try:
        node, data = _parse(text)
    except yaml.YAMLError as error:
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        # A reader error (a character YAML refuses) has a position instead of a mark.
        index = mark.index if mark else getattr(error, "position", 0)
        problems.append(Problem(f"{what} is not valid YAML ({reason})",
                                "write one `name: value` per line, lists as [a, b, c]",
                                file, first_line + text.count("\n", 0, index)))
        return None
    lines = {}
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        lines = {str(key.value): first_line + node_line(key, text) for key, _ in node.value}
        data = Mapping(data, {str(key.value): value for key, value in node.value})
    return Block(data, lines)


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """Return the document's node tree and its data (what yaml.safe_load gives), parsing once."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def node_line(node: yaml.Node, text: str) -> int:
    """Return the 0-based line of `text` on which `node` starts."""
    return text.count("\n", 0, node.start_mark.index)


def scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Yield every scalar under `node` (itself, list entries, mapping keys and values), in order."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from scalars(key)
            yield from scalars(value)


def as_written(node: yaml.Node) -> Any:
    """Return the node's value with every scalar as the text the author wrote (lists and mappings kept).

    `010` gives "010", `no` gives "no", `1:30` gives "1:30"; a quoted scalar gives its text
    without the quotes, and an empty one "".
    """
    if isinstance(node, yaml.SequenceNode):
        return [as_written(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {as_written(key): as_written(value) for key, value in node.value}
    return node.value


def read_as(text: str) -> Any:
    """Return what YAML reads a plain (unquoted) scalar `text` as, e.g. "2" → 2, "yes" → True."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return text


def misread_number(node: yaml.ScalarNode) -> str | None:
    """Return how YAML 1.1 misreads a plain number, and what to write instead; None if it reads as written.

    `1:30` is read as 90 (base 60), `010` as 8 (octal) and `08` as text: YAML 1.2 and every
    reader take them otherwise, so the author is asked to write a plain decimal number.
    """
    if node.style:
        return None
    text = node.value
    if node.tag in _NUMBER_TAGS and _SEXAGESIMAL.fullmatch(text):
        value = read_as(text)
        return (f"YAML reads {text} as {value:g} (base 60, as for hours:minutes): "
                f"write the one number you mean, e.g. {value:g}")
    if found := _LEADING_ZERO.fullmatch(text):
        decimal = found.group(1) + (text.lstrip("+-").replace("_", "").lstrip("0") or "0")
        value = read_as(text)
        if isinstance(value, int):
            also = f" (or {value}, if you meant octal)" if str(value) != decimal else ""
            return f"YAML reads {text} as {value}, an octal number, because of the leading zero: write {decimal}{also}"
        return f"YAML reads {text} as text, not a number, because of the leading zero: write {decimal}"
    return None

