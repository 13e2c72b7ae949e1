"""The staff PIN pad, reached by a long press on the clinic logo."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QHideEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.pin import PinCheck, PinFileError, PinVault
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.page_view import form_pixel_size
from kiosk.ui.sign_in import Audit, SignInNotRecordedError, sign_in
from kiosk.ui.widgets import init_screen, named_timer

log = logging.getLogger(__name__)

MAX_DIGITS = 12
MIN_SLOTS = 4
"""Empty slots shown before anything is typed (a PIN has at least four digits)."""
EDGE_PX = 24
"""The least room between a button and the edge of the screen."""
NOT_SET = "No staff PIN is set: run `kiosk set-pin`"
UNAVAILABLE = "Staff sign-in is unavailable: {why}. No PIN is accepted until this is fixed."


def _wait_text(seconds: float) -> str:
    whole = max(1, round(seconds))
    return f"Too many wrong PINs. Try again in {whole // 60}:{whole % 60:02d}."


class PinPadScreen(QWidget):
    """Large digits, the PIN shown as dots, and what went wrong in words.

    Signals:
        unlocked(): the right PIN was entered.
        cancelled(): Cancel, or nobody touched the pad for a while.
    """

    unlocked = Signal()
    cancelled = Signal()

    def __init__(
        self,
        vault: PinVault,
        audit: Audit,
        idle_seconds: float,
        timer_factory: TimerFactory = qt_timer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        init_screen(self, "pin-pad", "Staff PIN")
        self._vault = vault
        self._audit = audit
        self._digits = ""

        self.title = QLabel("Staff sign-in", self)
        self.title.setObjectName("pin-title")
        self.message = QLabel("", self)
        self.message.setObjectName("pin-message")
        self.message.setWordWrap(True)
        self.dots = PinSlots(self)
        self.dots.setObjectName("pin-dots")
        self.dots.setAccessibleName("PIN entered")
        for label in (self.title, self.message):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setTextFormat(Qt.TextFormat.PlainText)

        grid = QGridLayout()
        self.keys: dict[str, QPushButton] = {}
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "OK"]
        for index, text in enumerate(labels):
            key = QPushButton(text, self)
            key.setObjectName("pin-key" if text.isdigit() else "pin-action")
            key.setAccessibleName({"Clear": "Clear the PIN", "OK": "Sign in"}.get(text, text))
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.clicked.connect(lambda _=False, t=text: self._on_key(t))
            grid.addWidget(key, index // 3, index % 3)
            self.keys[text] = key
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.clicked.connect(self.cancelled)

        pad = QWidget(self)
        pad.setObjectName("pin-keys")
        pad.setLayout(grid)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.dots, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(pad, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

        self._idle = IdleWatcher(idle_seconds, timer_factory, self)
        self._idle.idle.connect(self.cancelled)
        self._tick = named_timer(timer_factory, self, "pin-lock-tick", self._refresh, repeat=True)

    @property
    def idle_watcher(self) -> IdleWatcher:
        return self._idle

    def showEvent(self, event: QShowEvent) -> None:
        self._apply_margins()
        super().showEvent(event)
        self._digits = ""
        self._refresh()
        self._idle.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._digits = ""
        self._show_dots()
        self._idle.stop()
        self._tick.stop()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit():
            self._on_key(text)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_key("OK")
        elif event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self._on_key("Clear")
        elif event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)

    # -- slots -----------------------------------------------------------------------------

    def _on_key(self, key: str) -> None:
        if key == "Clear":
            self._digits = ""
        elif key == "OK":
            self._try()
            return
        elif len(self._digits) < MAX_DIGITS and self._usable():
            self._digits += key
        self._show_dots()

    def _try(self) -> None:
        pin, self._digits = self._digits, ""
        self._show_dots()
        if not pin:
            return
        try:
            result = sign_in(self._vault, self._audit, pin)
        except PinFileError as error:
            # Fail closed: attempts that cannot be counted could be guessed without end.
            log.error("staff sign-in unavailable: %s", error)
            self._unavailable(str(error))
            return
        except SignInNotRecordedError:
            log.error("staff sign-in refused: it could not be written to the audit log")
            self._unavailable("the audit log cannot be written (see the kiosk's log)")
            return
        if result.outcome is PinCheck.OK:
            self.unlocked.emit()
            return
        self._refresh(wrong=result.outcome is PinCheck.WRONG, attempts_left=result.attempts_left)

    def _unavailable(self, why: str) -> None:
        self._tick.stop()
        self.message.setText(UNAVAILABLE.format(why=why))
        self._set_keys_enabled(False)

    def _usable(self) -> bool:
        try:
            return self._vault.is_set() and self._vault.seconds_locked() <= 0
        except PinFileError:
            return False

    def _refresh(self, wrong: bool = False, attempts_left: int = 0) -> None:
        """Say what the pad can do now: not set up, locked (counting down), or ready."""
        try:
            is_set = self._vault.is_set()
            locked = self._vault.seconds_locked() if is_set else 0.0
        except PinFileError as error:
            self.message.setText(f"The staff PIN cannot be checked: {error}")
            self._set_keys_enabled(False)
            return
        if not is_set:
            self.message.setText(NOT_SET)
        elif locked > 0:
            self.message.setText(_wait_text(locked))
            if not self._tick.isActive():
                self._tick.start(1000)
        elif wrong:
            tries = "try" if attempts_left == 1 else "tries"
            self.message.setText(f"That PIN is not right. {attempts_left} {tries} left.")
        else:
            self.message.setText("Enter the staff PIN.")
        if locked <= 0:
            self._tick.stop()
        self._set_keys_enabled(is_set and locked <= 0)
        self._show_dots()

    def _set_keys_enabled(self, enabled: bool) -> None:
        for key in self.keys.values():
            key.setEnabled(enabled)

    def _show_dots(self) -> None:
        self.dots.set_filled(len(self._digits))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_margins()

    def _apply_margins(self) -> None:
        """Cancel and the keys keep clear of the screen's edges (from now, not from the next
        turn of the event loop)."""
        edge = max(EDGE_PX, form_pixel_size(self.window().size()))
        if self._layout.contentsMargins().left() != edge:
            self._layout.setContentsMargins(edge, edge, edge, edge)
            self._layout.invalidate()
            self._layout.activate()


class PinSlots(QWidget):
    """A row of slots, one a digit, that fill as digits are typed: four empty ones to start
    (a PIN has four or more), one more for each digit after the fourth. Sized by its font."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filled = 0
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    @property
    def filled(self) -> int:
        """How many digits have been typed."""
        return self._filled

    @property
    def slots(self) -> int:
        return max(MIN_SLOTS, self._filled)

    def set_filled(self, count: int) -> None:
        if count != self._filled:
            self._filled = count
            self.updateGeometry()
            self.update()
        self.setAccessibleDescription(f"{count} digit{'' if count == 1 else 's'} entered")

    def _side(self) -> int:
        return max(16, round(self.fontMetrics().height() * 0.9))

    def sizeHint(self) -> QSize:
        side = self._side()
        slots = max(self.slots, MIN_SLOTS)
        return QSize(slots * side + (slots - 1) * side // 3 + 4, side + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        side = self._side()
        step = side + side // 3
        width = self.slots * side + (self.slots - 1) * (side // 3)
        x = (self.width() - width) / 2
        y = (self.height() - side) / 2
        pen = QPen(ink, max(2.0, side / 14))
        for index in range(self.slots):
            box = QRectF(x + index * step, y, side, side)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(1, 1, -1, -1), side * 0.18, side * 0.18)
            if index < self._filled:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(ink)
                painter.drawEllipse(box.center(), side * 0.22, side * 0.22)
        painter.end()
