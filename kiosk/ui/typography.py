"""Type for every visitor screen: the kiosk's font, and wrapped text laid out once.

A :class:`TextBlock` measures and draws the same lines, so what a layout measured (for
pagination, or to size a label) is exactly what is painted.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QTextLayout,
    QTextOption,
)

from kiosk.core.bidi import paragraph_direction

FONT_FAMILY = "DejaVu Sans"
"""The kiosk's font. Characters it lacks (Chinese, Japanese, Korean, emoji...) are drawn
from the Noto fonts by fontconfig's fallback; ``kiosk check`` names any that no font has."""


def make_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(pixels)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def text_direction(text: str) -> Qt.LayoutDirection:
    """Qt's direction for a paragraph of ``text`` (from its first strong character)."""
    if paragraph_direction(text) == "rtl":
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


class TextBlock:
    """Wrapped text laid out once, for measuring and painting.

    The paragraph's direction comes from its text (Unicode bidi): Arabic or Hebrew runs
    right to left and sits at the right edge, with its full stop where its readers expect it;
    ``align`` is for left-to-right text and mirrored for right-to-left. ``balanced`` narrows
    the lines as far as it can without adding one, so centred text wraps evenly instead of
    leaving a lone last word.
    """

    def __init__(
        self,
        text: str,
        font: QFont,
        width: float,
        spacing: float = 1.0,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        balanced: bool = False,
    ) -> None:
        self.direction = text_direction(text)
        if self.direction == Qt.LayoutDirection.RightToLeft:
            if align & Qt.AlignmentFlag.AlignLeft:
                align = Qt.AlignmentFlag.AlignRight
            elif align & Qt.AlignmentFlag.AlignRight:
                align = Qt.AlignmentFlag.AlignLeft
        self.alignment = align | Qt.AlignmentFlag.AlignAbsolute
        self.width = float(width)
        self._layout = QTextLayout(text, font)
        option = QTextOption(self.alignment)
        option.setTextDirection(self.direction)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._layout.setTextOption(option)
        self._line_height = QFontMetricsF(font).lineSpacing() * spacing
        self.height = self._lay_out(width)
        if balanced and self.line_count > 1:
            lines, low, high = self.line_count, width / 2, width
            while high - low > 2:
                middle = (low + high) / 2
                self._lay_out(middle)
                if self.line_count > lines:
                    low = middle
                else:
                    high = middle
            self.height = self._lay_out(high)
            # Drawn centred in the full width it was given.
            self._offset = (width - high) / 2
        else:
            self._offset = 0.0

    def _lay_out(self, width: float) -> int:
        y = 0.0
        self._layout.clearLayout()
        self._layout.beginLayout()
        while True:
            line = self._layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0.0, y + (self._line_height - line.height()) / 2))
            y += self._line_height
        self._layout.endLayout()
        return math.ceil(y)

    @property
    def line_count(self) -> int:
        return self._layout.lineCount()

    def full_line_lengths(self) -> list[int]:
        """Characters on each line but the paragraph's last (which may be short by nature)."""
        count = self._layout.lineCount()
        return [self._layout.lineAt(i).textLength() for i in range(count - 1)]

    def natural_width(self) -> float:
        """The width of its widest line."""
        count = self._layout.lineCount()
        return max((self._layout.lineAt(i).naturalTextWidth() for i in range(count)), default=0)

    def draw(
        self,
        painter: QPainter,
        x: float,
        y: float,
        mark: tuple[int, int, QColor, QColor] | None = None,
    ) -> None:
        """Draw at (x, y); ``mark`` (start, length, ink, paper) highlights a stretch of text
        (the sentence being read aloud)."""
        selections = []
        if mark is not None:
            # Imported for the first highlight: making its seven enums (2 ms) need not hold
            # up the first page.
            from PySide6.QtGui import QTextCharFormat

            start, length, ink, paper = mark
            selection = QTextLayout.FormatRange()
            selection.start, selection.length = start, length
            text_format = QTextCharFormat()
            text_format.setForeground(ink)
            text_format.setBackground(paper)
            selection.format = text_format
            selections.append(selection)
        self._layout.draw(painter, QPointF(x + self._offset, y), selections)
