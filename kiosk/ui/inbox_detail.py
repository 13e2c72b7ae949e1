"""The front-desk inbox's request detail: which request it is, each question above its answer,
and Mark contacted, Mark as new and Delete for the requests selected."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.form import FormField
from kiosk.core.words import staff_language_label
from kiosk.storage.store import StoredRequest
from kiosk.ui.staff_words import answer_text, local_time

NOTHING_SELECTED = "Select a request to see every answer."


class InboxDetail(QFrame):
    """Beside the list: the selected request's every answer, and what can be done to those
    selected."""

    def __init__(
        self, fields: Sequence[FormField], zone: ZoneInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._fields = fields
        self._zone = zone
        self.setFrameShape(QFrame.Shape.StyledPanel)
        side = QVBoxLayout(self)
        self.title = QLabel(NOTHING_SELECTED, self)
        self.title.setWordWrap(True)
        title_font = self.title.font()
        title_font.setBold(True)
        self.title.setFont(title_font)
        # Each question above its answer, both the panel's width: a long question (the
        # consent) never squeezes its answer.
        self.form = QVBoxLayout()
        self.form.setSpacing(2)
        self.form.addStretch(1)
        self.answers: list[tuple[str, str]] = []
        """(question, answer) as shown for the selected request."""
        holder = QWidget(self)
        holder.setLayout(self.form)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        buttons = QHBoxLayout()
        self.mark_contacted_button = QPushButton("Mark contacted", self)
        self.mark_new_button = QPushButton("Mark as new", self)
        self.delete_button = QPushButton("Delete…", self)
        for button in (self.mark_contacted_button, self.mark_new_button, self.delete_button):
            buttons.addWidget(button)
            button.setEnabled(False)
        side.addWidget(self.title)
        side.addWidget(scroll, 1)
        side.addLayout(buttons)

    def show_selected(self, chosen: Sequence[StoredRequest]) -> None:
        """The one request selected in full; how many, when several; else what to do."""
        for button in (self.mark_contacted_button, self.mark_new_button, self.delete_button):
            button.setEnabled(bool(chosen))
        if len(chosen) == 1:
            self.show_request(chosen[0])
        elif chosen:
            self.clear(f"{len(chosen)} requests selected.")
        else:
            self.clear()

    def show_request(self, request: StoredRequest) -> None:
        self.clear(
            f"Request {request.id} from {request.kiosk_id}, "
            + (f"in {staff_language_label(request.language)}, " if request.language else "")
            + f"{local_time(request.created_at, self._zone)}"
            + (
                f" (contacted {local_time(request.contacted_at, self._zone)})"
                if request.contacted_at
                else " (new)"
            )
        )
        for field in self._fields:
            if field.key not in request.answers:
                continue
            question = QLabel(field.label)
            question.setWordWrap(True)
            question.setTextFormat(Qt.TextFormat.PlainText)
            question.setStyleSheet("color: palette(placeholder-text)")
            answer = QLabel(answer_text(request.answers[field.key]) or "—")
            answer.setWordWrap(True)
            answer.setTextFormat(Qt.TextFormat.PlainText)
            answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            answer.setContentsMargins(0, 0, 0, 8)
            at = self.form.count() - 1  # above the stretch
            self.form.insertWidget(at, question)
            self.form.insertWidget(at + 1, answer)
            self.answers.append((field.label, answer.text()))

    def clear(self, title: str = NOTHING_SELECTED) -> None:
        """Only ``title``: every answer shown before is gone."""
        self.title.setText(title)
        self.answers = []
        while self.form.count() > 1:
            item = self.form.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
