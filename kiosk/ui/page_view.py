"""Laying out and painting one slideshow page for a given screen size.

The same :class:`PageLayout` both measures (for pagination) and paints, so what was measured
is exactly what is drawn: text never overflows its area.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QImageReader,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtSvg import QSvgRenderer

from kiosk.core.bidi import paragraph_direction
from kiosk.core.content import Content, Section
from kiosk.core.pagination import Fits, Page
from kiosk.core.words import N_

FONT_FAMILY = "DejaVu Sans"
"""The kiosk's font. Characters it lacks (Chinese, Japanese, Korean, emoji...) are drawn
from the Noto fonts by fontconfig's fallback; ``kiosk check`` names any that no font has."""
LEFT_MIDDLE = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
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


Highlight = tuple[int, int, int]
"""(paragraph on the page, or -1 for the heading; first character; length): the stretch of
text being read aloud."""


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


def make_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(pixels)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def text_direction(text: str) -> Qt.LayoutDirection:
    """Qt's direction for a paragraph of ``text`` (from its first strong character)."""
    if paragraph_direction(text) == "rtl":
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


class TextBlock:
    """Wrapped text laid out once, for measuring and painting.

    The paragraph's direction comes from its text (Unicode bidi): Arabic or Hebrew runs
    right to left and sits at the right edge, with its full stop where its readers expect it;
    ``align`` is for left-to-right text and mirrored for right-to-left. ``balanced`` narrows
    the lines as far as it can without adding one, so centred text wraps evenly instead of
    leaving a lone last word.
    """

    def __init__(
        self,
        text: str,
        font: QFont,
        width: float,
        spacing: float = 1.0,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        balanced: bool = False,
    ) -> None:
        self.direction = text_direction(text)
        if self.direction == Qt.LayoutDirection.RightToLeft:
            if align & Qt.AlignmentFlag.AlignLeft:
                align = Qt.AlignmentFlag.AlignRight
            elif align & Qt.AlignmentFlag.AlignRight:
                align = Qt.AlignmentFlag.AlignLeft
        self.alignment = align | Qt.AlignmentFlag.AlignAbsolute
        self.width = float(width)
        self._layout = QTextLayout(text, font)
        option = QTextOption(self.alignment)
        option.setTextDirection(self.direction)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._layout.setTextOption(option)
        self._line_height = QFontMetricsF(font).lineSpacing() * spacing
        self.height = self._lay_out(width)
        if balanced and self.line_count > 1:
            lines, low, high = self.line_count, width / 2, width
            while high - low > 2:
                middle = (low + high) / 2
                self._lay_out(middle)
                if self.line_count > lines:
                    low = middle
                else:
                    high = middle
            self.height = self._lay_out(high)
            # Drawn centred in the full width it was given.
            self._offset = (width - high) / 2
        else:
            self._offset = 0.0

    def _lay_out(self, width: float) -> int:
        y = 0.0
        self._layout.clearLayout()
        self._layout.beginLayout()
        while True:
            line = self._layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0.0, y + (self._line_height - line.height()) / 2))
            y += self._line_height
        self._layout.endLayout()
        return math.ceil(y)

    @property
    def line_count(self) -> int:
        return self._layout.lineCount()

    def full_line_lengths(self) -> list[int]:
        """Characters on each line but the paragraph's last (which may be short by nature)."""
        count = self._layout.lineCount()
        return [self._layout.lineAt(i).textLength() for i in range(count - 1)]

    def natural_width(self) -> float:
        """The width of its widest line."""
        count = self._layout.lineCount()
        return max((self._layout.lineAt(i).naturalTextWidth() for i in range(count)), default=0)

    def draw(
        self,
        painter: QPainter,
        x: float,
        y: float,
        mark: tuple[int, int, QColor, QColor] | None = None,
    ) -> None:
        """Draw at (x, y); ``mark`` (start, length, ink, paper) highlights a stretch of text
        (the sentence being read aloud)."""
        selections = []
        if mark is not None:
            start, length, ink, paper = mark
            selection = QTextLayout.FormatRange()
            selection.start, selection.length = start, length
            text_format = QTextCharFormat()
            text_format.setForeground(ink)
            text_format.setBackground(paper)
            selection.format = text_format
            selections.append(selection)
        self._layout.draw(painter, QPointF(x + self._offset, y), selections)


@lru_cache(maxsize=8)
def _load_image(path: Path, box: QSize) -> QImage:
    """The image at ``path`` scaled to fit ``box`` (kept small: pages are painted from it), or
    a null image if it cannot be read."""
    if path.suffix.lower() == ".svg":
        renderer = QSvgRenderer(str(path))
        if not renderer.isValid():
            return QImage()
        size = renderer.defaultSize().scaled(box, Qt.AspectRatioMode.KeepAspectRatio)
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        return image
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


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
        self.colors = {name: QColor(getattr(colors, name)) for name in colors.__dataclass_fields__}

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
        self._name_left = name_left

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
        self._notice_left = notice_left
        self._crisis = TextBlock(
            content.notices.crisis_line, self.crisis_font, notice_w, 1.1, CENTRED, balanced=True
        )
        self._disclaimer = TextBlock(
            content.notices.disclaimer, self.disclaimer_font, notice_w, 1.1, CENTRED, balanced=True
        )
        notices_h = self._crisis.height + self._disclaimer.height + 2 * self.gap + self.gap // 2
        if self.access_stacked:
            footer_h = notices_h + access_h + self.gap
            self._notices_top = access_h + self.gap
            access_top = h - footer_h + self.gap
        else:
            footer_h = max(notices_h, access_h + 2 * self.gap)
            self._notices_top = 0
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
        blocks = self.paragraph_blocks(paragraphs, width)
        return sum(b.height for b in blocks) + self.gap * max(len(blocks) - 1, 0)

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

    # -- painting --------------------------------------------------------------------------

    def render(
        self,
        page: Page,
        number: int,
        total: int,
        dpr: float = 1.0,
        highlight: Highlight | None = None,
    ) -> QPixmap:
        """Page ``number`` of ``total`` (from 0), without any pause mark, as a pixmap;
        ``highlight`` marks the sentence being read aloud."""
        pixmap = QPixmap(self.size * dpr)
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(self.colors["background"])
        painter = QPainter(pixmap)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.paint_header(painter)
        self._paint_body(painter, page, highlight)
        self._paint_progress(painter, page)
        self.paint_footer(painter)
        painter.end()
        return pixmap

    def paint_header(self, painter: QPainter) -> None:
        """The band with the clinic's logo and name."""
        rect = self.header_rect
        painter.fillRect(rect, self.colors["header_background"])
        logo = _load_image(self.content.clinic.logo, self.logo_rect().size())
        if not logo.isNull():
            target = QRect(self.logo_rect())
            scaled = logo.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target.setSize(scaled)
            painter.drawImage(target, logo)
        painter.setPen(self.colors["header_text"])
        y = rect.top() + (rect.height() - self.name_block.height) / 2
        self.name_block.draw(painter, self._name_left, y)

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

    def paint_pause_mark(self, painter: QPainter) -> None:
        """Draw the pill: a pause sign and "Paused", in the header's colours."""
        rect = QRectF(self.pause_mark_rect())
        height = rect.height()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(rect, height / 2, height / 2)
        painter.fillPath(path, self.colors["header_background"])
        ink = self.colors["header_text"]
        bar_w, bar_h = height * 0.12, height * 0.46
        x = rect.left() + height * 0.4
        y = rect.center().y() - bar_h / 2
        painter.fillRect(QRectF(x, y, bar_w, bar_h), ink)
        painter.fillRect(QRectF(x + height * 0.24, y, bar_w, bar_h), ink)
        painter.setPen(ink)
        painter.setFont(self.pause_font)
        text_rect = rect.adjusted(height * (0.4 + 0.36 + 0.3), 0, 0, 0)
        painter.drawText(text_rect, LEFT_MIDDLE, self.content.words.tr(PAUSED))

    def _paint_body(self, painter: QPainter, page: Page, highlight: Highlight | None) -> None:
        section = self.content.article.sections[page.section_index]
        heading = self.heading_block(page.heading, page.continued)
        # The sentence being read: the page's own colours swapped, so it contrasts as much.
        ink, paper = self.colors["background"], self.colors["text"]

        def mark(paragraph: int) -> tuple[int, int, QColor, QColor] | None:
            if highlight is None or highlight[0] != paragraph:
                return None
            return (highlight[1], highlight[2], ink, paper)

        painter.setPen(self.colors["heading"])
        heading_mark = mark(-1)
        if heading_mark is not None:
            heading_mark = (*heading_mark[:2], ink, self.colors["heading"])
        heading.draw(painter, self.content_rect.left(), self.content_rect.top(), heading_mark)
        image_rect = self.image_rect(section, page.heading, page.continued)
        if page.image is not None and not image_rect.isEmpty():
            image = _load_image(page.image, image_rect.size())
            if not image.isNull():
                scaled = image.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(0, 0, scaled.width(), scaled.height())
                target.moveCenter(image_rect.center())
                painter.drawImage(target, image)
        body = self.body_rect(section, page.heading, page.continued)
        painter.setPen(self.colors["text"])
        y = float(body.top())
        for index, block in enumerate(self.paragraph_blocks(page.paragraphs, body.width())):
            block.draw(painter, body.left(), y, mark(index))
            y += block.height + self.gap

    def paint_footer(self, painter: QPainter) -> None:
        """The band with the crisis line and the disclaimer."""
        rect = self.footer_rect
        painter.fillRect(rect, self.colors["footer_background"])
        painter.setPen(self.colors["footer_text"])
        text_h = self._crisis.height + self.gap // 2 + self._disclaimer.height
        room = rect.height() - self._notices_top
        y = rect.top() + self._notices_top + (room - text_h) / 2
        self._crisis.draw(painter, self._notice_left, y)
        self._disclaimer.draw(painter, self._notice_left, y + self._crisis.height + self.gap // 2)

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

    def _paint_progress(self, painter: QPainter, page: Page) -> None:
        """One bar a section (done ones filled, the current one filled as far as its page),
        and under it where the reader is, in words."""
        rect = QRectF(self.dots_rect)
        sections = len(self.content.article.sections)
        accent = self.colors["accent"]
        bar_h = max(4.0, self.body_px * 0.28)
        top = rect.top() + self.gap * 0.3
        gap = max(4.0, self.body_px * 0.3)
        width = (rect.width() - gap * (sections - 1)) / max(sections, 1)
        # Read from the right in Arabic and Hebrew: the bars fill from the right too.
        rtl = self.content.language.right_to_left
        if sections > 1 and width < self.body_px * 0.6:
            # Too many sections for bars: one bar, filled as far as this page.
            done = page.section_index + (page.index_in_section + 1) / page.count_in_section
            whole = QRectF(rect.left(), top, rect.width(), bar_h)
            self._paint_bar(painter, whole, done / sections, rtl)
        elif sections > 1:
            for index in range(sections):
                place = sections - 1 - index if rtl else index
                bar = QRectF(rect.left() + place * (width + gap), top, width, bar_h)
                if index < page.section_index:
                    fill = 1.0
                elif index == page.section_index:
                    fill = (page.index_in_section + 1) / page.count_in_section
                else:
                    fill = 0.0
                self._paint_bar(painter, bar, fill, rtl)
        painter.setPen(accent)
        painter.setFont(self.progress_font)
        label = QRectF(rect.left(), top + bar_h, rect.width(), rect.bottom() - top - bar_h)
        painter.drawText(label, CENTRED | Qt.AlignmentFlag.AlignVCenter, self.progress_text(page))

    def _paint_bar(
        self, painter: QPainter, bar: QRectF, fill: float, from_right: bool = False
    ) -> None:
        accent = self.colors["accent"]
        radius = bar.height() / 2
        painter.setPen(QPen(accent, max(1.5, bar.height() * 0.18)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = bar.height() * 0.09
        painter.drawRoundedRect(bar.adjusted(inset, inset, -inset, -inset), radius, radius)
        if fill > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            filled = bar.width() * min(fill, 1.0)
            left = bar.right() - filled if from_right else bar.left()
            painter.drawRoundedRect(QRectF(left, bar.top(), filled, bar.height()), radius, radius)
