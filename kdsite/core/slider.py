"""Slider scales, computed once for the build and the browser: where a continuous control's
slider starts, what each of its positions means, and how its value reads.

A slider over [low, high] whose first position is the configured value `start`:

- **linear** (the range spans at most LOG_RATIO times, or starts at 0, like α): the input's
  value is the quantity itself, in steps of 10**-decimals. `decimals` gives at least
  MIN_POSITIONS positions and two significant digits at `low`, plus every decimal that
  `low`, `high` and `start` are written with, so all three are positions and every value
  the readout can show (that many decimals) is a position. Only a number written with so
  many decimals that the slider would need more than MAX_POSITIONS positions gets fewer:
  the grid then runs through `start` and reaches past the ends, which read as the ends.
- **log** (a wider positive range): the input's value is log10(T / start), in steps of
  1 / PER_DECADE, so position 0 is exactly `start` (the input names it in data-kd-start).
  The step (×1.00092) is finer than the readout, which shows three significant digits (or
  fixed decimals, when the step resolves them across the whole range), so every value it can
  show is the text of some position.

Either way the outermost positions are `low` and `high` exactly, and the browser sends the
input's value as `<control>_position`; `Slider.value_at` turns it into the quantity, in
Python, so the build and the browser agree to the last bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Context, Decimal

from kdsite.core.display import exponent10, number_text

LOG_RATIO = 20.0  # a positive range spanning more than this many times gets a log slider
MIN_POSITIONS = 50  # a linear slider has at least this many steps
MAX_POSITIONS = 10_000  # a linear slider never has more (a start written with more decimals is rounded)
PER_DECADE = 2500  # log positions per factor of ten: steps of ×1.00092, finer than 3 digits anywhere
LOG_SIGNIFICANT = 3  # significant digits a log slider's value shows (unless fixed decimals fit)

_WIDE = Context(prec=1000)  # exact arithmetic on the decimal texts of doubles


def _decimal(x: float) -> Decimal:
    """Return the shortest decimal text of x as a Decimal: what HTML and Jinja write for it."""
    return Decimal(repr(float(x)))


def decimals_of(x: float) -> int:
    """Return the decimals of the shortest text of x: 0.05 → 2, 1e-05 → 5, 3.0 → 0, 250.0 → 0."""
    return max(0, -int(_decimal(x).normalize(_WIDE).as_tuple().exponent))


def significant_decimals(x: float, digits: int) -> int:
    """Return the decimals that show a positive x with `digits` significant digits (≥ 0)."""
    return max(0, digits - 1 - exponent10(x))


def _attribute(value: Decimal) -> str:
    """Return a Decimal as plain positional text for an HTML attribute (no exponent, no -0)."""
    text = format(value.normalize(_WIDE), "f")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Slider:
    """One slider's scale: positions `first`..`last` (integers, first ≤ 0 ≤ last) relative to
    `start`. Linear: position i is start + i·10**-decimals; log: start·10**(i / PER_DECADE);
    both clamped to [low, high]."""

    low: float
    high: float
    start: float
    log: bool
    decimals: int  # linear: the step's decimals; log: the text's fixed decimals, or -1: 3 significant digits
    first: int
    last: int

    @property
    def positions(self) -> int:
        """Return how many positions the slider has."""
        return self.last - self.first + 1

    def _step(self) -> Decimal:
        return Decimal(1) / PER_DECADE if self.log else Decimal(1).scaleb(-self.decimals)

    def _input_value(self, index: int) -> Decimal:
        """Return the input's value at position `index` (exact)."""
        origin = Decimal(0) if self.log else _decimal(self.start)
        return origin + index * self._step()

    def attributes(self) -> dict[str, str]:
        """Return the `<input type=range>` attributes: min, max, step, value, data-kd-scale
        and, for a linear slider, data-kd-decimals (how many decimals each position has), for
        a log slider data-kd-start (`start`, the quantity at position 0) and data-kd-low /
        data-kd-high (the quantities at min and max, which lie off the grid), each as the
        shortest text that reads back as the same double: a host page's value becomes a
        position by them (kdsite/static/embed-frame.js)."""
        attributes = {"min": _attribute(self._input_value(self.first)),
                      "max": _attribute(self._input_value(self.last)),
                      "step": _attribute(self._step()), "value": _attribute(self._input_value(0)),
                      "data-kd-scale": "log" if self.log else "linear"}
        if self.log:
            attributes["data-kd-start"] = repr(self.start)
            attributes["data-kd-low"] = repr(self.low)
            attributes["data-kd-high"] = repr(self.high)
        else:
            attributes["data-kd-decimals"] = str(self.decimals)
        return attributes

    def value_at(self, position: float) -> float:
        """Return the value at a position (the input's value); the outermost positions are
        `low` and `high`. A position beyond them (a slider bent by a script) maps by the same
        rule, unclamped, for the state function to judge.

        Raises ValueError for a position that is not a finite number.
        """
        position = float(position)
        if not math.isfinite(position):
            raise ValueError(f"slider position {position!r} is not a finite number")
        if not self.log:
            if float(self._input_value(self.first)) <= position < self.low:
                return self.low
            if self.high < position <= float(self._input_value(self.last)):
                return self.high
            return position
        index = round(position * PER_DECADE)
        if index == self.first:
            return self.low
        if index == self.last:
            return self.high
        decades = index / PER_DECADE
        if decades > 300:  # only from a subnormal start: start · 10**decades would overflow midway
            return 10.0 ** (math.log10(self.start) + decades)
        return self.start if index == 0 else self.start * 10.0 ** decades

    def text(self, value: float) -> str:
        """Return the value as the slider's readout shows it: never 0 for a positive value."""
        if self.log and self.decimals < 0:
            return number_text(value, None, LOG_SIGNIFICANT)
        return number_text(value, self.decimals)


def _linear_decimals(low: float, high: float, start: float) -> int:
    """Return the decimals of a linear slider's step (see the module's docstring)."""
    least = significant_decimals(low, 2) if low > 0 else 0
    while (high - low) * 10.0 ** least < MIN_POSITIONS * (1 - 1e-9):
        least += 1
    wanted = max(least, decimals_of(low), decimals_of(high), decimals_of(start))
    most = math.floor(math.log10(MAX_POSITIONS / (high - low)))
    return max(least, min(wanted, most))


def _count(span: Decimal, step: Decimal) -> int:
    """Return how many steps cover `span` (≥ 0): ceil(span / step), exactly."""
    return int((span / step).to_integral_value(rounding=ROUND_CEILING, context=_WIDE))


def make_slider(low: float, high: float, start: float, log: bool | None = None) -> Slider:
    """Return the slider over [low, high] whose first position is exactly `start`.

    `log` defaults to: low > 0 and high / low > LOG_RATIO. A `start` outside the range widens
    it (validation keeps configured values inside; a raw config may not).
    """
    low, high, start = float(low), float(high), float(start)
    low, high = min(low, start), max(high, start)
    if log is None:
        log = low > 0 and high > LOG_RATIO * low
    if high == low:  # one position
        return Slider(low, high, start, False, decimals_of(start), 0, 0)
    if not log:
        decimals = _linear_decimals(low, high, start)
        step = Decimal(1).scaleb(-decimals)
        first = -_count(_decimal(start) - _decimal(low), step)
        last = _count(_decimal(high) - _decimal(start), step)
        return Slider(low, high, start, False, decimals, first, last)
    # log10(b) − log10(a), not log10(b / a): the ratio of a range's ends may overflow.
    # ceil(x − 1e-9): an end a whole number of steps away is that position, not one more.
    first = -math.ceil((math.log10(start) - math.log10(low)) * PER_DECADE - 1e-9)
    last = math.ceil((math.log10(high) - math.log10(start)) * PER_DECADE - 1e-9)
    # Fixed decimals (two significant digits at low) read steadier, but only while the step
    # resolves one unit of them at high; otherwise three significant digits.
    fixed = significant_decimals(low, 2)
    fits = 10.0 ** -fixed >= high * (10.0 ** (1 / PER_DECADE) - 1)
    return Slider(low, high, start, True, fixed if fits else -1, first, last)


def control_value(controls: dict, name: str, slider: Slider | None, default: float) -> float:
    """Return a control's value: `controls[name]` (a value, as given), else
    `controls[name + "_position"]` (a slider position: what the browser sends), else `default`.

    Raises ValueError for a value or position that is not a finite number.
    """
    if name in controls:
        value = float(controls[name])
        if not math.isfinite(value):
            raise ValueError(f"{name} {value!r} is not a finite number")
        return value
    key = f"{name}_position"
    if key in controls:
        if slider is None:
            raise ValueError(f"{key}: this widget has no {name} slider")
        return slider.value_at(controls[key])
    return float(default)
