"""Keeping the screen on: the D-Bus inhibitor against a stand-in org.freedesktop.ScreenSaver on
a private session bus, the xset way against a recorded xset, and the kiosk following its
opening hours (fake wall clock, timers fired by hand)."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import ASLEEP, AWAKE, Kiosk, _AfterFirstScreen
from kiosk.core.content import Content
from kiosk.core.hours import DAY_NAMES
from kiosk.core.record import replace
from kiosk.storage.store import RequestStore
from kiosk.system.screen import (
    ScreenKeeper,
    ScreenSaverInhibitor,
    XScreenSaver,
    XSettings,
    parse_xset_query,
)
from tests.helpers import screensaver
from tests.helpers.fakes import FakeClock, FakeTimers
from tests.helpers.processes import start_kiosk, wait_for_line
from tests.ui.test_sleep import hours, ny

WEEKDAYS = dict.fromkeys(DAY_NAMES[:5], "08:00-18:00")  # 2026-03-02 is a Monday
_names = itertools.count()


@pytest.fixture
def fake_screensaver() -> Iterator[screensaver.FakeScreenSaver]:
    why = screensaver.available()
    if why:
        pytest.skip(why)
    fake = screensaver.FakeScreenSaver()
    yield fake
    fake.stop()


def private_bus(address: str) -> QDBusConnection:
    name = f"kiosk-test-{next(_names)}"
    bus = QDBusConnection.connectToBus(address, name)
    assert bus.isConnected(), bus.lastError().message()
    return bus


def make_kiosk(
    qtbot: QtBot,
    content: Content,
    tmp_path,
    keeper: ScreenKeeper | None,
    wall: FakeClock[datetime],
    timers: FakeTimers,
) -> Kiosk:
    store = RequestStore(tmp_path / "data")
    kiosk = Kiosk(
        content,
        store,
        "k",
        timers,
        FakeClock(),
        load_keyboard=False,
        wall_clock=wall,
        screen_keeper=keeper,
    )
    qtbot.addWidget(kiosk.window)
    return kiosk


# --------------------------------------------------------------------------------------------
# Against the stand-in org.freedesktop.ScreenSaver


@pytest.mark.parametrize("closed_display", ["power_off", "dim"])
def test_the_inhibitor_follows_the_opening_hours(
    qtbot: QtBot,
    shipped_content: Content,
    tmp_path,
    timers: FakeTimers,
    fake_screensaver: screensaver.FakeScreenSaver,
    closed_display: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Inhibit while open; with power_off, UnInhibit at closing and Inhibit again at opening;
    with dim, held all night; nothing held after stop()."""
    opening = replace(hours(5, **WEEKDAYS), closed_display=closed_display)
    content = replace(shipped_content, opening_hours=opening)
    wall = FakeClock(ny(3, 2, 17, 30))
    inhibitor = ScreenSaverInhibitor(
        private_bus(fake_screensaver.address), "clinic-kiosk", "showing the slideshow"
    )
    keeper = ScreenKeeper([inhibitor])
    kiosk = make_kiosk(qtbot, content, tmp_path, keeper, wall, timers)
    kiosk.start()
    (inhibit,) = fake_screensaver.wait_for_calls(1)
    assert inhibit["call"] == "Inhibit"
    assert inhibit["application"] == "clinic-kiosk"
    assert fake_screensaver.held() == [inhibit["cookie"]]
    assert keeper.way is inhibitor
    assert keeper.problem == ""

    wall.set(ny(3, 2, 18))  # closing time
    timers.named("hours-change").fire()
    assert kiosk.window.current_screen() is kiosk.sleep_screen
    if closed_display == "power_off":
        _, uninhibit = fake_screensaver.wait_for_calls(2)
        assert uninhibit == {"call": "UnInhibit", "cookie": inhibit["cookie"], "held": []}
        wall.set(ny(3, 3, 8))  # opening time the next morning
        timers.named("hours-change").fire()
        assert kiosk.window.current_screen() is kiosk.slideshow
        *_, again = fake_screensaver.wait_for_calls(3)
        assert again["call"] == "Inhibit"
        assert fake_screensaver.held() == [again["cookie"]]
    else:
        assert inhibitor.cookie == inhibit["cookie"]  # still held, and nothing new was called
    keeper.stop()
    last = fake_screensaver.wait_for_calls(len(fake_screensaver.calls) + 1)[-1]
    assert last["call"] == "UnInhibit"
    assert fake_screensaver.held() == []
    assert [c for c in fake_screensaver.calls if "error" in c] == []
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


def inhibiting(fake_screensaver: screensaver.FakeScreenSaver) -> ScreenKeeper:
    """A keeper that holds the screen on through the stand-in screen saver."""
    bus = private_bus(fake_screensaver.address)
    return ScreenKeeper([ScreenSaverInhibitor(bus, "clinic-kiosk", "test")])


def closing_with_power_off(content: Content) -> Content:
    """``content`` open 08:00-18:00 on weekdays, its display powered off while closed."""
    opening = replace(hours(5, **WEEKDAYS), closed_display="power_off")
    return replace(content, opening_hours=opening)


def test_a_touch_while_closed_holds_it_while_awake(
    qtbot: QtBot,
    shipped_content: Content,
    tmp_path,
    timers: FakeTimers,
    fake_screensaver: screensaver.FakeScreenSaver,
) -> None:
    content = closing_with_power_off(shipped_content)
    wall = FakeClock(ny(3, 2, 21))  # closed
    kiosk = make_kiosk(qtbot, content, tmp_path, inhibiting(fake_screensaver), wall, timers)
    kiosk.start()  # awake for a moment, then asleep at once
    assert [c["call"] for c in fake_screensaver.wait_for_calls(2)] == ["Inhibit", "UnInhibit"]
    kiosk.sleep_screen.woken.emit()  # a touch
    assert kiosk.window.current_screen() is kiosk.slideshow
    assert fake_screensaver.wait_for_calls(3)[-1]["call"] == "Inhibit"
    wall.advance(minutes=5)
    timers.named("wake-window").fire()
    assert fake_screensaver.wait_for_calls(4)[-1]["call"] == "UnInhibit"
    assert fake_screensaver.held() == []


def test_started_closed_the_sleep_screen_is_the_first_screen_and_the_keeper_lets_it_sleep(
    qtbot: QtBot,
    shipped_content: Content,
    tmp_path,
    timers: FakeTimers,
    fake_screensaver: screensaver.FakeScreenSaver,
) -> None:
    """Started at night, the slideshow is never painted: the sleep screen is the first screen
    (run() then tells systemd the kiosk is up), and the keeper given after it, as run() gives
    it, lets the display power down at once."""
    content = closing_with_power_off(shipped_content)
    kiosk = make_kiosk(qtbot, content, tmp_path, None, FakeClock(ny(3, 2, 21)), timers)
    with qtbot.waitSignal(kiosk.first_screen_shown, timeout=1000):
        kiosk.start()
    assert kiosk.window.current_screen() is kiosk.sleep_screen
    kiosk.keep_screen_on(inhibiting(fake_screensaver))
    assert [c["call"] for c in fake_screensaver.wait_for_calls(2)] == ["Inhibit", "UnInhibit"]
    assert fake_screensaver.held() == []
    with qtbot.assertNotEmitted(kiosk.first_screen_shown):
        kiosk.sleep_screen.woken.emit()  # a touch: the slideshow's page is not the first screen
    assert kiosk.window.current_screen() is kiosk.slideshow


def test_without_a_screensaver_service_the_inhibitor_says_why(
    fake_screensaver: screensaver.FakeScreenSaver,
) -> None:
    bus = private_bus(fake_screensaver.address)
    fake_screensaver.stop()  # the bus goes with it
    keeper = ScreenKeeper([ScreenSaverInhibitor(bus, "clinic-kiosk", "test")])
    keeper.start()
    assert keeper.way is None
    assert "could not keep it on" in keeper.problem


def test_no_session_bus_is_a_failure_with_a_reason() -> None:
    inhibitor = ScreenSaverInhibitor(QDBusConnection("no-such-connection"), "k", "test")
    assert inhibitor.hold() == "no session D-Bus"


# --------------------------------------------------------------------------------------------
# The X server's screen saver and DPMS, through a recorded xset

XSET_Q_DPMS = """\
Screen Saver:
  prefer blanking:  yes    allow exposures:  yes
  timeout:  600    cycle:  600
DPMS (Energy Star):
  Standby: 600    Suspend: 900    Off: 1200
  DPMS is Enabled
  Monitor is On
"""
XSET_Q_NO_DPMS = """\
Screen Saver:
  prefer blanking:  yes    allow exposures:  yes
  timeout:  600    cycle:  600
DPMS (Energy Star):
  Server does not have the DPMS Extension
"""


def test_xset_q_is_read_with_and_without_dpms() -> None:
    assert parse_xset_query(XSET_Q_DPMS) == XSettings(600, 600, True, True, (600, 900, 1200))
    assert parse_xset_query(XSET_Q_NO_DPMS) == XSettings(600, 600, False)
    assert parse_xset_query("xset: unable to open display") is None


class RecordedXset:
    def __init__(self, query: str) -> None:
        self.query = query
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        assert argv[:3] == ["/usr/bin/xset", "-display", ":9"]
        self.calls.append(argv[3:])
        out = self.query if argv[3:] == ["q"] else ""
        return subprocess.CompletedProcess(argv, 0, out, "")


def test_the_x_way_turns_saver_and_dpms_off_powers_down_and_puts_them_back() -> None:
    xset = RecordedXset(XSET_Q_DPMS)
    way = XScreenSaver(":9", off_seconds=300, xset="/usr/bin/xset", run=xset)
    keeper = ScreenKeeper([way])
    keeper.start()
    assert xset.calls == [["q"], ["s", "off"], ["s", "reset"], ["-dpms"]]
    xset.calls.clear()
    keeper.asleep("power_off")
    assert xset.calls == [
        ["s", "off"],
        ["+dpms"],
        ["dpms", "0", "0", "300"],
        ["dpms", "force", "off"],
    ]
    xset.calls.clear()
    keeper.awake()
    assert xset.calls == [["s", "off"], ["s", "reset"], ["-dpms"]]
    xset.calls.clear()
    keeper.stop()
    assert xset.calls == [["s", "600", "600"], ["dpms", "600", "900", "1200"], ["+dpms"]]


def test_without_dpms_the_x_way_blanks_with_the_screen_saver() -> None:
    xset = RecordedXset(XSET_Q_NO_DPMS)
    keeper = ScreenKeeper([XScreenSaver(":9", 300, "/usr/bin/xset", xset)])
    keeper.start()
    assert xset.calls == [["q"], ["s", "off"], ["s", "reset"]]
    xset.calls.clear()
    keeper.asleep("dim")  # the dim clock stays lit
    assert xset.calls == [["s", "off"], ["s", "reset"]]
    xset.calls.clear()
    keeper.asleep("power_off")
    assert xset.calls == [["s", "300", "300"], ["s", "blank"], ["s", "activate"]]


def test_the_first_way_that_works_is_used_and_said_once(caplog) -> None:
    failing = XScreenSaver(None)  # not on X
    xset = RecordedXset(XSET_Q_NO_DPMS)
    working = XScreenSaver(":9", 300, "/usr/bin/xset", xset)
    keeper = ScreenKeeper([failing, working])
    with caplog.at_level("INFO", logger="kiosk.system.screen"):
        keeper.start()
        keeper.start()
    assert keeper.way is working
    said = [r.getMessage() for r in caplog.records]
    assert said == [f"keeping the screen on with {working.name}"]


def test_when_nothing_works_the_log_and_staff_are_told(caplog) -> None:
    keeper = ScreenKeeper([XScreenSaver(None)])
    with caplog.at_level("WARNING", logger="kiosk.system.screen"):
        keeper.start()
    assert "nothing keeps the screen on" in caplog.text
    assert "not on an X server" in keeper.problem
    keeper.awake()
    keeper.asleep("power_off")
    keeper.stop()  # nothing to give back, and no error


def test_the_staff_screen_shows_that_nothing_keeps_the_screen_on(
    qtbot: QtBot, shipped_content: Content, tmp_path, timers: FakeTimers
) -> None:
    keeper = ScreenKeeper([XScreenSaver(None)])
    wall = FakeClock(ny(3, 2, 10))
    kiosk = make_kiosk(qtbot, shipped_content, tmp_path, keeper, wall, timers)
    kiosk.start()
    assert kiosk.staff.notice.text() == keeper.problem
    assert not kiosk.staff.notice.isHidden()
    kiosk.on_content_invalid(["content.yaml:3: clinic.name: must not be empty"])
    assert kiosk.staff.notice.text().endswith(keeper.problem)
    assert kiosk.staff.notice.text().startswith("content.yaml was changed")
    kiosk.on_content_changed(shipped_content)
    assert kiosk.staff.notice.text() == keeper.problem


def test_new_content_that_turns_the_display_off_applies_while_asleep(
    qtbot: QtBot, shipped_content: Content, tmp_path, timers: FakeTimers
) -> None:
    xset = RecordedXset(XSET_Q_NO_DPMS)
    keeper = ScreenKeeper([XScreenSaver(":9", 300, "/usr/bin/xset", xset)])
    content = replace(shipped_content, opening_hours=hours(5, **WEEKDAYS))
    wall = FakeClock(ny(3, 2, 21))  # closed, the dim clock lit
    kiosk = make_kiosk(qtbot, content, tmp_path, keeper, wall, timers)
    kiosk.start()
    assert ["s", "activate"] not in xset.calls
    power_off = replace(content.opening_hours, closed_display="power_off")
    kiosk.on_content_changed(replace(content, opening_hours=power_off))
    assert xset.calls[-1] == ["s", "activate"]


# --------------------------------------------------------------------------------------------
# The real kiosk on the private bus


def test_the_running_kiosk_inhibits_and_holds_nothing_after_sigterm(
    tmp_path, fake_screensaver: screensaver.FakeScreenSaver
) -> None:
    process = start_kiosk(
        "--data-dir",
        str(tmp_path / "data"),
        platform="offscreen",
        env={"DBUS_SESSION_BUS_ADDRESS": fake_screensaver.address},
    )
    try:
        # The first page comes first: the screen is kept on once it is up.
        wait_for_line(process, "first page shown", timeout=60)
        line = wait_for_line(process, "keeping the screen on with", timeout=60)
        assert "org.freedesktop.ScreenSaver.Inhibit" in line
        (inhibit,) = fake_screensaver.wait_for_calls(1)
        assert inhibit["call"] == "Inhibit"
        assert inhibit["application"] == "clinic-kiosk"
    finally:
        process.terminate()  # SIGTERM, as systemd stops it
        _, rest = process.communicate(timeout=30)
    assert process.returncode == 0, rest
    assert "UnInhibit failed" not in rest
    *_, last = fake_screensaver.wait_for_calls(2)
    assert last == {"call": "UnInhibit", "cookie": inhibit["cookie"], "held": []}


class RecordingNotifier:
    """systemd's side of sd_notify, as a list of what the kiosk said."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def ready(self) -> bool:
        self.said.append("READY=1")
        return True

    def status(self, text: str) -> bool:
        self.said.append(text)
        return True

    def watchdog(self) -> bool:
        return True

    def watchdog_interval_ms(self) -> int | None:
        return None

    def stopping(self) -> bool:
        return True


def test_systemd_hears_when_the_kiosk_sleeps_and_wakes(
    qtbot: QtBot, shipped_content: Content, tmp_path, timers: FakeTimers
) -> None:
    """`systemctl status` says what the kiosk shows: asleep at night, the slideshow by day."""
    content = replace(shipped_content, opening_hours=hours(5, **WEEKDAYS))
    wall = FakeClock(ny(3, 2, 21))  # closed
    kiosk = make_kiosk(qtbot, content, tmp_path, None, wall, timers)
    notifier = RecordingNotifier()
    later = _AfterFirstScreen(QApplication.instance(), kiosk, notifier, tmp_path, None, False, None)
    kiosk.start()
    later.start()
    try:
        assert notifier.said == ["READY=1", ASLEEP]
        wall.set(ny(3, 3, 8))  # opening time the next morning
        timers.named("hours-change").fire()
        assert notifier.said == ["READY=1", ASLEEP, AWAKE]
        wall.set(ny(3, 3, 18))
        timers.named("hours-change").fire()
        assert notifier.said == ["READY=1", ASLEEP, AWAKE, ASLEEP]
    finally:
        later.stop()


def test_the_garbage_collector_is_on_once_the_first_screen_is_up(
    qtbot: QtBot, shipped_content: Content, tmp_path, timers: FakeTimers
) -> None:
    """kiosk/__main__.py turns it off while the kiosk starts (about 10 ms of the first page)."""
    import gc

    kiosk = make_kiosk(qtbot, shipped_content, tmp_path, None, FakeClock(ny(3, 2, 10)), timers)
    later = _AfterFirstScreen(
        QApplication.instance(), kiosk, RecordingNotifier(), tmp_path, None, False, None
    )
    was_on = gc.isenabled()
    gc.disable()
    try:
        kiosk.start()
        assert not gc.isenabled()
        later.start()
        assert gc.isenabled()
    finally:
        (gc.enable if was_on else gc.disable)()
        later.stop()
