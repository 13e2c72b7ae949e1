"""Accessibility for every visitor: the button and its panel, the focus ring, the keypad, and
speaking what has the focus.

:class:`AccessController` holds one visitor's :class:`AccessSettings` and the
:class:`Speaker`; screens ask it for an :class:`AccessButton` each and it tells the kiosk when
the settings change (the kiosk then re-lays its screens out). Everything resets for the next
visitor (:meth:`AccessController.reset`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QBoxLayout,
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.access import DEFAULT, TEXT_SIZES, VOLUMES, AccessSettings
from kiosk.core.words import ENGLISH, Words
from kiosk.paths import resource
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui import access_text as text
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


@lru_cache(maxsize=8)
def access_symbol(ink: str, side: int) -> QPixmap:
    """The universal access symbol in ``ink``, ``side`` pixels square."""
    svg = resource("access.svg").read_text(encoding="utf-8").replace("INK", ink)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(QSize(side, side), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


class AccessButton(QPushButton):
    """The symbol and the word, always at the left end of the screen's footer band."""

    def __init__(self, parent: QWidget | None = None, words: Words = ENGLISH) -> None:
        super().__init__(parent)
        self.setObjectName("access")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_words(words)

    def set_words(self, words: Words) -> None:
        """The word, its accessible name and description in the visitor's language."""
        self.setText(words.tr(text.BUTTON))
        self.setAccessibleName(words.tr(text.BUTTON))
        self.setAccessibleDescription(words.tr(text.BUTTON_DESCRIPTION))

    def set_look(self, ink: str, pixels: int) -> None:
        """The symbol's colour (the label's) and the label's size in pixels."""
        side = round(pixels * 1.3)
        self.setIcon(QIcon(access_symbol(ink, side)))
        self.setIconSize(QSize(side, side))


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


class AccessPanel(QWidget):
    """The panel the button opens: Read aloud, Text size, High contrast, Volume, Done.

    It covers the screen (a solid backdrop) with a card in the middle.

    Signals:
        changed(AccessSettings): the visitor changed a setting.
        closed(): Done (or a tap outside the card).
    """

    changed = Signal(object)
    closed = Signal()

    def __init__(self, parent: QWidget, words: Words = ENGLISH) -> None:
        super().__init__(parent)
        self.setObjectName("access-panel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._words = words
        self._settings = DEFAULT
        self._unit = 16
        outer = QVBoxLayout(self)
        self.card = QFrame(self)
        self.card.setObjectName("access-card")
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        grid = QGridLayout(self.card)
        self._grid = grid
        self.title = QLabel(self.card)
        self.title.setObjectName("access-title")
        grid.addWidget(self.title, 0, 0, 1, 3)

        self.read_aloud = self._toggle("access-read-aloud")
        self.read_aloud.clicked.connect(self._on_read_aloud_clicked)
        grid.addWidget(self.read_aloud, 1, 0, 1, 3)

        self.size_label = QLabel(self.card)
        self.size_label.setObjectName("access-label")
        grid.addWidget(self.size_label, 2, 0, 1, 3)
        self.sizes: dict[str, QPushButton] = {}
        row = QWidget(self.card)
        self._size_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, row)
        self._size_row.setContentsMargins(0, 0, 0, 0)
        for key in TEXT_SIZES:
            button = self._toggle(f"access-size-{key}")
            button.clicked.connect(lambda _=False, k=key: self._set(text_size=k))
            self.sizes[key] = button
            self._size_row.addWidget(button, 1)
        grid.addWidget(row, 3, 0, 1, 3)

        self.contrast = self._toggle("access-contrast")
        self.contrast.clicked.connect(
            lambda: self._set(high_contrast=not self._settings.high_contrast)
        )
        grid.addWidget(self.contrast, 4, 0, 1, 3)

        self.volume_label = QLabel(self.card)
        self.volume_label.setObjectName("access-label")
        grid.addWidget(self.volume_label, 5, 0, 1, 3)
        self.quieter = self._button("access-quieter")
        self.quieter.clicked.connect(lambda: self._step_volume(-1))
        self.level = QLabel("", self.card)
        self.level.setObjectName("access-level")
        self.level.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.louder = self._button("access-louder")
        self.louder.clicked.connect(lambda: self._step_volume(1))
        grid.addWidget(self.quieter, 6, 0)
        grid.addWidget(self.level, 6, 1)
        grid.addWidget(self.louder, 6, 2)

        self.done = self._button("access-done")
        self.done.clicked.connect(self.closed)
        grid.addWidget(self.done, 7, 0, 1, 3)
        self.set_words(words)
        self.hide()

    def set_words(self, words: Words) -> None:
        """Every label and accessible name in the visitor's language."""
        self._words = words
        title = words.tr(text.PANEL_TITLE)
        self.setAccessibleName(title)
        self.title.setText(title)
        self.size_label.setText(words.tr(text.TEXT_SIZE))
        for key, button in self.sizes.items():
            name = words.tr(text.TEXT_SIZE_NAMES[key])
            button.setText(name)
            button.setAccessibleName(words.tr(text.SWITCH, name=self.size_label.text(), state=name))
        self.volume_label.setText(words.tr(text.VOLUME))
        for button, message in (
            (self.quieter, text.VOLUME_DOWN),
            (self.louder, text.VOLUME_UP),
            (self.done, text.CLOSE),
        ):
            button.setText(words.tr(message))
            button.setAccessibleName(button.text())
        self.show_settings(self._settings)
        self._fit_card()

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self.card)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def _toggle(self, name: str) -> QPushButton:
        button = self._button(name)
        button.setProperty("chip", True)
        button.setCheckable(True)
        return button

    @property
    def controls(self) -> list[QPushButton]:
        return [
            self.read_aloud,
            *self.sizes.values(),
            self.contrast,
            self.quieter,
            self.louder,
            self.done,
        ]

    def show_settings(self, settings: AccessSettings) -> None:
        self._settings = settings
        words = self._words
        for button, name, on in (
            (self.read_aloud, text.READ_ALOUD, settings.read_aloud),
            (self.contrast, text.HIGH_CONTRAST, settings.high_contrast),
        ):
            button.setChecked(on)
            button.setText(
                words.tr(
                    text.SWITCH, name=words.tr(name), state=words.tr(text.ON if on else text.OFF)
                )
            )
            button.setAccessibleName(words.tr(name))
        for key, button in self.sizes.items():
            button.setChecked(key == settings.text_size)
        percent = round(settings.volume * 100)
        self.level.setText(f"{percent}%")
        self.level.setAccessibleName(words.tr(text.VOLUME_LEVEL, percent=percent))

    def fit(self, unit: int) -> None:
        """Room around everything for a text size of ``unit`` pixels."""
        self._unit = unit
        self._grid.setContentsMargins(unit, unit, unit, unit)
        self._grid.setSpacing(max(8, unit // 2))
        self._fit_card()

    def _fit_card(self) -> None:
        width = self.width()
        room = width - 2 * max(12, self._unit // 2)
        card = max(min(room, max(round(width * 0.6), self._unit * 24)), 200)
        self.card.setFixedWidth(card)
        # The three sizes side by side when they fit, else one above the other.
        inner = card - 2 * self._unit
        needed = sum(b.sizeHint().width() for b in self.sizes.values()) + 2 * self._unit
        self._size_row.setSpacing(max(8, self._unit // 2))
        self._size_row.setDirection(
            QBoxLayout.Direction.LeftToRight
            if needed <= inner
            else QBoxLayout.Direction.TopToBottom
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_card()

    def _on_read_aloud_clicked(self) -> None:
        self._set(read_aloud=not self._settings.read_aloud)

    def _step_volume(self, step: int) -> None:
        current = min(range(len(VOLUMES)), key=lambda i: abs(VOLUMES[i] - self._settings.volume))
        index = min(max(current + step, 0), len(VOLUMES) - 1)
        self._set(volume=VOLUMES[index])

    def _set(self, **changes: object) -> None:
        settings = self._settings.with_(**changes)
        self.show_settings(settings)
        self.changed.emit(settings)

    def mouseReleaseEvent(self, event: object) -> None:
        self.closed.emit()  # a tap beside the card puts the panel away


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
    ) -> None:
        super().__init__(window)
        self.window = window
        self._make_speaker = make_speaker
        self._speaker: Speaker | None = None
        self.settings = DEFAULT
        self.words = ENGLISH
        """The program's words in the visitor's language (:meth:`set_words`)."""
        self.buttons: list[AccessButton] = []
        self.panel = AccessPanel(window)
        self.panel.changed.connect(self._on_panel_changed)
        self.panel.closed.connect(self.close_panel)
        self.ring = FocusRing(window)
        self._keypad_in_use = False
        self.describers: list[Describer] = []
        self._opener: QWidget | None = None
        self._idle = IdleWatcher(SLIDESHOW_RESET_SECONDS, timer_factory, self, "access-reset")
        self._idle.idle.connect(self._on_idle)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.focusChanged.connect(self._on_focus_changed)

    # -- public ----------------------------------------------------------------------------

    def button(self, parent: QWidget) -> AccessButton:
        """A new accessibility button for a screen; it opens the panel."""
        button = AccessButton(parent, self.words)
        button.clicked.connect(lambda: self.open_panel(button))
        button.destroyed.connect(lambda: self.buttons.remove(button))
        self.buttons.append(button)
        return button

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
        self.panel.set_words(words)
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
        if not self.panel.isVisible():
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
        self.panel.show_settings(settings)
        self.settings_changed.emit(settings)

    def reset(self) -> None:
        """Back to the defaults for the next visitor: speech stops, the panel goes away."""
        self.close_panel()
        if self._speaker is not None:
            self._speaker.stop()
            self._speaker.set_volume(DEFAULT.volume)
        if self.settings != DEFAULT:
            self.settings = DEFAULT
            self.panel.show_settings(DEFAULT)
            self.settings_changed.emit(DEFAULT)

    def say(self, parts: list[str] | str) -> None:
        """Say ``parts`` if read aloud is on."""
        if self.settings.read_aloud:
            self.speaker.speak(parts)

    def set_look(self, ink: str, halo: str, width: int, unit: int, label: str, px: int) -> None:
        """Ring colours and width; the panel's room; the buttons' symbol colour and size."""
        self.ring.set_look(ink, halo, width)
        for button in self.buttons:
            button.set_look(label, px)
        self.panel.fit(unit)
        if self.panel.isVisible():
            self.panel.setGeometry(self.window.rect())

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
        app = QApplication.instance()
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
        if key == Qt.Key.Key_Escape and self.panel.isVisible():
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
                and (not self.panel.isVisible() or self.panel.isAncestorOf(widget))
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
