"""The kiosk's one window: a thin shell that switches between screens."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget


class KioskWindow(QStackedWidget):
    """Holds the screens and shows one at a time; it knows nothing about what they do."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk-window")
        self.setWindowTitle(title)
        self.setAccessibleName(title)

    def add_screen(self, screen: QWidget) -> None:
        self.addWidget(screen)

    def show_screen(self, screen: QWidget) -> None:
        self.setCurrentWidget(screen)

    def present(self, windowed: QSize | None) -> None:
        """Show fullscreen and frameless with no cursor, or in a normal window of ``windowed``."""
        if windowed is not None:
            self.resize(windowed)
            self.show()
            return
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
