"""Where everything goes on a slideshow page for a given screen size, and the type sizes every
visitor screen takes from it.

The same :class:`PageLayout` measures for pagination and tells the painter
(:mod:`kiosk.ui.page_paint`) where to draw, so what was measured is exactly what is drawn: text
never overflows its area.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF

from kiosk.core.content import Content, Section
from kiosk.core.pagination import Fits, Page
from kiosk.core.record import fields
from kiosk.core.words import N_
from kiosk.ui.typography import TextBlock
from kiosk.ui.typography import make_font as make_font  # kiosk/ui/glyphs.py takes it from here

CENTRED = Qt.AlignmentFlag.AlignHCenter
PAUSED = N_("Paused")
ACCESS_LABEL = N_("Accessibility")
"""The accessibility button's word (kiosk/ui/access_text.py has it too), measured here in the
content's language so the footer band leaves it room."""
LINE_SPACING = 1.35
"""Body line height as a multiple of the font's own line height: easier to read at a distance."""
MEASURE = 64
"""Characters a body line holds at most, on average: readers handle 45 to 75 best. Wider
screens get wider margins rather than longer lines."""
BODY_SCALE = 0.036
"""Body text is this share of the screen's short side: type follows the viewing distance (a
screen turned to portrait reads like the same screen in landscape), not the screen's height."""
HEADING_SCALE = 1.25
NAME_SCALE = 1.2
CONTINUED_SCALE = 0.75
PROGRESS_SCALE = 0.75
DISCLAIMER_SCALE = 0.85
"""Sizes relative to the body text, the same on every shape of screen."""


def body_pixel_size(size: QSize) -> int:
    """Body text size in pixels: 3.6% of the screen's short side."""
    return max(math.ceil(min(size.width(), size.height()) * BODY_SCALE), 12)


def form_pixel_size(size: QSize, scale: float = 1.0) -> int:
    """Text size on the form, thank-you and staff screens: the slides' body size (times the
    visitor's text size, ``scale``)."""
    return round(max(body_pixel_size(size), 16) * scale)


def chrome_scale(size: QSize, scale: float) -> float:
    """How much the bands around the article (header, footer, button) grow when the visitor
    asks for larger text: a quarter as much as the text, and only on a screen at least 1400
    pixels high (elsewhere the article needs every line it can get)."""
    if size.height() < 1400:
        return 1.0
    return 1.0 + (scale - 1.0) / 4


LANGUAGE_SCALE = 0.7
"""The language buttons' type, as a share of the body text size."""


def language_metrics(body_px: int) -> tuple[int, int, int]:
    """The language buttons' (font pixels, padding each side, spacing between them)."""
    font_px = max(12, round(body_px * LANGUAGE_SCALE))
    return font_px, max(8, round(font_px * 0.45)), max(4, round(font_px * 0.25))


def language_button_width(name: str, body_px: int) -> int:
    """The width of the language button named ``name`` (in its own script)."""
    font_px, pad, _spacing = language_metrics(body_px)
    # Room for the style sheet's border on each side too: it grows with larger text, and a
    # name a few pixels too wide is cut ("Españo|l" at 1024x600 with extra large text).
    border = max(2, round(font_px / 4))
    advance = QFontMetricsF(make_font(font_px)).horizontalAdvance(name)
    return math.ceil(advance) + 2 * pad + 2 * border


def language_bar_width(names: Sequence[str], body_px: int) -> int:
    """The room the language buttons take (none for a single language: no buttons then)."""
    if len(names) < 2:
        return 0
    spacing = language_metrics(body_px)[2]
    return sum(language_button_width(n, body_px) for n in names) + spacing * (len(names) - 1)


class PageLayout:
    """Where everything goes on a page of ``content`` at ``size`` pixels.

    Bands from top to bottom: header (logo and clinic name), heading (or, on a page that
    continues a section, a small "continued" mark), body (with the section's image beside it
    in landscape or above it in portrait), progress (sections, and the page within one), the
    "Request more information" button, footer (crisis line and disclaimer). Every size is a
    multiple of the body size, which follows the screen's short side; the text column is at
    most :data:`MEASURE` characters wide, centred.
    """

    def __init__(self, content: Content, size: QSize, scale: float = 1.0) -> None:
        self.content = content
        self.size = QSize(size)
        self.scale = scale
        w, h = size.width(), size.height()
        self.portrait = h > w
        # The article's text grows with the visitor's text size; the bands around it less.
        body_px = round(body_pixel_size(size) * chrome_scale(size, scale))
        self.body_px = body_px
        self.article_px = round(body_pixel_size(size) * scale)
        self.body_font = make_font(self.article_px)
        self._heights: dict[tuple[str, int], int] = {}  # (paragraph, width): its height
        # Headings keep their size over the body text, but not in proportion at 1.5x and 2x.
        heading_px = max(round(self.article_px * 1.1), round(body_px * HEADING_SCALE))
        self.heading_font = make_font(heading_px, bold=True)
        self.continued_font = make_font(round(body_px * CONTINUED_SCALE), bold=True)
        self.crisis_font = make_font(body_px, bold=True)
        self.disclaimer_font = make_font(round(body_px * DISCLAIMER_SCALE))
        self.progress_font = make_font(round(body_px * PROGRESS_SCALE), bold=True)
        self.pause_font = self.progress_font
        self.margin = max(round(body_px * 1.1), 24)
        self.gap = round(body_px * 0.6)
        colors = content.clinic.colors
        self.colors = {f.name: QColor(getattr(colors, f.name)) for f in fields(colors)}

        inner_w = w - 2 * self.margin
        # The text column: never wider than MEASURE characters of this article's text.
        column_w = min(inner_w, math.ceil(self._average_advance() * MEASURE))
        self.column_left = (w - column_w) // 2

        # Header: the logo, and the clinic's name as large as fits in two lines (it may take a
        # third line rather than be cut).
        logo_side = round(body_px * 2.4 * 0.74)
        name_left = self.margin + logo_side + self.gap
        # The language buttons at the right end of the header (kiosk/ui/language.py).
        names = [name for _code, name in content.language_names]
        bar_w = language_bar_width(names, body_px)
        name_room = w - self.margin - name_left - (bar_w + self.gap if bar_w else 0)
        self.name_block, self.name_px = self._name_block(body_px, name_room)
        header_h = max(round(body_px * 2.4), self.name_block.height + 2 * (self.gap // 2))
        self.header_rect = QRect(0, 0, w, header_h)
        bar_h = min(header_h - self.gap, round(body_px * 1.8))
        self.language_rect = (
            QRect(w - self.margin - bar_w, (header_h - bar_h) // 2, bar_w, bar_h)
            if bar_w
            else QRect()
        )
        """Where the language buttons go (empty with one language)."""
        self._logo_rect = QRect(self.margin, (header_h - logo_side) // 2, logo_side, logo_side)
        self.name_left = name_left

        # The accessibility button: at the left end of the footer band, the same on every
        # visitor screen; the crisis line and disclaimer are centred in the rest of the band.
        self.access_font = make_font(max(round(body_px * 0.8), 14), bold=True)
        access_h = max(44, round(body_px * 1.6), math.ceil(min(w, h) / 14))
        icon = round(self.access_font.pixelSize() * 1.3)
        access_w = math.ceil(
            QFontMetricsF(self.access_font).horizontalAdvance(content.words.tr(ACCESS_LABEL))
            + icon
            + 2.2 * self.access_font.pixelSize()
        )
        notice_left = self.margin + access_w + self.gap
        notice_w = w - self.margin - notice_left
        # Beside the notices, unless that leaves them too narrow a column (a narrow portrait
        # screen, large text): then on a row of its own at the top of the band.
        self.access_stacked = notice_w < 0.7 * inner_w
        if self.access_stacked:
            notice_left, notice_w = self.margin, inner_w
        self.notice_left = notice_left
        self.crisis_block = TextBlock(
            content.notices.crisis_line, self.crisis_font, notice_w, 1.1, CENTRED, balanced=True
        )
        self.disclaimer_block = TextBlock(
            content.notices.disclaimer, self.disclaimer_font, notice_w, 1.1, CENTRED, balanced=True
        )
        notices = self.crisis_block.height + self.disclaimer_block.height
        notices_h = notices + 2 * self.gap + self.gap // 2
        if self.access_stacked:
            footer_h = notices_h + access_h + self.gap
            self.notices_top = access_h + self.gap
            access_top = h - footer_h + self.gap
        else:
            footer_h = max(notices_h, access_h + 2 * self.gap)
            self.notices_top = 0
            access_top = h - footer_h + (footer_h - access_h) // 2
        self.footer_rect = QRect(0, h - footer_h, w, footer_h)
        self.access_rect = QRect(self.margin, access_top, access_w, access_h)
        """The accessibility button, at the left end of the footer band."""
        # The "Request more information" button: always in the same place, above the footer.
        button_h = max(round(body_px * 2.2), math.ceil(min(w, h) / 10), 44)
        label = content.form.button_label
        self.button_padding = body_px
        pixels = round(body_px * 1.1)
        # As large as fits across the screen (a long label on a narrow portrait screen shrinks).
        while pixels > 12:
            label_w = QFontMetricsF(make_font(pixels, bold=True)).horizontalAdvance(label)
            if label_w + 2 * self.button_padding <= inner_w:
                break
            pixels -= 1
        self.button_font = make_font(pixels, bold=True)
        button_w = min(inner_w, max(round(label_w + 3 * body_px), round(column_w * 0.6)))
        button_top = self.footer_rect.top() - self.gap - button_h
        self.button_rect = QRect((w - button_w) // 2, button_top, button_w, button_h)
        progress_h = round(body_px * 1.9)
        self.dots_rect = QRect(self.column_left, button_top - progress_h, column_w, progress_h)
        """The progress band (sections, and the page within one; the pause mark at its end)."""
        self.controls_rect = QRect(
            self.column_left, button_top - progress_h, column_w, progress_h
        ).adjusted(0, round(self.gap * 0.2), 0, -round(self.gap * 0.2))
        """Where the read-aloud controls go while read aloud is on (over the progress)."""
        top = header_h + self.gap
        self.content_rect = QRect(self.column_left, top, column_w, self.dots_rect.top() - top)
        """The part of the page that changes from page to page (apart from the progress)."""

    def _average_advance(self) -> float:
        """The body font's average advance per character over the article's own text."""
        sample = " ".join(
            p for section in self.content.article.sections for p in section.paragraphs
        )[:4000]
        if not sample:
            return float(self.body_font.pixelSize()) * 0.55
        return QFontMetricsF(self.body_font).horizontalAdvance(sample) / len(sample)

    def _name_block(self, body_px: int, room: int) -> tuple[TextBlock, int]:
        """The clinic's name, as large as fits ``room`` in two lines at most (never cut: at
        the smallest size it takes as many lines as it needs)."""
        name = self.content.clinic.name
        smallest = max(round(body_px * 0.6), 10)
        for pixels in range(round(body_px * NAME_SCALE), smallest - 1, -1):
            block = TextBlock(name, make_font(pixels, bold=True), room, 1.05, balanced=False)
            if block.line_count <= 1 or (block.line_count <= 2 and pixels <= body_px):
                return block, pixels
        return block, smallest

    @property
    def name_shrinks(self) -> bool:
        """The clinic's name is set smaller than the body text to fit the header."""
        return self.name_px < self.body_px

    # -- measuring -------------------------------------------------------------------------

    def heading_block(self, heading: str, continued: bool = False) -> TextBlock:
        """The section's heading, or on a page that continues it, the small mark saying so."""
        if continued:
            return TextBlock(
                self.content.words.tr("{heading} (continued)", heading=heading),
                self.continued_font,
                self.content_rect.width(),
                1.05,
            )
        return TextBlock(heading, self.heading_font, self.content_rect.width(), 1.1)

    def image_rect(self, section: Section, heading: str, continued: bool = False) -> QRect:
        """Where the section's image goes, or an empty rect when it has none."""
        if section.image is None:
            return QRect()
        area = self._below_heading(heading, continued)
        if self.portrait:
            return QRect(area.left(), area.top(), area.width(), area.height() // 3)
        width = area.width() // 3
        return QRect(area.right() + 1 - width, area.top(), width, area.height())

    def body_rect(self, section: Section, heading: str, continued: bool = False) -> QRect:
        """The area for the section's paragraphs."""
        area = self._below_heading(heading, continued)
        image = self.image_rect(section, heading, continued)
        if image.isEmpty():
            return area
        if self.portrait:
            return area.adjusted(0, image.height() + self.gap, 0, 0)
        return area.adjusted(0, 0, -(image.width() + self.margin), 0)

    def _below_heading(self, heading: str, continued: bool) -> QRect:
        block = self.heading_block(heading, continued)
        top = self.content_rect.top() + block.height + self.gap
        return QRect(
            self.content_rect.left(),
            top,
            self.content_rect.width(),
            self.content_rect.bottom() + 1 - top,
        )

    def paragraph_blocks(self, paragraphs: Sequence[str], width: int) -> list[TextBlock]:
        return [TextBlock(p, self.body_font, width, LINE_SPACING) for p in paragraphs]

    def text_height(self, paragraphs: Sequence[str], width: int) -> int:
        """Height of ``paragraphs`` set in the body font at ``width``, with paragraph gaps."""
        heights = [self._paragraph_height(p, width) for p in paragraphs]
        return sum(heights) + self.gap * max(len(heights) - 1, 0)

    def _paragraph_height(self, text: str, width: int) -> int:
        """One paragraph's height, laid out once per width: pagination tries the same
        paragraph on many candidate pages (about half its time went to laying them out again)."""
        key = (text, width)
        height = self._heights.get(key)
        if height is None:
            height = TextBlock(text, self.body_font, width, LINE_SPACING).height
            self._heights[key] = height
        return height

    def fits_for(self, section: Section, heading: str, continued: bool = False) -> Fits:
        """The measuring function the paginator uses for ``section``'s first page, or for the
        pages that continue it."""
        rect = self.body_rect(section, heading, continued)

        def fits(paragraphs: Sequence[str]) -> bool:
            return self.text_height(paragraphs, rect.width()) <= rect.height()

        return fits

    def line_lengths(self, pages: Sequence[Page]) -> list[int]:
        """Characters on every full body line of ``pages`` (a paragraph's last line left out)."""
        lengths: list[int] = []
        for page in pages:
            section = self.content.article.sections[page.section_index]
            width = self.body_rect(section, page.heading, page.continued).width()
            for block in self.paragraph_blocks(page.paragraphs, width):
                lengths.extend(block.full_line_lengths())
        return lengths

    def logo_rect(self) -> QRect:
        """Where the logo sits in the header (the staff entry's hidden long-press target)."""
        return QRect(self._logo_rect)

    def pause_mark_rect(self) -> QRect:
        """The "Paused" pill, at the right end of the progress band (nothing is held back for
        it while it is not shown: the progress is centred, the pill sits beside it)."""
        band = self.dots_rect
        height = round(self.pause_font.pixelSize() * 1.8)
        text = QFontMetricsF(self.pause_font).horizontalAdvance(self.content.words.tr(PAUSED))
        width = round(height * 0.4 + height * 0.36 + height * 0.3 + text + height * 0.45)
        return QRect(
            band.right() + 1 - width,
            band.bottom() + 1 - height - round(self.gap * 0.2),
            width,
            height,
        )

    def progress_text(self, page: Page) -> str:
        """Where the reader is, in words: "Part 2 of 4", and "page 2 of 3" within it."""
        sections = len(self.content.article.sections)
        words = self.content.words
        text = words.tr("Part {number} of {count}", number=page.section_index + 1, count=sections)
        if page.count_in_section > 1:
            within = words.tr(
                "page {number} of {count}",
                number=page.index_in_section + 1,
                count=page.count_in_section,
            )
            text += f"  ·  {within}"
        return text
