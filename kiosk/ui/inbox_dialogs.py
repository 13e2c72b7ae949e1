"""What the front-desk inbox asks of the desktop: a notification when requests arrive (naming
the kiosk, never the visitor), the question before a delete, where to save an export, and the
audit log's window."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.storage.records import AuditEntry
from kiosk.ui.staff_words import local_time, requests_word

log = logging.getLogger(__name__)


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


def new_requests_note(count: int, kiosks: Sequence[str]) -> tuple[str, str]:
    """A notification's title and body for ``count`` new requests from ``kiosks`` (when
    known): it names the kiosk, never the visitor."""
    where = f" from {', '.join(kiosks)}" if kiosks else ""
    return (
        "New request" if count == 1 else f"{count} new requests",
        f"{count} new {requests_word(count)}{where} in the front-desk inbox.",
    )


def ask_delete(parent: QWidget, question: str) -> bool:
    """Ask before deleting (No is the default); whether the answer was Yes."""
    answer = QMessageBox.question(
        parent,
        "Delete requests",
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def choose_csv(parent: QWidget) -> Path | None:
    """The file an export goes to (the dialog asks before replacing one), or None."""
    name, _ = QFileDialog.getSaveFileName(
        parent, "Export requests", str(Path.home() / "requests.csv"), "CSV files (*.csv)"
    )
    return Path(name) if name else None


def audit_dialog(parent: QWidget, entries: Sequence[AuditEntry], zone: ZoneInfo) -> QDialog:
    """A window with these audit rows (never a visitor's answer), shown."""
    dialog = QDialog(parent)
    dialog.setObjectName("inbox-audit")
    dialog.setWindowTitle("Audit log")
    table = QTableWidget(len(entries), 5, dialog)
    table.setObjectName("audit-table")
    table.setHorizontalHeaderLabels(["When", "What", "Who", "How many", "Detail"])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for row, entry in enumerate(entries):
        cells = [
            local_time(entry.at, zone),
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
    return dialog
