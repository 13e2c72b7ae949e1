"""Kiosk mode: nothing a visitor can press or touch leaves the kiosk.

An application-wide event filter swallows context menus (right click or long press), drag
and drop, and the keys that close or leave a window; the window refuses to close and takes
focus and fullscreen back when it loses them. The staff screen's "Exit kiosk" and SIGTERM are
the ways out (they call :meth:`KioskWindow.allow_close` first).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.timers import TimerFactory, qt_timer

BLOCKED_EVENTS = frozenset(
    {
        QEvent.Type.ContextMenu,
        QEvent.Type.DragEnter,
        QEvent.Type.DragMove,
        QEvent.Type.Drop,
    }
)
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
BLOCKED_KEYS: frozenset[tuple[Qt.Key, Qt.KeyboardModifier]] = frozenset(
    {
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, _ALT),
        (Qt.Key.Key_Q, _CTRL),
        (Qt.Key.Key_W, _CTRL),
        (Qt.Key.Key_Tab, _ALT),
    }
)
"""Keys that close, leave or un-fullscreen a window (with these modifiers, Shift ignored)."""
REGAIN_MS = 300
"""How soon the window takes focus and fullscreen back after losing them."""


def is_blocked_key(event: QKeyEvent) -> bool:
    modifiers = event.modifiers() & (_CTRL | _ALT)
    return (Qt.Key(event.key()), Qt.KeyboardModifier(modifiers)) in BLOCKED_KEYS


class Lockdown(QObject):
    """Keeps ``window`` fullscreen, focused and open; filters every event of the application."""

    def __init__(
        self, window: QWidget, timer_factory: TimerFactory = qt_timer, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._regain = timer_factory(self)
        self._regain.setObjectName("regain-focus")
        self._regain.setSingleShot(True)
        self._regain.timeout.connect(self._on_regain_timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in BLOCKED_EVENTS:
            event.ignore()
            return True
        is_key = kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
        if is_key and isinstance(event, QKeyEvent) and is_blocked_key(event):
            event.accept()
            return True
        if watched is self._window and kind in (
            QEvent.Type.WindowDeactivate,
            QEvent.Type.WindowStateChange,
        ):
            self._regain.start(REGAIN_MS)
        return False

    def _on_regain_timeout(self) -> None:
        window = self._window
        if not window.isVisible():
            return
        if not window.isFullScreen():
            window.showFullScreen()
        window.raise_()
        window.activateWindow()
