"""Keep systemd's watchdog fed from the Qt event loop, so a frozen kiosk is restarted.

The pings come from a repeating timer in the GUI thread: while the event loop runs they go out
every half ``WatchdogSec``; if the GUI thread hangs (a slot that never returns, a deadlock) the
timer cannot fire, the pings stop, and systemd kills and restarts the kiosk. Never ping from a
thread: that would keep a frozen screen alive.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from kiosk.system.notify import SystemdNotifier
from kiosk.timers import TimerFactory, qt_timer

_log = logging.getLogger(__name__)


class WatchdogPinger(QObject):
    """Sends ``WATCHDOG=1`` through ``notifier`` from a timer made by ``timer_factory``.

    :meth:`start` does nothing when systemd asked for no watchdog. The timer is named
    ``"watchdog"``.
    """

    def __init__(
        self,
        notifier: SystemdNotifier,
        timer_factory: TimerFactory = qt_timer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._notifier = notifier
        self._timer = timer_factory(self)
        self._timer.setObjectName("watchdog")
        self._timer.setSingleShot(False)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def active(self) -> bool:
        """Whether pings are being sent."""
        return self._timer.isActive()

    def start(self) -> bool:
        """Ping now and then every half watchdog interval; False if there is no watchdog."""
        interval = self._notifier.watchdog_interval_ms()
        if interval is None:
            return False
        _log.info("systemd watchdog: pinging every %d ms", interval)
        self._notifier.watchdog()
        self._timer.start(interval)
        return True

    def stop(self) -> None:
        """Stop pinging (when shutting down on purpose, after ``STOPPING=1``)."""
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        self._notifier.watchdog()
