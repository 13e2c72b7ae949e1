"""The kiosk's one window: a thin shell that switches between screens and docks the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


class KioskWindow(QWidget):
    """Holds the screens and shows one at a time, with the on-screen keyboard docked below.

    It knows nothing about what the screens do.

    Signals:
        resized(QSize): the window's size changed (a new screen, or a rotation).
    """

    resized = Signal(QSize)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk-window")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._stack = QStackedWidget(self)
        # The screens take whatever room the keyboard leaves; none of them may make the window
        # grow past the screen (a larger window means larger text, then a larger minimum...).
        self._stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._layout = QVBoxLayout(self)
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self._stack, 1)
        self._closable = True

    def add_screen(self, screen: QWidget) -> None:
        self._stack.addWidget(screen)

    def remove_screen(self, screen: QWidget) -> None:
        self._stack.removeWidget(screen)

    def show_screen(self, screen: QWidget) -> None:
        self._stack.setCurrentWidget(screen)

    def current_screen(self) -> QWidget | None:
        return self._stack.currentWidget()

    def dock_keyboard(self, keyboard: QWidget) -> None:
        """Put the on-screen keyboard at the bottom; it shows and hides itself."""
        self._layout.addWidget(keyboard)
        keyboard.show()

    def allow_close(self) -> None:
        """Let the next close request through (Exit kiosk, SIGTERM)."""
        self._closable = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closable:
            super().closeEvent(event)
        else:
            event.ignore()  # Alt+F4, the window manager, a visitor: the kiosk stays

    def present(self, windowed: QSize | None) -> None:
        """Show fullscreen and frameless with no cursor, or in a normal window of ``windowed``.

        Fullscreen is kiosk mode: the window stays on top and refuses to close. A window for
        development closes as usual.
        """
        if windowed is not None:
            self._closable = True
            self.resize(windowed)
            self.show()
            self.activateWindow()
            return
        self._closable = False
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.activateWindow()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit(event.size())
