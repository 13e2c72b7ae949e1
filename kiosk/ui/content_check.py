"""What ``kiosk check`` says about a valid content file once it is laid out: pages and line
lengths at five screen shapes, and warnings about what would read badly (each with its
file:line): a page holding a lone sentence cut from its paragraph, a clinic name that must
shrink below the body text to fit, a character no installed font can draw; and the languages
read aloud has no voice for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLocale, QSize

from kiosk.core.content import Content
from kiosk.core.pagination import lone_sentence_pages, paginate
from kiosk.core.source_lines import SourceLines
from kiosk.core.words import Language
from kiosk.ui.glyphs import describe, undrawable
from kiosk.ui.page_view import PageLayout

SHAPES = ((1024, 600), (1280, 800), (1920, 1080), (3840, 2160), (1080, 1920))
"""Small and large landscape screens, and a 1080p screen turned to portrait."""


@dataclass(frozen=True)
class ShapeReport:
    width: int
    height: int
    pages: int
    average_line: float
    """Characters on a full body line, on average (readers handle 45 to 75 best)."""

    def summary(self) -> str:
        return (
            f"{self.width}x{self.height}: {self.pages} pages, "
            f"{self.average_line:.0f} characters a line"
        )


def lay_out(content: Content, lines: SourceLines | None) -> tuple[list[ShapeReport], list[str]]:
    """Paginate ``content`` at every shape of :data:`SHAPES`: a report per shape, and every
    warning (``FILE:LINE: key: what``, when ``lines`` locates the file). Needs a
    QGuiApplication."""
    reports: list[ShapeReport] = []
    warnings: list[str] = []

    def where(key: str) -> str:
        return lines.where(key) if lines is not None else f"{content.source}: {key}"

    for width, height in SHAPES:
        layout = PageLayout(content, QSize(width, height))
        pages = paginate(content, layout.fits_for)
        lengths = layout.line_lengths(pages)
        average = sum(lengths) / len(lengths) if lengths else 0.0
        reports.append(ShapeReport(width, height, len(pages), average))
        shape = f"{width}x{height}"
        for page in lone_sentence_pages(content, pages):
            number = pages.index(page) + 1
            warnings.append(
                f"{where(f'article.sections[{page.section_index}]')}: at {shape} page {number} "
                "would hold a single sentence cut from its paragraph; shorten the paragraph "
                "or split it in two"
            )
        if layout.name_shrinks:
            warnings.append(
                f"{where('clinic.name')}: at {shape} the name must shrink to "
                f"{layout.name_px} px, below the body text ({layout.body_px} px), to fit the "
                "header; a shorter name reads better"
            )
    if lines is not None:
        warnings.extend(undrawable_characters(lines))
    return reports, warnings


def voice_warnings(
    languages: Sequence[Language], available: Sequence[str] | None, engine: str
) -> list[str]:
    """A warning naming the content's languages that ``available`` (the speech engine's voice
    locales, ``"es_ES"``...) has no voice for; or that the engine cannot be loaded (None)."""
    if available is None:
        return [
            f"read aloud: the {engine} speech engine cannot be loaded, so read aloud says "
            "nothing (install speech-dispatcher and speech-dispatcher-espeak-ng: make setup)"
        ]
    voiced = {QLocale(name).language() for name in available}
    missing = [
        f"{language.name} ({language.code})"
        for language in languages
        if QLocale(language.code).language() not in voiced
    ]
    if not missing:
        return []
    return [
        f"read aloud: no {engine} voice installed for {', '.join(missing)}; read aloud reads "
        "that text with another language's voice, which a listener may not understand"
    ]


def undrawable_characters(lines: SourceLines) -> list[str]:
    """A warning for each character of the file's text that no installed font can draw."""
    warnings = []
    for located in lines.texts():
        for index, char in undrawable(located.text):
            warnings.append(
                f"{lines.path}:{located.line_of(index)}: {located.key}: {describe(char)} "
                "cannot be drawn by any installed font (it would show as an empty box)"
            )
    return warnings
