"""The staff screen's top bar: its title, the filter chips, and Export, Lock and Exit kiosk,
kept in one row on any screen (without the title, then in smaller type, if it must)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from kiosk.ui.staff_words import FILTERS
from kiosk.ui.widgets import named_button


class StaffBar(QFrame):
    """The filters at the left, the actions at the right.

    Signals:
        filter_chosen(str): a filter chip was tapped (its name, a key of ``FILTERS``).
    """

    filter_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staff-bar")
        filters = QHBoxLayout()
        self.title = QLabel("Requests", self)
        self.title.setObjectName("staff-title")
        filters.addWidget(self.title)
        self.filters: dict[str, QPushButton] = {}
        for name in FILTERS:
            chip = QPushButton(name, self)
            chip.setProperty("chip", True)
            chip.setCheckable(True)
            chip.setObjectName(f"filter-{name.lower()}")
            chip.setAccessibleName(f"Show {name.lower()} requests")
            chip.clicked.connect(lambda _=False, n=name: self.filter_chosen.emit(n))
            filters.addWidget(chip)
            self.filters[name] = chip
        filters.addStretch(1)
        # One row: the filters at the left, the actions at the right (the bar's text is the
        # smaller staff size, so it fits a 1024-pixel or portrait screen).
        self.export_button = named_button("Export all (CSV)", "export", self, filters)
        self.lock_button = named_button("Lock", "lock", self, filters)
        self.exit_button = named_button("Exit kiosk", "exit-kiosk", self, filters)
        self.setLayout(filters)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def show_filter(self, name: str) -> None:
        """Check the chip ``name`` alone."""
        for chip_name, chip in self.filters.items():
            chip.setChecked(chip_name == name)

    def show_counts(self, counts: dict[str, int]) -> None:
        """Each chip's name with how many requests it shows, e.g. "New (3)"."""
        for name, chip in self.filters.items():
            chip.setText(f"{name} ({counts[name]})")

    def fit(self, width: int) -> None:
        """Keep the bar in one row on a screen ``width`` pixels wide: without its title, then
        in smaller type, if it must."""
        layout = self.layout()
        if layout is None or width <= 0:
            return
        buttons = [w for w in self.findChildren(QPushButton) if w.parent() is self]
        parts: list[QLabel | QPushButton] = [self.title, *buttons]
        for part in parts:
            part.setStyleSheet("")
            part.ensurePolished()
        margins = layout.contentsMargins()
        room = width - margins.left() - margins.right() - 2 * self.x() - 8
        # What each part needs besides its text (padding, border), at any text size.
        extra = {
            part: part.sizeHint().width() - part.fontMetrics().horizontalAdvance(part.text())
            for part in parts
        }

        def needed(pixels: int, title: bool) -> int:
            total = 0
            for part in parts:
                if part is self.title and not title:
                    continue
                font = QFont(part.font())
                font.setPixelSize(pixels)
                advance = QFontMetrics(font).horizontalAdvance(part.text())
                total += advance + extra[part] + layout.spacing()
            return total

        pixels = max(button.font().pixelSize() for button in buttons)
        self.title.setHidden(needed(pixels, True) > room)
        if needed(pixels, False) <= room:
            return
        while needed(pixels, False) > room and pixels > 12:
            pixels -= 1
        for part in parts:
            part.setStyleSheet(f"font-size: {pixels}px;")
