"""The lists of requests staff see: the kiosk's staff screen pages them from SQLite a page at
a time; the front-desk inbox holds the newest and merges new ones in as they are announced.
Both are flat tables of :class:`StoredRequest`, newest first."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from kiosk.core.form import FormField
from kiosk.core.words import staff_language_label
from kiosk.storage.store import RequestStore, StoredRequest
from kiosk.ui.staff_words import answer_text, local_time, short_time

PAGE_SIZE = 100
"""Rows the staff screen fetches from SQLite at a time as the list scrolls."""
CONTACT_TYPES = ("text", "phone", "email")
"""The inbox's list shows the first three answers of these types."""

IndexLike = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
"""The invalid index: the parent of every row of a flat table."""


def request_table(
    model: RequestRows, selection: QAbstractItemView.SelectionMode, parent: QWidget
) -> QTableView:
    """A read-only table of requests: a tap selects the whole row, no row numbers, every column
    as wide as its contents."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class RequestRows(QAbstractTableModel):
    """A flat table of requests under a row of headers; ``_rows`` holds those shown."""

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__()
        self._headers = tuple(headers)
        self._rows: list[StoredRequest] = []

    def request(self, row: int) -> StoredRequest:
        return self._rows[row]

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


class RequestsModel(RequestRows):
    """The staff screen's list: requests newest first, fetched a page at a time as the view
    scrolls."""

    HEADERS = ("ID", "Received", "Name", "Contact", "Status")

    def __init__(
        self,
        store: RequestStore,
        fields: Sequence[FormField],
        zone: ZoneInfo,
        default_language: str = "en",
    ) -> None:
        super().__init__(self.HEADERS)
        self._store = store
        self._default_language = default_language
        self._zone = zone
        self._name_key = next((f.key for f in fields if f.type == "text"), None)
        self._contact_keys = [f.key for f in fields if f.type in ("phone", "email")]
        self._status: str | None = "new"
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


class InboxRequestsModel(RequestRows):
    """The inbox's list: the requests shown, newest first, filtered by status; merged as they
    arrive."""

    def __init__(self, fields: Sequence[FormField], zone: ZoneInfo) -> None:
        shown = [f for f in fields if f.type in CONTACT_TYPES][:3]
        super().__init__(["Received", "Kiosk", "Status", *(f.label for f in shown), "Language"])
        self._zone = zone
        self._keys = [f.key for f in shown]
        self._sort_keys: list[tuple[float, int]] = []  # ascending: the negated time and id
        self._by_id: dict[int, StoredRequest] = {}
        self.status: str | None = "new"

    def accepts(self, request: StoredRequest) -> bool:
        return self.status is None or request.status == self.status

    def ids(self) -> set[int]:
        return set(self._by_id)

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
        return answer_text(request.answers.get(self._keys[column - 3], ""))
