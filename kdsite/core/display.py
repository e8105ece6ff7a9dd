"""Number formatting shared by the build and the browser, so both show the same text."""

import math


def data_value(x: float) -> str:
    """Return the full-precision text of x for a `data-value` attribute (`inf` for ∞)."""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if math.isnan(x):
        return "nan"
    return repr(x)


def fixed(x: float, digits: int) -> str:
    """Return x rounded to `digits` decimals, ∞ for infinity."""
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}f}"


def percent(x: float, digits: int = 1) -> str:
    """Return the fraction x as a percentage text."""
    return f"{100 * float(x):.{digits}f}%"
