"""A panel over a whole screen: a solid backdrop, so nothing behind it can be read across the
room, with a card in the middle (the accessibility panel, "Are you still there?")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget


class CardOverlay(QWidget):
    """Covers ``parent`` (named ``name`` for the style sheet) with :attr:`card` (named
    ``card_name``) centred in it; the subclass fills the card and sets its width."""

    def __init__(self, parent: QWidget, name: str, card_name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        outer = QVBoxLayout(self)
        self.card = QFrame(self)
        self.card.setObjectName(card_name)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
