"""Pieces every screen makes the same way: the screen itself, a named timer, a named button.

The kiosk's screens (slideshow, thanks, PIN pad, staff, sleep) and the front-desk inbox use
these, so that a screen's set-up reads as what it is rather than as four lines of Qt each time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget

from kiosk.timers import Timer, TimerFactory


def init_screen(screen: QWidget, name: str, spoken: str) -> None:
    """Name a screen for the style sheet and tests (``name``), let the style sheet paint its
    background, and give it the name a screen reader says (``spoken``)."""
    screen.setObjectName(name)
    screen.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    screen.setAccessibleName(spoken)


def named_timer(
    timer_factory: TimerFactory,
    parent: QObject,
    name: str,
    on_timeout: Callable[[], object],
    *,
    repeat: bool = False,
) -> Timer:
    """A timer from ``timer_factory`` named ``name`` (tests fire it by that name), single-shot
    unless ``repeat``, calling ``on_timeout`` when it fires."""
    timer = timer_factory(parent)
    timer.setObjectName(name)
    timer.setSingleShot(not repeat)
    timer.timeout.connect(on_timeout)
    return timer


def named_button(text: str, name: str, parent: QWidget, layout: QBoxLayout) -> QPushButton:
    """A push button saying ``text`` (which a screen reader says too), named ``name`` for the
    style sheet, added to ``layout``."""
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setAccessibleName(text)
    layout.addWidget(button)
    return button
