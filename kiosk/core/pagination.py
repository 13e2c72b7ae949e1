"""Splitting the article into pages that fit the screen.

The splitting is pure: it asks a ``fits`` function (which measures with the real fonts, in the
UI layer) whether some paragraphs fit one page, and breaks a section at paragraph boundaries
where it can, at sentence boundaries where a paragraph is too long, and between words only
when one sentence alone is taller than a page. No text is ever dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.content import Content, Section
from kiosk.core.pacing import page_seconds, word_count

Fits = Callable[[Sequence[str]], bool]
"""Whether these paragraphs, in order, fit the body area of one page."""

# A sentence ends at . ! ? or … (optionally followed by closing quotes or brackets) and a space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\u201d\u2019\"')\]])\s+")


@dataclass(frozen=True)
class Page:
    """One screenful of the article."""

    section_index: int
    index_in_section: int
    count_in_section: int
    heading: str
    paragraphs: tuple[str, ...]
    image: Path | None
    image_description: str | None
    seconds: float

    @property
    def text(self) -> str:
        """The page's heading and paragraphs as plain text (for screen readers)."""
        return "\n\n".join((self.heading, *self.paragraphs))


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of ``paragraph``; joining them with single spaces gives it back."""
    parts = [p for p in _SENTENCE_END.split(paragraph.strip()) if p]
    return parts or [paragraph]


def paginate_paragraphs(paragraphs: Sequence[str], fits: Fits) -> list[tuple[str, ...]]:
    """Group ``paragraphs`` into pages for which ``fits`` holds.

    A paragraph that fits on a fresh page is never split; one that does not is split between
    sentences (continuing the current page), and a sentence taller than a page between words.
    """
    pages: list[tuple[str, ...]] = []
    current: list[str] = []

    def flush() -> None:
        nonlocal current
        if current:
            pages.append(tuple(current))
            current = []

    for paragraph in paragraphs:
        if fits([*current, paragraph]):
            current.append(paragraph)
            continue
        if fits([paragraph]):
            flush()
            current.append(paragraph)
            continue
        # Too long for any page: fill pages sentence by sentence (then word by word).
        piece = ""
        for unit in _units(split_sentences(paragraph), fits):
            candidate = f"{piece} {unit}" if piece else unit
            if fits([*current, candidate]):
                piece = candidate
                continue
            if piece:
                current.append(piece)
            flush()
            piece = unit
        if piece:
            current.append(piece)
    flush()
    return pages


def _units(sentences: list[str], fits: Fits) -> list[str]:
    """Sentences, with any sentence too tall for an empty page broken into its words."""
    units: list[str] = []
    for sentence in sentences:
        if fits([sentence]):
            units.append(sentence)
        else:
            units.extend(sentence.split())
    return units


def paginate(content: Content, fits_for: Callable[[Section, str], Fits]) -> list[Page]:
    """Every page of ``content``'s article, in order.

    ``fits_for(section, heading)`` gives the measuring function for that section's pages (the
    heading and any image take room from the body area).
    """
    pages: list[Page] = []
    title = content.article.title
    for s_index, section in enumerate(content.article.sections):
        heading = section.heading or title
        groups = paginate_paragraphs(section.paragraphs, fits_for(section, heading))
        for p_index, group in enumerate(groups):
            pages.append(
                Page(
                    section_index=s_index,
                    index_in_section=p_index,
                    count_in_section=len(groups),
                    heading=heading,
                    paragraphs=group,
                    image=section.image,
                    image_description=section.image_description,
                    seconds=page_seconds(word_count(group), content.timing, section.seconds),
                )
            )
    return pages
