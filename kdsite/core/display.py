"""Number formatting shared by the build and the browser, so both show the same text."""

import math
from decimal import ROUND_HALF_UP, Context, Decimal

_WIDE = Context(prec=1000)  # enough digits for any double written out in full


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


def exponent10(x: float) -> int:
    """Return floor(log10(|x|)) of a finite x ≠ 0, exactly (from its shortest decimal text)."""
    return Decimal(repr(float(x))).adjusted()


def number_text(x: float, decimals: int | None = 2, significant: int = 2) -> str:
    """Return x with `decimals` decimals, or more when it needs them to show `significant`
    significant digits — so a value that is not 0 never reads as 0 (0.0005 → "0.00050").
    With decimals=None, exactly `significant` significant digits (12345 → "12300" for 3).

    Rounds x's shortest decimal text half up (1.78125 → "1.7813" at 4 decimals), as a reader
    would, rather than its binary value: neighbouring slider positions never read the same.
    """
    x = float(x)
    if not math.isfinite(x):
        return fixed(x, decimals or 0)
    places = decimals or 0
    if x != 0:
        wanted = significant - 1 - exponent10(x)
        places = wanted if decimals is None else max(decimals, wanted)
    exact = Decimal(repr(x))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)
    return f"{rounded:f}"


def small_fixed(x: float, digits: int) -> str:
    """Return x rounded to `digits` decimals, but a positive x that would read as 0 reads
    "< 0.001" (for 3 digits) rather than a misleading "0.000"; ∞ reads ∞.

    For KL divergences, losses and gradient sizes: every widget shows small ones this way.
    """
    x = float(x)
    text = fixed(x, digits)
    if 0 < x < math.inf and float(text) == 0:
        return "< " + fixed(10.0 ** -digits, digits)
    return text


def percent(x: float, digits: int = 1) -> str:
    """Return the fraction x as a percentage text."""
    return f"{100 * float(x):.{digits}f}%"
