"""The thank-you screen, shown only once a request has been committed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.ui.timers import TimerFactory, qt_timer


class ThanksScreen(QWidget):
    """Thanks the visitor by first name and says when the clinic will be in touch.

    Goes back after ``seconds`` or on a tap.

    Signals:
        finished(): time to show the slideshow again.
    """

    finished = Signal()

    def __init__(
        self,
        body: str,
        seconds: float,
        timer_factory: TimerFactory = qt_timer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("thanks")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName("Thank you")
        self._msec = round(seconds * 1000)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.title = QLabel("", self)
        self.title.setObjectName("thanks-title")
        self.body = QLabel(body, self)
        self.body.setObjectName("thanks-body")
        self.hint = QLabel("Touch the screen to return to the start.", self)
        self.hint.setObjectName("thanks-hint")
        for label in (self.title, self.body, self.hint):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
            layout.addSpacing(16)
        layout.addStretch(3)
        self._timer = timer_factory(self)
        self._timer.setObjectName("thanks")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)

    def show_thanks(self, title: str) -> None:
        self.title.setText(title)
        self.setAccessibleDescription(f"{title} {self.body.text()}")
        self._timer.start(self._msec)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._on_timeout()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()
        # The visitor's name must not linger, even in a hidden screen.
        self.title.setText("")
        self.setAccessibleDescription("")

    def _on_timeout(self) -> None:
        self._timer.stop()
        self.finished.emit()
