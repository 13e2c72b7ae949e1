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

Its parts: the list (:mod:`kiosk.ui.request_models`), the selected request
(:mod:`kiosk.ui.inbox_detail`), the kiosks (:mod:`kiosk.ui.inbox_kiosks`), the lock page
(:mod:`kiosk.ui.inbox_lock`) and the desktop's dialogs (:mod:`kiosk.ui.inbox_dialogs`); this
window lays them out, talks to the server and keeps them up to date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.content import Content
from kiosk.core.pin import PinVault
from kiosk.storage.inbox import InboxStore, KioskStatus
from kiosk.storage.store import SaveError, Status, StoredRequest, UnknownRequest
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.inbox_detail import InboxDetail
from kiosk.ui.inbox_dialogs import (
    ask_delete,
    audit_dialog,
    choose_csv,
    desktop_notify,
    new_requests_note,
)
from kiosk.ui.inbox_export import InboxExport
from kiosk.ui.inbox_feed import RECONNECT_MS, InboxFeed, ListenerFactory
from kiosk.ui.inbox_kiosks import FLAG_COLOR, KiosksBox
from kiosk.ui.inbox_lock import InboxLockPage
from kiosk.ui.request_models import InboxRequestsModel, request_table
from kiosk.ui.staff_words import FILTERS, requests_word
from kiosk.ui.widgets import named_timer

log = logging.getLogger(__name__)

LOADED_ROWS = 2000
"""Requests loaded when the window opens or reconnects (newest first); new ones are added."""
KIOSKS_REFRESH_MS = 30_000
"""How often the kiosks' table is re-read: silence is the absence of a heartbeat, so it must be
looked for (a heartbeat that does arrive updates it at once)."""
RETENTION_MS = 24 * 60 * 60 * 1000
AUDIT_ROWS = 200
CLOSE_WAIT_S = 5.0
"""How long closing the window waits for a running export to stop."""

Notify = Callable[[str, str], None]
Confirm = Callable[[QWidget, str], bool]
ChoosePath = Callable[[QWidget], Path | None]
T = TypeVar("T")


class InboxWindow(QMainWindow):
    """The front-desk inbox.

    Signals:
        requests_arrived(list): ids of requests newly shown because the server announced them.
        locked_changed(bool): the window locked (True) or was opened with the PIN (False).
        export_finished(str): an export ended; what the message line says of it.
    """

    requests_arrived = Signal(list)
    locked_changed = Signal(bool)
    export_finished = Signal(str)

    def __init__(
        self,
        content: Content,
        store: InboxStore,
        listener_factory: ListenerFactory,
        vault: PinVault,
        *,
        timer_factory: TimerFactory = qt_timer,
        notify: Notify = desktop_notify,
        confirm: Confirm = ask_delete,
        choose_path: ChoosePath = choose_csv,
        lock_after_seconds: float | None = None,
        retention_days: int | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("inbox")
        self.setWindowTitle(f"Front-desk inbox ({store.service})")
        self._content = content
        self._store = store
        self._notify = notify
        self._confirm = confirm
        self._choose_path = choose_path
        self._export = InboxExport(
            store.service, content.form.fields, content.staff.time_zone, self
        )
        self._export.running.connect(self._on_export_running)
        self._export.said.connect(self._on_export_said)
        self._export.exported.connect(self._on_exported)
        self._zone = ZoneInfo(content.staff.time_zone)
        self._retention_days = (
            content.staff.retention_days if retention_days is None else retention_days
        )
        self._locked = True
        self.kiosk_statuses: list[KioskStatus] = []

        self.model = InboxRequestsModel(content.form.fields, self._zone)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.main_page = self._build_main_page()
        self.lock_page = InboxLockPage(vault, self._record, self._connection_text, self)
        self.lock_text = self.lock_page.lock_text
        self.pin_field = self.lock_page.pin_field
        self.unlock_button = self.lock_page.unlock_button
        self.pin_message = self.lock_page.pin_message
        self.pin_field.returnPressed.connect(self._on_unlock)
        self.unlock_button.clicked.connect(self._on_unlock)
        self.stack.addWidget(self.main_page)
        self.stack.addWidget(self.lock_page)
        self.connection_label = QLabel("", self)
        self.statusBar().addWidget(self.connection_label, 1)

        seconds = content.staff.lock_after_seconds if lock_after_seconds is None else (
            lock_after_seconds
        )  # fmt: skip
        self._idle = IdleWatcher(seconds, timer_factory, self)
        self._idle.idle.connect(self.lock)
        self._feed = InboxFeed(store, listener_factory, timer_factory, self)
        self._feed.connected.connect(self._on_connected)
        self._feed.failed.connect(self._on_store_failed)
        self._feed.kiosks_announced.connect(self.refresh_kiosks)
        self._feed.requests_announced.connect(self._on_requests_announced)
        self._kiosks_timer = named_timer(
            timer_factory, self, "kiosks", self.refresh_kiosks, repeat=True
        )
        self._retention = named_timer(
            timer_factory, self, "retention", self.apply_retention, repeat=True
        )
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

        extended = QAbstractItemView.SelectionMode.ExtendedSelection
        self.table = request_table(self.model, extended, page)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.detail = InboxDetail(self._content.form.fields, self._zone, page)
        self.detail_title = self.detail.title
        self.detail_form = self.detail.form
        self.mark_contacted_button = self.detail.mark_contacted_button
        self.mark_new_button = self.detail.mark_new_button
        self.delete_button = self.detail.delete_button
        self.mark_contacted_button.clicked.connect(lambda: self.mark("contacted"))
        self.mark_new_button.clicked.connect(lambda: self.mark("new"))
        self.delete_button.clicked.connect(self.delete_selected)

        self.kiosks = KiosksBox(self._zone, page)
        self.kiosks_table = self.kiosks.table
        self.kiosks_summary = self.kiosks.summary

        upper = QSplitter(Qt.Orientation.Horizontal, page)
        upper.addWidget(self.table)
        upper.addWidget(self.detail)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Vertical, page)
        split.addWidget(upper)
        split.addWidget(self.kiosks)
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

    @property
    def detail_answers(self) -> list[tuple[str, str]]:
        """(question, answer) as shown for the selected request."""
        return self.detail.answers

    # -- starting, locking ---------------------------------------------------------------------

    def start(self) -> None:
        """Listen for new requests, read the kiosks, and run retention (now and daily)."""
        self._feed.listen()
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
        self.detail.clear()
        self.message.setText("")
        if self._audit_dialog is not None:
            self._audit_dialog.close()
            self._audit_dialog = None
        self._show_locked()
        self.locked_changed.emit(True)

    def _show_locked(self) -> None:
        self.stack.setCurrentWidget(self.lock_page)
        self.lock_page.reset()

    def _on_unlock(self) -> None:
        if self.lock_page.try_pin():
            self._unlock()

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
        self.detail.clear()
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
        changed = self._change(
            lambda: self._store.mark([r.id for r in chosen], status, actor="inbox")
        )
        if changed is None:
            return
        word = "contacted" if status == "contacted" else "new"
        self.message.setText(f"Marked {changed} {requests_word(changed)} {word}.")
        self._refresh_rows([r.id for r in chosen])

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        count = len(chosen)
        question = (
            f"Delete {count} {requests_word(count)} from the inbox for good? "
            "Every kiosk's staff and this desk will no longer see them."
        )
        if not self._confirm(self, question):
            self.message.setText("Nothing was deleted.")
            return
        ids = [r.id for r in chosen]
        deleted = self._change(lambda: self._store.delete(ids, actor="inbox"))
        if deleted is None:
            return
        self.model.remove(ids)
        self.detail.clear()
        self._update_counts()
        self.message.setText(f"Deleted {deleted} {requests_word(deleted)}.")

    def _change(self, action: Callable[[], T]) -> T | None:
        """Run a change to the requests; None when it failed (the window says why, and
        reloads the list when a request was already deleted elsewhere)."""
        try:
            return action()
        except UnknownRequest as missing:
            self.message.setText(f"Already deleted elsewhere: {missing}. The list was reloaded.")
            self.reload()
        except SaveError as error:
            self._on_store_failed(error)
        return None

    def export(self) -> None:
        """Every request of the current filter to a CSV file the user chooses, written on a
        thread of its own (:attr:`export_finished` says when it ends)."""
        path = self._choose_path(self)
        if path is not None:
            self._export.start(path, self.model.status)

    def _on_exported(self, count: int, path: str) -> None:
        self._record("export", count, path)
        self.message.setText(f"Exported {count} {requests_word(count)} to {path}.")
        self.export_finished.emit(self.message.text())

    def _on_export_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)

    def _on_export_said(self, text: str) -> None:
        self.message.setText(text)
        if not self._export.busy:  # it failed
            self.export_finished.emit(text)

    def show_audit(self) -> QDialog | None:
        """A window with the latest audit rows (never a visitor's answer)."""
        try:
            entries = self._store.audit_log(AUDIT_ROWS)
        except SaveError as error:
            self._on_store_failed(error)
            return None
        self._audit_dialog = audit_dialog(self, entries, self._zone)
        return self._audit_dialog

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
        self.detail.show_selected(self.selected())

    # -- the kiosks ------------------------------------------------------------------------

    def refresh_kiosks(self) -> None:
        try:
            now, statuses = self._store.kiosks()
        except SaveError as error:
            self._on_store_failed(error)
            return
        self.kiosk_statuses = self.kiosks.show_kiosks(now, statuses)

    # -- being told about new requests -----------------------------------------------------

    def _on_connected(self) -> None:
        self._set_connected(True)
        self.reload()  # whatever arrived while not listening

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
        if count:
            self._notify(*new_requests_note(count, kiosks))

    def _on_store_failed(self, error: SaveError) -> None:
        self._set_connected(False, str(error))
        self._feed.lost(error)

    def _connection_text(self) -> str:
        return self.connection_label.text()

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
        self._feed.stop()
        if not self._export.stop(CLOSE_WAIT_S):
            log.warning("closed while an export was still waiting on the server")
        self._store.close()
        super().closeEvent(event)
