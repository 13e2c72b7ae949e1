"""What several sub-commands check in their arguments, in one place."""

from __future__ import annotations


def number_between(text: str, low: float, high: float) -> float | None:
    """``text`` as a number from ``low`` to ``high``; None when it is not one."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None  # NaN is never in range
