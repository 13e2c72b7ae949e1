"""Whether the installed fonts can draw a text: what Qt's font fallback picks, glyph by glyph.

The kiosk's font (DejaVu Sans) covers Latin, Greek, Cyrillic, Arabic and Hebrew; Chinese,
Japanese, Korean, Devanagari and colour emoji come from Debian's Noto fonts through
fontconfig's fallback (``.ci/system-packages`` installs them). A character that no font has
would be drawn as an empty box ("tofu"): Qt falls back to glyph 0 (``.notdef``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from PySide6.QtGui import QFont, QTextLayout

from kiosk.ui.page_view import make_font

_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Controls, format characters (the zero-width joiner of 👩‍⚕️, bidi marks) and spaces: never
drawn as glyphs of their own."""


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


@lru_cache(maxsize=4096)
def _drawable(char: str, bold: bool) -> bool:
    layout = QTextLayout(char, _font(bold))
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    runs = layout.glyphRuns()
    return bool(runs) and all(0 not in run.glyphIndexes() for run in runs)


@lru_cache(maxsize=2)
def _font(bold: bool) -> QFont:
    return make_font(32, bold)


def has_glyph(char: str, bold: bool = False) -> bool:
    """Whether some installed font has a glyph for ``char`` (found as the kiosk's text finds
    it: the kiosk's font first, then fontconfig's fallback). Invisible characters count as
    drawable. Needs a QGuiApplication."""
    if unicodedata.category(char) in _INVISIBLE or _is_variation_selector(char):
        return True
    return _drawable(char, bold) and _drawable(char, not bold)


def undrawable(text: str) -> list[tuple[int, str]]:
    """(index, character) of each character of ``text`` that no installed font can draw."""
    return [(index, char) for index, char in enumerate(text) if not has_glyph(char)]


def describe(char: str) -> str:
    """``U+4E2D CJK UNIFIED IDEOGRAPH-4E2D`` style, for messages."""
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} {name}"
