"""The request form: a visitor leaves contact details by touch.

One form is built for each visitor and thrown away afterwards (submit, Cancel, or nobody
there), so nothing typed by one visitor can reach the next: no text, no undo history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QHideEvent, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.content import Content, Notices, Timing
from kiosk.core.form import Answer, FormField, FormSpec, thanks_title, validate
from kiosk.core.words import ENGLISH, N_, Words
from kiosk.storage.store import SaveError
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui import access_text as spoken
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.language import LanguageBar
from kiosk.ui.page_view import form_pixel_size

log = logging.getLogger(__name__)

SAVE_FAILED = N_("We couldn't save your request. Please let the front desk know.")
EDGE_PX = 24
"""The least room between a button and the edge of the screen (or of the keyboard)."""
COLUMN_EMS = 36
"""The widest the questions get, in body text sizes (about 65 characters of text)."""
PRIVATE_HINTS = (
    Qt.InputMethodHint.ImhNoPredictiveText
    | Qt.InputMethodHint.ImhSensitiveData
    | Qt.InputMethodHint.ImhNoTextHandles
)
_TYPE_HINTS = {
    "text": Qt.InputMethodHint.ImhNone,
    "phone": Qt.InputMethodHint.ImhDialableCharactersOnly,
    "email": Qt.InputMethodHint.ImhEmailCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase,
    "multiline": Qt.InputMethodHint.ImhMultiLine,
}

SaveRequest = Callable[[dict[str, Answer]], int]
"""Saves a visitor's checked answers; returns the request's id once committed.
Raises :class:`SaveError` when it could not."""


def _private(widget: QWidget) -> None:
    """No context menu (copy/paste), no drag and drop, no remembered words."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    widget.setAcceptDrops(False)


def _label(text: str, name: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _error_summary(count: int, words: Words = ENGLISH) -> str:
    return words.tr_plural(
        "Please check the answer marked in red above.",
        "Please check the {count} answers marked in red above.",
        count,
    )


class _ClickableLabel(QLabel):
    """A label that toggles its checkbox when tapped (the consent wording)."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.rect().contains(event.position().toPoint()):
            self._box.toggle()
            self._box.setFocus()


class FieldView(QWidget):
    """One question: label, optional hint, the input, and room for an error under it."""

    def __init__(self, spec: FormField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"field-{spec.key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = _label(spec.label, "field-label")
        self.hint = _label(spec.hint or "", "field-hint")
        self.hint.setVisible(bool(spec.hint))
        self.error = _label("", "field-error")
        self.error.hide()
        self.line: QLineEdit | None = None
        self.text: QPlainTextEdit | None = None
        self.chips: list[QPushButton] = []
        self.box: QCheckBox | None = None

        if spec.type != "consent":
            layout.addWidget(self.label)
            layout.addWidget(self.hint)
        if spec.type in ("text", "phone", "email"):
            self.line = QLineEdit(self)
            self.line.setObjectName(f"input-{spec.key}")
            self.line.setMaxLength(spec.max_length)
            self.line.setInputMethodHints(PRIVATE_HINTS | _TYPE_HINTS[spec.type])
            self.line.setAccessibleName(spec.label)
            self.line.setDragEnabled(False)
            if spec.type in ("phone", "email"):
                # Numbers and addresses read left to right in every language.
                self.line.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
                self.line.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            _private(self.line)
            layout.addWidget(self.line)
            self.label.setBuddy(self.line)
        elif spec.type == "multiline":
            self.text = QPlainTextEdit(self)
            self.text.setObjectName(f"input-{spec.key}")
            self.text.setInputMethodHints(PRIVATE_HINTS | _TYPE_HINTS["multiline"])
            self.text.setAccessibleName(spec.label)
            self.text.setTabChangesFocus(True)
            self.text.setUndoRedoEnabled(False)
            self.text.textChanged.connect(self._on_text_changed)
            _private(self.text)
            self.text.viewport().setAcceptDrops(False)
            layout.addWidget(self.text)
        elif spec.type == "choice":
            row = QWidget(self)
            # Its width follows the form's, never the other way round: side by side, the chips'
            # widths would hold the whole form wider than the screen, and resizeEvent (which
            # stacks them when they do not fit) would never see less room than they take.
            row.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            chips = QBoxLayout(QBoxLayout.Direction.LeftToRight, row)
            chips.setContentsMargins(0, 0, 0, 0)
            self._chip_layout = chips
            for choice in spec.choices:
                chip = QPushButton(choice, row)
                chip.setObjectName(f"choice-{spec.key}")
                chip.setProperty("chip", True)
                chip.setCheckable(True)
                chip.setAccessibleName(f"{spec.label}: {choice}")
                chip.clicked.connect(self._on_chip_clicked)
                chip.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                chips.addWidget(chip)
                self.chips.append(chip)
            layout.addWidget(row)
        elif spec.type == "consent":
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            self.box = QCheckBox(row)
            self.box.setObjectName(f"input-{spec.key}")
            self.box.setAccessibleName(spec.label)
            words = _ClickableLabel(spec.label, self.box)
            words.setObjectName("field-label")
            self.consent_words = words
            line.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(words, 1)
            layout.addWidget(row)
        layout.addWidget(self.error)

    def retranslate(self, spec: FormField) -> None:
        """Show the question in another language (the same field); answers stay."""
        self.spec = spec
        self.label.setText(spec.label)
        self.hint.setText(spec.hint or "")
        self.hint.setVisible(bool(spec.hint))
        if self.line is not None:
            self.line.setAccessibleName(spec.label)
        if self.text is not None:
            self.text.setAccessibleName(spec.label)
        if self.box is not None:
            self.box.setAccessibleName(spec.label)
            self.consent_words.setText(spec.label)
        for chip, choice in zip(self.chips, spec.choices, strict=True):
            chip.setText(choice)
            chip.setAccessibleName(f"{spec.label}: {choice}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.chips:
            # Side by side when they fit, else one under the other (narrow portrait screens).
            spacing = self._chip_layout.spacing()
            needed = sum(chip.sizeHint().width() + spacing for chip in self.chips)
            direction = (
                QBoxLayout.Direction.LeftToRight
                if needed <= event.size().width()
                else QBoxLayout.Direction.TopToBottom
            )
            if self._chip_layout.direction() != direction:
                self._chip_layout.setDirection(direction)

    def answer(self) -> Answer:
        if self.line is not None:
            return self.line.text()
        if self.text is not None:
            return self.text.toPlainText()
        if self.box is not None:
            return self.box.isChecked()
        return next((chip.text() for chip in self.chips if chip.isChecked()), "")

    def focus_target(self) -> QWidget:
        if self.line is not None:
            return self.line
        if self.text is not None:
            return self.text
        if self.box is not None:
            return self.box
        return self.chips[0]

    def spoken(self, widget: QWidget, words: Words = ENGLISH) -> list[str]:
        """The question, its hint, and the answer so far (or the choice with its state), in
        ``words``' language."""
        question = words.tr(spoken.QUESTION, label=self.spec.label, hint=self.spec.hint or "")
        parts = [question.strip()]
        if widget in self.chips and isinstance(widget, QPushButton):
            state = words.tr(spoken.SELECTED if widget.isChecked() else spoken.NOT_SELECTED)
            parts.append(words.tr(spoken.CHOICE_ROLE, name=widget.text(), state=state))
        elif self.box is not None:
            parts = [self.spec.label]
            state = words.tr(spoken.CHECKED if self.box.isChecked() else spoken.NOT_CHECKED)
            name = words.tr(spoken.CHECKBOX)
            parts.append(words.tr(spoken.CHOICE_ROLE, name=name, state=state))
        else:
            answer = self.answer()
            parts.append(
                words.tr(spoken.ANSWER, answer=answer) if answer else words.tr(spoken.NO_ANSWER)
            )
        if self.error.isVisible():
            parts.append(words.tr(spoken.ERROR, message=self.error.text()))
        return parts

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        target = self.focus_target()
        target.setProperty("invalid", bool(message))
        target.setAccessibleDescription(message or "")
        target.style().unpolish(target)
        target.style().polish(target)

    def wipe(self) -> None:
        """Forget the answer, including any undo history."""
        if self.line is not None:
            self.line.setText("")  # setText also clears the undo/redo history
        if self.text is not None:
            self.text.clear()
        if self.box is not None:
            self.box.setChecked(False)
        for chip in self.chips:
            chip.setChecked(False)
        self.set_error(None)

    def _on_chip_clicked(self, checked: bool) -> None:
        clicked = self.sender()
        for chip in self.chips:
            if chip is not clicked:
                chip.setChecked(False)

    def _on_text_changed(self) -> None:
        assert self.text is not None
        text = self.text.toPlainText()
        if len(text) > self.spec.max_length:
            cursor = self.text.textCursor()
            position = min(cursor.position(), self.spec.max_length)
            self.text.setPlainText(text[: self.spec.max_length])
            cursor = self.text.textCursor()
            cursor.setPosition(position)
            self.text.setTextCursor(cursor)


class StillThereOverlay(QWidget):
    """ "Are you still there?" with a countdown and a big "Yes, continue" button.

    It covers the whole form with a solid panel: answers are not readable across the room
    while their owner may have walked away.

    Signals:
        continued(): the visitor is still there.
        more_time(): the visitor asked for more time.
    """

    continued = Signal()
    more_time = Signal()

    def __init__(self, parent: QWidget, words: Words = ENGLISH) -> None:
        super().__init__(parent)
        self._words = words
        self.setObjectName("still-there")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.text_scale = 1.0
        outer = QVBoxLayout(self)
        self.card = QFrame(self)
        self.card.setObjectName("still-there-card")
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        layout = QVBoxLayout(self.card)
        self._card_layout = layout
        self.title = _label(words.tr("Are you still there?"), "still-there-title", self.card)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.countdown = _label("", "still-there-countdown", self.card)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton(words.tr("Yes, continue"), self.card)
        self.button.setObjectName("still-there-continue")
        self.button.setAccessibleName(self.button.text())
        self.button.clicked.connect(self.continued)
        self.more_button = QPushButton(words.tr(spoken.MORE_TIME), self.card)
        self.more_button.setObjectName("still-there-more")
        self.more_button.setAccessibleName(self.more_button.text())
        self.more_button.clicked.connect(self.more_time)
        layout.addWidget(self.title)
        layout.addWidget(self.countdown)
        buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._buttons = buttons
        buttons.addWidget(self.button, 1)
        buttons.addWidget(self.more_button, 1)
        layout.addLayout(buttons)
        self.hide()

    def set_seconds_left(self, seconds: int) -> None:
        self._seconds = seconds
        self.countdown.setText(
            self._words.tr_plural(
                "To keep your answers private, this form will be cleared in {count} second.",
                "To keep your answers private, this form will be cleared in {count} seconds.",
                seconds,
            )
        )
        self._fit_text()

    def set_words(self, words: Words) -> None:
        self._words = words
        self.title.setText(words.tr("Are you still there?"))
        self.button.setText(words.tr("Yes, continue"))
        self.button.setAccessibleName(self.button.text())
        self.more_button.setText(words.tr(spoken.MORE_TIME))
        self.more_button.setAccessibleName(self.more_button.text())
        if getattr(self, "_seconds", None) is not None:
            self.set_seconds_left(self._seconds)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A wide card, so the sentence wraps onto few lines; room around everything.
        share = 0.6 if self.text_scale <= 1.0 else 1.0  # larger text: the whole width
        width = min(event.size().width() - 40, max(round(event.size().width() * share), 320))
        self.card.setFixedWidth(width)
        unit = max(12, form_pixel_size(self.window().size(), self.text_scale))
        self._card_layout.setContentsMargins(unit, unit, unit, unit)
        self._card_layout.setSpacing(unit)
        self._buttons.setSpacing(unit)
        # Side by side when both fit, else one above the other.
        room = width - 2 * unit - unit
        needed = self.button.sizeHint().width() + self.more_button.sizeHint().width()
        self._buttons.setDirection(
            QBoxLayout.Direction.LeftToRight if needed <= room else QBoxLayout.Direction.TopToBottom
        )
        self._fit_text()

    def _fit_text(self) -> None:
        """Give each wrapped line of text the height it needs at the card's width (a centred
        card does not pass height-for-width down to its labels by itself)."""
        margins = self._card_layout.contentsMargins()
        width = self.card.width() - margins.left() - margins.right()
        for label in (self.title, self.countdown):
            label.setMinimumHeight(label.heightForWidth(width))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.continued.emit()  # a tap anywhere means someone is still here

    def spoken(self) -> list[str]:
        """What read aloud says when the warning appears."""
        return [self._words.tr(spoken.STILL_THERE, countdown=self.countdown.text())]


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
        title = _label(spec.title, "form-title", header)
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
        emergency = _label(spec.emergency_notice, "form-emergency", notice)
        crisis = _label(notices.crisis_line, "form-crisis", notice)
        crisis.setStyleSheet("font-weight: bold;")
        notice_layout.addWidget(emergency)
        notice_layout.addWidget(crisis)
        fields.addWidget(notice)
        intro = _label(spec.intro, "form-intro", body)
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
        self.save_error = _label(words.tr(SAVE_FAILED), "save-error", actions)
        self.save_error.hide()
        actions_layout.addWidget(self.save_error)
        # Beside Send, where the visitor's eyes are when it did not go: how many to fix.
        self.error_summary = _label("", "field-error", actions)
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
