"""The slideshow screen: the article a page at a time, looping forever.

Pages are painted once into a pixmap each; a page change cross-fades the two cached pixmaps in
one paint per frame (:mod:`kiosk.ui.cross_fade`), and only the part of the screen that differs
is repainted. A page just laid out (the first, or after a resize or a new look) is painted
straight onto the screen until a page change needs its pixmap. Between page changes nothing
runs but one single-shot timer. What a touch means is in :mod:`kiosk.ui.slide_touch`, reading
the page aloud in :mod:`kiosk.ui.page_reader`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.core.content import Content
from kiosk.core.pagination import Page, Pages, page_at, reading_position
from kiosk.timers import Clock, TimerFactory, monotonic, qt_timer
from kiosk.ui.cross_fade import CrossFade
from kiosk.ui.page_chrome import Recolor, language_bar_for, same_colors
from kiosk.ui.page_paint import Highlight, fill_band, paint_page, paint_pause_mark, render_page
from kiosk.ui.page_reader import PageReader
from kiosk.ui.page_view import PageLayout
from kiosk.ui.slide_touch import SlideTouch

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.ui.speech import Speaker

log = logging.getLogger(__name__)

AFTER_READING_MS = 2000
"""With read aloud on, a page stays this long after it has been read, then the next comes."""


class SlideshowScreen(QWidget):
    """Shows the article's pages, advancing by itself; swipe or tap the edges to turn pages.

    Signals:
        page_changed(int): the page now shown, as an index into :attr:`pages`.
        paused_changed(bool): the visitor paused (True) or the show resumed (False).
        first_page_shown(): the first page has been painted (once).
        request_info_requested(): the visitor tapped "Request more information".
        staff_requested(): someone held a finger on the clinic logo (the hidden staff entry).
    """

    page_changed = Signal(int)
    paused_changed = Signal(bool)
    first_page_shown = Signal()
    request_info_requested = Signal()
    staff_requested = Signal()
    language_chosen = Signal(str)

    def __init__(
        self,
        content: Content,
        timer_factory: TimerFactory = qt_timer,
        clock: Clock = monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("slideshow")
        self.setAccessibleName("Article slideshow")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._content = content
        self._pending: Content | None = None
        self._layout: PageLayout | None = None
        self._pages: Sequence[Page] = ()
        self._describe_later = False  # the description waits for every page to be split
        self._finish_queued = False
        self._index = 0
        self._fade = CrossFade(self, timer_factory, clock)
        self._fade.frame.connect(self._on_fade_frame)
        self._paused = False
        self._first_shown = False
        self._scale = 1.0
        self._recolor: Recolor = same_colors
        self.access_button: QPushButton | None = None
        self._reader = PageReader(self)
        self._reader.part_started.connect(self._on_part_started)
        self._reader.page_read.connect(self._on_page_read)
        self.controls = self._reader.controls
        self._name_controls()
        self.controls["previous"].clicked.connect(lambda: self._turn(forward=False))
        self.controls["next"].clicked.connect(lambda: self._turn(forward=True))
        self.controls["pause"].clicked.connect(self.toggle_paused)
        self.controls["repeat"].clicked.connect(self._on_repeat_clicked)

        self._request_button = QPushButton(content.form.button_label, self)
        self._request_button.setObjectName("request-info")
        self._request_button.setAccessibleName(content.form.button_label)
        self._request_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._request_button.clicked.connect(self.request_info_requested)
        self.language_bar = language_bar_for(content, self, None, self._on_language_chosen)

        self._advance = timer_factory(self)
        self._advance.setObjectName("advance")
        self._advance.setSingleShot(True)
        self._advance.timeout.connect(self.next_page)
        self._resume = timer_factory(self)
        self._resume.setObjectName("resume")
        self._resume.setSingleShot(True)
        self._resume.timeout.connect(lambda: self.set_paused(False))
        self._touch = SlideTouch(self, timer_factory)
        self._touch.turned.connect(self._turn)
        self._touch.tapped.connect(self.toggle_paused)
        self._touch.held.connect(self.staff_requested)

    # -- public state ----------------------------------------------------------------------

    @property
    def pages(self) -> list[Page]:
        """The pages for the current size (empty until the widget has a size): all of them,
        split now if the show has not split them yet."""
        self._ensure_layout()
        return list(self._pages)

    @property
    def page_layout(self) -> PageLayout | None:
        self._ensure_layout()
        return self._layout

    @property
    def current_index(self) -> int:
        return self._index

    @property
    def is_paused(self) -> bool:
        return self._paused

    @property
    def is_fading(self) -> bool:
        return self._fade.fading

    def next_page(self) -> None:
        """Show the next page (after the last, the first)."""
        if self._pages:
            self.show_page((self._index + 1) % len(self._pages))

    def previous_page(self) -> None:
        """Show the previous page (before the first, the last)."""
        if self._pages:
            self.show_page((self._index - 1) % len(self._pages))

    def replace_content(self, content: Content) -> None:
        """Show ``content`` from the next page change on (by itself, or a visitor's swipe or
        tap on an edge): paginated for the current size, with its own timings and button
        label, from its first page (the old position may not exist in it, and a new version
        is best read from the start), at once without a cross-fade (the header and footer may
        change too). A hidden slideshow (a visitor in the form) keeps it waiting until shown
        and a page turns. Content equal to what is shown cancels any still waiting."""
        self._pending = None if content == self._content else content

    def show_language(self, content: Content) -> None:
        """Show ``content`` (the article in another language) at once, from its first page,
        laid out again for this screen: a visitor tapped a language button."""
        self._pending = content
        self._fade.stop()
        self._swap_in_pending()
        if self._pages:
            self._fade.current = self._render(self._index)
            self._update_accessible_text()
        self.update()
        if self._reader.speaker is not None and self.isVisible():
            self.read_page()  # the new page, in the new language's voice
        elif not self._paused:
            self._start_advance()
        self.page_changed.emit(self._index)

    def _on_language_chosen(self, code: str) -> None:
        self.language_chosen.emit(code)

    def _name_controls(self) -> None:
        """The read-aloud controls' words, in the language shown."""
        self._reader.name_controls(self._content.words, self._paused)

    def set_access_button(self, button: QPushButton) -> None:
        """Place the accessibility button (at the left end of the footer band)."""
        self.access_button = button
        button.setParent(self)
        if self._layout is not None:
            button.setGeometry(self._layout.access_rect)
        button.show()

    def set_look(self, scale: float, recolor: Recolor) -> None:
        """Lay the article out again at ``scale`` times the body size, in ``recolor``'s colours,
        keeping the reading position."""
        self._scale, self._recolor = scale, recolor
        layout = self._layout
        if (
            layout is not None
            and layout.scale == scale
            and layout.content == recolor(self._content)
        ):
            return  # laid out like this already (a resize has just done it)
        self._layout = None
        if self.isVisible():  # else laid out when shown, at the size it is shown at
            self._ensure_layout()
        self.update()
        if self._reader.speaker is not None and self.isVisible():
            self.read_page()

    def set_speaker(self, speaker: Speaker | None) -> None:
        """Read every page aloud with ``speaker`` (None: stop reading)."""
        if not self._reader.set_speaker(speaker):
            return
        if speaker is not None:
            if self.isVisible() and self._pages:
                self.read_page()
        elif self._pages and self._layout is not None:
            self._fade.current = self._render(self._index)
            self.update()
            if not self._paused:
                self._start_advance()

    @property
    def reading(self) -> bool:
        """The page is being read aloud now."""
        return self._reader.reading

    def read_page(self) -> None:
        """Read the page shown aloud from its start (the page waits until it is done)."""
        if self._reader.speaker is None or not self._pages:
            return
        self._advance.stop()
        page = self._pages[self._index]
        self._reader.read(page, self._index, len(self._pages), self._content.words, self._paused)

    def set_paused(self, paused: bool) -> None:
        """Hold the current page (showing a pause mark) or carry on advancing."""
        if paused:
            self._advance.stop()
            self._resume.start(round(self._content.timing.idle_resume_seconds * 1000))
            self._reader.pause()
        else:
            self._resume.stop()
            self._reader.resume()
            self._start_advance()
        if paused != self._paused:
            self._paused = paused
            self._name_controls()
            self._update_pause_mark()
            self.paused_changed.emit(paused)

    def toggle_paused(self) -> None:
        """Pause, or carry on: a tap on the page, the pause button or the space bar."""
        self.set_paused(not self._paused)

    # -- page changes ----------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        """Show page ``index`` (cross-fading when on screen); if new content is waiting
        (:meth:`replace_content`), its first page instead."""
        swapped = self._pending is not None
        if swapped:
            self._swap_in_pending()
            index = 0
        self._ensure_layout()
        if not self._pages:
            return
        fade = self._content.timing.fade_ms > 0 and self.isVisible() and not swapped
        if fade and self._fade.current is None:
            # The page shown was painted straight onto the screen: the fade starts from it.
            self._fade.current = self._render(self._index)
        self._index = index
        page = self._render(index)
        if fade:
            self._fade.fade_to(page, self._content.timing.fade_ms / 1000)
        else:
            self._fade.cut_to(page)
        self._update_accessible_text()
        self.update(self.rect() if swapped else self._changing_rect())
        if self._reader.speaker is not None and self.isVisible():
            self.read_page()
        elif not self._paused:
            self._start_advance()
        self.page_changed.emit(index)

    def _swap_in_pending(self) -> None:
        """Make the waiting content the one shown, paginated for the current size."""
        content, self._pending = self._pending, None
        assert content is not None
        self._content = content
        label = content.form.button_label
        self._request_button.setText(label)
        self._request_button.setAccessibleName(label)
        self.language_bar = language_bar_for(
            content, self, self.language_bar, self._on_language_chosen
        )
        self._name_controls()
        self._index = 0
        size = self.size()
        if size.isEmpty():
            self._layout, self._pages = None, ()
        else:
            self._paginate(size)
        log.info("now showing content version %s", content.content_version)

    def _render(self, index: int, highlight: Highlight | None = None) -> QPixmap:
        assert self._layout is not None
        return render_page(self._layout, self._pages[index], self.devicePixelRatioF(), highlight)

    def _start_advance(self) -> None:
        if self.reading:
            return  # the page waits until it has been read
        if self._pages and self.isVisible():
            self._advance.start(round(self._pages[self._index].seconds * 1000))

    def _on_part_started(self, highlight: Highlight | None) -> None:
        if self._pages and self._layout is not None:
            self._fade.cut_to(self._render(self._index, highlight))
            self.update(self._changing_rect())

    def _on_page_read(self) -> None:
        if self._pages and self._layout is not None:
            self._fade.current = self._render(self._index)
            self.update(self._changing_rect())
        if not self._paused and self._pages and self.isVisible():
            self._advance.start(AFTER_READING_MS)

    def _on_repeat_clicked(self) -> None:
        self.set_paused(False)
        self.read_page()

    def _changing_rect(self) -> QRect:
        """The part of the screen that differs between pages: the text and the dots."""
        if self._layout is None:
            return self.rect()
        top = self._layout.content_rect.top()
        return QRect(0, top, self.width(), self._layout.dots_rect.bottom() + 1 - top)

    def _on_fade_frame(self) -> None:
        self.update(self._changing_rect())

    # -- Qt overrides ----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._ensure_layout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._ensure_layout()
        if self._reader.speaker is not None:
            self.read_page()
        elif self._paused:
            self._resume.start(round(self._content.timing.idle_resume_seconds * 1000))
        else:
            self._start_advance()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        for timer in (self._advance, self._resume):
            timer.stop()
        self._touch.cancel()
        self._fade.stop()
        self._reader.stop()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_layout()
        painter = QPainter(self)
        if self._fade.current is not None:
            self._fade.paint(painter)
        elif self._layout is not None and self._pages:
            # Just laid out (the first page, after a resize or a new look): painted straight on
            # screen. A screen-sized pixmap filled and copied took 6 ms at 1920x1080 and 24 at
            # 3840x2160; it is made when a page change fades.
            fill_band(painter, event.rect(), self._layout.colors["background"])
            paint_page(painter, self._layout, self._pages[self._index])
        else:
            painter.fillRect(event.rect(), QColor(self._content.clinic.colors.background))
            return
        if self._paused:
            assert self._layout is not None
            paint_pause_mark(painter, self._layout)
        painter.end()
        if not self._all_split() and not self._finish_queued:
            # From the event loop: this page reaches the screen before the other sections are
            # split (and before what the first page's signal starts, queued after it). Qt's own
            # zero timer, not the injected factory's: it only puts the work after this paint.
            self._finish_queued = True
            QTimer.singleShot(0, self, self._finish_splitting)
        if not self._first_shown:
            self._first_shown = True
            self.first_page_shown.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._paused:  # any touch counts as someone still reading
            self._resume.start(round(self._content.timing.idle_resume_seconds * 1000))
        hold = self._content.staff.long_press_seconds
        self._touch.press(event.position().toPoint(), self._logo_rect(), hold)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._touch.move(event.position().toPoint(), self._logo_rect())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._touch.release(event.position().toPoint()):
            event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Right:
            self._turn(forward=True)
        elif key == Qt.Key.Key_Left:
            self._turn(forward=False)
        elif key == Qt.Key.Key_Space:
            self.toggle_paused()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._reader.speaker is not None:
            self._on_repeat_clicked()
        else:
            super().keyPressEvent(event)

    # -- helpers ---------------------------------------------------------------------------

    def _turn(self, forward: bool) -> None:
        """A visitor turned the page: show it and hold it until they stop touching."""
        self.set_paused(True)
        if forward:
            self.next_page()
        else:
            self.previous_page()

    def _ensure_layout(self) -> None:
        """Paginate for the widget's size if that has changed (a resize or a rotation)."""
        size = self.size()
        if size.isEmpty() or (self._layout is not None and self._layout.size == size):
            return
        self._reader.stop()
        position = reading_position(self._pages, self._index)
        self._paginate(size)
        self._describe_later = False  # not while the reading position is looked for
        self._index = page_at(self._pages, position)
        self._fade.cut_to(None)  # the next paint draws the page (see paintEvent)
        if self._all_split():
            self._update_accessible_text()
        else:
            # "Page 3 of 8" needs every page: said once the rest is split, after the page is
            # painted (a hidden slideshow's waits until it is shown) or when first counted.
            self._describe_later = True
        self.update()

    def _paginate(self, size: QSize) -> None:
        """Lay out the content for ``size`` and split it into pages."""
        self._layout = PageLayout(self._recolor(self._content), size, self._scale)
        self._request_button.setGeometry(self._layout.button_rect)
        if self.access_button is not None:
            self.access_button.setGeometry(self._layout.access_rect)
        self._reader.place_controls(self._layout, self._content.words)
        # Its own size rules win over the window's style sheet, which sets colours only.
        self._request_button.setStyleSheet(
            f"font-size: {self._layout.button_font.pixelSize()}px;"
            f" padding: 0px {self._layout.button_padding}px;"
        )
        self.language_bar.fit(self._layout.body_px, self._layout.language_rect)
        log.debug("laid out at %dx%d", size.width(), size.height())
        # Each section is split when first needed: the page shown needs its own section only.
        self._pages = Pages(self._content, self._layout.fits_for, self._on_all_split)

    def _all_split(self) -> bool:
        return not isinstance(self._pages, Pages) or self._pages.complete

    def _finish_splitting(self) -> None:
        """Split the sections the page shown did not need (queued after a paint)."""
        self._finish_queued = False
        if isinstance(self._pages, Pages):
            self._pages.finish()

    def _on_all_split(self) -> None:
        size = self._layout.size if self._layout is not None else self.size()
        log.debug("paginated %d pages at %dx%d", len(self._pages), size.width(), size.height())
        if self._describe_later:
            self._update_accessible_text()

    def _update_accessible_text(self) -> None:
        self._describe_later = False
        if self._pages:
            page = self._pages[self._index]
            where = f"Page {self._index + 1} of {len(self._pages)}."
            self.setAccessibleDescription(f"{where}\n{page.text}")

    def _logo_rect(self) -> QRect | None:
        """The logo's place (the hidden staff entry), once laid out."""
        return None if self._layout is None else self._layout.logo_rect()

    def _update_pause_mark(self) -> None:
        if self._layout is not None:
            self.update(self._layout.pause_mark_rect().adjusted(-2, -2, 2, 2))
