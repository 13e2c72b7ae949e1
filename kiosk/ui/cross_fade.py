"""The slideshow's page as a pixmap, and the cross-fade from the page before it.

A fade paints the two cached pixmaps, the new one over the old one and more opaque each frame,
in one paint per frame; between fades nothing runs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPainter, QPixmap

from kiosk.timers import Clock, TimerFactory

FRAME_MS = 33
"""Cross-fade frame interval: about 30 frames a second is smooth for a slow fade."""


class CrossFade(QObject):
    """:attr:`current` is the page shown, as a pixmap; None when the slideshow paints the page
    itself (before its first page, and after a new layout, until a page change fades from
    it). :meth:`fade_to` fades from it to another.

    Signals:
        frame(): a frame of the fade is due (the last one too): repaint what differs.
    """

    frame = Signal()

    def __init__(self, parent: QObject, timer_factory: TimerFactory, clock: Clock) -> None:
        super().__init__(parent)
        self._clock = clock
        self.current: QPixmap | None = None
        self._previous: QPixmap | None = None
        self._start = 0.0
        self._seconds = 1.0
        self._timer = timer_factory(self)
        self._timer.setObjectName("frame")
        self._timer.setSingleShot(False)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def fading(self) -> bool:
        return self._previous is not None

    def fade_to(self, pixmap: QPixmap, seconds: float) -> None:
        """Fade from the page shown to ``pixmap`` over ``seconds``."""
        self._previous, self.current = self.current, pixmap
        self._start, self._seconds = self._clock(), seconds
        self._timer.start(FRAME_MS)

    def cut_to(self, pixmap: QPixmap | None) -> None:
        """Show ``pixmap`` at once (any fade ends); None: the page is not a pixmap yet (the
        slideshow paints it itself until it needs one)."""
        self.stop()
        self.current = pixmap

    def stop(self) -> None:
        """End the fade: the page it was fading to is the one shown."""
        self._previous = None
        self._timer.stop()

    def paint(self, painter: QPainter) -> None:
        """Draw the page shown (during a fade, the old page with the new one over it)."""
        assert self.current is not None
        painter.drawPixmap(0, 0, self.current if self._previous is None else self._previous)
        if self._previous is not None:
            painter.setOpacity(self._progress())
            painter.drawPixmap(0, 0, self.current)
            painter.setOpacity(1.0)

    def _progress(self) -> float:
        return min(max((self._clock() - self._start) / self._seconds, 0.0), 1.0)

    def _on_timer_timeout(self) -> None:
        if self._progress() >= 1.0:
            self.stop()
        self.frame.emit()
