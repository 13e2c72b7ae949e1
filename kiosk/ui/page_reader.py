"""Reading the slideshow's page aloud: what is said (and which stretch of the page each part
is), which utterance is the page's, and the four controls shown over the progress band while
read aloud is on (Previous page, Pause/Resume, Read again, Next page).

The slideshow decides when to read and what to show; :class:`PageReader` keeps the speaker's
bookkeeping and tells it which part to highlight and when the page has been read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.core.pagination import Page, split_sentences
from kiosk.core.words import ENGLISH, Words
from kiosk.ui import access_text as spoken
from kiosk.ui.page_paint import Highlight
from kiosk.ui.page_view import PageLayout

if TYPE_CHECKING:
    from kiosk.ui.speech import Speaker

CONTROLS = ("previous", "pause", "repeat", "next")
"""The read-aloud controls, left to right; each button is named ``read-NAME``."""


def reading_parts(
    page: Page, number: int, total: int, words: Words = ENGLISH
) -> list[tuple[str, Highlight | None]]:
    """What read aloud says for a page, in order, each with the stretch of the page it is
    (to highlight): the heading, where the page is (in ``words``' language), then every
    sentence."""
    parts: list[tuple[str, Highlight | None]] = []
    if not page.continued:
        parts.append((page.heading, (-1, 0, len(page.heading))))
    parts.append((words.tr(spoken.PAGE_POSITION, number=number + 1, total=total), None))
    for index, paragraph in enumerate(page.paragraphs):
        start = len(paragraph) - len(paragraph.lstrip())
        for sentence in split_sentences(paragraph):
            parts.append((sentence, (index, start, len(sentence.rstrip()))))
            start += len(sentence)
    return parts


class PageReader(QObject):
    """The speaker reading one page at a time, and the controls on ``screen``.

    Signals:
        part_started(object): the engine began a part of the page: the stretch to highlight
            (a :data:`Highlight`, or None for a part that is not on the page).
        page_read(): every part of the page was spoken.
    """

    part_started = Signal(object)
    page_read = Signal()

    def __init__(self, screen: QWidget) -> None:
        super().__init__(screen)
        self._speaker: Speaker | None = None
        self._utterance = 0  # the utterance reading the page now (0: none)
        self._parts: list[tuple[str, Highlight | None]] = []
        self.controls: dict[str, QPushButton] = {}
        for name in CONTROLS:
            button = QPushButton(screen)
            button.setObjectName(f"read-{name}")
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.hide()
            self.controls[name] = button

    @property
    def speaker(self) -> Speaker | None:
        return self._speaker

    @property
    def reading(self) -> bool:
        """The page is being read aloud now."""
        return bool(
            self._utterance
            and self._speaker is not None
            and self._speaker.utterance == self._utterance
        )

    def set_speaker(self, speaker: Speaker | None) -> bool:
        """Read with ``speaker`` from now on (None: not at all; the controls go); whether it
        is another speaker than before (the old one stops reading the page)."""
        if speaker is self._speaker:
            return False
        if self._speaker is not None:
            self._speaker.part_started.disconnect(self._on_part_started)
            self._speaker.finished.disconnect(self._on_finished)
            if self.reading:
                self._speaker.stop()
        self._speaker = speaker
        self._utterance = 0
        for button in self.controls.values():
            button.setVisible(speaker is not None)
        if speaker is not None:
            speaker.part_started.connect(self._on_part_started)
            speaker.finished.connect(self._on_finished)
        return True

    def read(self, page: Page, number: int, total: int, words: Words, paused: bool) -> None:
        """Read page ``number`` of ``total`` from its start (held at once if ``paused``)."""
        if self._speaker is None:
            return
        self._parts = reading_parts(page, number, total, words)
        self._utterance = self._speaker.speak([text for text, _ in self._parts])
        if paused:
            self._speaker.pause()

    def pause(self) -> None:
        if self.reading and self._speaker is not None:
            self._speaker.pause()

    def resume(self) -> None:
        if self.reading and self._speaker is not None:
            self._speaker.resume()

    def stop(self) -> None:
        """Stop reading the page (the speaker stops only if it is reading it)."""
        if self.reading and self._speaker is not None:
            self._speaker.stop()
        self._utterance = 0

    def name_controls(self, words: Words, paused: bool) -> None:
        """The controls' words, in the language shown (Pause or Resume as ``paused`` says)."""
        for name, message in (
            ("previous", spoken.PREVIOUS),
            ("pause", spoken.RESUME if paused else spoken.PAUSE),
            ("repeat", spoken.REPEAT),
            ("next", spoken.NEXT),
        ):
            self.controls[name].setText(words.tr(message))
            self.controls[name].setAccessibleName(words.tr(message))

    def place_controls(self, layout: PageLayout, words: Words) -> None:
        """The controls side by side over the progress band."""
        band = layout.controls_rect
        gap = layout.gap // 2
        count = len(self.controls)
        width = (band.width() - gap * (count - 1)) // count
        height = max(44, band.height())
        top = band.bottom() + 1 - height
        font = max(12, min(round(layout.body_px * 0.7), height // 2))
        # Smaller type where a language's words are longer ("Página siguiente"): every label,
        # Pause and Resume both, fits its button.
        labels = [b.text() for b in self.controls.values()]
        labels += [words.tr(spoken.PAUSE), words.tr(spoken.RESUME)]
        measure = QFont(self.controls["next"].font())
        measure.setBold(True)
        while font > 12:
            measure.setPixelSize(font)
            widest = max(QFontMetricsF(measure).horizontalAdvance(label) for label in labels)
            if widest + font <= width:
                break
            font -= 1
        for index, button in enumerate(self.controls.values()):
            button.setGeometry(band.left() + index * (width + gap), top, width, height)
            button.setStyleSheet(f"font-size: {font}px; padding: 0px;")

    def _on_part_started(self, utterance: int, part: int) -> None:
        if utterance != self._utterance or not 0 <= part < len(self._parts):
            return
        self.part_started.emit(self._parts[part][1])

    def _on_finished(self, utterance: int) -> None:
        if utterance != self._utterance:
            return
        self._utterance = 0
        self.page_read.emit()
