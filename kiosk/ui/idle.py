"""App-wide idle detection: an event filter sees every touch, click and key press."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication

from kiosk.timers import TimerFactory, qt_timer

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``seconds`` with no input anywhere in the application.

    The watch runs only between :meth:`start` and :meth:`stop`.

    Signals:
        idle(): nobody has touched the screen for the whole interval.
        activity(): someone touched the screen or typed (while watching).
    """

    idle = Signal()
    activity = Signal()

    def __init__(
        self,
        seconds: float,
        timer_factory: TimerFactory = qt_timer,
        parent: QObject | None = None,
        name: str = "idle",
    ) -> None:
        super().__init__(parent)
        self._msec = round(seconds * 1000)
        self._timer = timer_factory(self)
        self._timer.setObjectName(name)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._watching = False

    def set_seconds(self, seconds: float) -> None:
        """Wait ``seconds`` from the next input (or :meth:`start`) on."""
        self._msec = round(seconds * 1000)
        if self._timer.isActive():
            self._timer.start(self._msec)

    @property
    def watching(self) -> bool:
        return self._watching

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
        self._watching = True
        self._timer.start(self._msec)

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
        self._watching = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._watching and event.type() in _INPUT_EVENTS:
            self._timer.start(self._msec)
            self.activity.emit()
        return False
