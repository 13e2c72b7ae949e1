"""Colour arithmetic for readable text: hex parsing and WCAG 2.x contrast.

Pure functions, no Qt: ``parse_hex_color("#0B4F6C")``, ``contrast_ratio(text, background)``.
"""

from __future__ import annotations

import re
from typing import TypeAlias

__all__ = [
    "WCAG_AA_LARGE_TEXT",
    "WCAG_AA_NORMAL_TEXT",
    "contrast_ratio",
    "parse_hex_color",
    "relative_luminance",
]

WCAG_AA_NORMAL_TEXT = 4.5
"""The smallest contrast ratio WCAG 2.x level AA allows for normal-size text."""
WCAG_AA_LARGE_TEXT = 3.0
"""The smallest for large text (headings) and for the edges of controls (WCAG 1.4.11)."""

RGB: TypeAlias = tuple[int, int, int]
"""Red, green and blue channels, each 0..255."""

_HEX_COLOR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def parse_hex_color(text: str) -> RGB:
    """Return the (red, green, blue) channels, 0..255, of ``"#RRGGBB"`` or ``"#RGB"``.

    Letters may be upper or lower case; nothing else is accepted (no spaces, no names).
    Raises ValueError for anything else.
    """
    if not isinstance(text, str):
        raise ValueError(f"a colour must be text like '#1B1B1B', got {text!r}")
    match = _HEX_COLOR.fullmatch(text)
    if match is None:
        raise ValueError(f"a colour must be written as '#RRGGBB' or '#RGB', got {text!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def _linear(channel: int) -> float:
    """One sRGB channel (0..255) as linear light (0..1), per WCAG 2.x."""
    c = channel / 255.0
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour: 0.0 for black, 1.0 for white."""
    red, green, blue = rgb
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2.x contrast ratio of two colours, from 1.0 (same) to 21.0 (black on white).

    The order of the arguments does not matter.
    """
    la = relative_luminance(a)
    lb = relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)
