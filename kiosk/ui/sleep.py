"""Outside opening hours: a dim clock instead of the slideshow, and when to show it.

:class:`OpeningHoursController` decides when the kiosk sleeps and wakes; :class:`SleepScreen`
is what it shows while asleep. Neither switches screens itself: ``kiosk.app`` connects
``sleep``/``wake`` to the window and ``woken`` to :meth:`OpeningHoursController.touched`.

Both are cheap on purpose: while the kiosk sleeps nothing runs but one timer a minute (the
clock), and the controller keeps one single-shot timer for the next opening or closing.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.core.content import Content
from kiosk.core.hours import OpeningHours, is_open, next_change, zone_of
from kiosk.core.words import N_
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.page_view import NAME_SCALE, body_pixel_size

__all__ = [
    "MAX_WAIT_MS",
    "SLEEP_BACKGROUND",
    "SLEEP_TEXT",
    "WAKE_HINT",
    "OpeningHoursController",
    "SleepScreen",
    "WallClock",
    "utc_now",
]

log = logging.getLogger(__name__)

WallClock = Callable[[], dt.datetime]
"""The time of day, timezone-aware (tests pass a fake)."""


def utc_now() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.UTC)


SLEEP_BACKGROUND = "#000000"
SLEEP_TEXT = "#8A8A8A"
"""The sleep screen's colours, as in resources/style.qss: dim, yet 6.08:1 (WCAG AA asks 4.5)."""

WAKE_HINT = N_("Touch the screen to wake it")

MAX_WAIT_MS = 15 * 60 * 1000
"""The controller looks at the clock at least this often, even when the next change is hours
away: a kiosk's clock may be set late (by NTP after boot, or by hand), and a timer of many hours
would not notice."""

_TOUCHES = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)
"""The input that counts as someone using the kiosk (a press, not a mere mouse move)."""

_DRIFT = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))
"""Where the text sits, a step at a time, minute by minute, so no pixel shows the same thing
all night (screens can keep a ghost of a still image)."""


class SleepScreen(QWidget):
    """The clinic's name, a large clock (HH:MM in the opening hours' time zone) and a line
    saying a touch wakes the kiosk, in dim grey on black.

    The clock is updated once a minute, only while the screen is shown.

    Signals:
        woken(): someone tapped the screen or pressed a key.
    """

    woken = Signal()

    def __init__(
        self,
        content: Content,
        clock: WallClock = utc_now,
        timer_factory: TimerFactory = qt_timer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sleep")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._clock = clock
        self._zone = zone_of(content.opening_hours)
        self._drift = 0
        self._step = 0

        self._name = self._label("sleep-name", content.clinic.name)
        self._name.setWordWrap(True)
        self._time = self._label("sleep-clock", "")
        self._hint = self._label("sleep-hint", content.words.tr(WAKE_HINT))
        # The crisis line matters most when the clinic is closed.
        self._crisis = self._label("sleep-crisis", content.notices.crisis_line)
        self._crisis.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        for label in (self._name, self._time, self._hint):
            self._layout.addWidget(label)
        self._layout.addStretch(1)
        self._layout.addWidget(self._crisis)

        self._tick = timer_factory(self)
        self._tick.setObjectName("sleep-clock")
        self._tick.setSingleShot(True)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._clinic = content.clinic.name
        self._update_time()

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    @property
    def time_text(self) -> str:
        """The time shown, HH:MM."""
        return self._time.text()

    def replace_content(self, content: Content) -> None:
        """Show the clinic's name and the hours' time zone from new content."""
        self._clinic = content.clinic.name
        self._name.setText(content.clinic.name)
        self._crisis.setText(content.notices.crisis_line)
        self._hint.setText(content.words.tr(WAKE_HINT))
        self._zone = zone_of(content.opening_hours)
        self._update_time()
        self._describe()

    # -- the clock -------------------------------------------------------------------------

    def _update_time(self) -> dt.datetime:
        now = self._clock().astimezone(self._zone)
        text = now.strftime("%H:%M")
        if text != self._time.text():
            self._time.setText(text)
            self._describe()
        return now

    def _describe(self) -> None:
        text = self._time.text()
        self._time.setAccessibleName(f"The time is {text}")
        self.setAccessibleName(f"{self._clinic}: closed now")
        self.setAccessibleDescription(f"The time is {text}. {self._hint.text()}.")

    def _on_tick_timeout(self) -> None:
        self._drift = (self._drift + 1) % len(_DRIFT)
        self._place()
        self._start_tick()

    def _start_tick(self) -> None:
        """Show the time now, and again when the minute changes."""
        now = self._update_time()
        to_next_minute = 60_000 - (now.second * 1000 + now.microsecond // 1000)
        self._tick.start(max(to_next_minute, 1))

    def _place(self) -> None:
        dx, dy = _DRIFT[self._drift]
        margin = 2 * self._step
        self._layout.setContentsMargins(
            margin + dx * self._step,
            margin + dy * self._step,
            margin - dx * self._step,
            margin - dy * self._step,
        )

    # -- Qt overrides ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._start_tick()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._tick.stop()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        side = min(self.width(), self.height())
        # Their own sizes win over the window's style sheet, which gives the colours.
        self._time.setStyleSheet(f"font-size: {max(round(side * 0.26), 24)}px;")
        # The name, the hint and the crisis line at the slides' sizes (one scale everywhere).
        body = body_pixel_size(self.size())
        self._name.setStyleSheet(f"font-size: {round(body * NAME_SCALE)}px; font-weight: bold;")
        self._hint.setStyleSheet(f"font-size: {body}px;")
        self._crisis.setStyleSheet(f"font-size: {body}px; font-weight: bold;")
        self._step = max(2, side // 120)
        self._place()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.woken.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()
        self.woken.emit()


class OpeningHoursController(QObject):
    """Says when the kiosk should sleep (outside opening hours) and wake.

    The kiosk starts awake; :meth:`start` sends ``sleep`` at once if it is closed. One
    single-shot timer is armed to the next opening or closing (at most :data:`MAX_WAIT_MS`
    ahead), and re-armed each time it fires. Outside the hours :meth:`touched` wakes the kiosk
    for ``wake_minutes``, and each further touch starts that time again. At closing time the
    kiosk stays awake until ``wake_minutes`` after the last touch, so nobody is cut off in the
    middle of the form. Without opening hours (None) it never sleeps and no timer runs.
    :meth:`watch_input` makes every press and key anywhere in the application count as a touch.

    Signals:
        sleep(): show the sleep screen.
        wake(): show the kiosk again.
    """

    sleep = Signal()
    wake = Signal()

    def __init__(
        self,
        hours: OpeningHours | None,
        clock: WallClock = utc_now,
        timer_factory: TimerFactory = qt_timer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._hours = hours
        self._clock = clock
        self._asleep = False
        self._started = False
        self._last_touch: dt.datetime | None = None
        self._change = timer_factory(self)
        self._change.setObjectName("hours-change")
        self._change.setSingleShot(True)
        self._change.timeout.connect(self._on_change_timeout)
        self._woken = timer_factory(self)
        self._woken.setObjectName("wake-window")
        self._woken.setSingleShot(True)
        self._woken.timeout.connect(self._on_woken_timeout)
        self._watched: QCoreApplication | None = None

    @property
    def asleep(self) -> bool:
        return self._asleep

    @property
    def hours(self) -> OpeningHours | None:
        return self._hours

    def start(self) -> None:
        """Begin following the hours (connect ``sleep`` and ``wake`` first)."""
        self._started = True
        self._update()

    def stop(self) -> None:
        """Stop every timer and stop watching input; the kiosk stays as it is."""
        self._started = False
        self._change.stop()
        self._woken.stop()
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None

    def watch_input(self) -> None:
        """Count every press, touch and key press in the application as :meth:`touched`."""
        app = QCoreApplication.instance()
        if app is not None and self._watched is None:
            app.installEventFilter(self)
            self._watched = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _TOUCHES:
            self.touched()
        return False

    def replace_hours(self, hours: OpeningHours | None) -> None:
        """Follow new opening hours from now on (sleeping or waking at once if they say so)."""
        self._hours = hours
        if self._started:
            self._woken.stop()
            self._update()

    def touched(self) -> None:
        """Someone touched the screen: outside the hours, wake (or stay awake) for a while.

        Cheap enough to connect to every input event: while open it only notes the time.
        """
        now = self._clock()
        self._last_touch = now
        if not self._started or not (self._asleep or self._woken.isActive()):
            return
        if is_open(self._hours, now):  # the clock passed opening time before the timer
            self._update()
            return
        self._woken.start(self._wake_ms)
        self._set_asleep(False)

    # -- internals -------------------------------------------------------------------------

    @property
    def _wake_ms(self) -> int:
        return 0 if self._hours is None else self._hours.wake_minutes * 60_000

    def _update(self) -> None:
        """Sleep or wake as the hours say now, then arm the timer for the next change."""
        now = self._clock()
        if is_open(self._hours, now):
            self._woken.stop()
            self._set_asleep(False)
        elif not self._asleep and not self._woken.isActive():
            left = self._touch_time_left(now)
            if left > 0:
                self._woken.start(left)
            else:
                self._set_asleep(True)
        self._arm(now)

    def _touch_time_left(self, now: dt.datetime) -> int:
        """Milliseconds until ``wake_minutes`` after the last touch (0 if past)."""
        if self._last_touch is None:
            return 0
        since = round((now.timestamp() - self._last_touch.timestamp()) * 1000)
        return max(self._wake_ms - max(since, 0), 0)

    def _arm(self, now: dt.datetime) -> None:
        change = next_change(self._hours, now)
        if change is None:
            self._change.stop()
            return
        wait = math.ceil((change.timestamp() - now.timestamp()) * 1000)
        self._change.start(min(max(wait, 1), MAX_WAIT_MS))

    def _set_asleep(self, asleep: bool) -> None:
        if asleep == self._asleep:
            return
        self._asleep = asleep
        log.info("closed: the kiosk sleeps" if asleep else "the kiosk wakes")
        if asleep:
            self.sleep.emit()
        else:
            self.wake.emit()

    def _on_change_timeout(self) -> None:
        self._update()

    def _on_woken_timeout(self) -> None:
        if is_open(self._hours, self._clock()):
            self._update()
        else:
            self._set_asleep(True)
