"""The accessibility button every visitor screen has, and the panel it opens: Read aloud,
Text size, High contrast, Volume, Done. :class:`kiosk.ui.access.AccessController` holds the
settings the panel shows and changes."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLabel, QPushButton, QWidget

from kiosk.core.access import DEFAULT, TEXT_SIZES, VOLUMES, AccessSettings
from kiosk.core.words import ENGLISH, Words
from kiosk.paths import resource
from kiosk.ui import access_text as text
from kiosk.ui.overlay import CardOverlay


@lru_cache(maxsize=8)
def access_symbol(ink: str, side: int) -> QPixmap:
    """The universal access symbol in ``ink``, ``side`` pixels square."""
    svg = resource("access.svg").read_text(encoding="utf-8").replace("INK", ink)
    data = QBuffer()
    data.setData(QByteArray(svg.encode("utf-8")))
    data.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(data, QByteArray(b"svg"))
    reader.setScaledSize(QSize(side, side))
    return QPixmap.fromImage(reader.read())


class AccessButton(QPushButton):
    """The symbol and the word, always at the left end of the screen's footer band."""

    def __init__(self, parent: QWidget | None = None, words: Words = ENGLISH) -> None:
        super().__init__(parent)
        self.setObjectName("access")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_words(words)

    def set_words(self, words: Words) -> None:
        """The word, its accessible name and description in the visitor's language."""
        self.setText(words.tr(text.BUTTON))
        self.setAccessibleName(words.tr(text.BUTTON))
        self.setAccessibleDescription(words.tr(text.BUTTON_DESCRIPTION))

    def set_look(self, ink: str, pixels: int) -> None:
        """The symbol's colour (the label's) and the label's size in pixels."""
        side = round(pixels * 1.3)
        self.setIcon(QIcon(access_symbol(ink, side)))
        self.setIconSize(QSize(side, side))


class AccessPanel(CardOverlay):
    """The panel the button opens: Read aloud, Text size, High contrast, Volume, Done.

    It covers the screen (a solid backdrop) with a card in the middle.

    Signals:
        changed(AccessSettings): the visitor changed a setting.
        closed(): Done (or a tap outside the card).
    """

    changed = Signal(object)
    closed = Signal()

    def __init__(self, parent: QWidget, words: Words = ENGLISH) -> None:
        super().__init__(parent, "access-panel", "access-card")
        self._words = words
        self._settings = DEFAULT
        self._unit = 16
        grid = QGridLayout(self.card)
        self._grid = grid
        self.title = QLabel(self.card)
        self.title.setObjectName("access-title")
        grid.addWidget(self.title, 0, 0, 1, 3)

        self.read_aloud = self._toggle("access-read-aloud")
        self.read_aloud.clicked.connect(self._on_read_aloud_clicked)
        grid.addWidget(self.read_aloud, 1, 0, 1, 3)

        self.size_label = QLabel(self.card)
        self.size_label.setObjectName("access-label")
        grid.addWidget(self.size_label, 2, 0, 1, 3)
        self.sizes: dict[str, QPushButton] = {}
        row = QWidget(self.card)
        self._size_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, row)
        self._size_row.setContentsMargins(0, 0, 0, 0)
        for key in TEXT_SIZES:
            button = self._toggle(f"access-size-{key}")
            button.clicked.connect(lambda _=False, k=key: self._set(text_size=k))
            self.sizes[key] = button
            self._size_row.addWidget(button, 1)
        grid.addWidget(row, 3, 0, 1, 3)

        self.contrast = self._toggle("access-contrast")
        self.contrast.clicked.connect(
            lambda: self._set(high_contrast=not self._settings.high_contrast)
        )
        grid.addWidget(self.contrast, 4, 0, 1, 3)

        self.volume_label = QLabel(self.card)
        self.volume_label.setObjectName("access-label")
        grid.addWidget(self.volume_label, 5, 0, 1, 3)
        self.quieter = self._button("access-quieter")
        self.quieter.clicked.connect(lambda: self._step_volume(-1))
        self.level = QLabel("", self.card)
        self.level.setObjectName("access-level")
        self.level.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.louder = self._button("access-louder")
        self.louder.clicked.connect(lambda: self._step_volume(1))
        grid.addWidget(self.quieter, 6, 0)
        grid.addWidget(self.level, 6, 1)
        grid.addWidget(self.louder, 6, 2)

        self.done = self._button("access-done")
        self.done.clicked.connect(self.closed)
        grid.addWidget(self.done, 7, 0, 1, 3)
        self.set_words(words)
        self.hide()

    def set_words(self, words: Words) -> None:
        """Every label and accessible name in the visitor's language."""
        self._words = words
        title = words.tr(text.PANEL_TITLE)
        self.setAccessibleName(title)
        self.title.setText(title)
        self.size_label.setText(words.tr(text.TEXT_SIZE))
        for key, button in self.sizes.items():
            name = words.tr(text.TEXT_SIZE_NAMES[key])
            button.setText(name)
            button.setAccessibleName(words.tr(text.SWITCH, name=self.size_label.text(), state=name))
        self.volume_label.setText(words.tr(text.VOLUME))
        for button, message in (
            (self.quieter, text.VOLUME_DOWN),
            (self.louder, text.VOLUME_UP),
            (self.done, text.CLOSE),
        ):
            button.setText(words.tr(message))
            button.setAccessibleName(button.text())
        self.show_settings(self._settings)
        self._fit_card()

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self.card)
        button.setObjectName(name)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def _toggle(self, name: str) -> QPushButton:
        button = self._button(name)
        button.setProperty("chip", True)
        button.setCheckable(True)
        return button

    @property
    def controls(self) -> list[QPushButton]:
        return [
            self.read_aloud,
            *self.sizes.values(),
            self.contrast,
            self.quieter,
            self.louder,
            self.done,
        ]

    def show_settings(self, settings: AccessSettings) -> None:
        self._settings = settings
        words = self._words
        for button, name, on in (
            (self.read_aloud, text.READ_ALOUD, settings.read_aloud),
            (self.contrast, text.HIGH_CONTRAST, settings.high_contrast),
        ):
            button.setChecked(on)
            button.setText(
                words.tr(
                    text.SWITCH, name=words.tr(name), state=words.tr(text.ON if on else text.OFF)
                )
            )
            button.setAccessibleName(words.tr(name))
        for key, button in self.sizes.items():
            button.setChecked(key == settings.text_size)
        percent = round(settings.volume * 100)
        self.level.setText(f"{percent}%")
        self.level.setAccessibleName(words.tr(text.VOLUME_LEVEL, percent=percent))

    def fit(self, unit: int) -> None:
        """Room around everything for a text size of ``unit`` pixels."""
        self._unit = unit
        self._grid.setContentsMargins(unit, unit, unit, unit)
        self._grid.setSpacing(max(8, unit // 2))
        self._fit_card()

    def _fit_card(self) -> None:
        width = self.width()
        room = width - 2 * max(12, self._unit // 2)
        card = max(min(room, max(round(width * 0.6), self._unit * 24)), 200)
        self.card.setFixedWidth(card)
        # The three sizes side by side when they fit, else one above the other.
        inner = card - 2 * self._unit
        needed = sum(b.sizeHint().width() for b in self.sizes.values()) + 2 * self._unit
        self._size_row.setSpacing(max(8, self._unit // 2))
        self._size_row.setDirection(
            QBoxLayout.Direction.LeftToRight
            if needed <= inner
            else QBoxLayout.Direction.TopToBottom
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_card()

    def _on_read_aloud_clicked(self) -> None:
        self._set(read_aloud=not self._settings.read_aloud)

    def _step_volume(self, step: int) -> None:
        current = min(range(len(VOLUMES)), key=lambda i: abs(VOLUMES[i] - self._settings.volume))
        index = min(max(current + step, 0), len(VOLUMES) - 1)
        self._set(volume=VOLUMES[index])

    def _set(self, **changes: object) -> None:
        settings = self._settings.with_(**changes)
        self.show_settings(settings)
        self.changed.emit(settings)

    def mouseReleaseEvent(self, event: object) -> None:
        self.closed.emit()  # a tap beside the card puts the panel away
