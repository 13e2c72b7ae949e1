"""The staff screen's request detail: what the chosen request is (id, times, status), every
question with its answer, Mark contacted / Mark as new, and Delete with its confirmation."""

from __future__ import annotations

import html
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.core.form import FormField
from kiosk.core.words import staff_language_label
from kiosk.storage.store import StoredRequest
from kiosk.ui.staff_words import answer_text, local_time
from kiosk.ui.widgets import named_button

NOTHING_CHOSEN = "Tap a request to see every answer."


class RequestDetail(QFrame):
    """The chosen request, beside (or under) the list.

    Signals:
        delete_confirmed(): "Yes, delete it" was tapped after Delete.
    """

    delete_confirmed = Signal()

    def __init__(
        self, fields: Sequence[FormField], zone: ZoneInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staff-detail")
        self._fields = fields
        self._zone = zone
        side = QVBoxLayout(self)
        # The chosen request: what it is (id, times, status), then its questions and answers
        # in two columns; all of it scrolls when it is taller than the pane.
        answers_page = QWidget()
        answers_page.setObjectName("staff-answers-page")
        answers_layout = QVBoxLayout(answers_page)
        answers_layout.setContentsMargins(0, 0, 0, 0)
        self.answers = QLabel(NOTHING_CHOSEN, answers_page)
        self.answers.setObjectName("staff-answers")
        self.answers.setWordWrap(True)
        self.answers.setTextFormat(Qt.TextFormat.PlainText)
        self.answers.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        answers_layout.addWidget(self.answers)
        # Rich text only for the table's shape: every question and answer is HTML-escaped.
        self.answer_table = QLabel("", answers_page)
        self.answer_table.setObjectName("staff-answer-table")
        self.answer_table.setWordWrap(True)
        self.answer_table.setTextFormat(Qt.TextFormat.RichText)
        self.answer_table.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._answer_rows: list[tuple[str, str]] = []
        answers_layout.addWidget(self.answer_table)
        answers_layout.addStretch(1)
        scroller = QScrollArea(self)
        scroller.setObjectName("staff-answers-scroll")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(answers_page)
        side.addWidget(scroller, 1)
        row_actions = QHBoxLayout()
        self.mark_button = named_button("Mark contacted", "mark", self, row_actions)
        self.delete_button = named_button("Delete", "delete", self, row_actions)
        side.addLayout(row_actions)
        self.confirm = QFrame(self)
        self.confirm.setObjectName("staff-confirm")
        confirm = QVBoxLayout(self.confirm)
        self.confirm_text = QLabel("", self.confirm)
        self.confirm_text.setWordWrap(True)
        confirm.addWidget(self.confirm_text)
        confirm_buttons = QHBoxLayout()
        self.confirm_yes = named_button("Yes, delete it", "confirm-delete", self, confirm_buttons)
        self.confirm_no = named_button("No, keep it", "confirm-keep", self, confirm_buttons)
        self.delete_button.clicked.connect(self._on_delete)
        self.confirm_yes.clicked.connect(self._on_delete_confirmed)
        self.confirm_no.clicked.connect(self.confirm.hide)
        confirm.addLayout(confirm_buttons)
        side.addWidget(self.confirm)
        self.confirm.hide()
        self._request: StoredRequest | None = None

    @property
    def request(self) -> StoredRequest | None:
        """The request shown, if any."""
        return self._request

    def show_request(self, request: StoredRequest | None) -> None:
        """Show ``request`` (None: nothing chosen); whatever was shown before is gone."""
        self._request = request
        self.mark_button.setEnabled(request is not None)
        self.delete_button.setEnabled(request is not None)
        self.confirm.hide()
        self._clear_answer_grid()
        if request is None:
            self.answers.setText(NOTHING_CHOSEN)
            return
        if request.damaged:
            self.mark_button.setEnabled(False)
            self.answers.setText(
                f"Request {request.id}\n\nThis request is damaged in the database and cannot "
                "be read. It can only be deleted. (The kiosk's log names it too.)"
            )
            return
        self.mark_button.setText(
            "Mark as new" if request.status == "contacted" else "Mark contacted"
        )
        lines = [
            f"Request {request.id}",
            f"Received: {local_time(request.created_at, self._zone)}",
            f"Status: {request.status}",
        ]
        if request.contacted_at is not None:
            lines.append(f"Contacted: {local_time(request.contacted_at, self._zone)}")
        if request.language:
            lines.append(f"Language: {staff_language_label(request.language)}")
        self.answers.setText("\n".join(lines))
        rows = [
            (field.label, answer_text(request.answers.get(field.key, "")) or "—")
            for field in self._fields
        ]
        self._answer_rows = rows
        pad = max(4, self.answers.fontMetrics().height() // 4)
        cells = "".join(
            f'<tr><td width="45%" style="padding: {pad}px {2 * pad}px {pad}px 0px;">'
            f"<b>{html.escape(question)}</b></td>"
            f'<td width="55%" align="left" style="padding: {pad}px 0px;">'
            f"{html.escape(answer)}</td></tr>"
            for question, answer in rows
        )
        self.answer_table.setText(f'<table width="100%" cellspacing="0">{cells}</table>')

    def answer_rows(self) -> list[tuple[str, str]]:
        """The questions and answers shown for the chosen request, as (question, answer)."""
        return list(self._answer_rows)

    def _clear_answer_grid(self) -> None:
        """Remove the last request's answers (nothing of a visitor lingers in hidden labels)."""
        self._answer_rows = []
        self.answer_table.setText("")

    def _on_delete(self) -> None:
        if self._request is None:
            return
        self.confirm_text.setText(f"Delete request {self._request.id}? This cannot be undone.")
        self.confirm.show()

    def _on_delete_confirmed(self) -> None:
        self.confirm.hide()
        if self._request is not None:
            self.delete_confirmed.emit()
