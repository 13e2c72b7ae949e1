"""The staff screen: the requests, newest first, paged from SQLite; answers, marking,
deleting, CSV export and the exit from the kiosk. Locks itself when nobody touches it."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStorageInfo,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.content import Content
from kiosk.core.form import FormField
from kiosk.core.words import staff_language_label
from kiosk.storage.store import (
    RequestStore,
    SaveError,
    Status,
    StoredRequest,
    UnknownRequest,
)
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.export_job import ExportJob
from kiosk.ui.idle import IdleWatcher

log = logging.getLogger(__name__)

PAGE_SIZE = 100
"""Rows fetched from SQLite at a time as the list scrolls."""
FILTERS: dict[str, str | None] = {"New": "new", "Contacted": "contacted", "All": None}
USB_ROOTS = ("/media/", "/run/media/")
AUDIT_LINES = 3
ROW_MIN_PX = 44
"""The least height of a row in the list: a finger's width."""
"""The latest audit entries shown at the bottom of the staff screen."""


@dataclass(frozen=True)
class ExportPlace:
    """A place staff may send an export to."""

    folder: Path
    label: str
    """How the choice reads on its button: the drive's label and size, or this PC's folder."""
    removable: bool = False


ExportPlaces = Callable[[], list[ExportPlace]]
"""The places an export may go now; staff choose one (never picked for them)."""
IndexLike = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
"""The invalid index: the parent of every row of a flat table."""


def usb_drives_and_folder(default: Path) -> ExportPlaces:
    """:data:`ExportPlaces`: every writable drive mounted under /media or /run/media (with its
    label and size, so staff can tell the clinic's stick from one a visitor left in the port),
    and always ``default``, this PC's export folder (made when an export goes there)."""

    def places() -> list[ExportPlace]:
        found = []
        for volume in QStorageInfo.mountedVolumes():
            root = volume.rootPath()
            if (
                volume.isValid()
                and volume.isReady()
                and not volume.isReadOnly()
                and root.startswith(USB_ROOTS)
            ):
                size = _size_text(volume.bytesTotal())
                found.append(
                    ExportPlace(Path(root), f"USB drive “{volume.displayName()}” ({size})", True)
                )
        found.append(ExportPlace(default, f"This PC's export folder\n{default}"))
        return found

    return places


def _size_text(size: int) -> str:
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{max(size, 0) // 1000} kB"


class RequestsModel(QAbstractTableModel):
    """Requests newest first, fetched a page at a time as the view scrolls."""

    HEADERS = ("ID", "Received", "Name", "Contact", "Status")

    def __init__(
        self,
        store: RequestStore,
        fields: Sequence[FormField],
        zone: ZoneInfo,
        default_language: str = "en",
    ) -> None:
        super().__init__()
        self._store = store
        self._default_language = default_language
        self._zone = zone
        self._name_key = next((f.key for f in fields if f.type == "text"), None)
        self._contact_keys = [f.key for f in fields if f.type in ("phone", "email")]
        self._status: str | None = "new"
        self._rows: list[StoredRequest] = []
        self._total = 0

    @property
    def status(self) -> str | None:
        return self._status

    def set_status(self, status: str | None) -> None:
        self._status = status
        self.reload()

    def reload(self) -> None:
        """Start again from the newest (after a change, or a new filter)."""
        self.beginResetModel()
        self._total = self._store.count(self._status)
        self._rows = self._store.newest_first(self._status, limit=PAGE_SIZE, offset=0)
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (the staff screen is closed)."""
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self.endResetModel()

    def request(self, row: int) -> StoredRequest:
        return self._rows[row]

    def rowCount(self, parent: IndexLike = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: IndexLike = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: IndexLike = _ROOT) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: IndexLike = _ROOT) -> None:
        more = self._store.newest_first(self._status, limit=PAGE_SIZE, offset=len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: IndexLike, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        request = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return str(request.id)
        if request.damaged:
            return "Damaged" if column == 4 else ""
        if column == 1:
            return short_time(request.created_at, self._zone)
        if column == 2:
            return str(request.answers.get(self._name_key, "")) if self._name_key else ""
        if column == 3:
            contact = next(
                (str(request.answers[k]) for k in self._contact_keys if request.answers.get(k)),
                "",
            )
            # Call back in the visitor's language: said where it is not the clinic's own.
            if request.language and request.language != self._default_language:
                return f"{contact} · {staff_language_label(request.language)}"
            return contact
        return request.status.capitalize()


def breakable(path: str) -> str:
    """``path`` with invisible break opportunities after each "/", so it can wrap."""
    return path.replace("/", "/\u200b")


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def short_time(moment: datetime, zone: ZoneInfo) -> str:
    """The list's compact time: "30 Nov 10:20" (the answers show the year)."""
    return moment.astimezone(zone).strftime("%d %b %H:%M")


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
        self.setObjectName("staff")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName("Staff: requests")
        self._content = content
        self._store = store
        self._fields = content.form.fields
        self._zone = ZoneInfo(content.staff.time_zone)
        self._export_places = export_places
        self._data_dir = store.path.parent
        self.model = RequestsModel(store, self._fields, self._zone, content.language.code)

        # Top bar: filter, export, lock, exit.
        bar = QFrame(self)
        bar.setObjectName("staff-bar")
        filters = QHBoxLayout()
        title = QLabel("Requests", bar)
        title.setObjectName("staff-title")
        self._bar, self._title = bar, title
        filters.addWidget(title)
        self.filters: dict[str, QPushButton] = {}
        for name in FILTERS:
            chip = QPushButton(name, bar)
            chip.setProperty("chip", True)
            chip.setCheckable(True)
            chip.setObjectName(f"filter-{name.lower()}")
            chip.setAccessibleName(f"Show {name.lower()} requests")
            chip.clicked.connect(lambda _=False, n=name: self._on_filter(n))
            filters.addWidget(chip)
            self.filters[name] = chip
        filters.addStretch(1)
        # One row: the filters at the left, the actions at the right (the bar's text is the
        # smaller staff size, so it fits a 1024-pixel or portrait screen).
        actions = filters
        self.export_button = self._button("Export all (CSV)", "export", bar, actions)
        self.lock_button = self._button("Lock", "lock", bar, actions)
        self.exit_button = self._button("Exit kiosk", "exit-kiosk", bar, actions)
        bar.setLayout(filters)
        self.export_button.clicked.connect(self._on_export)
        self.lock_button.clicked.connect(self.locked)
        self.exit_button.clicked.connect(self.exit_requested)

        # The list, and the chosen request's answers beside (or under) it.
        self.table = QTableView(self)
        self.table.setObjectName("requests")
        self.table.setAccessibleName("Requests, newest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Every column as wide as its contents (numbers and times are never cut); the name
        # takes what is left, and only it is elided if a screen is too narrow for it (the
        # answers beside the list then show it whole).
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.table.setCornerButtonEnabled(False)
        for corner in self.table.findChildren(QAbstractButton):  # Qt's "select all" corner
            corner.setAccessibleName("Select all requests (not used)")
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        detail = QFrame(self)
        detail.setObjectName("staff-detail")
        side = QVBoxLayout(detail)
        # The chosen request: what it is (id, times, status), then its questions and answers
        # in two columns; all of it scrolls when it is taller than the pane.
        answers_page = QWidget()
        answers_page.setObjectName("staff-answers-page")
        answers_layout = QVBoxLayout(answers_page)
        answers_layout.setContentsMargins(0, 0, 0, 0)
        self.answers = QLabel("Tap a request to see every answer.", answers_page)
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
        scroller = QScrollArea(detail)
        scroller.setObjectName("staff-answers-scroll")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(answers_page)
        side.addWidget(scroller, 1)
        row_actions = QHBoxLayout()
        self.mark_button = self._button("Mark contacted", "mark", detail, row_actions)
        self.delete_button = self._button("Delete", "delete", detail, row_actions)
        self.mark_button.clicked.connect(self._on_mark)
        self.delete_button.clicked.connect(self._on_delete)
        side.addLayout(row_actions)
        self.confirm = QFrame(detail)
        self.confirm.setObjectName("staff-confirm")
        confirm = QVBoxLayout(self.confirm)
        self.confirm_text = QLabel("", self.confirm)
        self.confirm_text.setWordWrap(True)
        confirm.addWidget(self.confirm_text)
        confirm_buttons = QHBoxLayout()
        self.confirm_yes = self._button("Yes, delete it", "confirm-delete", detail, confirm_buttons)
        self.confirm_no = self._button("No, keep it", "confirm-keep", detail, confirm_buttons)
        self.confirm_yes.clicked.connect(self._on_delete_confirmed)
        self.confirm_no.clicked.connect(self.confirm.hide)
        confirm.addLayout(confirm_buttons)
        side.addWidget(self.confirm)
        self.confirm.hide()

        self.notice = QLabel("", self)
        self.notice.setObjectName("staff-notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.notice.hide()
        self.set_aside_notice = QLabel("", self)
        self.set_aside_notice.setObjectName("staff-notice")
        self.set_aside_notice.setWordWrap(True)
        self.set_aside_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.set_aside_notice.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self.set_aside_notice.hide()
        # Where to export: staff choose each time; a drive is never picked for them.
        self.export_choices = QFrame(self)
        self.export_choices.setObjectName("staff-export-choices")
        choices = QVBoxLayout(self.export_choices)
        self.export_question = QLabel("", self.export_choices)
        self.export_question.setWordWrap(True)
        self.export_question.setTextFormat(Qt.TextFormat.PlainText)
        choices.addWidget(self.export_question)
        self._place_buttons = QVBoxLayout()  # one a row: a drive's label and size, in full
        choices.addLayout(self._place_buttons)
        self.place_buttons: list[QPushButton] = []
        self.export_cancel = self._button("Cancel export", "export-cancel", self, choices)
        self.export_cancel.clicked.connect(self._close_export_choices)
        choices.addStretch(1)
        self.export_choices.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.export_choices.hide()
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
        for part in (self.table, detail):
            part.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._detail = detail
        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.addWidget(self.table, 3)
        self._body.addWidget(detail, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.set_aside_notice)
        layout.addWidget(self.export_choices)
        layout.addLayout(self._body, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.audit)

        self._idle = IdleWatcher(content.staff.lock_after_seconds, timer_factory, self)
        self._idle.idle.connect(self.locked)
        self._selected: StoredRequest | None = None
        self._export_job: ExportJob | None = None
        self._export_place: ExportPlace | None = None
        self._export_total = 0
        self._all_count = 0

    @property
    def idle_watcher(self) -> IdleWatcher:
        return self._idle

    def set_notice(self, text: str) -> None:
        """A standing notice for staff at the top (e.g. content.yaml has problems)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- Qt overrides ----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_bar()  # the style sheet (and its sizes) may have changed while hidden
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
        self._close_export_choices()

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
        self._fit_bar()
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

    def _fit_bar(self) -> None:
        """Keep the bar in one row: without its title, then in smaller type, if it must."""
        layout = self._bar.layout()
        if layout is None or self.width() <= 0:
            return
        buttons = [w for w in self._bar.findChildren(QPushButton) if w.parent() is self._bar]
        parts: list[QLabel | QPushButton] = [self._title, *buttons]
        for part in parts:
            part.setStyleSheet("")
            part.ensurePolished()
        margins = layout.contentsMargins()
        room = self.width() - margins.left() - margins.right() - 2 * self._bar.x() - 8
        # What each part needs besides its text (padding, border), at any text size.
        extra = {
            part: part.sizeHint().width() - part.fontMetrics().horizontalAdvance(part.text())
            for part in parts
        }

        def needed(pixels: int, title: bool) -> int:
            total = 0
            for part in parts:
                if part is self._title and not title:
                    continue
                font = QFont(part.font())
                font.setPixelSize(pixels)
                advance = QFontMetrics(font).horizontalAdvance(part.text())
                total += advance + extra[part] + layout.spacing()
            return total

        pixels = max(button.font().pixelSize() for button in buttons)
        self._title.setHidden(needed(pixels, True) > room)
        if needed(pixels, False) <= room:
            return
        while needed(pixels, False) > room and pixels > 12:
            pixels -= 1
        for part in parts:
            part.setStyleSheet(f"font-size: {pixels}px;")

    # -- slots -----------------------------------------------------------------------------

    def _on_filter(self, name: str) -> None:
        self._set_filter(name)

    def _on_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._select(self.model.request(current.row()) if current.isValid() else None)

    def _on_mark(self) -> None:
        request = self._selected
        if request is None:
            return
        status: Status = "new" if request.status == "contacted" else "contacted"
        if self._guard(lambda: self._store.mark([request.id], status)):
            self._record("mark", 1, status)
            self.message.setText(f"Request {request.id} marked {status}.")
            self._refresh()

    def _on_delete(self) -> None:
        if self._selected is None:
            return
        self.confirm_text.setText(f"Delete request {self._selected.id}? This cannot be undone.")
        self.confirm.show()

    def _on_delete_confirmed(self) -> None:
        self.confirm.hide()
        request = self._selected
        if request is None:
            return
        if self._guard(lambda: self._store.delete([request.id])):
            self._record("delete", 1)
            self.message.setText(f"Request {request.id} deleted.")
            self._refresh()

    def _on_export(self) -> None:
        """Ask where the export goes: each drive with its label and size, and this PC."""
        for button in self.place_buttons:
            self._place_buttons.removeWidget(button)
            button.deleteLater()
        self.place_buttons = []
        places = self._export_places()
        drives = sum(place.removable for place in places)
        self.export_question.setText(
            "Export every request (names, phone numbers, answers) to:"
            + (
                "\nOnly choose a USB drive you know is the clinic's."
                if drives
                else "\nNo USB drive is plugged in."
            )
        )
        for place in places:
            button = QPushButton(place.label, self.export_choices)
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            button.setObjectName("export-place")
            button.setAccessibleName(f"Export to {place.label}")
            button.clicked.connect(lambda _=False, p=place: self._on_place_chosen(p))
            self._place_buttons.addWidget(button)
            self.place_buttons.append(button)
        self.confirm.hide()
        # The choice takes the list's room while it is asked (the list is back after).
        self.table.hide()
        self._detail.hide()
        self.export_choices.show()

    def _close_export_choices(self) -> None:
        self.export_choices.hide()
        self.table.show()
        self._detail.show()

    def _on_place_chosen(self, place: ExportPlace) -> None:
        self._close_export_choices()
        folder = place.folder
        if not place.removable:
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as error:
                why = f"the export folder {folder} cannot be created ({error.strerror})"
                self._export_failed(folder, why)
                self.export_finished.emit("")
                return
        stamp = datetime.now(self._zone).strftime("%Y%m%d-%H%M%S")
        path = folder / f"clinic-requests-{stamp}.csv"
        suffix = 2
        while path.exists():
            path = folder / f"clinic-requests-{stamp}-{suffix}.csv"
            suffix += 1
        total = self._all_count  # as the "All" chip shows it: for the progress line only
        # Written on a thread of its own: the screen (and the watchdog) carry on meanwhile.
        job = ExportJob(
            self._data_dir, self._fields, path, self._content.staff.time_zone, parent=self
        )
        # Slots of this screen, not lambdas: emitted on the export's thread, a signal is
        # queued to the GUI thread only when its receiver is a QObject living there.
        job.progress.connect(self._on_export_progress)
        job.finished.connect(self._on_export_done)
        job.failed.connect(self._on_export_failed)
        self._export_job = job
        self._export_place = place
        self._export_total = total
        self.export_button.setEnabled(False)
        self.message.setText(f"Exporting {total} requests to {place.label}…")
        job.start()

    def _on_export_progress(self, written: int) -> None:
        if self._export_job is not None:
            total = self._export_total
            self.message.setText(f"Exporting… {written} of {total} requests written.")

    def _on_export_done(self, count: int, damaged: list[int]) -> None:
        job, place = self._export_ended()
        if job is None or place is None:
            return
        self._record("export", count, str(job.path))
        text = f"Exported {count} requests to {place.label}: {breakable(str(job.path))}"
        if damaged:
            ids = ", ".join(map(str, damaged))
            text += f"\nNot exported (damaged in the database, cannot be read): request {ids}."
        self.message.setText(text)
        self.export_finished.emit(str(job.path))

    def _on_export_failed(self, why: str) -> None:
        job, place = self._export_ended()
        if job is None or place is None:
            return
        self._export_failed(place.folder, why)
        self.export_finished.emit("")

    def _export_ended(self) -> tuple[ExportJob | None, ExportPlace | None]:
        job, place = self._export_job, self._export_place
        self._export_job = self._export_place = None
        if job is not None:
            job.wait()  # its last signal is in: the thread is ending, if not ended already
            job.deleteLater()
        self.export_button.setEnabled(True)
        return job, place

    def wait_for_export(self, timeout: float | None = None) -> bool:
        """For shutting down: wait for an export under way to end; whether none is left."""
        job = self._export_job
        return job is None or job.wait(timeout)

    # -- helpers ---------------------------------------------------------------------------

    def _show_set_aside(self) -> None:
        """Tell staff about damaged databases moved aside: they may hold requests this list
        does not show, and retention deletes them on a date staff should know."""
        found = []
        self._guard(lambda: found.extend(self._store.set_aside_files()))
        days = self._content.staff.retention_days
        lines = [
            f"A damaged requests database was set aside on "
            f"{local_time(aside.moved_at, self._zone)} as {aside.name} in "
            f"{breakable(str(self._data_dir))}. It may hold requests that are not in this "
            "list: ask IT to look at it. It will be deleted on "
            f"{(aside.moved_at + timedelta(days=days)).astimezone(self._zone):%Y-%m-%d} "
            f"(kept {days} days, like contacted requests)."
            for aside in found
        ]
        self.set_aside_notice.setText("\n".join(lines))
        self.set_aside_notice.setVisible(bool(lines))

    def _export_failed(self, folder: Path, why: str) -> None:
        log.error("CSV export to %s failed: %s", folder, why)
        self.message.setText(f"The export failed: {why}. Nothing was written.")

    def _button(self, text: str, name: str, parent: QWidget, layout: QBoxLayout) -> QPushButton:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.setAccessibleName(text)
        layout.addWidget(button)
        return button

    def _set_filter(self, name: str) -> None:
        for chip_name, chip in self.filters.items():
            chip.setChecked(chip_name == name)
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
        for name, chip in self.filters.items():
            chip.setText(f"{name} ({counts[name]})")
        self._all_count = counts["All"]
        self._fit_bar()
        self._relayout()
        self._show_audit()

    def _select(self, request: StoredRequest | None) -> None:
        self._selected = request
        self.mark_button.setEnabled(request is not None)
        self.delete_button.setEnabled(request is not None)
        self.confirm.hide()
        self._clear_answer_grid()
        if request is None:
            self.table.clearSelection()
            self.answers.setText("Tap a request to see every answer.")
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
        rows = []
        for form_field in self._fields:
            value = request.answers.get(form_field.key, "")
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            rows.append((form_field.label, str(value or "—")))
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
