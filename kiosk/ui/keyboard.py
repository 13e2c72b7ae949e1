"""The on-screen keyboard: Qt Virtual Keyboard's InputPanel docked inside the kiosk window.

The environment must be prepared (:func:`kiosk.ui.keyboard_env.prepare_environment`) before the
QApplication exists.
The panel then types into ordinary QLineEdits and shows a dial pad or an e-mail layout from
each field's input method hints.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, QSizeF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QGuiApplication, QResizeEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from kiosk.paths import resource

log = logging.getLogger(__name__)

KEYBOARD_BACKGROUND = "#263238"
MAX_HEIGHT_SHARE = 0.42
"""The keyboard takes at most this share of the screen's height."""


def is_text_input(widget: QWidget | None) -> bool:
    return isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) and not (
        isinstance(widget, QLineEdit) and widget.isReadOnly()
    )


class KeyboardPanel(QQuickWidget):
    """The keyboard, shown while a text field has focus and hidden otherwise.

    It is never hidden as a widget (Qt Quick does not lay the keys out again after that);
    it collapses to no height instead. A visitor may also put it away with its own key.

    Signals:
        shown_changed(bool): the keyboard appeared (True) or went away (False).
    """

    shown_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.setAccessibleName("On-screen keyboard")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        # The default keyboard style's own background, so the band is one colour edge to edge.
        self.setClearColor(QColor(KEYBOARD_BACKGROUND))
        self.setSource(QUrl.fromLocalFile(str(resource("qml", "keyboard.qml"))))
        errors = [e.toString() for e in self.errors()]
        root = self.rootObject()
        self._panel = root.findChild(QQuickItem, "inputPanel") if root is not None else None
        if self._panel is None:
            log.error("the on-screen keyboard could not be loaded: %s", "; ".join(errors))
        else:
            self._panel.heightChanged.connect(self._on_panel_height_changed)
        self._shown = False
        self._hide_focus: QWidget | None = None
        self._set_height(0)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        QGuiApplication.inputMethod().visibleChanged.connect(self._on_input_method_visible)

    def set_locale(self, locale: str) -> None:
        """Show the keys of ``locale`` (a Qt Virtual Keyboard locale: "es_ES", "ar_AR",
        "zh_CN" for Pinyin...): the visitor's language."""
        root = self.rootObject()
        if root is not None:
            root.setProperty("keyboardLocale", locale)

    @property
    def keyboard_locale(self) -> str:
        root = self.rootObject()
        value = root.property("keyboardLocale") if root is not None else None
        return value if isinstance(value, str) else ""

    @property
    def loaded(self) -> bool:
        return self._panel is not None

    @property
    def shown(self) -> bool:
        """Whether the keyboard is up (taking room at the bottom of the window)."""
        return self._shown

    def fit_to(self, screen: QSize) -> None:
        """Size the keys for a window of ``screen`` pixels."""
        root = self.rootObject()
        if root is not None:
            root.setProperty("maxKeyboardHeight", screen.height() * MAX_HEIGHT_SHARE)
        self._on_panel_height_changed()

    def _panel_height(self) -> int:
        return round(self._panel.height()) if self._panel is not None else 0

    def _on_panel_height_changed(self) -> None:
        if self._shown:
            self._set_height(self._panel_height())

    def _set_height(self, height: int) -> None:
        self.setFixedHeight(height)
        # Keep the QML root the widget's size even while a resize event is still pending
        # (a panel laid out in a zero-height root gets zero-width keys).
        root = self.rootObject()
        if root is not None:
            root.setSize(QSizeF(self.width(), height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        root = self.rootObject()
        if root is not None:
            root.setSize(QSizeF(event.size()))

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        self._set_shown(is_text_input(new) and new is not None and new.isVisible())

    def _on_input_method_visible(self) -> None:
        if QGuiApplication.inputMethod().isVisible():
            self._set_shown(is_text_input(QApplication.focusWidget()))
            return
        # Qt also hides the input method for a moment when focus moves from one field to
        # the next; only a hide that leaves focus where it was is the visitor's "hide" key.
        self._hide_focus = QApplication.focusWidget()
        QTimer.singleShot(0, self._on_input_method_hidden)

    def _on_input_method_hidden(self) -> None:
        focus = QApplication.focusWidget()
        if not QGuiApplication.inputMethod().isVisible() and focus is self._hide_focus:
            self._set_shown(False)
        self._hide_focus = None

    def _set_shown(self, shown: bool) -> None:
        shown = shown and self.loaded
        if shown == self._shown:
            return
        self._shown = shown
        self._set_height(self._panel_height() if shown else 0)
        self.shown_changed.emit(shown)
