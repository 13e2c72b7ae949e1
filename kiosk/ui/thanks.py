"""The thank-you screen, shown only once a request has been committed."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.core.content import Content
from kiosk.core.words import N_
from kiosk.timers import TimerFactory, qt_timer
from kiosk.ui.page_chrome import Recolor, language_bar_for, same_colors
from kiosk.ui.page_paint import paint_footer, paint_header
from kiosk.ui.page_view import DISCLAIMER_SCALE, PageLayout
from kiosk.ui.typography import TextBlock, make_font

HINT = N_("Touch the screen to return to the start.")


class ThanksScreen(QWidget):
    """Thanks the visitor by first name and says when the clinic will be in touch, under the
    clinic's header and above the crisis line, at the slides' type sizes.

    Goes back after ``content.timing.thanks_seconds`` or on a tap.

    Signals:
        finished(): time to show the slideshow again.
    """

    finished = Signal()
    language_chosen = Signal(str)

    def __init__(
        self,
        content: Content,
        timer_factory: TimerFactory = qt_timer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("thanks")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName("Thank you")
        self._content = content
        self._scale = 1.0
        self._recolor: Recolor = same_colors
        self.access_button: QPushButton | None = None
        self._page: PageLayout | None = None
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(2)
        self.title = QLabel("", self)
        self.title.setObjectName("thanks-title")
        self.body = QLabel(content.form.thanks.body, self)
        self.body.setObjectName("thanks-body")
        self.hint = QLabel(content.words.tr(HINT), self)
        self.hint.setObjectName("thanks-hint")
        for label in (self.title, self.body, self.hint):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self._layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        self._layout.addStretch(3)
        self._timer = timer_factory(self)
        self._timer.setObjectName("thanks")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self.language_bar = language_bar_for(content, self, None, self._on_language_chosen)

    def replace_content(self, content: Content) -> None:
        """Use new content's wording, branding and timing from the next thank-you on."""
        self._content = content
        self.body.setText(content.form.thanks.body)
        self.hint.setText(content.words.tr(HINT))
        self.setAccessibleDescription(f"{self.title.text()} {self.body.text()}".strip())
        self.language_bar = language_bar_for(
            content, self, self.language_bar, self._on_language_chosen
        )
        self._page = None
        self._fit()
        self.update()

    def set_access_button(self, button: QPushButton) -> None:
        """Place the accessibility button (at the left end of the footer band)."""
        self.access_button = button
        button.setParent(self)
        page = self._page_layout()
        if page is not None:
            button.setGeometry(page.access_rect)
        button.show()

    def set_look(self, scale: float, recolor: Recolor) -> None:
        """Text at ``scale`` times the body size, in ``recolor``'s colours."""
        self._scale, self._recolor = scale, recolor
        self._page = None
        self._fit()
        self.update()

    def spoken(self) -> list[str]:
        """What read aloud says for this screen."""
        return [self.title.text(), self.body.text(), self.hint.text()]

    def show_thanks(self, title: str, longer: bool = False) -> None:
        """Thank the visitor; ``longer`` (read aloud on) stays twice as long."""
        self.title.setText(title)
        self.setAccessibleDescription(f"{title} {self.body.text()}")
        self._fit()
        seconds = self._content.timing.thanks_seconds * (2 if longer else 1)
        self._timer.start(round(seconds * 1000))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._on_timeout()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()
        # The visitor's name must not linger, even in a hidden screen.
        self.title.setText("")
        self.setAccessibleDescription("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._page = None
        self._fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        page = self._page_layout()
        if page is None:
            return
        painter = QPainter(self)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        paint_header(painter, page)
        paint_footer(painter, page)
        painter.end()

    def _page_layout(self) -> PageLayout | None:
        """The slides' layout at this size: the same header, footer and type sizes."""
        if self.size().isEmpty():
            return None
        if self._page is None or self._page.size != self.size():
            self._page = PageLayout(self._recolor(self._content), self.size(), self._scale)
            if self.access_button is not None:
                self.access_button.setGeometry(self._page.access_rect)
        return self._page

    def _fit(self) -> None:
        """Slide type sizes; lines no longer than the slides' text column, wrapped evenly
        (no lone last word); the text between the header and the footer."""
        page = self._page_layout()
        if page is None:
            return
        body = page.article_px
        sizes = {
            self.title: (round(body * 1.6), True),
            self.body: (body, False),
            self.hint: (round(body * DISCLAIMER_SCALE), False),
        }
        column = page.content_rect.width()
        for label, (pixels, bold) in sizes.items():
            weight = "bold" if bold else "normal"
            label.setStyleSheet(f"font-size: {pixels}px; font-weight: {weight};")
            text = label.text() or " "
            block = TextBlock(
                text,
                make_font(pixels, bold),
                column,
                align=Qt.AlignmentFlag.AlignHCenter,
                balanced=True,
            )
            # A little slack: the label's own line breaking may differ from the layout's by a
            # pixel or two, and must never need a line more than it is given.
            width = min(column, math.ceil(block.natural_width()) + pixels)
            label.setFixedWidth(width)
            label.setMinimumHeight(max(0, label.heightForWidth(width)))
        self.language_bar.fit(page.body_px, page.language_rect)
        self._layout.setSpacing(page.gap * 2)
        self._layout.setContentsMargins(
            page.margin,
            page.header_rect.height() + page.gap,
            page.margin,
            page.footer_rect.height() + page.gap,
        )

    def _on_language_chosen(self, code: str) -> None:
        if self._timer.isActive():  # the visitor is still here: give them the time again
            self._timer.start(round(self._content.timing.thanks_seconds * 1000))
        self.language_chosen.emit(code)

    def _on_timeout(self) -> None:
        self._timer.stop()
        self.finished.emit()
