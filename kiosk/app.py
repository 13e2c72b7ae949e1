"""Composition root: the one place that builds the kiosk's objects and wires them together."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from kiosk import APP_NAME, __version__
from kiosk.core.content import Content
from kiosk.ui.slideshow import SlideshowScreen
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The process's QApplication, created once with the kiosk's names."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    return QApplication(sys.argv[:1])


class Kiosk:
    """The running kiosk: its window and screens."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.window = KioskWindow(content.clinic.name)
        self.slideshow = SlideshowScreen(content)
        self.window.add_screen(self.slideshow)
        self.window.show_screen(self.slideshow)
        self.slideshow.first_page_shown.connect(self._on_first_page_shown)

    def _on_first_page_shown(self) -> None:
        size = self.slideshow.size()
        log.info(
            "first page shown: %d pages at %dx%d (content %s)",
            len(self.slideshow.pages),
            size.width(),
            size.height(),
            self.content.content_version,
        )


def run(content: Content, windowed: QSize | None, data_dir: Path) -> int:
    """Start the kiosk and run until it is closed; returns the exit code."""
    app = application()
    log.info("starting %s %s, data in %s", APP_NAME, __version__, data_dir)
    kiosk = Kiosk(content)
    kiosk.window.present(windowed)
    return app.exec()


def render_screenshots(content: Content, folder: Path, sizes: list[QSize]) -> list[Path]:
    """Save every slide page at every size as PNG files in ``folder``; returns their paths."""
    app = application()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for size in sizes:
        screen = SlideshowScreen(content)
        screen.resize(size)
        for index in range(len(screen.pages)):
            screen.show_page(index)
            path = folder / f"slide-{size.width()}x{size.height()}-{index + 1:02d}.png"
            if not screen.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            written.append(path)
        del screen
    app.processEvents()
    return written


def count_pages(content: Content, width: int, height: int) -> int:
    """How many slide pages ``content`` makes on a ``width`` x ``height`` screen."""
    app = application()
    screen = SlideshowScreen(content)
    screen.resize(width, height)
    count = len(screen.pages)
    del screen
    app.processEvents()
    return count
