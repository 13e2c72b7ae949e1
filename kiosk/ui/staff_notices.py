"""The staff screen's standing notices: what staff must know before anything else (content.yaml
has problems, the front-desk inbox cannot be reached) and damaged databases set aside, with
the date retention deletes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from kiosk.storage.failures import SetAside
from kiosk.ui.staff_words import breakable, local_time


def notice_label(parent: QWidget) -> QLabel:
    """A notice across the screen, hidden until it has something to say."""
    notice = QLabel("", parent)
    notice.setObjectName("staff-notice")
    notice.setWordWrap(True)
    notice.setTextFormat(Qt.TextFormat.PlainText)
    notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    notice.hide()
    return notice


def set_aside_text(
    found: Sequence[SetAside], retention_days: int, zone: ZoneInfo, data_dir: Path
) -> str:
    """A line for each damaged database moved aside: it may hold requests the list does not
    show, and retention deletes it on a date staff should know."""
    return "\n".join(
        f"A damaged requests database was set aside on "
        f"{local_time(aside.moved_at, zone)} as {aside.name} in "
        f"{breakable(str(data_dir))}. It may hold requests that are not in this "
        "list: ask IT to look at it. It will be deleted on "
        f"{(aside.moved_at + timedelta(days=retention_days)).astimezone(zone):%Y-%m-%d} "
        f"(kept {retention_days} days, like contacted requests)."
        for aside in found
    )
