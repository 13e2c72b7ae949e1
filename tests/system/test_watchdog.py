"""WatchdogPinger: pings from a timer in the event loop, every half WatchdogSec."""

from __future__ import annotations

from kiosk.system.notify import SystemdNotifier
from kiosk.system.watchdog import WatchdogPinger


class RecordingNotifier(SystemdNotifier):
    def __init__(self, watchdog_usec: str | None) -> None:
        env = {"NOTIFY_SOCKET": "/nonexistent/notify"}
        if watchdog_usec is not None:
            env["WATCHDOG_USEC"] = watchdog_usec
        super().__init__(env)
        self.sent: list[str] = []

    def notify(self, *assignments: str) -> bool:
        self.sent.extend(assignments)
        return True


def test_pings_at_start_and_on_every_timer_tick(qtbot, timers):
    notifier = RecordingNotifier("30000000")
    pinger = WatchdogPinger(notifier, timers)

    assert not pinger.active
    assert notifier.sent == []
    assert pinger.start()

    timer = timers.named("watchdog")
    assert timer.interval == 15_000
    assert not timer.single_shot
    assert pinger.active
    assert notifier.sent == ["WATCHDOG=1"]
    for _ in range(3):
        timer.fire()
    assert notifier.sent == ["WATCHDOG=1"] * 4


def test_stop_stops_the_pings(qtbot, timers):
    notifier = RecordingNotifier("2000000")
    pinger = WatchdogPinger(notifier, timers)
    pinger.start()
    assert timers.named("watchdog").interval == 1_000
    pinger.stop()
    assert not pinger.active
    assert timers.active() == []
    assert notifier.sent == ["WATCHDOG=1"]


def test_without_a_watchdog_start_does_nothing(qtbot, timers):
    notifier = RecordingNotifier(None)
    pinger = WatchdogPinger(notifier, timers)
    assert not pinger.start()
    assert timers.active() == []
    assert notifier.sent == []


def test_without_systemd_start_does_nothing(qtbot, timers):
    pinger = WatchdogPinger(SystemdNotifier({}), timers)
    assert not pinger.start()
    assert timers.active() == []


def test_the_real_timer_pings_from_the_event_loop(qtbot):
    notifier = RecordingNotifier("20000")  # 20 ms: pings every 10 ms
    pinger = WatchdogPinger(notifier)
    pinger.start()
    try:

        def pinged_again() -> None:
            assert len(notifier.sent) >= 3

        qtbot.waitUntil(pinged_again, timeout=5000)
    finally:
        pinger.stop()
