"""Which way a piece of text runs: the Unicode bidi rule for a paragraph's base direction."""

from __future__ import annotations

import unicodedata
from typing import Literal

Direction = Literal["ltr", "rtl"]


def paragraph_direction(text: str) -> Direction:
    """The direction of ``text`` from its first strong character (rules P2 and P3 of Unicode's
    bidi algorithm): right-to-left for Arabic, Hebrew, Syriac, Thaana..., else left-to-right
    (also when it has no strong character at all, like "988")."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"
