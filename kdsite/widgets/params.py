"""Parameter kinds for widget blocks: each checks one YAML value and says what is allowed.

Each check reads one of three kinds, which says how a block's YAML becomes the value it checks:
TEXT is exactly what the author wrote (`010`, `no`, `1:30` stay those characters), NUMBER a
plain YAML number (a quoted one, or one YAML 1.1 misreads, is an error), BOOLEAN true or false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from kdsite.markdown.yamlblock import QUOTED, as_written, misread_number, read_as, scalars

REQUIRED = object()

TEXT, NUMBER, BOOLEAN, VALUE = "text", "number", "boolean", "value"
# Which YAML values each kind keeps; any other plain scalar reaches its check as the text written.
_KEEPS = {NUMBER: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
          BOOLEAN: lambda v: isinstance(v, bool)}


class ParamError(ValueError):
    """A parameter value is not allowed; `allowed` says what would be."""

    def __init__(self, message: str, allowed: str):
        super().__init__(message)
        self.allowed = allowed


def reads(kind: str) -> Callable:
    """Mark a check as reading TEXT, NUMBER or BOOLEAN values (an unmarked check reads VALUE: YAML's own)."""
    def mark(check: Callable) -> Callable:
        check.kind = kind
        return check
    return mark


def read_value(kind: str, value: Any, node: yaml.Node | None, allowed: str) -> Any:
    """Return the value a check of `kind` is given, from YAML's `value` and its `node` (None: `value` as is).

    TEXT: every scalar as written. NUMBER / BOOLEAN: YAML's value, but a plain scalar YAML
    read as something else (`yes` for a number, `2` for true/false) as the text written, so
    the check names what the author wrote. Raises ParamError(…, allowed) for an empty value,
    a number or true/false written in quotes, and a number YAML 1.1 misreads (`1:30` → 90,
    `010` → 8).
    """
    if node is None or kind == VALUE:
        return value
    for scalar in scalars(node):
        if not scalar.style and scalar.tag.endswith(":null") and not scalar.value:
            raise ParamError(f"{_entry(node, scalar)}no value is written", allowed)
        if kind == TEXT:
            continue
        keeps = _KEEPS[kind]
        if scalar.style in QUOTED and keeps(read_as(scalar.value)):
            raise ParamError(f"{scalar.value!r} is in quotes, which makes it text: "
                             f"write {scalar.value} without quotes", allowed)
        misread = misread_number(scalar) if kind == NUMBER else None
        if misread:
            raise ParamError(misread, allowed)
    return as_written(node) if kind == TEXT else _plain_as_written(node, value, _KEEPS[kind])


def _entry(node: yaml.Node, scalar: yaml.ScalarNode) -> str:
    """Return "entry N: " when `scalar` lies in the N-th entry of the list `node`, else ""."""
    if isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value, 1):
            if any(s is scalar for s in scalars(item)):
                return f"entry {n}: "
    return ""


def _plain_as_written(node: yaml.Node, value: Any, keeps: Callable[[Any], bool]) -> Any:
    """Return `value` with each plain scalar whose YAML value `keeps` refuses replaced by its text."""
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list) and len(value) == len(node.value):
        return [_plain_as_written(item, v, keeps) for item, v in zip(node.value, value)]
    if isinstance(node, yaml.ScalarNode) and not node.style and not keeps(value):
        return node.value
    return value


@dataclass(frozen=True)
class Param:
    """One widget parameter: its name, how to check a value, and its default."""

    name: str
    check: Callable[[Any], Any]
    allowed: str
    default: Any = REQUIRED

    @property
    def kind(self) -> str:
        """Return what the check reads: TEXT, NUMBER, BOOLEAN or VALUE (see `reads`)."""
        return getattr(self.check, "kind", VALUE)

    def read(self, value: Any, node: yaml.Node | None) -> Any:
        """Return the checked value of this parameter from its YAML value and node (see read_value)."""
        return self.check(read_value(self.kind, value, node, self.allowed))


def _number(value: Any, allowed: str) -> float:
    """Return value as a finite float, or raise ParamError."""
    # bool is an int subclass, but `true` is never a number a user meant.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(f"{value!r} is not a number", allowed)
    if not math.isfinite(value):
        raise ParamError(f"{value!r} is not a finite number", allowed)
    return float(value)


@reads(NUMBER)
def positive_number(value: Any) -> float:
    """Check a number > 0."""
    allowed = "a number greater than 0"
    number = _number(value, allowed)
    if number <= 0:
        raise ParamError(f"{value!r} is not greater than 0", allowed)
    return number


@reads(NUMBER)
def probabilities(value: Any) -> list[float]:
    """Check a list of non-negative numbers that are not all zero."""
    allowed = "a list of at least two non-negative numbers, not all zero, e.g. [0.7, 0.2, 0.1]"
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(f"{value!r} is not a list of two or more numbers", allowed)
    numbers = [_number(v, allowed) for v in value]
    if any(v < 0 for v in numbers):
        raise ParamError(f"{value!r} has a negative entry", allowed)
    if not any(v > 0 for v in numbers):
        raise ParamError("all entries are zero", allowed)
    return numbers


@reads(TEXT)
def labels(value: Any) -> list[str]:
    """Check a list of short texts."""
    allowed = "a list of class names, e.g. [cat, dog, fox]"
    if not isinstance(value, list) or not value:
        raise ParamError(f"{value!r} is not a list of names", allowed)
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        raise ParamError(f"{value!r} has an entry that is not a name", allowed)
    return [str(v) for v in value]


@reads(NUMBER)
def number_range(value: Any) -> list[float]:
    """Check [min, max] with 0 < min < max."""
    allowed = "[min, max] with 0 < min < max, e.g. [0.5, 8]"
    if not isinstance(value, list) or len(value) != 2:
        raise ParamError(f"{value!r} is not a pair [min, max]", allowed)
    low, high = (_number(v, allowed) for v in value)
    if low <= 0 or high <= 0:
        raise ParamError(f"{value!r} has a bound that is not greater than 0", allowed)
    if low >= high:
        raise ParamError(f"min {low:g} is not less than max {high:g}", allowed)
    return [low, high]


@reads(BOOLEAN)
def boolean(value: Any) -> bool:
    """Check true or false."""
    if not isinstance(value, bool):
        raise ParamError(f"{value!r} is not true or false", "true or false")
    return value


_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")


@reads(TEXT)
def widget_id(value: Any) -> str:
    """Check an id usable in URLs and HTML."""
    allowed = "lower-case letters, digits and hyphens, starting with a letter, e.g. kl-demo"
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ParamError(f"{value!r} is not a valid id", allowed)
    return value


def integer_between(low: int, high: int) -> Callable[[Any], int]:
    """Return a check for a whole number in [low, high]."""
    allowed = f"a whole number from {low} to {high}"

    @reads(NUMBER)
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(f"{value!r} is not a whole number", allowed)
        if not low <= value <= high:
            raise ParamError(f"{value!r} is not between {low} and {high}", allowed)
        return value

    return check


def number_between(low: float, high: float) -> Callable[[Any], float]:
    """Return a check for a number in [low, high]."""
    allowed = f"a number from {low:g} to {high:g}"

    @reads(NUMBER)
    def check(value: Any) -> float:
        number = _number(value, allowed)
        if not low <= number <= high:
            raise ParamError(f"{value!r} is not between {low:g} and {high:g}", allowed)
        return number

    return check


@reads(NUMBER)
def finite_numbers(value: Any) -> list[float]:
    """Check a list of at least two finite numbers of any sign, e.g. logits."""
    allowed = "a list of at least two finite numbers, e.g. [3.0, 1.5, -0.5]"
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(f"{value!r} is not a list of two or more numbers", allowed)
    return [_number(v, allowed) for v in value]
