"""Fakes for injected time: timers fired by hand and a clock moved by hand."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from tests.helpers.clock import FakeClock

__all__ = ["FakeClock", "FakeTimer", "FakeTimers"]


class FakeTimer(QObject):
    """Behaves like a QTimer, but only fires when a test calls :meth:`fire`."""

    timeout = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval: int | None = None
        self.single_shot = False
        self._active = False

    def start(self, msec: int) -> None:
        self.interval = msec
        self._active = True

    def stop(self) -> None:
        self._active = False

    def isActive(self) -> bool:
        return self._active

    def setSingleShot(self, single_shot: bool) -> None:
        self.single_shot = single_shot

    def fire(self) -> None:
        """Time is up: emit ``timeout`` as Qt would (a running timer only)."""
        assert self._active, "fired a timer that is not running"
        if self.single_shot:
            self._active = False
        self.timeout.emit()


class FakeTimers:
    """A timer factory that remembers every timer it made, in order."""

    def __init__(self) -> None:
        self.made: list[FakeTimer] = []

    def __call__(self, parent: QObject) -> FakeTimer:
        timer = FakeTimer(parent)
        self.made.append(timer)
        return timer

    def named(self, name: str) -> FakeTimer:
        (timer,) = [t for t in self.made if t.objectName() == name]
        return timer

    def active(self) -> list[FakeTimer]:
        return [t for t in self.made if t.isActive()]
