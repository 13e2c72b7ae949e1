"""What a finger on the slideshow means: a swipe, or a tap near the left or right edge, turns
the page; a tap elsewhere pauses or resumes; a finger held on the clinic's logo is the hidden
staff entry."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRect, Signal
from PySide6.QtWidgets import QWidget

from kiosk.timers import TimerFactory

EDGE_FRACTION = 0.18
"""A tap this close to the left or right edge (as a share of the width) turns the page."""


class SlideTouch(QObject):
    """Reads the presses, moves and releases the slideshow passes on.

    Signals:
        turned(bool): the visitor turned the page forward (True) or back (False).
        tapped(): a tap away from the edges.
        held(): a finger was held on the logo long enough.
    """

    turned = Signal(bool)
    tapped = Signal()
    held = Signal()

    def __init__(self, screen: QWidget, timer_factory: TimerFactory) -> None:
        super().__init__(screen)
        self._screen = screen
        self._press: QPoint | None = None
        self._hold = timer_factory(self)
        self._hold.setObjectName("long-press")
        self._hold.setSingleShot(True)
        self._hold.timeout.connect(self._on_hold_timeout)

    def press(self, point: QPoint, logo: QRect | None, hold_seconds: float) -> None:
        """A finger came down at ``point``; on the ``logo`` it may become a long press."""
        self._press = point
        if logo is not None and logo.contains(point):
            self._hold.start(round(hold_seconds * 1000))

    def move(self, point: QPoint, logo: QRect | None) -> None:
        """The finger moved: off the logo, it is no long press."""
        if logo is not None and not logo.contains(point):
            self._hold.stop()

    def release(self, point: QPoint) -> bool:
        """The finger came up at ``point``: a swipe, a tap, or neither (a diagonal drag).
        False when the press had already become the staff entry."""
        self._hold.stop()
        if self._press is None:
            return False  # the press became the staff entry
        delta = point - self._press
        start = self._press
        self._press = None
        width = self._screen.width()
        swipe = max(40, round(width * 0.06))
        if abs(delta.x()) >= swipe and abs(delta.x()) > 1.5 * abs(delta.y()):
            self.turned.emit(delta.x() < 0)
        elif abs(delta.x()) < swipe and abs(delta.y()) < swipe:
            edge = width * EDGE_FRACTION
            if start.x() < edge:
                self.turned.emit(False)
            elif start.x() > width - edge:
                self.turned.emit(True)
            else:
                self.tapped.emit()
        return True

    def cancel(self) -> None:
        """No long press now (the screen was hidden)."""
        self._hold.stop()

    def _on_hold_timeout(self) -> None:
        self._press = None  # the release that follows is not a tap
        self.held.emit()
