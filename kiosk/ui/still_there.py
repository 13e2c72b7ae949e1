"""The warning over a form nobody has touched for a while: "Are you still there?", with a
countdown to the moment the form is wiped."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.core.words import ENGLISH, Words
from kiosk.ui import access_text as spoken
from kiosk.ui.form_fields import plain_label
from kiosk.ui.overlay import CardOverlay
from kiosk.ui.page_view import form_pixel_size


class StillThereOverlay(CardOverlay):
    """ "Are you still there?" with a countdown and a big "Yes, continue" button.

    It covers the whole form with a solid panel: answers are not readable across the room
    while their owner may have walked away.

    Signals:
        continued(): the visitor is still there.
        more_time(): the visitor asked for more time.
    """

    continued = Signal()
    more_time = Signal()

    def __init__(self, parent: QWidget, words: Words = ENGLISH) -> None:
        super().__init__(parent, "still-there", "still-there-card")
        self._words = words
        self.text_scale = 1.0
        layout = QVBoxLayout(self.card)
        self._card_layout = layout
        self.title = plain_label(words.tr("Are you still there?"), "still-there-title", self.card)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.countdown = plain_label("", "still-there-countdown", self.card)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton(words.tr("Yes, continue"), self.card)
        self.button.setObjectName("still-there-continue")
        self.button.setAccessibleName(self.button.text())
        self.button.clicked.connect(self.continued)
        self.more_button = QPushButton(words.tr(spoken.MORE_TIME), self.card)
        self.more_button.setObjectName("still-there-more")
        self.more_button.setAccessibleName(self.more_button.text())
        self.more_button.clicked.connect(self.more_time)
        layout.addWidget(self.title)
        layout.addWidget(self.countdown)
        buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._buttons = buttons
        buttons.addWidget(self.button, 1)
        buttons.addWidget(self.more_button, 1)
        layout.addLayout(buttons)
        self.hide()

    def set_seconds_left(self, seconds: int) -> None:
        self._seconds = seconds
        self.countdown.setText(
            self._words.tr_plural(
                "To keep your answers private, this form will be cleared in {count} second.",
                "To keep your answers private, this form will be cleared in {count} seconds.",
                seconds,
            )
        )
        self._fit_text()

    def set_words(self, words: Words) -> None:
        self._words = words
        self.title.setText(words.tr("Are you still there?"))
        self.button.setText(words.tr("Yes, continue"))
        self.button.setAccessibleName(self.button.text())
        self.more_button.setText(words.tr(spoken.MORE_TIME))
        self.more_button.setAccessibleName(self.more_button.text())
        if getattr(self, "_seconds", None) is not None:
            self.set_seconds_left(self._seconds)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A wide card, so the sentence wraps onto few lines; room around everything.
        share = 0.6 if self.text_scale <= 1.0 else 1.0  # larger text: the whole width
        width = min(event.size().width() - 40, max(round(event.size().width() * share), 320))
        self.card.setFixedWidth(width)
        unit = max(12, form_pixel_size(self.window().size(), self.text_scale))
        self._card_layout.setContentsMargins(unit, unit, unit, unit)
        self._card_layout.setSpacing(unit)
        self._buttons.setSpacing(unit)
        # Side by side when both fit, else one above the other.
        room = width - 2 * unit - unit
        needed = self.button.sizeHint().width() + self.more_button.sizeHint().width()
        self._buttons.setDirection(
            QBoxLayout.Direction.LeftToRight if needed <= room else QBoxLayout.Direction.TopToBottom
        )
        self._fit_text()

    def _fit_text(self) -> None:
        """Give each wrapped line of text the height it needs at the card's width (a centred
        card does not pass height-for-width down to its labels by itself)."""
        margins = self._card_layout.contentsMargins()
        width = self.card.width() - margins.left() - margins.right()
        for label in (self.title, self.countdown):
            label.setMinimumHeight(max(0, label.heightForWidth(width)))  # -1: no width yet

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.continued.emit()  # a tap anywhere means someone is still here

    def spoken(self) -> list[str]:
        """What read aloud says when the warning appears."""
        return [self._words.tr(spoken.STILL_THERE, countdown=self.countdown.text())]
