"""One question of the request form: its label, hint, input and error, and what read aloud
says for it.

Every input is private: no predictive text or remembered words, no copy and paste, no drag and
drop, no undo history left behind (:meth:`FieldView.wipe`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.form import Answer, FormField
from kiosk.core.words import ENGLISH, Words
from kiosk.ui import access_text as spoken

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


def _private(widget: QWidget) -> None:
    """No context menu (copy/paste), no drag and drop, no remembered words."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    widget.setAcceptDrops(False)


def plain_label(text: str, name: str, parent: QWidget | None = None) -> QLabel:
    """A wrapped label of plain text (never rich text: a visitor's or clinic's words are shown
    as typed), named ``name`` for the style sheet."""
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


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
        self.label = plain_label(spec.label, "field-label")
        self.hint = plain_label(spec.hint or "", "field-hint")
        self.hint.setVisible(bool(spec.hint))
        self.error = plain_label("", "field-error")
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
