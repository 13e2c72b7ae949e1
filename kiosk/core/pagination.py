"""Splitting the article into pages that fit the screen.

The splitting is pure: it asks a ``fits`` function (which measures with the real fonts, in the
UI layer) whether some paragraphs fit one page, and breaks a section at paragraph boundaries
where it can, at sentence boundaries where a paragraph is too long, and between words only
when one sentence alone is taller than a page. No text is ever dropped.
"""

from __future__ import annotations

import itertools
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


Unit = tuple[int, str]
"""A piece of a section that is never split: (its paragraph's index, its text). A whole
paragraph, or one sentence of a paragraph too long for any page (or a word of a sentence too
long for any page)."""


def paginate_paragraphs(paragraphs: Sequence[str], fits: Fits) -> list[tuple[str, ...]]:
    """Group ``paragraphs`` into pages for which ``fits`` holds.

    A paragraph that fits on a fresh page is never split; one that does not is split between
    sentences, and a sentence taller than a page between words. Pages are filled in order,
    then evened out: where a split paragraph would leave a page with a lone sentence or two,
    sentences move forward from the page before, as long as that page stays the fuller one.
    """
    units = _units(paragraphs, fits)
    pages: list[list[Unit]] = []
    for unit in units:
        if pages and fits(_render([*pages[-1], unit])):
            pages[-1].append(unit)
        else:
            pages.append([unit])
    _balance(pages, fits)
    return [_render(page) for page in pages]


def _units(paragraphs: Sequence[str], fits: Fits) -> list[Unit]:
    units: list[Unit] = []
    for index, paragraph in enumerate(paragraphs):
        if fits([paragraph]):
            units.append((index, paragraph))
            continue
        for sentence in split_sentences(paragraph):
            if fits([sentence]):
                units.append((index, sentence))
            else:
                units.extend((index, word) for word in sentence.split())
    return units


def _render(page: Sequence[Unit]) -> tuple[str, ...]:
    """The page's paragraphs: pieces of one paragraph joined again with single spaces."""
    paragraphs: list[str] = []
    last = -1
    for index, text in page:
        if index == last:
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
            last = index
    return tuple(paragraphs)


def _size(page: Sequence[Unit]) -> int:
    return sum(len(text) for _, text in page)


def _balance(pages: list[list[Unit]], fits: Fits) -> None:
    """Move pieces of a split paragraph from the end of one page to the start of the next
    while the next page still fits and stays no fuller than the one before it."""
    for _ in range(len(pages)):  # each pass settles at least the last unsettled pair
        moved = False
        for left, right in itertools.pairwise(pages):
            while len(left) > 1 and left[-1][0] == right[0][0]:  # same paragraph continues
                piece = left[-1]
                if _size(left) - len(piece[1]) < _size(right) + len(piece[1]):
                    break
                if not fits(_render([piece, *right])):
                    break
                right.insert(0, left.pop())
                moved = True
        if not moved:
            return


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
