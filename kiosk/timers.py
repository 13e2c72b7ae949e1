"""Time, injected: widgets get their timers and clock from here so tests can drive them.

Production code passes :func:`qt_timer` and :func:`time.monotonic`; tests pass fakes from
``tests/helpers`` and fire them by hand instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, SignalInstance


class Timer(Protocol):
    """The part of :class:`QTimer` the kiosk uses."""

    @property
    def timeout(self) -> SignalInstance: ...

    def start(self, msec: int) -> None: ...

    def stop(self) -> None: ...

    def isActive(self) -> bool: ...

    def setSingleShot(self, single_shot: bool) -> None: ...

    def setObjectName(self, name: str) -> None: ...


TimerFactory = Callable[[QObject], Timer]
"""Makes a timer owned by the given parent."""

Clock = Callable[[], float]
"""Monotonic seconds."""


def qt_timer(parent: QObject) -> Timer:
    """A real :class:`QTimer` owned by ``parent``."""
    timer = QTimer(parent)
    return timer


monotonic: Clock = time.monotonic
