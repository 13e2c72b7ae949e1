"""The language button: one button per language, each named in its own script, at the right end
of the header band of every visitor screen (slideshow, form, thank-you). One tap switches.

It keeps its place and its order in every language, Arabic and Hebrew included, so a visitor
who cannot read the language on screen finds the way back where they found the way in.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from kiosk.ui.page_view import language_button_width, language_metrics


class LanguageBar(QWidget):
    """A row of language buttons; the current language's is checked.

    Signals:
        language_chosen(str): a visitor tapped another language's button (its code).
    """

    language_chosen = Signal(str)

    def __init__(
        self, languages: Sequence[tuple[str, str]], current: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("language-bar")
        self.setAccessibleName("Language")
        # The same place and order in every language (see the module's docstring).
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._layout = layout
        self.buttons: dict[str, QPushButton] = {}
        for code, name in languages:
            button = QPushButton(name, self)
            button.setObjectName(f"language-{code}")
            button.setProperty("language", True)
            button.setCheckable(True)
            button.setAccessibleName(name)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            button.clicked.connect(self._on_button_clicked)
            layout.addWidget(button)
            self.buttons[code] = button
        if len(self.buttons) < 2:
            self.hide()
        elif parent is not None and parent.isVisible():
            self.show()  # made on a screen already shown: a new article's languages
        # Otherwise it shows with its screen. Showing it now would lay it out in the default
        # font before the screen has its style: Qt would look for the fonts for 中文 and
        # العربية twice (30 M instructions of the first page; benchmarks/startup_work.py).
        self.set_current(current)

    def set_current(self, code: str) -> None:
        for name, button in self.buttons.items():
            button.setChecked(name == code)

    def fit(self, body_px: int, rect: QRect | None = None) -> None:
        """Type and padding for ``body_px``; at ``rect`` when given (a painted header)."""
        font_px, pad, spacing = language_metrics(body_px)
        self._layout.setSpacing(spacing)
        height = rect.height() if rect is not None and not rect.isEmpty() else round(font_px * 2)
        for button in self.buttons.values():
            button.setFixedHeight(height)
            button.setStyleSheet(f"font-size: {font_px}px; padding: 0px {pad}px; min-height: 0px;")
            button.setFixedWidth(language_button_width(button.text(), body_px))
        if rect is not None and not rect.isEmpty():
            self.setGeometry(rect)
        self.raise_()

    def _on_button_clicked(self) -> None:
        sender = self.sender()
        for code, button in self.buttons.items():
            if button is sender:
                button.setChecked(True)  # a tap on the current language keeps it
                self.language_chosen.emit(code)
                return
