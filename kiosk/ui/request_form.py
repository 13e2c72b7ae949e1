"""The request form: a visitor leaves contact details by touch.

One form is built for each visitor and thrown away afterwards (submit, Cancel, or nobody
there), so nothing typed by one visitor can reach the next: no text, no undo history. Each
question is a :class:`FieldView` (:mod:`kiosk.ui.form_fields`); the warning before the form is
wiped is :mod:`kiosk.ui.still_there`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.content import Content, Notices, Timing
from kiosk.core.form import Answer, FormSpec, thanks_title, validate
from kiosk.core.words import ENGLISH, N_, Words
from kiosk.storage.store import SaveError
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui import access_text as spoken
from kiosk.ui.form_fields import FieldView, plain_label
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.language import LanguageBar
from kiosk.ui.page_view import form_pixel_size
from kiosk.ui.still_there import StillThereOverlay

log = logging.getLogger(__name__)

SAVE_FAILED = N_("We couldn't save your request. Please let the front desk know.")
EDGE_PX = 24
"""The least room between a button and the edge of the screen (or of the keyboard)."""
COLUMN_EMS = 36
"""The widest the questions get, in body text sizes (about 65 characters of text)."""
SaveRequest = Callable[[dict[str, Answer]], int]
"""Saves a visitor's checked answers; returns the request's id once committed.
Raises :class:`SaveError` when it could not."""


def _error_summary(count: int, words: Words = ENGLISH) -> str:
    return words.tr_plural(
        "Please check the answer marked in red above.",
        "Please check the {count} answers marked in red above.",
        count,
    )


class RequestFormScreen(QWidget):
    """The form for one visitor.

    Signals:
        request_saved(int, str): the request was committed; its id, and the thank-you title
            (with the visitor's first name).
        closed(str): the visitor left without sending: "cancel" or "idle".
        announced(list): something to read aloud (errors after Send, the still-there warning
            and its countdown, a saving failure), if read aloud is on.
    """

    request_saved = Signal(int, str)
    closed = Signal(str)
    language_chosen = Signal(str)
    announced = Signal(list)

    def __init__(
        self,
        spec: FormSpec,
        notices: Notices,
        timing: Timing,
        save: SaveRequest,
        timer_factory: TimerFactory = qt_timer,
        parent: QWidget | None = None,
        *,
        words: Words = ENGLISH,
        languages: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("request-form")
        self._words = words
        self.base_content: Content | None = None
        """The content this visitor's form was opened with (set by the kiosk)."""
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._spec = spec
        self._save = save
        self.title_text = spec.title
        self.intro_text = spec.intro
        self._still_there_seconds = round(timing.still_there_seconds)
        self._seconds_left = 0
        self._idle_seconds = timing.form_idle_seconds
        self._idle_factor = 1.0  # doubled with read aloud on, and by each "More time"
        self._read_aloud = False
        self.text_scale = 1.0
        self.access_button: QPushButton | None = None

        header = QFrame(self)
        header.setObjectName("form-header")
        # Not mirrored in Arabic or Hebrew: the language buttons stay at the right end, where
        # they are on every screen (kiosk/ui/language.py), with Cancel beside them.
        header.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        header_layout = QGridLayout(header)
        self._header_layout = header_layout
        title = plain_label(spec.title, "form-title", header)
        self._title = title
        self.cancel_button = QPushButton(spec.cancel_label, header)
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setAccessibleName(spec.cancel_label)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        header_layout.addWidget(title, 0, 0)
        header_layout.setColumnStretch(0, 1)
        header_layout.addWidget(self.cancel_button, 0, 1)
        # The language buttons at the right end of the header, as on every visitor screen.
        self.language_bar = LanguageBar(languages, words.code, header)
        self.language_bar.language_chosen.connect(self.language_chosen)
        self._bar_row = -1
        self._place_language_bar(wide=True)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("form-scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a stop of its own for Tab or the keypad's arrows: the questions in it are.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        body.setObjectName("form-fields")
        fields = QVBoxLayout(body)
        self._fields_layout = fields

        notice = QFrame(body)
        notice.setObjectName("form-notice")
        notice_layout = QVBoxLayout(notice)
        emergency = plain_label(spec.emergency_notice, "form-emergency", notice)
        crisis = plain_label(notices.crisis_line, "form-crisis", notice)
        crisis.setStyleSheet("font-weight: bold;")
        notice_layout.addWidget(emergency)
        notice_layout.addWidget(crisis)
        fields.addWidget(notice)
        intro = plain_label(spec.intro, "form-intro", body)
        fields.addWidget(intro)
        self._emergency, self._crisis, self._intro = emergency, crisis, intro

        self.fields: dict[str, FieldView] = {}
        for field_spec in spec.fields:
            view = FieldView(field_spec, body)
            self.fields[field_spec.key] = view
            fields.addWidget(view)
            if view.line is not None:
                view.line.returnPressed.connect(self._on_return_pressed)

        fields.addStretch(1)
        self.scroll_area.setWidget(body)
        self.scroll_area.viewport().installEventFilter(self)

        # Send sits in a bar of its own under the questions, above the keyboard: always in
        # reach without scrolling, with what went wrong just above it.
        actions = QFrame(self)
        actions.setObjectName("form-actions")
        actions.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        actions_layout = QVBoxLayout(actions)
        self._actions_layout = actions_layout
        self.save_error = plain_label(words.tr(SAVE_FAILED), "save-error", actions)
        self.save_error.hide()
        actions_layout.addWidget(self.save_error)
        # Beside Send, where the visitor's eyes are when it did not go: how many to fix.
        self.error_summary = plain_label("", "field-error", actions)
        self.error_summary.hide()
        actions_layout.addWidget(self.error_summary)
        self.submit_button = QPushButton(spec.submit_label, actions)
        self.submit_button.setObjectName("submit")
        self.submit_button.setAccessibleName(spec.submit_label)
        self.submit_button.clicked.connect(self._on_submit_clicked)
        # The accessibility button at the left end of the bottom band, Send beside it.
        self._bottom_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._bottom_row.addWidget(self.submit_button, 1)
        actions_layout.addLayout(self._bottom_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(actions)

        self.overlay = StillThereOverlay(self, words)
        self.overlay.continued.connect(self._on_still_there_continued)
        self.overlay.more_time.connect(self._on_more_time)
        self._idle = IdleWatcher(timing.form_idle_seconds, timer_factory, self)
        self._idle.idle.connect(self._on_idle)
        self._countdown = timer_factory(self)
        self._countdown.setObjectName("countdown")
        self._countdown.setSingleShot(False)
        self._countdown.timeout.connect(self._on_countdown_tick)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    # -- public ----------------------------------------------------------------------------

    @property
    def idle_watcher(self) -> IdleWatcher:
        return self._idle

    @property
    def idle_seconds(self) -> float:
        """How long the form waits without a touch before asking "Are you still there?"."""
        return self._idle_seconds * self._idle_factor * (2 if self._read_aloud else 1)

    def set_access_button(self, button: QPushButton) -> None:
        """Put the accessibility button at the left end of the bottom band."""
        self.access_button = button
        button.setParent(self)
        # As high as Send beside it.
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._bottom_row.insertWidget(0, button)
        button.show()

    def set_text_scale(self, scale: float) -> None:
        """Text (and the room around it) at ``scale`` times the body size."""
        self.text_scale = scale
        self.overlay.text_scale = scale
        self._apply_spacing()
        self.overlay.setGeometry(self.rect())

    def set_read_aloud(self, on: bool) -> None:
        """With read aloud on, the visitor gets twice as long before the still-there warning."""
        self._read_aloud = on
        self._idle.set_seconds(self.idle_seconds)

    def spoken_for(self, widget: QWidget) -> list[str] | None:
        """What to read aloud when ``widget`` gets the focus: its question with the hint and
        the answer so far, or None for a control that is not a question."""
        for view in self.fields.values():
            if widget is view.focus_target() or widget in view.chips or widget is view.box:
                return view.spoken(widget, self._words)
        if widget is self.overlay.button or widget is self.overlay.more_button:
            return None
        return None

    def answers(self) -> dict[str, Answer]:
        return {key: view.answer() for key, view in self.fields.items()}

    @property
    def language(self) -> str:
        return self._words.code

    def retranslate(self, spec: FormSpec, notices: Notices, words: Words) -> None:
        """Show the form in another language (the same questions): every label, choice and
        message; what the visitor typed or picked stays, and so do the marks of what to fix."""
        self._spec = spec
        self._words = words
        self._title.setText(spec.title)
        self.cancel_button.setText(spec.cancel_label)
        self.cancel_button.setAccessibleName(spec.cancel_label)
        self._emergency.setText(spec.emergency_notice)
        self._crisis.setText(notices.crisis_line)
        self._intro.setText(spec.intro)
        for field_spec in spec.fields:
            self.fields[field_spec.key].retranslate(field_spec)
        self.submit_button.setText(spec.submit_label)
        self.submit_button.setAccessibleName(spec.submit_label)
        self.save_error.setText(words.tr(SAVE_FAILED))
        self.overlay.set_words(words)
        self.language_bar.set_current(words.code)
        if self.error_summary.isVisible():
            self._show_errors(validate(spec, self.answers(), words).errors)
        self._apply_spacing()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, view in self.fields.items():
            view.set_error(errors.get(key))
        self.error_summary.setText(_error_summary(len(errors), self._words))
        self.error_summary.setVisible(bool(errors))

    def submit(self) -> None:
        """Check the answers; save them if they are fine, else say what to fix."""
        result = validate(self._spec, self.answers(), self._words)
        self._show_errors(result.errors)
        if not result.ok:
            summary = [self.error_summary.text()]
            for key, message in result.errors.items():
                summary.append(
                    self._words.tr(
                        spoken.ERROR, message=f"{self.fields[key].spec.label}: {message}"
                    )
                )
            first = self.fields[next(iter(result.errors))]
            self.announced.emit(summary)  # before the focus moves, which reads the question
            self._focus_field(first)
            return
        try:
            request_id = self._save(result.values)
        except SaveError as error:
            log.error("a visitor's request could not be saved (%s): %s", error.kind, error)
            self.save_error.show()
            self.announced.emit([SAVE_FAILED])
            return
        self.save_error.hide()
        self.request_saved.emit(request_id, thanks_title(self._spec, result.values))

    def wipe(self) -> None:
        """Forget everything this visitor typed: fields, undo history, clipboard, keyboard."""
        self._stop_timers()
        for view in self.fields.values():
            view.wipe()
        self.save_error.hide()
        self.error_summary.hide()
        clipboard = QGuiApplication.clipboard()
        clipboard.clear()
        QGuiApplication.inputMethod().reset()
        QGuiApplication.inputMethod().hide()
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()

    # -- Qt overrides ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self._apply_spacing()
        super().showEvent(event)
        self._idle.set_seconds(self.idle_seconds)
        self._idle.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._stop_timers()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
        self._apply_spacing()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            # The keyboard came or went: keep the field being typed in on screen.
            focused = self.focusWidget()
            if focused is not None and self.scroll_area.isAncestorOf(focused):
                self._keep_visible(focused)
        return False

    # -- slots -----------------------------------------------------------------------------

    def _on_submit_clicked(self) -> None:
        self.submit()

    def _on_cancel_clicked(self) -> None:
        self.closed.emit("cancel")

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.scroll_area.isAncestorOf(new):
            self._keep_visible(new)

    def _on_return_pressed(self) -> None:
        self.focusNextChild()

    def _on_idle(self) -> None:
        self._idle.stop()
        self._seconds_left = self._still_there_seconds
        self.overlay.set_seconds_left(self._seconds_left)
        self.overlay.setGeometry(self.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._countdown.start(1000)
        self.announced.emit(self.overlay.spoken())

    def _on_countdown_tick(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left > 0:
            self.overlay.set_seconds_left(self._seconds_left)
            if self._seconds_left in (10, 5):
                left = self._words.tr_plural(
                    "{count} second left.", "{count} seconds left.", self._seconds_left
                )
                self.announced.emit([left])
            return
        self._countdown.stop()
        self.closed.emit("idle")

    def _on_still_there_continued(self) -> None:
        self._countdown.stop()
        self.overlay.hide()
        self._idle.set_seconds(self.idle_seconds)
        self._idle.start()
        self._focus_after_overlay()

    def _on_more_time(self) -> None:
        self._idle_factor *= 2
        self._on_still_there_continued()

    def _focus_after_overlay(self) -> None:
        focused = QApplication.focusWidget()
        if focused is None or self.overlay.isAncestorOf(focused) or focused is self:
            first = next(iter(self.fields.values()), None)
            if first is not None:
                self._focus_field(first)

    # -- helpers ---------------------------------------------------------------------------

    def _apply_spacing(self) -> None:
        """Margins and spacing for the screen's size."""
        # Spacing follows the screen's size (not the form's, which shrinks for the keyboard).
        unit = form_pixel_size(self.window().size(), self.text_scale)
        edge = max(unit, EDGE_PX)  # nothing to tap closer than this to the screen's edge
        # The questions in a column of readable width, centred on a wide screen.
        side = max(edge, (self.window().width() - unit * COLUMN_EMS) // 2)
        self._fields_layout.setContentsMargins(side, unit // 2, side, unit)
        self._fields_layout.setSpacing(round(unit * 0.8))
        band = max(unit // 3, EDGE_PX // 2)
        self._header_layout.setContentsMargins(edge, band, edge, band)
        self._header_layout.setSpacing(band)
        # On a screen turned to portrait the buttons get a row of their own under the title,
        # which would otherwise be squeezed into a narrow column.
        window = self.window().size()
        self._place_language_bar(wide=window.width() >= window.height())
        self.language_bar.fit(unit)
        self._actions_layout.setContentsMargins(side, unit // 2, side, edge)
        self._actions_layout.setSpacing(unit // 2)
        self._bottom_row.setSpacing(unit)
        if self.access_button is not None:
            # Side by side when both fit the column, else Send above and the button under it.
            room = self.window().width() - 2 * side
            needed = (
                self.access_button.sizeHint().width() + unit + self.submit_button.sizeHint().width()
            )
            side_by_side = needed <= room
            self._bottom_row.setDirection(
                QBoxLayout.Direction.LeftToRight
                if side_by_side
                else QBoxLayout.Direction.BottomToTop
            )
            self._bottom_row.setAlignment(
                self.access_button,
                Qt.AlignmentFlag(0) if side_by_side else Qt.AlignmentFlag.AlignLeft,
            )
            self.access_button.setSizePolicy(
                QSizePolicy.Policy.Preferred,
                QSizePolicy.Policy.Expanding if side_by_side else QSizePolicy.Policy.Preferred,
            )
        self._actions_layout.activate()
        layout = self.layout()
        if layout is not None:  # the new margins count now, not at the next event loop
            layout.invalidate()
            layout.activate()

    def _place_language_bar(self, wide: bool) -> None:
        row = 0 if wide else 1
        if row == self._bar_row:
            return
        self._bar_row = row
        self._header_layout.removeWidget(self.language_bar)
        if wide:
            self._header_layout.addWidget(self.language_bar, 0, 2)
        else:
            right = Qt.AlignmentFlag.AlignRight
            self._header_layout.addWidget(self.language_bar, 1, 0, 1, 2, right)

    def _stop_timers(self) -> None:
        self._idle.stop()
        self._countdown.stop()

    def _focus_field(self, view: FieldView) -> None:
        view.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)
        self._keep_visible(view)

    def _keep_visible(self, widget: QWidget) -> None:
        """Scroll so ``widget`` (and a little room around it) is in view."""
        margin = max(8, self.scroll_area.viewport().height() // 12)
        self.scroll_area.ensureWidgetVisible(widget, 0, margin)
