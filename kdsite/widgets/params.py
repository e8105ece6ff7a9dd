"""Parameter kinds for widget blocks: each checks one YAML value and says what is allowed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable

REQUIRED = object()


class ParamError(ValueError):
    """A parameter value is not allowed; `allowed` says what would be."""

    def __init__(self, message: str, allowed: str):
        super().__init__(message)
        self.allowed = allowed


@dataclass(frozen=True)
class Param:
    """One widget parameter: its name, how to check a value, and its default."""

    name: str
    check: Callable[[Any], Any]
    allowed: str
    default: Any = REQUIRED


def _number(value: Any, allowed: str) -> float:
    """Return value as a finite float, or raise ParamError."""
    # bool is an int subclass, but `true` is never a number a user meant.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(f"{value!r} is not a number", allowed)
    if not math.isfinite(value):
        raise ParamError(f"{value!r} is not a finite number", allowed)
    return float(value)


def positive_number(value: Any) -> float:
    """Check a number > 0."""
    allowed = "a number greater than 0"
    number = _number(value, allowed)
    if number <= 0:
        raise ParamError(f"{value!r} is not greater than 0", allowed)
    return number


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


def labels(value: Any) -> list[str]:
    """Check a list of short texts."""
    allowed = "a list of class names, e.g. [cat, dog, fox]"
    if not isinstance(value, list) or not value:
        raise ParamError(f"{value!r} is not a list of names", allowed)
    if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        raise ParamError(f"{value!r} has an entry that is not a name", allowed)
    return [str(v) for v in value]


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


def boolean(value: Any) -> bool:
    """Check true or false."""
    if not isinstance(value, bool):
        raise ParamError(f"{value!r} is not true or false", "true or false")
    return value


_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")


def widget_id(value: Any) -> str:
    """Check an id usable in URLs and HTML."""
    allowed = "lower-case letters, digits and hyphens, starting with a letter, e.g. kl-demo"
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ParamError(f"{value!r} is not a valid id", allowed)
    return value


def integer_between(low: int, high: int) -> Callable[[Any], int]:
    """Return a check for a whole number in [low, high]."""
    allowed = f"a whole number from {low} to {high}"

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

    def check(value: Any) -> float:
        number = _number(value, allowed)
        if not low <= number <= high:
            raise ParamError(f"{value!r} is not between {low:g} and {high:g}", allowed)
        return number

    return check


def finite_numbers(value: Any) -> list[float]:
    """Check a list of at least two finite numbers of any sign, e.g. logits."""
    allowed = "a list of at least two finite numbers, e.g. [3.0, 1.5, -0.5]"
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(f"{value!r} is not a list of two or more numbers", allowed)
    return [_number(v, allowed) for v in value]
