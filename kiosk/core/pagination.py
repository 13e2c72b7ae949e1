"""Splitting the article into pages that fit the screen, as a person would set them.

The splitting is pure: it asks ``fits`` functions (which measure with the real fonts, in the
UI layer) whether some paragraphs fit one page. A section's first page carries its heading; the
pages after it carry only a one-line "continued" mark, so they hold more.

Rules, in order of importance:

1. No text is ever dropped, and every page holds body text (never a heading alone).
2. A paragraph is split only when it does not fit a page by itself, and then between
   sentences, never leaving a single sentence of it alone on a page (each piece keeps two
   sentences or more); a sentence is split between words only when it alone is taller than a
   page.
3. As few pages as the rules allow, then as few split paragraphs, then pages as evenly
   filled as possible.

When rule 2 cannot hold (a paragraph of three sentences taller than a page), a lone sentence
is allowed; :func:`lone_sentence_pages` finds such pages so ``kiosk check`` can say where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import overload

from kiosk.core.content import Content, Section
from kiosk.core.pacing import page_seconds, word_count
from kiosk.core.record import Record

Fits = Callable[[Sequence[str]], bool]
"""Whether these paragraphs, in order, fit the body area of one page."""

FitsFor = Callable[[Section, str, bool], Fits]
"""``fits_for(section, heading, continued)``: the measuring function for the section's first
page (``continued`` False, under its heading) or for a page that continues it."""

# A sentence runs to . ! ? or an ellipsis (or the Arabic question mark and full stop, or the
# Devanagari danda) with any closing quotes or brackets and then a space; or to a CJK full
# stop, exclamation or question mark (no space needed); or to the end of the paragraph.
_SENTENCE = re.compile(
    r"\S.*?(?:[.!?\u2026\u061f\u06d4\u0964][\"'\u201d\u2019)\]\u00bb]*(?=\s|$)"
    r"|[\u3002\uff01\uff1f][\u300d\u300f\u201d\u2019\uff09)]*|$)\s*",
    re.DOTALL,
)


class Page(Record):
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
    def continued(self) -> bool:
        """This page continues its section (its heading was on the page before)."""
        return self.index_in_section > 0

    @property
    def text(self) -> str:
        """The page's heading and paragraphs as plain text (for screen readers)."""
        return "\n\n".join((self.heading, *self.paragraphs))


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of ``paragraph``, each with the spaces that follow it; joining them gives
    the paragraph back (stripped)."""
    text = paragraph.strip()
    parts = _SENTENCE.findall(text)
    if "".join(parts) != text:  # never lose a character to the pattern
        return [text]
    return parts or [text]


class _Unit:
    """A piece of a section that is never split: a whole paragraph, one sentence of a paragraph
    too long for a page, or a word of a sentence too long for a page.

    A plain class: units are never compared or printed, and making a dataclass costs about a
    millisecond at import, before the first page."""

    __slots__ = ("paragraph", "sentence", "sentences", "text", "word")

    def __init__(
        self, paragraph: int, text: str, sentence: int = -1, sentences: int = 1, word: bool = False
    ) -> None:
        self.paragraph = paragraph
        self.text = text
        self.sentence = sentence  # its index in its paragraph; -1 for a whole paragraph
        self.sentences = sentences  # how many sentences its paragraph has
        self.word = word  # a word of a sentence that was split between words


def _units(paragraphs: Sequence[str], fits: Fits) -> list[_Unit]:
    units: list[_Unit] = []
    for index, paragraph in enumerate(paragraphs):
        if fits([paragraph.strip()]):
            units.append(_Unit(index, paragraph.strip()))
            continue
        sentences = split_sentences(paragraph)
        for number, sentence in enumerate(sentences):
            if fits([sentence.strip()]):
                units.append(_Unit(index, sentence, number, len(sentences)))
            else:
                words = re.findall(r"\S+\s*", sentence)
                units.extend(
                    _Unit(index, word, number, len(sentences), word=True) for word in words
                )
    return units


def _render(units: Sequence[_Unit]) -> tuple[str, ...]:
    """A page's paragraphs: the pieces of one paragraph joined again as they were written."""
    paragraphs: list[str] = []
    last = -1
    for unit in units:
        if unit.paragraph == last:
            paragraphs[-1] += unit.text
        else:
            paragraphs.append(unit.text)
            last = unit.paragraph
    return tuple(p.strip() for p in paragraphs)


def _break_allowed(units: Sequence[_Unit], at: int, strict: bool) -> bool:
    """Whether a page may end before ``units[at]``."""
    before, after = units[at - 1], units[at]
    if before.paragraph != after.paragraph:
        return True
    if before.sentence == after.sentence:  # inside a sentence: only one split between words
        return after.word
    if not strict:
        return True
    # Each piece of the paragraph keeps at least two sentences.
    return after.sentence >= 2 and after.sentences - after.sentence >= 2


def paginate_paragraphs(
    paragraphs: Sequence[str], fits: Fits, fits_continued: Fits | None = None
) -> list[tuple[str, ...]]:
    """Group ``paragraphs`` into pages: the first must satisfy ``fits``, the others
    ``fits_continued`` (default: ``fits``). See the module's rules."""
    later = fits_continued or fits
    units = _units(paragraphs, fits)
    if not units:
        return []
    for strict in (True, False):
        plan = _plan(units, fits, later, strict)
        if plan is not None:
            return [_render(units[start:end]) for start, end in plan]
    # Unreachable while every unit fits a page by itself; kept so that text is never lost.
    return [_render([unit]) for unit in units]


def _plan(
    units: Sequence[_Unit], fits: Fits, later: Fits, strict: bool
) -> list[tuple[int, int]] | None:
    """The best page breaks for ``units`` (as (start, end) ranges), or None if the break rules
    leave no way to set them."""
    n = len(units)
    sizes = [len(unit.text.strip()) for unit in units]
    # best[k]: (pages, split paragraphs, sum of squared page sizes, end of the first page) for
    # units[k:], or None.
    best: list[tuple[int, int, int, int] | None] = [None] * (n + 1)
    best[n] = (0, 0, 0, n)
    for start in range(n - 1, -1, -1):
        measure = fits if start == 0 else later
        size = 0
        for end in range(start + 1, n + 1):
            size += sizes[end - 1]
            if end < n and not _break_allowed(units, end, strict):
                continue
            rest = best[end]
            if rest is None:
                continue
            if not measure(_render(units[start:end])):
                break  # a longer page will not fit either
            split = int(end < n and units[end - 1].paragraph == units[end].paragraph)
            score = (1 + rest[0], split + rest[1], size * size + rest[2], end)
            current = best[start]
            if current is None or score[:3] <= current[:3]:  # ties: the earlier page fuller
                best[start] = score
    if best[0] is None:
        return None
    plan = []
    start = 0
    while start < n:
        entry = best[start]
        assert entry is not None
        plan.append((start, entry[3]))
        start = entry[3]
    return plan


def paginate(content: Content, fits_for: FitsFor) -> list[Page]:
    """Every page of ``content``'s article, in order.

    ``fits_for(section, heading, continued)`` gives the measuring function for the section's
    first page or for the pages that continue it (the heading, the "continued" mark and any
    image take room from the body area).
    """
    return list(Pages(content, fits_for))


def _section_pages(content: Content, fits_for: FitsFor, index: int) -> list[Page]:
    """The pages of the article's section ``index`` (see :func:`paginate`)."""
    section = content.article.sections[index]
    heading = section.heading or content.article.title
    groups = paginate_paragraphs(
        section.paragraphs,
        fits_for(section, heading, False),
        fits_for(section, heading, True),
    )
    return [
        Page(
            section_index=index,
            index_in_section=p_index,
            count_in_section=len(groups),
            heading=heading,
            paragraphs=group,
            image=section.image,
            image_description=section.image_description,
            seconds=page_seconds(word_count(group), content.timing, section.seconds),
        )
        for p_index, group in enumerate(groups)
    ]


class Pages(Sequence[Page]):
    """Every page of ``content``'s article, as :func:`paginate` lists them, each section split
    only when one of its pages is first asked for (``len()`` splits them all).

    A page's progress ("Part 1 of 4 · page 1 of 2") depends on its own section alone, so the
    slideshow's first page waits for its section only and the others are split once it is on
    screen: they were most of the pagination before the first paint. So on the way to a
    page, ask for that page: ``len()``, ``in``, slices and negative indexes split every section.
    ``on_complete`` is called once, when the last section has been split.
    """

    def __init__(
        self, content: Content, fits_for: FitsFor, on_complete: Callable[[], None] | None = None
    ) -> None:
        self._content = content
        self._fits_for = fits_for
        self._on_complete = on_complete
        self._pages: list[Page] = []
        self._sections = 0  # how many sections have been split so far

    @property
    def complete(self) -> bool:
        """Every section has been split."""
        return self._sections == len(self._content.article.sections)

    def finish(self) -> None:
        """Split every section not split yet."""
        while self._split_next():
            pass

    def _split_next(self) -> bool:
        if self.complete:
            return False
        self._pages.extend(_section_pages(self._content, self._fits_for, self._sections))
        self._sections += 1
        if self.complete and self._on_complete is not None:
            self._on_complete()
        return True

    @overload
    def __getitem__(self, index: int) -> Page: ...

    @overload
    def __getitem__(self, index: slice) -> list[Page]: ...

    def __getitem__(self, index: int | slice) -> Page | list[Page]:
        if isinstance(index, slice) or index < 0:
            self.finish()
        else:
            while index >= len(self._pages) and self._split_next():
                pass
        return self._pages[index]

    def __len__(self) -> int:
        self.finish()
        return len(self._pages)

    def __bool__(self) -> bool:
        while not self._pages and self._split_next():
            pass
        return bool(self._pages)


def lone_sentence_pages(content: Content, pages: Sequence[Page]) -> list[Page]:
    """The pages that hold a single sentence cut from a longer paragraph (at either end)."""
    lonely = []
    for page in pages:
        whole = {p.strip() for p in content.article.sections[page.section_index].paragraphs}
        if any(p not in whole and len(split_sentences(p)) == 1 for p in page.paragraphs):
            lonely.append(page)
    return lonely


Position = tuple[int, int]
"""Where a reader is, in terms a new pagination keeps: (section, words before the page in its
section)."""


def reading_position(pages: Sequence[Page], index: int) -> Position:
    """The :data:`Position` of page ``index`` of ``pages`` (the start for no pages)."""
    if not pages:
        return (0, 0)
    page = pages[index]
    before = (pages[i] for i in range(index))
    return page.section_index, sum(
        word_count(p.paragraphs) for p in before if p.section_index == page.section_index
    )


def page_at(pages: Sequence[Page], position: Position) -> int:
    """The index of the page of ``pages`` that holds the word at ``position`` (after a new
    pagination: another size or text size), or 0 when none does."""
    section, words = position
    seen = 0
    for index, page in enumerate(pages):
        if page.section_index != section:
            continue
        seen += word_count(page.paragraphs)
        if words < seen:
            return index
    return 0
