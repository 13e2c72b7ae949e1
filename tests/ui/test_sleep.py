"""Outside opening hours: the sleep screen and the controller that says when to sleep and wake.

Time is a fake wall clock moved by hand; timers are FakeTimers fired by hand.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import TypeAlias

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.core.colors import WCAG_AA_NORMAL_TEXT, contrast_ratio, parse_hex_color
from kiosk.core.content import Content
from kiosk.core.hours import DAY_NAMES, OpeningHours, parse_day
from kiosk.core.record import replace
from kiosk.ui.sleep import (
    MAX_WAIT_MS,
    SLEEP_BACKGROUND,
    SLEEP_TEXT,
    WAKE_HINT,
    OpeningHoursController,
    SleepScreen,
)
from kiosk.ui.theme import stylesheet
from tests.helpers.fakes import FakeClock, FakeTimers

NY = zoneinfo.ZoneInfo("America/New_York")
MINUTE_MS = 60_000


def ny(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A wall-clock time in New York in 2026, as UTC (as the kiosk's clock gives it)."""
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=NY).astimezone(dt.UTC)


def hours(wake_minutes: int = 5, **days: str) -> OpeningHours:
    """New York opening hours from content.yaml-style values; days not named are closed."""
    return OpeningHours(
        days=tuple(parse_day(days.get(name, "closed")) for name in DAY_NAMES),
        time_zone="America/New_York",
        wake_minutes=wake_minutes,
    )


WEEKDAYS = hours(5, **dict.fromkeys(DAY_NAMES[:5], "08:00-18:00"))
"""Monday to Friday, 08:00 to 18:00. 2026-03-02 is a Monday."""


# --------------------------------------------------------------------------------------------
# The sleep screen


@pytest.fixture
def wall() -> FakeClock[dt.datetime]:
    return FakeClock(ny(3, 2, 21, 5, 30) + dt.timedelta(milliseconds=250))


MakeSleep: TypeAlias = Callable[..., SleepScreen]
MakeController: TypeAlias = Callable[..., tuple[OpeningHoursController, list[str]]]
FULL_HD = QSize(1920, 1080)


@pytest.fixture
def make_sleep(
    qtbot: QtBot, shipped_content: Content, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> MakeSleep:
    def make(size: QSize = FULL_HD, styled: bool = True, show: bool = True) -> SleepScreen:
        content = replace(shipped_content, opening_hours=WEEKDAYS)
        screen = SleepScreen(content, wall, timers)
        qtbot.addWidget(screen)
        if styled:
            screen.setStyleSheet(stylesheet(content, size))
        screen.resize(size)
        if show:
            screen.show()
            qtbot.waitExposed(screen)
        return screen

    return make


def label(screen: SleepScreen, name: str) -> QLabel:
    found = screen.findChild(QLabel, name)
    assert found is not None
    return found


def test_shows_the_clinic_the_time_in_the_hours_zone_and_how_to_wake_it(
    make_sleep: MakeSleep,
) -> None:
    screen = make_sleep()
    assert label(screen, "sleep-name").text() == "Bayside Wellness Clinic"
    assert label(screen, "sleep-clock").text() == screen.time_text == "21:05"  # not 02:05 UTC
    assert label(screen, "sleep-hint").text() == WAKE_HINT == "Touch the screen to wake it"
    for name in ("sleep-name", "sleep-clock", "sleep-hint"):
        assert label(screen, name).isVisible()


def test_the_clock_is_updated_once_a_minute_by_one_timer(
    make_sleep: MakeSleep, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    screen = make_sleep()
    tick = timers.named("sleep-clock")
    assert timers.active() == [tick]
    assert tick.single_shot
    assert tick.interval == 29_750  # to 21:06:00.000

    wall.advance(seconds=29.75)
    tick.fire()
    assert screen.time_text == "21:06"
    assert tick.interval == MINUTE_MS
    assert timers.active() == [tick]

    wall.advance(minutes=1)
    tick.fire()
    assert screen.time_text == "21:07"


def test_a_timer_that_fires_a_little_early_is_set_again_for_the_rest(
    make_sleep: MakeSleep, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    screen = make_sleep()
    tick = timers.named("sleep-clock")
    wall.advance(seconds=27.75)  # 2 s early, as a coarse timer may be
    tick.fire()
    assert screen.time_text == "21:05"
    assert tick.interval == 2000
    wall.advance(seconds=2)
    tick.fire()
    assert screen.time_text == "21:06"


def test_hidden_it_runs_no_timer(make_sleep: MakeSleep, timers: FakeTimers) -> None:
    screen = make_sleep()
    screen.hide()
    assert timers.active() == []
    screen.show()
    assert timers.active() == [timers.named("sleep-clock")]


def test_shown_again_it_shows_the_time_at_once(
    qtbot: QtBot, make_sleep: MakeSleep, wall: FakeClock[dt.datetime]
) -> None:
    screen = make_sleep()
    screen.hide()
    wall.advance(hours=2)
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.time_text == "23:05"


def test_a_tap_wakes_it(qtbot: QtBot, make_sleep: MakeSleep) -> None:
    screen = make_sleep()
    with qtbot.waitSignal(screen.woken, timeout=1000):
        qtbot.mouseClick(screen, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    with qtbot.waitSignal(screen.woken, timeout=1000):
        qtbot.mouseClick(label(screen, "sleep-clock"), Qt.MouseButton.LeftButton)


def test_a_key_wakes_it(qtbot: QtBot, make_sleep: MakeSleep) -> None:
    screen = make_sleep()
    with qtbot.waitSignal(screen.woken, timeout=1000):
        qtbot.keyClick(screen, Qt.Key.Key_Space)


def test_it_has_an_accessible_name_and_says_the_time(make_sleep: MakeSleep) -> None:
    screen = make_sleep()
    assert screen.accessibleName() == "Bayside Wellness Clinic: closed now"
    assert screen.accessibleDescription() == "The time is 21:05. Touch the screen to wake it."
    assert label(screen, "sleep-clock").accessibleName() == "The time is 21:05"


def test_its_colours_are_dim_yet_readable() -> None:
    ratio = contrast_ratio(parse_hex_color(SLEEP_TEXT), parse_hex_color(SLEEP_BACKGROUND))
    assert ratio >= WCAG_AA_NORMAL_TEXT
    assert ratio == pytest.approx(6.08, abs=0.01)


@pytest.mark.parametrize("size", [QSize(1920, 1080), QSize(1080, 1920), QSize(1024, 600)])
def test_the_style_sheet_paints_it_dim_grey_on_black(make_sleep: MakeSleep, size: QSize) -> None:
    screen = make_sleep(size)
    image = screen.grab().toImage()
    assert image.pixelColor(2, 2) == QColor(SLEEP_BACKGROUND)
    clock = label(screen, "sleep-clock").geometry()
    colours = {
        image.pixelColor(x, y).rgb()
        for x in range(clock.left(), clock.right(), 3)
        for y in range(clock.top(), clock.bottom(), 3)
    }
    assert QColor(SLEEP_TEXT).rgb() in colours  # the digits' strokes
    brightest = max(QColor.fromRgb(c).lightness() for c in colours)
    assert brightest <= QColor(SLEEP_TEXT).lightness()  # nothing brighter anywhere


@pytest.mark.parametrize("size", [QSize(1920, 1080), QSize(1080, 1920), QSize(1024, 600)])
def test_the_clock_is_large_and_everything_fits(make_sleep: MakeSleep, size: QSize) -> None:
    screen = make_sleep(size)
    side = min(size.width(), size.height())
    clock = label(screen, "sleep-clock")
    assert clock.font().pixelSize() >= side // 4
    for name in ("sleep-name", "sleep-clock", "sleep-hint"):
        part = label(screen, name)
        assert screen.rect().contains(part.geometry()), name
        assert part.sizeHint().width() <= screen.width(), name
    assert label(screen, "sleep-hint").font().pixelSize() >= side // 30


def test_the_text_moves_a_little_each_minute(
    make_sleep: MakeSleep, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    screen = make_sleep()
    tick = timers.named("sleep-clock")
    places = set()
    layout = screen.layout()
    assert layout is not None
    for _ in range(9):
        margins = layout.contentsMargins()
        places.add((margins.left(), margins.top()))
        assert margins.left() + margins.right() == margins.top() + margins.bottom()
        wall.advance(minutes=1)
        tick.fire()
    assert len(places) == 9  # nine places, one a minute
    step = 1080 // 120
    assert {x for x, _ in places} == {step, 2 * step, 3 * step}  # a few pixels at most


def test_new_content_changes_the_name_and_the_time_zone(
    make_sleep: MakeSleep, shipped_content: Content
) -> None:
    screen = make_sleep()
    tokyo = replace(WEEKDAYS, time_zone="Asia/Tokyo")
    renamed = replace(shipped_content.clinic, name="Harbour Health")
    screen.replace_content(replace(shipped_content, clinic=renamed, opening_hours=tokyo))
    assert label(screen, "sleep-name").text() == "Harbour Health"
    assert screen.time_text == "11:05"  # 02:05 UTC in Tokyo
    assert screen.accessibleName() == "Harbour Health: closed now"


# --------------------------------------------------------------------------------------------
# The controller


@pytest.fixture
def make_controller(
    qtbot: QtBot, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> MakeController:
    def make(
        opening: OpeningHours | None = WEEKDAYS, at: dt.datetime | None = None
    ) -> tuple[OpeningHoursController, list[str]]:
        if at is not None:
            wall.set(at)
        controller = OpeningHoursController(opening, wall, timers)
        events: list[str] = []
        controller.sleep.connect(lambda: events.append("sleep"))
        controller.wake.connect(lambda: events.append("wake"))
        controller.start()
        return controller, events

    return make


def test_without_hours_it_never_sleeps_and_runs_no_timer(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    controller, events = make_controller(None, ny(3, 8, 3))
    controller.touched()
    wall.advance(days=3)
    controller.touched()
    assert events == []
    assert timers.active() == []
    assert not controller.asleep


def test_open_at_start_it_stays_awake_with_one_timer_to_closing(
    make_controller: MakeController, timers: FakeTimers
) -> None:
    _, events = make_controller(at=ny(3, 2, 17, 50))
    change = timers.named("hours-change")
    assert events == []
    assert timers.active() == [change]
    assert change.single_shot
    assert change.interval == 10 * MINUTE_MS


def test_closed_at_start_it_sleeps_at_once(
    make_controller: MakeController, timers: FakeTimers
) -> None:
    controller, events = make_controller(at=ny(3, 7, 12))  # a Saturday
    assert events == ["sleep"]
    assert controller.asleep
    assert timers.active() == [timers.named("hours-change")]


def test_it_sleeps_at_closing_and_wakes_at_opening(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    controller, events = make_controller(at=ny(3, 2, 17, 50))
    change = timers.named("hours-change")

    wall.set(ny(3, 2, 18))
    change.fire()
    assert events == ["sleep"]
    assert change.isActive()  # armed again, for the opening

    # Fourteen hours to go: it looks at the clock every MAX_WAIT_MS, in case the clock is set.
    for _ in range(55):
        assert change.interval == MAX_WAIT_MS
        wall.advance(milliseconds=MAX_WAIT_MS)
        change.fire()
    assert wall.now == ny(3, 3, 7, 45)
    assert change.interval == 15 * MINUTE_MS
    wall.advance(minutes=15)
    change.fire()

    assert events == ["sleep", "wake"]
    assert not controller.asleep
    assert change.interval == MAX_WAIT_MS  # closing is ten hours away
    assert timers.active() == [change]


def test_a_timer_that_fires_early_changes_nothing_and_is_set_for_the_rest(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    _, events = make_controller(at=ny(3, 2, 17, 50))
    change = timers.named("hours-change")
    wall.set(ny(3, 2, 17, 59, 57))
    change.fire()
    assert events == []
    assert change.interval == 3000
    wall.advance(seconds=3)
    change.fire()
    assert events == ["sleep"]


def test_a_touch_outside_the_hours_wakes_it_for_wake_minutes(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    controller, events = make_controller(at=ny(3, 2, 21))
    window = timers.named("wake-window")

    controller.touched()
    assert events == ["sleep", "wake"]
    assert not controller.asleep
    assert window.isActive()
    assert window.interval == 5 * MINUTE_MS

    wall.advance(minutes=3)
    controller.touched()  # another touch: five minutes from now
    assert events == ["sleep", "wake"]
    assert window.interval == 5 * MINUTE_MS

    wall.advance(minutes=5)
    window.fire()
    assert events == ["sleep", "wake", "sleep"]
    assert controller.asleep


def test_wake_minutes_comes_from_the_hours(
    make_controller: MakeController, timers: FakeTimers
) -> None:
    controller, _ = make_controller(hours(wake_minutes=12, monday="08:00-18:00"), ny(3, 2, 21))
    controller.touched()
    assert timers.named("wake-window").interval == 12 * MINUTE_MS


def test_touches_during_the_hours_change_nothing(
    make_controller: MakeController, timers: FakeTimers
) -> None:
    controller, events = make_controller(at=ny(3, 2, 12))
    for _ in range(100):
        controller.touched()
    assert events == []
    assert not timers.named("wake-window").isActive()


def test_at_closing_time_someone_using_the_kiosk_is_not_cut_off(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    controller, events = make_controller(at=ny(3, 2, 17, 58))
    controller.touched()  # a visitor is filling in the form
    wall.set(ny(3, 2, 18))
    timers.named("hours-change").fire()

    assert events == []
    window = timers.named("wake-window")
    assert window.isActive()
    assert window.interval == 3 * MINUTE_MS  # five minutes after their last touch

    wall.advance(minutes=3)
    window.fire()
    assert events == ["sleep"]


def test_opening_time_while_woken_by_a_touch_keeps_it_awake(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    controller, events = make_controller(at=ny(3, 3, 7, 58))
    controller.touched()
    wall.set(ny(3, 3, 8))
    timers.named("hours-change").fire()
    assert events == ["sleep", "wake"]
    assert not controller.asleep
    assert not timers.named("wake-window").isActive()


def test_a_touch_after_opening_time_but_before_the_timer_wakes_it(
    make_controller: MakeController, wall: FakeClock[dt.datetime]
) -> None:
    controller, events = make_controller(at=ny(3, 3, 7, 50))
    wall.set(ny(3, 3, 8, 1))  # the clock was set forward: the timer has not fired yet
    controller.touched()
    assert events == ["sleep", "wake"]
    assert not controller.asleep


def test_the_timer_follows_the_clocks_springing_forward(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    # Sunday 2026-03-08: at 02:00 EST the clocks go to 03:00 EDT.
    spring = hours(sunday="03:00-12:00")
    _, events = make_controller(spring, dt.datetime(2026, 3, 8, 6, 55, tzinfo=dt.UTC))  # 01:55
    change = timers.named("hours-change")
    assert events == ["sleep"]
    assert change.interval == 5 * MINUTE_MS  # 03:00 EDT is five minutes away, not 65
    wall.advance(minutes=5)
    change.fire()
    assert events == ["sleep", "wake"]


def test_the_timer_follows_the_clocks_falling_back(
    make_controller: MakeController, timers: FakeTimers, wall: FakeClock[dt.datetime]
) -> None:
    # Sunday 2026-11-01: at 02:00 EDT the clocks go back to 01:00 EST.
    fall = hours(sunday="02:30-12:00")
    _, events = make_controller(fall, dt.datetime(2026, 11, 1, 5, 50, tzinfo=dt.UTC))  # 01:50
    change = timers.named("hours-change")
    assert events == ["sleep"]
    assert change.interval == MAX_WAIT_MS  # 02:30 EST is 100 minutes away, not 40
    wall.set(dt.datetime(2026, 11, 1, 7, 20, tzinfo=dt.UTC))  # 02:20 EST
    change.fire()
    assert change.interval == 10 * MINUTE_MS
    wall.advance(minutes=10)
    change.fire()
    assert events == ["sleep", "wake"]


def test_new_hours_take_effect_at_once(make_controller: MakeController, timers: FakeTimers) -> None:
    controller, events = make_controller(at=ny(3, 2, 12))
    controller.replace_hours(hours(saturday="08:00-18:00"))  # closed on a Monday now
    assert events == ["sleep"]
    controller.replace_hours(None)  # no hours any more: always open
    assert events == ["sleep", "wake"]
    assert timers.active() == []


def test_stop_stops_every_timer(make_controller: MakeController, timers: FakeTimers) -> None:
    controller, _ = make_controller(at=ny(3, 2, 21))
    controller.touched()
    assert len(timers.active()) == 2
    controller.stop()
    assert timers.active() == []


def test_watching_input_any_press_in_the_application_counts_as_a_touch(
    qtbot: QtBot, make_controller: MakeController, wall: FakeClock[dt.datetime], timers: FakeTimers
) -> None:
    controller, events = make_controller(at=ny(3, 2, 21))
    other = QLabel("somewhere else")
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    controller.watch_input()

    qtbot.mouseMove(other, QPoint(5, 5))  # a move is not a touch
    assert events == ["sleep"]
    qtbot.mousePress(other, Qt.MouseButton.LeftButton)
    assert events == ["sleep", "wake"]
    qtbot.mouseRelease(other, Qt.MouseButton.LeftButton)

    wall.advance(minutes=10)
    qtbot.keyClick(other, Qt.Key.Key_A)  # a key is a touch: five more minutes
    wall.advance(minutes=4)
    controller.stop()  # no longer watching
    controller.start()
    assert events == ["sleep", "wake"]  # still within five minutes of the key
    window = timers.named("wake-window")
    assert window.interval == MINUTE_MS
    wall.advance(minutes=1)
    window.fire()
    assert events == ["sleep", "wake", "sleep"]
    qtbot.mouseClick(other, Qt.MouseButton.LeftButton)
    assert events == ["sleep", "wake", "sleep"]


def test_the_sleep_screen_keeps_the_crisis_line(qtbot, shipped_content):
    from PySide6.QtWidgets import QLabel

    from kiosk.ui.sleep import SleepScreen

    screen = SleepScreen(shipped_content)
    qtbot.addWidget(screen)
    texts = [label.text() for label in screen.findChildren(QLabel)]
    assert shipped_content.notices.crisis_line in texts
