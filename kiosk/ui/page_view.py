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
    QTextLayout,
    QTextOption,
)
from PySide6.QtSvg import QSvgRenderer

from kiosk.core.content import Content, Section
from kiosk.core.pagination import Fits, Page

FONT_FAMILY = "DejaVu Sans"
LEFT_MIDDLE = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
CENTRED = Qt.AlignmentFlag.AlignHCenter
PAUSED = "Paused"
LINE_SPACING = 1.35
"""Body line height as a multiple of the font's own line height: easier to read at a distance."""


def body_pixel_size(size: QSize) -> int:
    """Body text size in pixels: never below 1/30 of the screen height."""
    h, w = size.height(), size.width()
    return max(math.ceil(h / 30), math.ceil(min(w, h) * 0.036), 12)


def form_pixel_size(size: QSize) -> int:
    """Text size on the form and thank-you screens: large, but a long form still fits a
    portrait screen (1/28 of the screen's shorter side)."""
    return max(math.ceil(min(size.width(), size.height()) / 28), 16)


def make_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(pixels)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


class TextBlock:
    """Wrapped text laid out once, for measuring and painting."""

    def __init__(
        self,
        text: str,
        font: QFont,
        width: float,
        spacing: float = 1.0,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        self._layout = QTextLayout(text, font)
        option = QTextOption(align)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._layout.setTextOption(option)
        line_height = QFontMetricsF(font).lineSpacing()
        y = 0.0
        self._layout.beginLayout()
        while True:
            line = self._layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0.0, y + (line_height * spacing - line.height()) / 2))
            y += line_height * spacing
        self._layout.endLayout()
        self.height = math.ceil(y)

    def draw(self, painter: QPainter, x: float, y: float) -> None:
        self._layout.draw(painter, QPointF(x, y))


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

    Bands from top to bottom: header (logo and clinic name), heading, body (with the section's
    image beside it in landscape or above it in portrait), progress dots, footer (crisis line
    and disclaimer).
    """

    def __init__(self, content: Content, size: QSize) -> None:
        self.content = content
        self.size = QSize(size)
        w, h = size.width(), size.height()
        self.portrait = h > w
        body_px = body_pixel_size(size)
        self.body_font = make_font(body_px)
        self.heading_font = make_font(round(body_px * 1.2), bold=True)
        # The footer is on every page: in portrait it is kept to fewer lines so the article
        # keeps room (the crisis line stays at least 1/22 of the screen's width).
        self.crisis_font = make_font(min(body_px, math.ceil(min(w, h) / 22)), bold=True)
        # The disclaimer is secondary: a little smaller, yet readable across the room.
        self.disclaimer_font = make_font(math.ceil(min(w, h) / 30))
        self.margin = round(body_px * 1.1)
        self.gap = round(body_px * 0.6)
        colors = content.clinic.colors
        self.colors = {name: QColor(getattr(colors, name)) for name in colors.__dataclass_fields__}

        header_h = round(body_px * 2.4)
        self.header_rect = QRect(0, 0, w, header_h)
        self.pause_font = make_font(
            min(round(header_h * 0.36), math.ceil(min(w, h) / 28)), bold=True
        )
        self.name_font = self._name_font(body_px)
        inner_w = w - 2 * self.margin
        self._crisis = TextBlock(
            content.notices.crisis_line,
            self.crisis_font,
            inner_w,
            1.1,
            Qt.AlignmentFlag.AlignHCenter,
        )
        self._disclaimer = TextBlock(
            content.notices.disclaimer,
            self.disclaimer_font,
            inner_w,
            1.1,
            Qt.AlignmentFlag.AlignHCenter,
        )
        footer_h = self._crisis.height + self._disclaimer.height + 2 * self.gap + self.gap // 2
        self.footer_rect = QRect(0, h - footer_h, w, footer_h)
        # The "Request more information" button: at least a tenth of the screen high, always
        # in the same place, between the progress dots and the footer.
        button_h = max(math.ceil(h / 10), 44)
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
        button_w = min(inner_w, max(round(label_w + 3 * body_px), round(w * 0.4)))
        button_top = self.footer_rect.top() - self.gap - button_h
        self.button_rect = QRect((w - button_w) // 2, button_top, button_w, button_h)
        dots_h = round(body_px * 1.2)
        self.dots_rect = QRect(0, button_top - dots_h, w, dots_h)
        top = header_h + self.gap
        self.content_rect = QRect(self.margin, top, inner_w, self.dots_rect.top() - top)
        """The part of the page that changes from page to page (apart from the dots)."""

    def _name_font(self, body_px: int) -> QFont:
        """The clinic name's font: as large as fits beside the logo (a long name is elided)."""
        logo = self.logo_rect()
        room = self.pause_mark_rect().left() - self.gap - (logo.right() + self.gap)
        smallest = math.ceil(min(self.size.width(), self.size.height()) / 30)
        pixels = round(body_px * 1.15)
        while pixels > smallest:
            font = make_font(pixels, bold=True)
            if QFontMetricsF(font).horizontalAdvance(self.content.clinic.name) <= room:
                return font
            pixels -= 1
        return make_font(smallest, bold=True)

    # -- measuring -------------------------------------------------------------------------

    def heading_block(self, heading: str) -> TextBlock:
        return TextBlock(heading, self.heading_font, self.content_rect.width(), 1.1)

    def image_rect(self, section: Section, heading: str) -> QRect:
        """Where the section's image goes, or an empty rect when it has none."""
        if section.image is None:
            return QRect()
        area = self._below_heading(heading)
        if self.portrait:
            return QRect(area.left(), area.top(), area.width(), area.height() // 3)
        width = area.width() // 3
        return QRect(area.right() + 1 - width, area.top(), width, area.height())

    def body_rect(self, section: Section, heading: str) -> QRect:
        """The area for the section's paragraphs."""
        area = self._below_heading(heading)
        image = self.image_rect(section, heading)
        if image.isEmpty():
            return area
        if self.portrait:
            return area.adjusted(0, image.height() + self.gap, 0, 0)
        return area.adjusted(0, 0, -(image.width() + self.margin), 0)

    def _below_heading(self, heading: str) -> QRect:
        top = self.content_rect.top() + self.heading_block(heading).height + self.gap
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

    def fits_for(self, section: Section, heading: str) -> Fits:
        """The measuring function the paginator uses for ``section``'s pages."""
        rect = self.body_rect(section, heading)

        def fits(paragraphs: Sequence[str]) -> bool:
            return self.text_height(paragraphs, rect.width()) <= rect.height()

        return fits

    # -- painting --------------------------------------------------------------------------

    def render(self, page: Page, number: int, total: int, dpr: float = 1.0) -> QPixmap:
        """Page ``number`` of ``total`` (from 0), without any pause mark, as a pixmap."""
        pixmap = QPixmap(self.size * dpr)
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(self.colors["background"])
        painter = QPainter(pixmap)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self._paint_header(painter)
        self._paint_body(painter, page)
        self._paint_dots(painter, total, number)
        self._paint_footer(painter)
        painter.end()
        return pixmap

    def _paint_header(self, painter: QPainter) -> None:
        rect = self.header_rect
        painter.fillRect(rect, self.colors["header_background"])
        x = self.margin
        logo = _load_image(self.content.clinic.logo, self.logo_rect().size())
        if not logo.isNull():
            side = round(rect.height() * 0.74)
            target = QRect(x, rect.top() + (rect.height() - side) // 2, side, side)
            scaled = logo.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target.setSize(scaled)
            painter.drawImage(target, logo)
            x += target.width() + self.gap
        painter.setPen(self.colors["header_text"])
        painter.setFont(self.name_font)
        # The name never runs under the "Paused" mark.
        name_rect = QRect(
            x, rect.top(), self.pause_mark_rect().left() - self.gap - x, rect.height()
        )
        name = QFontMetricsF(self.name_font).elidedText(
            self.content.clinic.name, Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.drawText(
            name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name
        )

    def logo_rect(self) -> QRect:
        """Where the logo sits in the header (the staff entry's hidden long-press target)."""
        side = round(self.header_rect.height() * 0.74)
        return QRect(self.margin, (self.header_rect.height() - side) // 2, side, side)

    def pause_mark_rect(self) -> QRect:
        """The "Paused" pill at the right of the header band."""
        header = self.header_rect
        height = round(self.pause_font.pixelSize() * 1.8)
        text = QFontMetricsF(self.pause_font).horizontalAdvance(PAUSED)
        width = round(height * 0.4 + height * 0.36 + height * 0.3 + text + height * 0.45)
        return QRect(
            header.right() + 1 - self.margin - width,
            header.top() + (header.height() - height) // 2,
            width,
            height,
        )

    def paint_pause_mark(self, painter: QPainter) -> None:
        """Draw the pill: a pause sign and "Paused", in the header's colours reversed."""
        rect = QRectF(self.pause_mark_rect())
        height = rect.height()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(rect, height / 2, height / 2)
        painter.fillPath(path, self.colors["header_text"])
        ink = self.colors["header_background"]
        bar_w, bar_h = height * 0.12, height * 0.46
        x = rect.left() + height * 0.4
        y = rect.center().y() - bar_h / 2
        painter.fillRect(QRectF(x, y, bar_w, bar_h), ink)
        painter.fillRect(QRectF(x + height * 0.24, y, bar_w, bar_h), ink)
        painter.setPen(ink)
        painter.setFont(self.pause_font)
        text_rect = rect.adjusted(height * (0.4 + 0.36 + 0.3), 0, 0, 0)
        painter.drawText(text_rect, LEFT_MIDDLE, PAUSED)

    def _paint_body(self, painter: QPainter, page: Page) -> None:
        section = self.content.article.sections[page.section_index]
        heading = self.heading_block(page.heading)
        painter.setPen(self.colors["heading"])
        heading.draw(painter, self.content_rect.left(), self.content_rect.top())
        image_rect = self.image_rect(section, page.heading)
        if page.image is not None and not image_rect.isEmpty():
            image = _load_image(page.image, image_rect.size())
            if not image.isNull():
                scaled = image.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(0, 0, scaled.width(), scaled.height())
                target.moveCenter(image_rect.center())
                painter.drawImage(target, image)
        body = self.body_rect(section, page.heading)
        painter.setPen(self.colors["text"])
        y = float(body.top())
        for block in self.paragraph_blocks(page.paragraphs, body.width()):
            block.draw(painter, body.left(), y)
            y += block.height + self.gap

    def _paint_footer(self, painter: QPainter) -> None:
        rect = self.footer_rect
        painter.fillRect(rect, self.colors["footer_background"])
        painter.setPen(self.colors["footer_text"])
        y = rect.top() + self.gap
        self._crisis.draw(painter, self.margin, y)
        self._disclaimer.draw(painter, self.margin, y + self._crisis.height + self.gap // 2)

    def _paint_dots(self, painter: QPainter, count: int, current: int) -> None:
        """One dot a page, the current one filled, centred in :attr:`dots_rect`."""
        if count <= 1:
            return
        rect = QRectF(self.dots_rect)
        diameter = min(rect.height() * 0.45, rect.width() * 0.8 / (count * 1.8))
        step = diameter * 1.8
        x = rect.center().x() - step * (count - 1) / 2
        y = rect.center().y()
        accent = self.colors["accent"]
        ring = QPen(accent, max(1.5, diameter * 0.14))
        for index in range(count):
            centre = QPointF(x + index * step, y)
            if index == current:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(accent)
                painter.drawEllipse(centre, diameter / 2, diameter / 2)
            else:
                painter.setPen(ring)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                r = diameter * 0.3
                painter.drawEllipse(centre, r, r)
