"""Kiosk mode: no key, touch or close request takes a visitor out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QCloseEvent, QContextMenuEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import Kiosk
from kiosk.storage.store import RequestStore
from kiosk.ui.lockdown import Lockdown
from tests.helpers.fakes import FakeClock


@pytest.fixture
def kiosk(qtbot, shipped_content, timers, tmp_path):
    store = RequestStore(tmp_path / "data")
    kiosk = Kiosk(shipped_content, store, "k", timers, FakeClock(), load_keyboard=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1280, 800)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    lockdown = Lockdown(kiosk.window, timers)
    kiosk._test_lockdown = lockdown  # keep it alive for the test
    yield kiosk
    kiosk.window.allow_close()
    QApplication.instance().removeEventFilter(lockdown)
    store.close()


@pytest.mark.parametrize(
    ("key", "modifiers"),
    [
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    ],
)
def test_escape_keys_are_swallowed(qtbot, kiosk, key, modifiers):
    class Probe(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.keys: list[int] = []

        def keyPressEvent(self, event: QKeyEvent) -> None:
            self.keys.append(event.key())

    probe = Probe()
    kiosk.window.add_screen(probe)
    kiosk.window.show_screen(probe)
    QApplication.sendEvent(probe, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, modifiers))
    QApplication.sendEvent(probe, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))
    assert probe.keys == [Qt.Key.Key_A], "the key reached the screen"
    assert kiosk.window.isVisible()


def test_close_requests_are_refused_in_kiosk_mode(kiosk):
    kiosk.window.present(None)  # fullscreen kiosk mode
    event = QCloseEvent()
    QApplication.sendEvent(kiosk.window, event)
    assert not event.isAccepted()
    assert not kiosk.window.close()
    assert kiosk.window.isVisible()
    kiosk.window.allow_close()
    assert kiosk.window.close()


def test_no_widget_offers_a_context_menu(qtbot, kiosk):
    kiosk.open_form()
    opened = []
    for widget in kiosk.window.findChildren(QWidget):
        widget.customContextMenuRequested.connect(lambda *_, w=widget: opened.append(w))
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), QPoint(5, 5))
        QApplication.sendEvent(widget, event)
    assert opened == []
    # A line edit would normally pop up its Cut/Copy/Paste menu: no menu window appeared.
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [kiosk.window]


def test_text_cannot_be_dropped_into_a_field(qtbot, kiosk):
    kiosk.open_form()
    field = kiosk.form.fields["name"].line
    data = QMimeData()
    data.setText("dropped text")
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(field, drop)
    assert field.text() == ""


def test_the_window_takes_focus_and_fullscreen_back(qtbot, kiosk, timers):
    regain = timers.named("regain-focus")
    QApplication.sendEvent(kiosk.window, QEvent(QEvent.Type.WindowDeactivate))
    assert regain.isActive()
    regain.fire()
    assert kiosk.window.isFullScreen()
