"""The staff screen: the requests, newest first, paged from SQLite; answers, marking,
deleting, CSV export and the exit from the kiosk. Locks itself when nobody touches it.

Its parts: the top bar (:mod:`kiosk.ui.staff_bar`), the list (:mod:`kiosk.ui.request_models`),
the chosen request (:mod:`kiosk.ui.staff_detail`), the export (:mod:`kiosk.ui.staff_export`)
and the notices (:mod:`kiosk.ui.staff_notices`); this screen lays them out and runs the store's
actions for them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.content import Content
from kiosk.storage.failures import SetAside
from kiosk.storage.store import (
    RequestStore,
    SaveError,
    Status,
    StoredRequest,
    UnknownRequest,
)
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.request_models import RequestsModel, request_table
from kiosk.ui.staff_bar import StaffBar
from kiosk.ui.staff_detail import RequestDetail
from kiosk.ui.staff_export import ExportChooser, ExportPlace, ExportPlaces, usb_drives_and_folder
from kiosk.ui.staff_notices import notice_label, set_aside_text
from kiosk.ui.staff_words import FILTERS, breakable, local_time
from kiosk.ui.widgets import init_screen

__all__ = ["ExportPlace", "ExportPlaces", "StaffScreen", "usb_drives_and_folder"]
"""The screen, and the places its export may go (the kiosk passes usb_drives_and_folder)."""

log = logging.getLogger(__name__)

AUDIT_LINES = 3
"""The latest audit entries shown at the bottom of the staff screen."""
ROW_MIN_PX = 44
"""The least height of a row in the list: a finger's width."""


class StaffScreen(QWidget):
    """What staff see after the PIN.

    Signals:
        locked(): Lock was tapped, or nobody touched the screen for a while.
        exit_requested(): "Exit kiosk" was tapped.
        export_finished(str): an export ended (the file, or "" if it failed).
    """

    locked = Signal()
    exit_requested = Signal()
    export_finished = Signal(str)
    """An export ended: the file written, or "" when it failed (the message says why)."""

    def __init__(
        self,
        content: Content,
        store: RequestStore,
        export_places: ExportPlaces,
        timer_factory: TimerFactory = qt_timer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        init_screen(self, "staff", "Staff: requests")
        self._content = content
        self._store = store
        self._zone = ZoneInfo(content.staff.time_zone)
        self._export_places = export_places
        self._data_dir = store.path.parent
        self.model = RequestsModel(store, content.form.fields, self._zone, content.language.code)

        # Top bar: filter, export, lock, exit.
        self._bar = StaffBar(self)
        self.filters = self._bar.filters
        self.export_button = self._bar.export_button
        self.lock_button = self._bar.lock_button
        self.exit_button = self._bar.exit_button
        self._bar.filter_chosen.connect(self._on_filter)
        self.export_button.clicked.connect(self._on_export)
        self.lock_button.clicked.connect(self.locked)
        self.exit_button.clicked.connect(self.exit_requested)

        # The list, and the chosen request's answers beside (or under) it.
        self.table = self._build_table()
        self._detail = RequestDetail(content.form.fields, self._zone, self)
        self.answers = self._detail.answers
        self.answer_table = self._detail.answer_table
        self.mark_button = self._detail.mark_button
        self.delete_button = self._detail.delete_button
        self.confirm = self._detail.confirm
        self.confirm_text = self._detail.confirm_text
        self.confirm_yes = self._detail.confirm_yes
        self.confirm_no = self._detail.confirm_no
        self.mark_button.clicked.connect(self._on_mark)
        self._detail.delete_confirmed.connect(self._on_delete_confirmed)

        self.notice = notice_label(self)
        self.set_aside_notice = notice_label(self)
        # Where to export: staff choose each time; a drive is never picked for them.
        self.export_choices = ExportChooser(
            self._data_dir, content.form.fields, content.staff.time_zone, self
        )
        self.export_question = self.export_choices.question
        self.export_cancel = self.export_choices.cancel_button
        self.export_choices.closed.connect(self._on_export_choices_closed)
        self.export_choices.running.connect(self._on_export_running)
        self.export_choices.exported.connect(self._on_exported)
        self.export_choices.said.connect(self._say)
        self.export_choices.finished.connect(self.export_finished)
        self.message = QLabel("", self)
        self.message.setObjectName("staff-message")
        self.audit = QLabel("", self)
        self.audit.setObjectName("staff-audit")
        for label in (self.message, self.audit):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            # Long file paths must not widen the window past the screen.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        # Their widths follow the screen (side by side, or one above the other in portrait),
        # never the other way round.
        for part in (self.table, self._detail):
            part.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.addWidget(self.table, 3)
        self._body.addWidget(self._detail, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self._bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.set_aside_notice)
        layout.addWidget(self.export_choices)
        layout.addLayout(self._body, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.audit)

        self._idle = IdleWatcher(content.staff.lock_after_seconds, timer_factory, self)
        self._idle.idle.connect(self.locked)
        self._all_count = 0

    def _build_table(self) -> QTableView:
        table = request_table(self.model, QAbstractItemView.SelectionMode.SingleSelection, self)
        table.setObjectName("requests")
        table.setAccessibleName("Requests, newest first")
        # Every column as wide as its contents (numbers and times are never cut); the name
        # takes what is left, and only it is elided if a screen is too narrow for it (the
        # answers beside the list then show it whole).
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        table.setCornerButtonEnabled(False)
        for corner in table.findChildren(QAbstractButton):  # Qt's "select all" corner
            corner.setAccessibleName("Select all requests (not used)")
        table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        return table

    @property
    def idle_watcher(self) -> IdleWatcher:
        return self._idle

    @property
    def place_buttons(self) -> list[QPushButton]:
        """The export's places, one button each, while staff are asked where it goes."""
        return self.export_choices.place_buttons

    def set_notice(self, text: str) -> None:
        """A standing notice for staff at the top (e.g. content.yaml has problems)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def answer_rows(self) -> list[tuple[str, str]]:
        """The questions and answers shown for the chosen request, as (question, answer)."""
        return self._detail.answer_rows()

    def wait_for_export(self, timeout: float | None = None) -> bool:
        """For shutting down: wait for an export under way to end; whether none is left."""
        return self.export_choices.wait(timeout)

    # -- Qt overrides ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._bar.fit(self.width())  # the style sheet (and its sizes) may have changed
        self._relayout()
        self.message.setText("")
        self._show_set_aside()
        self._set_filter("New")
        self._idle.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._idle.stop()
        # Nothing of a visitor stays on screen once staff have left.
        self.model.clear()
        self._select(None)
        self.confirm.hide()
        self.export_choices.close_choices()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The list and the answers side by side in landscape, one above the other in portrait.
        portrait = self.height() > self.width()
        self._body.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        # In portrait the answers get the larger share: the list needs little height.
        self._body.setStretch(0, 2 if portrait else 3)
        self._body.setStretch(1, 3 if portrait else 2)
        self._bar.fit(self.width())
        # Rows tall enough to tap: about 1.8 lines of the list's text (14 mm on a 21.5-inch
        # 1080p screen; 9 mm is the least for a finger).
        row = max(ROW_MIN_PX, round(self.table.fontMetrics().height() * 1.8))
        self.table.verticalHeader().setMinimumSectionSize(row)
        self.table.verticalHeader().setDefaultSectionSize(row)
        self._relayout()

    def _relayout(self) -> None:
        """Lay the screen out again now (a new direction, or a bar in another size)."""
        for layout in (self._bar.layout(), self.layout()):
            if layout is not None:
                layout.invalidate()
                layout.activate()

    # -- slots -----------------------------------------------------------------------------

    def _on_filter(self, name: str) -> None:
        self._set_filter(name)

    def _on_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._select(self.model.request(current.row()) if current.isValid() else None)

    def _on_mark(self) -> None:
        request = self._detail.request
        if request is None:
            return
        status: Status = "new" if request.status == "contacted" else "contacted"
        if self._guard(lambda: self._store.mark([request.id], status)):
            self._record("mark", 1, status)
            self.message.setText(f"Request {request.id} marked {status}.")
            self._refresh()

    def _on_delete_confirmed(self) -> None:
        request = self._detail.request
        if request is None:
            return
        if self._guard(lambda: self._store.delete([request.id])):
            self._record("delete", 1)
            self.message.setText(f"Request {request.id} deleted.")
            self._refresh()

    def _on_export(self) -> None:
        """Ask where the export goes; the choice takes the list's room while it is asked."""
        self.export_choices.ask(self._export_places(), self._all_count)
        self.confirm.hide()
        self.table.hide()
        self._detail.hide()

    def _on_export_choices_closed(self) -> None:
        self.table.show()
        self._detail.show()

    def _on_export_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)

    def _on_exported(self, count: int, path: str) -> None:
        self._record("export", count, path)

    def _say(self, text: str) -> None:
        self.message.setText(text)

    # -- helpers ---------------------------------------------------------------------------

    def _show_set_aside(self) -> None:
        """Tell staff about damaged databases moved aside: they may hold requests this list
        does not show, and retention deletes them on a date staff should know."""
        found: list[SetAside] = []
        self._guard(lambda: found.extend(self._store.set_aside_files()))
        days = self._content.staff.retention_days
        text = set_aside_text(found, days, self._zone, self._data_dir)
        self.set_aside_notice.setText(text)
        self.set_aside_notice.setVisible(bool(text))

    def _set_filter(self, name: str) -> None:
        self._bar.show_filter(name)
        # The status column says something only when the list mixes both.
        self.table.setColumnHidden(4, FILTERS[name] is not None)
        self._guard(lambda: self.model.set_status(FILTERS[name]))
        self._update_counts()
        self._select(None)

    def _refresh(self) -> None:
        self._guard(self.model.reload)
        self._update_counts()
        self._select(None)

    def _update_counts(self) -> None:
        counts: dict[str, int] = {}
        if not self._guard(
            lambda: counts.update(
                {name: self._store.count(status) for name, status in FILTERS.items()}
            )
        ):
            return
        self._bar.show_counts(counts)
        self._all_count = counts["All"]
        self._bar.fit(self.width())
        self._relayout()
        self._show_audit()

    def _select(self, request: StoredRequest | None) -> None:
        self._detail.show_request(request)
        if request is None:
            self.table.clearSelection()

    def _record(self, event: str, count: int, detail: str = "") -> None:
        self._guard(lambda: self._store.audit(event, "staff", count, detail))
        self._show_audit()

    def _show_audit(self) -> None:
        entries = []
        self._guard(lambda: entries.extend(self._store.audit_log(AUDIT_LINES)))
        lines = [
            f"{local_time(e.at, self._zone)}  {e.event}"
            + (f" ({e.count})" if e.count else "")
            + (f"  {breakable(e.detail)}" if e.detail else "")
            for e in entries
        ]
        self.audit.setText("Latest activity:\n" + "\n".join(lines) if lines else "")

    def _guard(self, action: Callable[[], object]) -> bool:
        """Run a store action; show what failed instead of crashing the kiosk."""
        try:
            action()
        except UnknownRequest as error:
            self.message.setText(str(error))
            return False
        except SaveError as error:
            log.error("staff screen: the requests database failed (%s): %s", error.kind, error)
            self.message.setText(f"The requests database could not be used: {error}")
            return False
        return True
