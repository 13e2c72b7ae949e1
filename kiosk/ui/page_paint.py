"""Painting a slideshow page where its :class:`PageLayout` says: the header, the article's
text and image, the progress, the footer, and the pause mark. The thank-you screen paints the
same header and footer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPainterPath, QPen, QPixmap

from kiosk.core.pagination import Page
from kiosk.ui.page_view import CENTRED, PAUSED, PageLayout

LEFT_MIDDLE = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft

Highlight = tuple[int, int, int]
"""(paragraph on the page, or -1 for the heading; first character; length): the stretch of
text being read aloud."""


@lru_cache(maxsize=8)
def _load_image(path: Path, box: QSize) -> QImage:
    """The image at ``path`` scaled to fit ``box`` (kept small: pages are painted from it), or
    a null image if it cannot be read.

    Qt's image reader reads SVG too (its svg plugin): a drawing is drawn at the size asked
    for, on a transparent background, so it stays sharp at any size."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(box, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


def render_page(
    layout: PageLayout, page: Page, dpr: float = 1.0, highlight: Highlight | None = None
) -> QPixmap:
    """``page``, without any pause mark, as a pixmap; ``highlight`` marks the sentence being
    read aloud."""
    pixmap = QPixmap(layout.size * dpr)
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(layout.colors["background"])
    painter = QPainter(pixmap)
    paint_page(painter, layout, page, highlight)
    painter.end()
    return pixmap


def paint_page(
    painter: QPainter, layout: PageLayout, page: Page, highlight: Highlight | None = None
) -> None:
    """Paint ``page`` with ``painter``, on the page's background colour (filled already)."""
    painter.setRenderHints(
        QPainter.RenderHint.Antialiasing
        | QPainter.RenderHint.TextAntialiasing
        | QPainter.RenderHint.SmoothPixmapTransform
    )
    paint_header(painter, layout)
    _paint_body(painter, layout, page, highlight)
    _paint_progress(painter, layout, page)
    paint_footer(painter, layout)


def paint_header(painter: QPainter, layout: PageLayout) -> None:
    """The band with the clinic's logo and name."""
    rect = layout.header_rect
    fill_band(painter, rect, layout.colors["header_background"])
    logo = _load_image(layout.content.clinic.logo, layout.logo_rect().size())
    if not logo.isNull():
        target = QRect(layout.logo_rect())
        scaled = logo.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target.setSize(scaled)
        painter.drawImage(target, logo)
    painter.setPen(layout.colors["header_text"])
    y = rect.top() + (rect.height() - layout.name_block.height) / 2
    layout.name_block.draw(painter, layout.name_left, y)


def fill_band(painter: QPainter, rect: QRect, color: QColor) -> None:
    """``painter.fillRect(rect, color)``, the same pixels for a whole-pixel ``rect``, without
    the first call making QGradient's five enums (one has 180 presets): PySide6 makes them to
    choose among fillRect's overloads, 3-4 ms of the first page."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRect(rect)
    painter.restore()


def paint_pause_mark(painter: QPainter, layout: PageLayout) -> None:
    """Draw the pill: a pause sign and "Paused", in the header's colours."""
    rect = QRectF(layout.pause_mark_rect())
    height = rect.height()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(rect, height / 2, height / 2)
    painter.fillPath(path, layout.colors["header_background"])
    ink = layout.colors["header_text"]
    bar_w, bar_h = height * 0.12, height * 0.46
    x = rect.left() + height * 0.4
    y = rect.center().y() - bar_h / 2
    painter.fillRect(QRectF(x, y, bar_w, bar_h), ink)
    painter.fillRect(QRectF(x + height * 0.24, y, bar_w, bar_h), ink)
    painter.setPen(ink)
    painter.setFont(layout.pause_font)
    text_rect = rect.adjusted(height * (0.4 + 0.36 + 0.3), 0, 0, 0)
    painter.drawText(text_rect, LEFT_MIDDLE, layout.content.words.tr(PAUSED))


def _paint_body(
    painter: QPainter, layout: PageLayout, page: Page, highlight: Highlight | None
) -> None:
    section = layout.content.article.sections[page.section_index]
    heading = layout.heading_block(page.heading, page.continued)
    # The sentence being read: the page's own colours swapped, so it contrasts as much.
    ink, paper = layout.colors["background"], layout.colors["text"]

    def mark(paragraph: int) -> tuple[int, int, QColor, QColor] | None:
        if highlight is None or highlight[0] != paragraph:
            return None
        return (highlight[1], highlight[2], ink, paper)

    painter.setPen(layout.colors["heading"])
    heading_mark = mark(-1)
    if heading_mark is not None:
        heading_mark = (*heading_mark[:2], ink, layout.colors["heading"])
    heading.draw(painter, layout.content_rect.left(), layout.content_rect.top(), heading_mark)
    image_rect = layout.image_rect(section, page.heading, page.continued)
    if page.image is not None and not image_rect.isEmpty():
        image = _load_image(page.image, image_rect.size())
        if not image.isNull():
            scaled = image.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(image_rect.center())
            painter.drawImage(target, image)
    body = layout.body_rect(section, page.heading, page.continued)
    painter.setPen(layout.colors["text"])
    y = float(body.top())
    for index, block in enumerate(layout.paragraph_blocks(page.paragraphs, body.width())):
        block.draw(painter, body.left(), y, mark(index))
        y += block.height + layout.gap


def paint_footer(painter: QPainter, layout: PageLayout) -> None:
    """The band with the crisis line and the disclaimer."""
    rect = layout.footer_rect
    fill_band(painter, rect, layout.colors["footer_background"])
    painter.setPen(layout.colors["footer_text"])
    text_h = layout.crisis_block.height + layout.gap // 2 + layout.disclaimer_block.height
    room = rect.height() - layout.notices_top
    y = rect.top() + layout.notices_top + (room - text_h) / 2
    layout.crisis_block.draw(painter, layout.notice_left, y)
    below = y + layout.crisis_block.height + layout.gap // 2
    layout.disclaimer_block.draw(painter, layout.notice_left, below)


def _paint_progress(painter: QPainter, layout: PageLayout, page: Page) -> None:
    """One bar a section (done ones filled, the current one filled as far as its page),
    and under it where the reader is, in words."""
    rect = QRectF(layout.dots_rect)
    sections = len(layout.content.article.sections)
    accent = layout.colors["accent"]
    bar_h = max(4.0, layout.body_px * 0.28)
    top = rect.top() + layout.gap * 0.3
    gap = max(4.0, layout.body_px * 0.3)
    width = (rect.width() - gap * (sections - 1)) / max(sections, 1)
    # Read from the right in Arabic and Hebrew: the bars fill from the right too.
    rtl = layout.content.language.right_to_left
    if sections > 1 and width < layout.body_px * 0.6:
        # Too many sections for bars: one bar, filled as far as this page.
        done = page.section_index + (page.index_in_section + 1) / page.count_in_section
        whole = QRectF(rect.left(), top, rect.width(), bar_h)
        _paint_bar(painter, accent, whole, done / sections, rtl)
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
            _paint_bar(painter, accent, bar, fill, rtl)
    painter.setPen(accent)
    painter.setFont(layout.progress_font)
    label = QRectF(rect.left(), top + bar_h, rect.width(), rect.bottom() - top - bar_h)
    painter.drawText(label, CENTRED | Qt.AlignmentFlag.AlignVCenter, layout.progress_text(page))


def _paint_bar(
    painter: QPainter, accent: QColor, bar: QRectF, fill: float, from_right: bool = False
) -> None:
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
