"""The one fake clock of the tests: time that moves only when a test says so.

Qt-free, so that tests/core and tests/storage use it too (tests/without_qt.py).

The kiosk is given its clocks as callables (``clock()`` gives the time): a monotonic clock and a
Unix wall clock in seconds (floats), and a wall clock as an aware ``datetime``. A
:class:`FakeClock` is any of them, by what it starts at::

    FakeClock()                        # monotonic seconds, from 1000.0
    FakeClock(WALL_START)              # Unix seconds (the PIN lockout's wall clock)
    FakeClock(datetime(..., tzinfo=UTC))  # an aware datetime (the store's clock)

``now`` is the time it gives; ``advance`` moves it by seconds or by ``timedelta``'s keywords
(``advance(30)``, ``advance(minutes=5)``, ``advance(days=3)``) and ``set`` puts it anywhere,
backwards too (a clock set back by hand).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Generic, TypeVar

MONOTONIC_START = 1000.0
"""Where a monotonic fake clock starts: any value will do, as only differences count."""

WALL_START = 1_800_000_000.0
"""A Unix time (January 2027) for a fake wall clock in seconds."""

Moment = TypeVar("Moment", float, datetime)


class FakeClock(Generic[Moment]):
    """A clock that stays where a test puts it: call it for the time, as the kiosk does."""

    def __init__(self, now: Moment = MONOTONIC_START) -> None:  # type: ignore[assignment]
        self.now: Moment = now

    def __call__(self) -> Moment:
        return self.now

    def advance(self, seconds: float = 0, **delta: float) -> None:
        """Move on by ``seconds`` and any ``timedelta`` keywords (a negative step goes back)."""
        step = timedelta(**delta)
        if isinstance(self.now, datetime):
            self.now = self.now + step + timedelta(seconds=seconds)
        else:
            # Plain float arithmetic for seconds, so that 0.033 steps add up as they always did.
            self.now = self.now + seconds + step.total_seconds()

    def set(self, moment: Moment) -> None:
        """Put the clock at ``moment`` (a test that changes the time of day by hand)."""
        self.now = moment
