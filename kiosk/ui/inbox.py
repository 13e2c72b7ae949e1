"""``kiosk inbox``: the front desk's window onto the requests from every kiosk.

A normal desktop window (not the fullscreen kiosk). Requests from every kiosk, newest first, with
the kiosk's name and status; a new one appears as soon as the server announces it (LISTEN/NOTIFY
on a socket the event loop watches: no polling) with a desktop notification that names the
kiosk, never the visitor. Mark contacted or new, export CSV (the same atomic export as the
kiosk), delete after a confirmation, the audit log; every action writes its audit row in the
same transaction. Below, each kiosk's latest heartbeat, with a kiosk silent for more than five
minutes, or whose backlog grows, flagged.

It starts locked and locks itself after ``lock_after_seconds`` without input, like the staff
screen: what it showed is cleared, and the staff PIN (``kiosk set-pin`` on this PC) opens it.
"""

from __future__ import annotations

import bisect
import logging
import shutil
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QProcess,
    QSocketNotifier,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.content import Content
from kiosk.core.form import FormField
from kiosk.core.pin import PinCheck, PinFileError, PinVault
from kiosk.core.words import staff_language_label
from kiosk.storage.export import export_csv
from kiosk.storage.inbox import InboxError, InboxListener, InboxStore, KioskStatus
from kiosk.storage.store import SaveError, Status, StoredRequest, UnknownRequest
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.idle import IdleWatcher

log = logging.getLogger(__name__)

LOADED_ROWS = 2000
"""Requests loaded when the window opens or reconnects (newest first); new ones are added."""
RECONNECT_MS = 5000
FIRST_RECONNECT_MS = 1000
"""The first try after losing the server is sooner: a restart takes a second or two."""
KIOSKS_REFRESH_MS = 30_000
"""How often the kiosks' table is re-read: silence is the absence of a heartbeat, so it must be
looked for (a heartbeat that does arrive updates it at once)."""
RETENTION_MS = 24 * 60 * 60 * 1000
FILTERS: dict[str, str | None] = {"New": "new", "Contacted": "contacted", "All": None}
AUDIT_ROWS = 200
FLAG_COLOR = QColor("#b3261e")
CONTACT_TYPES = ("text", "phone", "email")

Notify = Callable[[str, str], None]
Confirm = Callable[[QWidget, str], bool]
ChoosePath = Callable[[QWidget], Path | None]
ListenerFactory = Callable[[], InboxListener]
IndexLike = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def _ago(seconds: float) -> str:
    return "just now" if seconds < 60 else f"{_duration(seconds)} ago"


# ---------------------------------------------------------------------------------------------
# Models


class InboxRequestsModel(QAbstractTableModel):
    """The requests shown, newest first, filtered by status; merged as they arrive."""

    def __init__(self, fields: Sequence[FormField], zone: ZoneInfo) -> None:
        super().__init__()
        self._zone = zone
        shown = [f for f in fields if f.type in CONTACT_TYPES][:3]
        self._keys = [f.key for f in shown]
        self._headers = ["Received", "Kiosk", "Status", *(f.label for f in shown), "Language"]
        self._rows: list[StoredRequest] = []
        self._sort_keys: list[tuple[float, int]] = []  # ascending: the negated time and id
        self._by_id: dict[int, StoredRequest] = {}
        self.status: str | None = "new"

    def accepts(self, request: StoredRequest) -> bool:
        return self.status is None or request.status == self.status

    def ids(self) -> set[int]:
        return set(self._by_id)

    def request(self, row: int) -> StoredRequest:
        return self._rows[row]

    def row_of(self, request_id: int) -> int | None:
        request = self._by_id.get(request_id)
        if request is None:
            return None
        return bisect.bisect_left(self._sort_keys, self._key(request))

    def set_rows(self, requests: Sequence[StoredRequest]) -> None:
        self.beginResetModel()
        ordered = sorted((r for r in requests if self.accepts(r)), key=self._key)
        self._rows = ordered
        self._sort_keys = [self._key(r) for r in ordered]
        self._by_id = {r.id: r for r in ordered}
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def merge(self, requests: Sequence[StoredRequest]) -> list[StoredRequest]:
        """Add or update these requests in place; those that were not shown before."""
        added: list[StoredRequest] = []
        for request in requests:
            row = self.row_of(request.id)
            if row is not None:
                self._remove_row(row)
            if not self.accepts(request):
                continue
            key = self._key(request)
            at = bisect.bisect_left(self._sort_keys, key)
            self.beginInsertRows(_ROOT, at, at)
            self._rows.insert(at, request)
            self._sort_keys.insert(at, key)
            self._by_id[request.id] = request
            self.endInsertRows()
            if row is None:
                added.append(request)
        return added

    def remove(self, ids: Sequence[int]) -> None:
        for request_id in ids:
            row = self.row_of(request_id)
            if row is not None:
                self._remove_row(row)

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(_ROOT, row, row)
        del self._by_id[self._rows[row].id]
        del self._rows[row]
        del self._sort_keys[row]
        self.endRemoveRows()

    @staticmethod
    def _key(request: StoredRequest) -> tuple[float, int]:
        return (-request.created_at.timestamp(), -request.id)

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: IndexLike = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: IndexLike = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: IndexLike, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        request = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.FontRole and request.status == "new":
            font = QFont()
            font.setBold(True)
            return font
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return local_time(request.created_at, self._zone)
        if column == 1:
            return request.kiosk_id
        if column == 2:
            return "New" if request.status == "new" else "Contacted"
        if column == 3 + len(self._keys):
            return staff_language_label(request.language)
        value = request.answers.get(self._keys[column - 3], "")
        return ("Yes" if value else "No") if isinstance(value, bool) else value


# ---------------------------------------------------------------------------------------------
# The window


def desktop_notify(title: str, body: str) -> None:
    """A desktop notification (freedesktop.org), through ``notify-send`` or else ``gdbus``.

    Either introspects the notification service and sends the right D-Bus types; without a
    notification service nothing is shown (the window's title and the list still say it).
    """
    if program := shutil.which("notify-send"):
        args = ["--app-name=Clinic kiosk inbox", title, body]
    elif program := shutil.which("gdbus"):
        args = [
            "call", "--session", "--dest", "org.freedesktop.Notifications",
            "--object-path", "/org/freedesktop/Notifications",
            "--method", "org.freedesktop.Notifications.Notify",
            "Clinic kiosk inbox", "0", "", title, body, "[]", "{}", "-1",
        ]  # fmt: skip
    else:
        log.debug("no notify-send or gdbus: desktop notification not shown")
        return
    if not QProcess.startDetached(program, args):
        log.debug("could not start %s for a desktop notification", program)


def _ask(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Delete requests",
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _choose_csv(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, "Export requests", str(Path.home() / "requests.csv"), "CSV files (*.csv)"
    )
    return Path(name) if name else None


class InboxWindow(QMainWindow):
    """The front-desk inbox.

    Signals:
        requests_arrived(list): ids of requests newly shown because the server announced them.
        locked_changed(bool): the window locked (True) or was opened with the PIN (False).
    """

    requests_arrived = Signal(list)
    locked_changed = Signal(bool)

    def __init__(
        self,
        content: Content,
        store: InboxStore,
        listener_factory: ListenerFactory,
        vault: PinVault,
        *,
        timer_factory: TimerFactory = qt_timer,
        notify: Notify = desktop_notify,
        confirm: Confirm = _ask,
        choose_path: ChoosePath = _choose_csv,
        lock_after_seconds: float | None = None,
        retention_days: int | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("inbox")
        self.setWindowTitle(f"Front-desk inbox ({store.service})")
        self._content = content
        self._store = store
        self._listener_factory = listener_factory
        self._listener: InboxListener | None = None
        self._socket: QSocketNotifier | None = None
        self._vault = vault
        self._notify = notify
        self._confirm = confirm
        self._choose_path = choose_path
        self._zone = ZoneInfo(content.staff.time_zone)
        self._retention_days = (
            content.staff.retention_days if retention_days is None else retention_days
        )
        self._locked = True
        self._retrying = False
        self.kiosk_statuses: list[KioskStatus] = []

        self.model = InboxRequestsModel(content.form.fields, self._zone)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.main_page = self._build_main_page()
        self.lock_page = self._build_lock_page()
        self.stack.addWidget(self.main_page)
        self.stack.addWidget(self.lock_page)
        self.connection_label = QLabel("", self)
        self.statusBar().addWidget(self.connection_label, 1)

        seconds = content.staff.lock_after_seconds if lock_after_seconds is None else (
            lock_after_seconds
        )  # fmt: skip
        self._idle = IdleWatcher(seconds, timer_factory, self)
        self._idle.idle.connect(self.lock)
        self._reconnect = timer_factory(self)
        self._reconnect.setObjectName("reconnect")
        self._reconnect.setSingleShot(True)
        self._reconnect.timeout.connect(self._on_reconnect_due)
        self._kiosks_timer = timer_factory(self)
        self._kiosks_timer.setObjectName("kiosks")
        self._kiosks_timer.setSingleShot(False)
        self._kiosks_timer.timeout.connect(self.refresh_kiosks)
        self._retention = timer_factory(self)
        self._retention.setObjectName("retention")
        self._retention.setSingleShot(False)
        self._retention.timeout.connect(self.apply_retention)
        self._audit_dialog: QDialog | None = None
        self._show_locked()

    # -- building ------------------------------------------------------------------------------

    def _build_main_page(self) -> QWidget:
        page = QWidget(self)
        bar = QHBoxLayout()
        self.title = QLabel(f"Requests from every kiosk — {self._content.clinic.name}", page)
        self.title.setObjectName("inbox-title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        bar.addWidget(self.title, 1)
        self.filters = QButtonGroup(page)
        self.filter_buttons: dict[str, QPushButton] = {}
        for name in FILTERS:
            button = QPushButton(name, page)
            button.setCheckable(True)
            button.setObjectName(f"filter-{name.lower()}")
            self.filters.addButton(button)
            self.filter_buttons[name] = button
            button.clicked.connect(lambda _=False, n=name: self.set_filter(n))
            bar.addWidget(button)
        self.filter_buttons["New"].setChecked(True)
        self.export_button = QPushButton("Export CSV…", page)
        self.audit_button = QPushButton("Audit log", page)
        self.lock_button = QPushButton("Lock", page)
        for button in (self.export_button, self.audit_button, self.lock_button):
            bar.addWidget(button)
        self.export_button.clicked.connect(self.export)
        self.audit_button.clicked.connect(self.show_audit)
        self.lock_button.clicked.connect(self.lock)

        self.table = QTableView(page)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        detail = QFrame(page)
        detail.setFrameShape(QFrame.Shape.StyledPanel)
        side = QVBoxLayout(detail)
        self.detail_title = QLabel("Select a request to see every answer.", detail)
        self.detail_title.setWordWrap(True)
        title_font = self.detail_title.font()
        title_font.setBold(True)
        self.detail_title.setFont(title_font)
        # Each question above its answer, both the panel's width: a long question (the
        # consent) never squeezes its answer.
        self.detail_form = QVBoxLayout()
        self.detail_form.setSpacing(2)
        self.detail_form.addStretch(1)
        self.detail_answers: list[tuple[str, str]] = []
        """(question, answer) as shown for the selected request."""
        holder = QWidget(detail)
        holder.setLayout(self.detail_form)
        scroll = QScrollArea(detail)
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        buttons = QHBoxLayout()
        self.mark_contacted_button = QPushButton("Mark contacted", detail)
        self.mark_new_button = QPushButton("Mark as new", detail)
        self.delete_button = QPushButton("Delete…", detail)
        for button in (self.mark_contacted_button, self.mark_new_button, self.delete_button):
            buttons.addWidget(button)
            button.setEnabled(False)
        self.mark_contacted_button.clicked.connect(lambda: self.mark("contacted"))
        self.mark_new_button.clicked.connect(lambda: self.mark("new"))
        self.delete_button.clicked.connect(self.delete_selected)
        side.addWidget(self.detail_title)
        side.addWidget(scroll, 1)
        side.addLayout(buttons)

        kiosks = QGroupBox("Kiosks", page)
        self.kiosks_table = QTableWidget(0, 6, kiosks)
        self.kiosks_table.setHorizontalHeaderLabels(
            ["State", "Kiosk", "Last heard", "Waiting to send", "Content version", "Last error"]
        )
        self.kiosks_table.verticalHeader().hide()
        self.kiosks_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.kiosks_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        kiosk_header = self.kiosks_table.horizontalHeader()
        kiosk_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        kiosk_header.setStretchLastSection(True)
        box = QVBoxLayout(kiosks)
        self.kiosks_summary = QLabel("", kiosks)
        self.kiosks_summary.setWordWrap(True)
        box.addWidget(self.kiosks_summary)
        box.addWidget(self.kiosks_table)

        upper = QSplitter(Qt.Orientation.Horizontal, page)
        upper.addWidget(self.table)
        upper.addWidget(detail)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Vertical, page)
        split.addWidget(upper)
        split.addWidget(kiosks)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.message = QLabel("", page)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        return page

    def _build_lock_page(self) -> QWidget:
        page = QWidget(self)
        box = QFrame(page)
        box.setObjectName("inbox-lock")
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        heading = QLabel("The inbox is locked", box)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        self.lock_text = QLabel("", box)
        self.lock_text.setWordWrap(True)
        self.pin_field = QLineEdit(box)
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setPlaceholderText("Staff PIN")
        self.pin_field.setMaxLength(12)
        self.pin_field.returnPressed.connect(self._on_unlock)
        self.unlock_button = QPushButton("Unlock", box)
        self.unlock_button.clicked.connect(self._on_unlock)
        self.pin_message = QLabel("", box)
        self.pin_message.setWordWrap(True)
        for widget in (heading, self.lock_text, self.pin_field, self.unlock_button):
            inner.addWidget(widget)
        inner.addWidget(self.pin_message)
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        return page

    # -- starting, locking ---------------------------------------------------------------------

    def start(self) -> None:
        """Listen for new requests, read the kiosks, and run retention (now and daily)."""
        self._connect_listener()
        self._kiosks_timer.start(KIOSKS_REFRESH_MS)
        self._retention.start(RETENTION_MS)
        self.apply_retention()

    @property
    def is_locked(self) -> bool:
        return self._locked

    def lock(self) -> None:
        """Hide and forget every request shown; the PIN opens it again."""
        if self._locked:
            return
        log.info("inbox locked")
        self._locked = True
        self._idle.stop()
        self.model.clear()
        self._clear_detail()
        self.message.setText("")
        if self._audit_dialog is not None:
            self._audit_dialog.close()
            self._audit_dialog = None
        self._show_locked()
        self.locked_changed.emit(True)

    def _show_locked(self) -> None:
        self.stack.setCurrentWidget(self.lock_page)
        self.pin_field.clear()
        if self._vault.is_set():
            self.lock_text.setText(
                "Enter the staff PIN to see the requests. It locks itself again after "
                "a while without use."
            )
            self.pin_field.setEnabled(True)
            self.unlock_button.setEnabled(True)
        else:
            self.lock_text.setText(
                "No staff PIN is set on this computer. Set one with 'kiosk set-pin' "
                "(with the same --data-dir), then start the inbox again."
            )
            self.pin_field.setEnabled(False)
            self.unlock_button.setEnabled(False)
        self.pin_field.setFocus()

    def _on_unlock(self) -> None:
        pin = self.pin_field.text()
        self.pin_field.clear()
        try:
            result = self._vault.check(pin)
        except PinFileError as error:
            self.pin_message.setText(f"The PIN could not be checked: {error}")
            return
        if result.outcome == PinCheck.OK:
            if not self._record("login", 0):
                self.pin_message.setText(
                    "The sign-in could not be recorded in the audit log, so the inbox stays "
                    "locked. " + self.connection_label.text()
                )
                return
            self.pin_message.setText("")
            self._unlock()
        elif result.outcome == PinCheck.WRONG:
            self._record("failed_pin", 1)
            if result.seconds_locked:
                self._record("locked", round(result.seconds_locked))
                self.pin_message.setText(
                    f"Wrong PIN. Too many tries: wait {_minutes(result.seconds_locked)}."
                )
            else:
                self.pin_message.setText(f"Wrong PIN. {result.attempts_left} tries left.")
        elif result.outcome == PinCheck.LOCKED:
            self.pin_message.setText(
                f"Too many wrong PINs: wait {_minutes(result.seconds_locked)}."
            )
        else:
            self._show_locked()

    def _unlock(self) -> None:
        log.info("inbox opened")
        self._locked = False
        self.stack.setCurrentWidget(self.main_page)
        self.reload()
        self._idle.start()
        self.locked_changed.emit(False)

    # -- the requests ----------------------------------------------------------------------

    def set_filter(self, name: str) -> None:
        self.filter_buttons[name].setChecked(True)
        self.model.status = FILTERS[name]
        self.reload()

    def reload(self) -> None:
        """Read the newest requests (of the filter) and the kiosks again."""
        self.refresh_kiosks()
        if self._locked:
            return
        try:
            rows = self._store.newest_first(self.model.status, limit=LOADED_ROWS)
        except SaveError as error:
            self._on_store_failed(error)
            return
        self.model.set_rows(rows)
        self._clear_detail()
        self._update_counts()

    def _update_counts(self) -> None:
        try:
            stats = self._store.stats()
        except SaveError as error:
            self._on_store_failed(error)
            return
        counts = {"New": stats["new"], "Contacted": stats["contacted"], "All": stats["total"]}
        for name, button in self.filter_buttons.items():
            button.setText(f"{name} ({counts[name]})")

    def selected(self) -> list[StoredRequest]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.request(row) for row in rows]

    def select_ids(self, ids: Sequence[int]) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for request_id in ids:
            row = self.model.row_of(request_id)
            if row is not None:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def mark(self, status: Status) -> None:
        chosen = self.selected()
        if not chosen:
            return
        try:
            changed = self._store.mark([r.id for r in chosen], status, actor="inbox")
        except UnknownRequest as missing:
            self.message.setText(f"Already deleted elsewhere: {missing}. The list was reloaded.")
            self.reload()
            return
        except SaveError as error:
            self._on_store_failed(error)
            return
        word = "contacted" if status == "contacted" else "new"
        self.message.setText(f"Marked {changed} {_requests(changed)} {word}.")
        self._refresh_rows([r.id for r in chosen])

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        count = len(chosen)
        question = (
            f"Delete {count} {_requests(count)} from the inbox for good? "
            "Every kiosk's staff and this desk will no longer see them."
        )
        if not self._confirm(self, question):
            self.message.setText("Nothing was deleted.")
            return
        ids = [r.id for r in chosen]
        try:
            deleted = self._store.delete(ids, actor="inbox")
        except UnknownRequest as missing:
            self.message.setText(f"Already deleted elsewhere: {missing}. The list was reloaded.")
            self.reload()
            return
        except SaveError as error:
            self._on_store_failed(error)
            return
        self.model.remove(ids)
        self._clear_detail()
        self._update_counts()
        self.message.setText(f"Deleted {deleted} {_requests(deleted)}.")

    def export(self) -> None:
        """Every request of the current filter to a CSV file the user chooses."""
        path = self._choose_path(self)
        if path is None:
            return
        status = self.model.status
        try:
            count = export_csv(
                self._store.iter_requests(status),
                self._content.form.fields,
                path,
                self._content.staff.time_zone,
                force=True,  # the save dialog asked before replacing a file
            )
        except SaveError as error:
            self._on_store_failed(error)
            return
        except OSError as error:
            self.message.setText(f"The file could not be written: {error.strerror or error}")
            return
        self._record("export", count, str(path))
        self.message.setText(f"Exported {count} {_requests(count)} to {path}.")

    def show_audit(self) -> QDialog | None:
        """A window with the latest audit rows (never a visitor's answer)."""
        try:
            entries = self._store.audit_log(AUDIT_ROWS)
        except SaveError as error:
            self._on_store_failed(error)
            return None
        dialog = QDialog(self)
        dialog.setObjectName("inbox-audit")
        dialog.setWindowTitle("Audit log")
        table = QTableWidget(len(entries), 5, dialog)
        table.setObjectName("audit-table")
        table.setHorizontalHeaderLabels(["When", "What", "Who", "How many", "Detail"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, entry in enumerate(entries):
            cells = [
                local_time(entry.at, self._zone),
                entry.event,
                entry.actor,
                str(entry.count),
                entry.detail,
            ]
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnsToContents()
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        dialog.resize(760, 480)
        dialog.show()
        self._audit_dialog = dialog
        return dialog

    def apply_retention(self) -> None:
        try:
            removed = self._store.apply_retention(self._retention_days)
        except SaveError as error:
            log.error("inbox retention failed: %s", error)
            return
        if removed:
            log.info("inbox retention: deleted %d contacted requests", removed)
            self.model.clear()
            self.reload()

    def _refresh_rows(self, ids: Sequence[int]) -> None:
        try:
            fresh = self._store.get_many(ids)
        except SaveError as error:
            self._on_store_failed(error)
            return
        gone = set(ids) - {r.id for r in fresh}
        self.model.remove(sorted(gone))
        self.model.merge(fresh)
        self._update_counts()
        self.select_ids([r.id for r in fresh if self.model.row_of(r.id) is not None])

    def _on_selection_changed(self) -> None:
        chosen = self.selected()
        for button in (self.mark_contacted_button, self.mark_new_button, self.delete_button):
            button.setEnabled(bool(chosen))
        if len(chosen) == 1:
            self._show_detail(chosen[0])
        elif chosen:
            self._clear_detail(f"{len(chosen)} requests selected.")
        else:
            self._clear_detail()

    def _show_detail(self, request: StoredRequest) -> None:
        self._clear_detail(
            f"Request {request.id} from {request.kiosk_id}, "
            + (f"in {staff_language_label(request.language)}, " if request.language else "")
            + f"{local_time(request.created_at, self._zone)}"
            + (
                f" (contacted {local_time(request.contacted_at, self._zone)})"
                if request.contacted_at
                else " (new)"
            )
        )
        for field in self._content.form.fields:
            if field.key not in request.answers:
                continue
            value = request.answers[field.key]
            text = ("Yes" if value else "No") if isinstance(value, bool) else value
            question = QLabel(field.label)
            question.setWordWrap(True)
            question.setTextFormat(Qt.TextFormat.PlainText)
            question.setStyleSheet("color: palette(placeholder-text)")
            answer = QLabel(text or "—")
            answer.setWordWrap(True)
            answer.setTextFormat(Qt.TextFormat.PlainText)
            answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            answer.setContentsMargins(0, 0, 0, 8)
            at = self.detail_form.count() - 1  # above the stretch
            self.detail_form.insertWidget(at, question)
            self.detail_form.insertWidget(at + 1, answer)
            self.detail_answers.append((field.label, answer.text()))

    def _clear_detail(self, title: str = "Select a request to see every answer.") -> None:
        self.detail_title.setText(title)
        self.detail_answers = []
        while self.detail_form.count() > 1:
            item = self.detail_form.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    # -- the kiosks ------------------------------------------------------------------------

    def refresh_kiosks(self) -> None:
        try:
            now, statuses = self._store.kiosks()
        except SaveError as error:
            self._on_store_failed(error)
            return
        # Those that need a look first: on a small screen they are the rows in view.
        statuses = sorted(
            statuses, key=lambda k: (not (k.silent(now) or k.backlog_growing), k.kiosk_id)
        )
        self.kiosk_statuses = statuses
        self.kiosks_table.setRowCount(len(statuses))
        flagged = 0
        for row, status in enumerate(statuses):
            silent = status.silent(now)
            growing = status.backlog_growing
            if silent:
                state = f"SILENT for {_duration((now - status.at).total_seconds())}"
            elif growing:
                state = "BACKLOG GROWING"
            else:
                state = "OK"
            cells = [
                state,
                status.kiosk_id,
                f"{local_time(status.at, self._zone)} ({_ago((now - status.at).total_seconds())})",
                str(status.backlog),
                status.content_version,
                status.last_error or "—",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if silent or growing:
                    item.setForeground(QBrush(FLAG_COLOR))
                    if column == 0:
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                self.kiosks_table.setItem(row, column, item)
            flagged += silent or growing
        total = len(statuses)
        if not total:
            summary = "No kiosk has reported yet."
        elif flagged:
            summary = f"{flagged} of {total} kiosks need a look: see the State column."
        else:
            summary = f"All {total} kiosks reported in the last 5 minutes."
        self.kiosks_summary.setText(summary)

    # -- being told about new requests -----------------------------------------------------

    def _connect_listener(self) -> None:
        self._drop_listener()
        try:
            listener = self._listener_factory()
        except SaveError as error:
            self._on_store_failed(error)
            return
        self._listener = listener
        self._socket = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
        self._socket.activated.connect(self._on_socket_readable)
        self._retrying = False
        self._set_connected(True)
        self.reload()  # whatever arrived while not listening

    def _drop_listener(self) -> None:
        if self._socket is not None:
            self._socket.setEnabled(False)
            self._socket.deleteLater()
            self._socket = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _on_socket_readable(self) -> None:
        if self._listener is None:
            return
        try:
            ids, kiosks = self._listener.drain()
        except SaveError as error:
            self._on_store_failed(error)
            return
        if kiosks:
            self.refresh_kiosks()
        if ids:
            self._on_requests_announced(ids)

    def _on_requests_announced(self, ids: list[int]) -> None:
        if self._locked:
            self._tell_new(len(ids), [])
            return
        try:
            fresh = self._store.get_many(ids)
        except SaveError as error:
            self._on_store_failed(error)
            return
        added = self.model.merge(fresh)
        self._update_counts()
        self.requests_arrived.emit([r.id for r in fresh])
        self._tell_new(len(fresh), sorted({r.kiosk_id for r in fresh}))
        if added:
            QApplication.alert(self)

    def _tell_new(self, count: int, kiosks: list[str]) -> None:
        if not count:
            return
        where = f" from {', '.join(kiosks)}" if kiosks else ""
        self._notify(
            "New request" if count == 1 else f"{count} new requests",
            f"{count} new {_requests(count)}{where} in the front-desk inbox.",
        )

    def _on_store_failed(self, error: SaveError) -> None:
        self._set_connected(False, str(error))
        if isinstance(error, InboxError) and not self._reconnect.isActive():
            self._reconnect.start(RECONNECT_MS if self._retrying else FIRST_RECONNECT_MS)
            self._retrying = True

    def _on_reconnect_due(self) -> None:
        self._store.close()  # a connection from before the failure may be dead too
        self._connect_listener()

    def _set_connected(self, connected: bool, error: str = "") -> None:
        if connected:
            self.connection_label.setText(
                f"Connected to the inbox (service {self._store.service}); new requests appear "
                "here as they arrive."
            )
            self.connection_label.setStyleSheet("")
        else:
            self.connection_label.setText(
                f"Not connected: {error}. Trying again every {RECONNECT_MS // 1000} seconds."
            )
            self.connection_label.setStyleSheet(f"color: {FLAG_COLOR.name()}; font-weight: bold")
            self._drop_listener()

    def _record(self, event: str, count: int, detail: str = "") -> bool:
        try:
            self._store.audit(event, "inbox", count, detail)
        except SaveError as error:
            log.error("could not record %s in the inbox's audit log: %s", event, error)
            self._on_store_failed(error)
            return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        self._idle.stop()
        self._drop_listener()
        self._store.close()
        super().closeEvent(event)


def _requests(count: int) -> str:
    return "request" if count == 1 else "requests"


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
