"""Accessibility for every visitor: the focus ring, the keypad, and speaking what has the focus
(the button and its panel are in :mod:`kiosk.ui.access_panel`).

:class:`AccessController` holds one visitor's :class:`AccessSettings` and the
:class:`Speaker`; screens ask it for an :class:`AccessButton` each and it tells the kiosk when
the settings change (the kiosk then re-lays its screens out). Everything resets for the next
visitor (:meth:`AccessController.reset`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QStackedWidget,
    QWidget,
)

from kiosk.core.access import DEFAULT, AccessSettings
from kiosk.core.words import ENGLISH, Words
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui import access_text as text
from kiosk.ui.access_panel import AccessButton as AccessButton  # kiosk/app.py takes it from here
from kiosk.ui.access_panel import AccessPanel
from kiosk.ui.idle import IdleWatcher

if TYPE_CHECKING:
    from kiosk.ui.speech import Speaker

log = logging.getLogger(__name__)

READ_ALOUD_KEYS = frozenset({Qt.Key.Key_F1, Qt.Key.Key_Help})
"""A key that turns read aloud on and reads the screen, from any screen."""
_NEXT_KEYS = frozenset({Qt.Key.Key_Down, Qt.Key.Key_Right})
_PREVIOUS_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Left})
_ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
_TOUCH_EVENTS = frozenset(
    {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.TabletPress}
)
SLIDESHOW_RESET_SECONDS = 180
"""Choices made on the slideshow are forgotten after this long without a touch or a key."""


class FocusRing(QWidget):
    """A thick ring around whatever has the keyboard focus, drawn above every screen: the text
    colour outside (>= 4.5:1 against the background by ``kiosk check``), the background colour
    inside, so it shows on any control."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("focus-ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.width_px = 4
        self.ink = QColor("#000000")
        self.halo = QColor("#FFFFFF")
        self.target: QWidget | None = None
        self.hide()

    def set_look(self, ink: str, halo: str, width: int) -> None:
        self.ink, self.halo, self.width_px = QColor(ink), QColor(halo), max(3, width)
        self.follow(self.target)

    def follow(self, widget: QWidget | None) -> None:
        window = self.parentWidget()
        self.target = widget
        if widget is None or window is None or not widget.isVisible():
            self.hide()
            return
        top_left = widget.mapTo(window, widget.rect().topLeft())
        grow = self.width_px * 2
        self.setGeometry(
            QRect(top_left, widget.size()).adjusted(-grow, -grow, grow, grow) & window.rect()
        )
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = self.width_px
        outer = QRect(self.rect()).adjusted(w // 2, w // 2, -(w - w // 2), -(w - w // 2))
        painter.setPen(QPen(self.ink, w))
        painter.drawRoundedRect(outer, w * 2, w * 2)
        inner = outer.adjusted(w, w, -w, -w)
        painter.setPen(QPen(self.halo, max(2, w // 2)))
        painter.drawRoundedRect(inner, w, w)
        painter.end()


Describer = Callable[[QWidget], "list[str] | None"]
"""What to say when a widget gets the focus (None: the controller's general description)."""


def describe(widget: QWidget, words: Words = ENGLISH) -> list[str]:
    """What a control is, to be read aloud (in ``words``' language) when it gets the focus."""
    name = widget.accessibleName() or (
        widget.text() if isinstance(widget, (QAbstractButton, QLabel)) else ""
    )
    if isinstance(widget, QCheckBox):
        state = words.tr(text.CHECKED if widget.isChecked() else text.NOT_CHECKED)
        return [words.tr(text.CHOICE_ROLE, name=name, state=state)]
    if isinstance(widget, QAbstractButton):
        if widget.isCheckable():
            state = words.tr(text.SELECTED if widget.isChecked() else text.NOT_SELECTED)
            return [words.tr(text.CHOICE_ROLE, name=name, state=state)]
        parts = [words.tr(text.BUTTON_ROLE, name=name)]
        if widget.accessibleDescription():
            parts.append(widget.accessibleDescription())
        return parts
    # The form's fields, imported here as the form is: making their classes (with their
    # enums) took 3 ms of the first page.
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

    if isinstance(widget, QLineEdit):
        answer = widget.text()
        return [name, words.tr(text.ANSWER, answer=answer) if answer else words.tr(text.NO_ANSWER)]
    if isinstance(widget, QPlainTextEdit):
        answer = widget.toPlainText()
        return [name, words.tr(text.ANSWER, answer=answer) if answer else words.tr(text.NO_ANSWER)]
    return [name] if name else []


class AccessController(QObject):
    """One visitor's accessibility settings, the speaker, the keypad and the focus ring.

    The speaker is made the first time read aloud is turned on (most visitors never do, and
    the speech engine need not start with the kiosk).

    Signals:
        settings_changed(AccessSettings): a setting changed (or all were reset).
        read_screen_requested(): the read-aloud key was pressed: read the screen shown.
        panel_shown(bool): the panel opened (True) or closed (False).
    """

    settings_changed = Signal(object)
    read_screen_requested = Signal()
    panel_shown = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        make_speaker: Callable[[], Speaker],
        timer_factory: TimerFactory = qt_timer,
        listen: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self._make_speaker = make_speaker
        self._speaker: Speaker | None = None
        self.settings = DEFAULT
        self.words = ENGLISH
        """The program's words in the visitor's language (:meth:`set_words`)."""
        self.buttons: list[AccessButton] = []
        self._button_look: tuple[str, int] | None = None  # the label colour and size, once set
        self._panel: AccessPanel | None = None  # built when first needed (see panel)
        self._panel_unit: int | None = None
        self.ring = FocusRing(window)
        self._keypad_in_use = False
        self.describers: list[Describer] = []
        self._opener: QWidget | None = None
        self._idle = IdleWatcher(SLIDESHOW_RESET_SECONDS, timer_factory, self, "access-reset")
        self._idle.idle.connect(self._on_idle)
        self._listening = False
        if listen:
            self.listen()

    def listen(self) -> None:
        """Watch keys and focus in the whole application (the keypad, the focus ring). Done at
        once unless the controller was made with ``listen=False``: at start-up, a filter of
        every event of the application costs the first page about 30 ms (PySide6 makes Python
        types for each kind of object an event is sent to)."""
        app = QApplication.instance()
        if self._listening or not isinstance(app, QApplication):
            return
        self._listening = True
        app.installEventFilter(self)
        app.focusChanged.connect(self._on_focus_changed)

    # -- public ----------------------------------------------------------------------------

    def button(self, parent: QWidget) -> AccessButton:
        """A new accessibility button for a screen; it opens the panel."""
        button = AccessButton(parent, self.words)
        if self._button_look is not None:  # a screen built after the look was set
            button.set_look(*self._button_look)
        button.clicked.connect(lambda: self.open_panel(button))
        button.destroyed.connect(lambda: self.buttons.remove(button))
        self.buttons.append(button)
        return button

    @property
    def panel(self) -> AccessPanel:
        """The accessibility panel, built when first asked for (the kiosk builds it once its
        first screen is up: the first page does not draw it), in the current words and size
        (:meth:`open_panel` shows it the settings)."""
        if self._panel is None:
            panel = AccessPanel(self.window)
            panel.changed.connect(self._on_panel_changed)
            panel.closed.connect(self.close_panel)
            panel.set_words(self.words)
            if self._panel_unit is not None:
                panel.fit(self._panel_unit)
            self._panel = panel
        return self._panel

    @property
    def panel_open(self) -> bool:
        return self._panel is not None and self._panel.isVisible()

    @property
    def speaker(self) -> Speaker:
        if self._speaker is None:
            self._speaker = self._make_speaker()
            self._speaker.set_volume(self.settings.volume)
            self._speak_language()
        return self._speaker

    def set_words(self, words: Words) -> None:
        """The visitor's language changed (or went back to the clinic's): the buttons, the
        panel and what is spoken follow at once, and the speaker takes that language's voice."""
        if words == self.words:
            return
        self.words = words
        for button in self.buttons:
            button.set_words(words)
        if self._panel is not None:
            self._panel.set_words(words)
        if self._speaker is not None:
            self._speaker.stop()  # not the old language's sentence in the new voice
            self._speak_language()

    def _speak_language(self) -> None:
        assert self._speaker is not None
        if not self._speaker.set_language(self.words.code):
            log.warning(
                "no voice for %s: read aloud keeps the voice it had (kiosk check lists these)",
                self.words.code,
            )

    def open_panel(self, opener: QWidget | None = None) -> None:
        self._opener = opener
        self.panel.show_settings(self.settings)
        self.panel.setGeometry(self.window.rect())
        self.panel.show()
        self.panel.raise_()
        self.panel_shown.emit(True)
        self.panel.read_aloud.setFocus(Qt.FocusReason.OtherFocusReason)
        self.ring.raise_()

    def close_panel(self) -> None:
        if not self.panel_open:
            return
        self.panel.hide()
        opener, self._opener = self._opener, None
        if opener is not None and opener.isVisible():
            opener.setFocus(Qt.FocusReason.OtherFocusReason)
        self.panel_shown.emit(False)

    def apply(self, settings: AccessSettings) -> None:
        """Use ``settings`` from now on."""
        if settings == self.settings:
            return
        self.settings = settings
        if self._speaker is not None or settings.read_aloud:
            self.speaker.set_volume(settings.volume)
        if self._panel is not None:
            self._panel.show_settings(settings)
        self.settings_changed.emit(settings)

    def reset(self) -> None:
        """Back to the defaults for the next visitor: speech stops, the panel goes away."""
        self.close_panel()
        if self._speaker is not None:
            self._speaker.stop()
            self._speaker.set_volume(DEFAULT.volume)
        if self.settings != DEFAULT:
            self.settings = DEFAULT
            if self._panel is not None:
                self._panel.show_settings(DEFAULT)
            self.settings_changed.emit(DEFAULT)

    def say(self, parts: list[str] | str) -> None:
        """Say ``parts`` if read aloud is on."""
        if self.settings.read_aloud:
            self.speaker.speak(parts)

    def set_look(self, ink: str, halo: str, width: int, unit: int, label: str, px: int) -> None:
        """Ring colours and width; the panel's room; the buttons' symbol colour and size."""
        self.ring.set_look(ink, halo, width)
        self._button_look = (label, px)
        for button in self.buttons:
            button.set_look(label, px)
        self._panel_unit = unit
        if self._panel is not None:
            self._panel.fit(unit)
            if self._panel.isVisible():
                self._panel.setGeometry(self.window.rect())

    def watch_idle(self, watching: bool) -> None:
        """Count time without input towards a reset (on the slideshow) or not (elsewhere: the
        form and thank-you screens reset the settings themselves)."""
        if watching:
            self._idle.start()
        else:
            self._idle.stop()

    @contextmanager
    def building(self) -> Iterator[None]:
        """While a screen is being built: no input can arrive, so the application-wide key
        watch is set aside (every event of the building would pass through it: a third of
        the time it takes to open the form)."""
        app = QApplication.instance() if self._listening else None
        if app is not None:
            app.removeEventFilter(self)
        try:
            yield
        finally:
            if app is not None:
                app.installEventFilter(self)

    # -- events ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _TOUCH_EVENTS and self._keypad_in_use:
            self._keypad_in_use = False  # touch again: no ring (it is for finding by keys)
            self.ring.follow(None)
            return False
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        key = event.key()
        if not self._keypad_in_use:
            self._keypad_in_use = True
            self._show_ring(QApplication.focusWidget())
        if key in READ_ALOUD_KEYS:
            if not self.settings.read_aloud:
                self.apply(self.settings.with_(read_aloud=True))
            self.read_screen_requested.emit()
            return True
        if key == Qt.Key.Key_Escape and self.panel_open:
            self.close_panel()
            return True
        focused = QApplication.focusWidget()
        if not isinstance(focused, QAbstractButton) or focused is not watched:
            return False
        if key in _ENTER_KEYS:
            focused.click()
            return True
        if key in _NEXT_KEYS or key in _PREVIOUS_KEYS:
            self._move_focus(focused, forward=key in _NEXT_KEYS)
            return True
        return False

    def _move_focus(self, current: QWidget, forward: bool) -> None:
        """The next (or previous) control in the Tab order, within the panel while it is open."""
        widget: QWidget = current
        for _ in range(200):
            step = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
            if step is None or step is current:
                return
            widget = step
            if widget is current:
                return
            if (
                widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and (not self.panel_open or self.panel.isAncestorOf(widget))
            ):
                widget.setFocus(
                    Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
                )
                return

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new.window() is not self.window or new is self.window:
            self.ring.follow(None)
            return
        self._show_ring(new)
        if self.settings.read_aloud:
            for describer in self.describers:
                parts = describer(new)
                if parts is not None:
                    self.speaker.speak(parts)
                    return
            parts = describe(new, self.words)
            if parts:
                self.speaker.speak(parts)

    def _show_ring(self, widget: QWidget | None) -> None:
        """The ring shows where the keys are, once someone uses them; never around a whole
        screen."""
        whole_screen = widget is not None and isinstance(widget.parentWidget(), QStackedWidget)
        self.ring.follow(widget if self._keypad_in_use and not whole_screen else None)

    def _on_panel_changed(self, settings: object) -> None:
        assert isinstance(settings, AccessSettings)
        before = self.settings
        self.apply(settings)
        if settings.read_aloud:
            focused = QApplication.focusWidget()
            parts = [self.words.tr(text.READ_ALOUD_ON)] if not before.read_aloud else []
            if focused is not None and self.panel.isAncestorOf(focused):
                parts += describe(focused, self.words)
            self.speaker.speak(parts)
        elif before.read_aloud:
            self.speaker.speak(self.words.tr(text.READ_ALOUD_OFF))

    def _on_idle(self) -> None:
        self.reset()
