"""The front-desk inbox's kiosks: each kiosk's latest heartbeat, with a kiosk silent for more
than five minutes, or whose backlog grows, flagged (and listed first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.storage.inbox import KioskStatus
from kiosk.ui.staff_words import local_time

FLAG_COLOR = QColor("#b3261e")
"""The colour of what needs a look: a flagged kiosk, a lost connection."""


def duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def _ago(seconds: float) -> str:
    return "just now" if seconds < 60 else f"{duration(seconds)} ago"


class KiosksBox(QGroupBox):
    """A summary line, and a table of the kiosks, those that need a look first."""

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__("Kiosks", parent)
        self._zone = zone
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            ["State", "Kiosk", "Last heard", "Waiting to send", "Content version", "Last error"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        box = QVBoxLayout(self)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        box.addWidget(self.table)

    def show_kiosks(self, now: datetime, statuses: Sequence[KioskStatus]) -> list[KioskStatus]:
        """Show these kiosks as they are at ``now``; them, in the order shown."""
        # Those that need a look first: on a small screen they are the rows in view.
        shown = sorted(
            statuses, key=lambda k: (not (k.silent(now) or k.backlog_growing), k.kiosk_id)
        )
        self.table.setRowCount(len(shown))
        flagged = 0
        for row, status in enumerate(shown):
            silent = status.silent(now)
            growing = status.backlog_growing
            if silent:
                state = f"SILENT for {duration((now - status.at).total_seconds())}"
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
                self.table.setItem(row, column, item)
            flagged += silent or growing
        total = len(shown)
        if not total:
            summary = "No kiosk has reported yet."
        elif flagged:
            summary = f"{flagged} of {total} kiosks need a look: see the State column."
        else:
            summary = f"All {total} kiosks reported in the last 5 minutes."
        self.summary.setText(summary)
        return shown
