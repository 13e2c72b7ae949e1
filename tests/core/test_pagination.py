"""Splitting sections into pages, with a stand-in for the real font measurement."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from kiosk.core.pacing import word_count
from kiosk.core.pagination import (
    Pages,
    page_at,
    paginate,
    paginate_paragraphs,
    reading_position,
    split_sentences,
)


def capacity(chars: int):
    """A page holds ``chars`` characters; a paragraph break costs 20."""

    def fits(paragraphs: Sequence[str]) -> bool:
        return sum(len(p) for p in paragraphs) + 20 * (len(paragraphs) - 1) <= chars

    return fits


def words(pages):
    return " ".join(" ".join(page) for page in pages).split()


def test_paragraphs_that_fit_are_never_split():
    paragraphs = ["A" * 40 + ".", "B" * 40 + ".", "C" * 40 + "."]
    assert paginate_paragraphs(paragraphs, capacity(110)) == [
        (paragraphs[0], paragraphs[1]),
        (paragraphs[2],),
    ]


def test_a_long_paragraph_is_split_between_sentences_and_nothing_is_lost():
    sentence = "This is one sentence of a long paragraph."
    paragraph = " ".join([sentence] * 7)
    pages = paginate_paragraphs([paragraph], capacity(130))
    assert words(pages) == paragraph.split()
    for page in pages:
        assert capacity(130)(page)
        for part in page:
            assert split_sentences(part)[-1].endswith(".")


def test_no_lonely_last_sentence_when_the_page_before_can_give_one():
    sentence = "Every sentence here is about as long as the others are."
    paragraph = " ".join([sentence] * 5)
    # Greedy filling would give 4 + 1 sentences; balanced, it is 3 + 2.
    pages = paginate_paragraphs([paragraph], capacity(4 * (len(sentence) + 1)))
    assert [len(split_sentences(page[0])) for page in pages] == [3, 2]


def test_a_sentence_longer_than_a_page_is_split_between_words():
    sentence = "word " * 50
    pages = paginate_paragraphs([sentence.strip() + "."], capacity(60))
    assert words(pages) == (sentence.strip() + ".").split()
    assert all(capacity(60)(page) for page in pages)


def test_a_split_paragraph_keeps_two_sentences_on_each_page():
    sentence = "Every sentence here is about as long as the others are."
    paragraph = " ".join([sentence] * 5)
    # Four sentences fit a page: greedy would leave one alone on the second page.
    for capacity_in_sentences in (3, 4):
        pages = paginate_paragraphs(
            [paragraph], capacity(capacity_in_sentences * len(sentence) + 5)
        )
        assert all(len(split_sentences(page[0])) >= 2 for page in pages), pages


def test_the_first_page_may_hold_less_than_the_ones_that_continue_it():
    sentence = "Every sentence here is about as long as the others are."
    paragraph = " ".join([sentence] * 6)
    first = capacity(2 * len(sentence) + 5)
    later = capacity(4 * len(sentence) + 5)
    pages = paginate_paragraphs([paragraph], first, later)
    assert [len(split_sentences(page[0])) for page in pages] == [2, 4]


def test_a_paragraph_too_long_for_the_rule_still_loses_nothing():
    sentence = "Every sentence here is about as long as the others are."
    paragraph = " ".join([sentence] * 3)
    pages = paginate_paragraphs([paragraph], capacity(2 * len(sentence) + 5))
    assert words(pages) == paragraph.split()
    assert len(pages) == 2


def test_pages_of_other_paragraphs_are_not_split_needlessly():
    paragraphs = ["A" * 50 + ". " + "B" * 50 + ".", "C" * 50 + ". " + "D" * 50 + "."]
    assert paginate_paragraphs(paragraphs, capacity(130)) == [
        (paragraphs[0],),
        (paragraphs[1],),
    ]


def test_a_paragraph_takes_its_direction_from_its_first_strong_character():
    from kiosk.core.bidi import paragraph_direction

    assert paragraph_direction("Hello שלום") == "ltr"
    assert paragraph_direction("שלום Hello") == "rtl"
    assert paragraph_direction("988 اتصل") == "rtl"
    assert paragraph_direction("“¿Qué?”") == "ltr"
    assert paragraph_direction("988") == "ltr"


def test_cjk_characters_count_as_words_for_the_page_time():
    from kiosk.core.pacing import word_count

    assert word_count(["你好再见"]) == 4
    assert word_count(["Hello world"]) == 2
    assert word_count(["See 医生 today", "안녕 하세요", "اتصل بنا", ""]) == 4 + 5 + 2
    assert word_count(["Thanks 👍 ✓"]) == 3  # above U+3040, but not written without spaces


def test_pages_split_each_section_only_when_one_of_its_pages_is_asked_for(shipped_content):
    measured: list[int] = []
    sections = shipped_content.article.sections
    every_section = list(range(len(sections)))

    def fits_for(section, heading, continued):
        if not continued:
            measured.append(sections.index(section))
        return capacity(400)

    everything = paginate(shipped_content, fits_for)
    assert measured == every_section
    assert len(everything) > len(sections)
    measured.clear()
    done: list[int] = []
    pages = Pages(shipped_content, fits_for, lambda: done.append(len(measured)))
    assert pages
    assert pages[0] == everything[0]
    assert measured == [0]  # the first page needs its own section only
    first_of_second = next(i for i, p in enumerate(everything) if p.section_index == 1)
    assert pages[first_of_second] == everything[first_of_second]
    assert measured == [0, 1]
    assert not pages.complete
    assert done == []
    assert len(pages) == len(everything)
    assert measured == every_section
    assert pages.complete
    assert done == [len(sections)]  # told once, when the last section was split
    assert list(pages) == everything
    assert pages[-1] == everything[-1]
    assert measured == every_section  # each section split once
    assert done == [len(sections)]


def test_asking_for_the_last_page_or_a_slice_splits_every_section(shipped_content):
    everything = paginate(shipped_content, lambda *_: capacity(400))
    assert Pages(shipped_content, lambda *_: capacity(400))[-1] == everything[-1]
    assert Pages(shipped_content, lambda *_: capacity(400))[1:3] == everything[1:3]
    beyond = Pages(shipped_content, lambda *_: capacity(400))
    with pytest.raises(IndexError):
        beyond[len(everything)]
    assert beyond.complete


def test_the_reading_position_survives_a_new_pagination(shipped_content):
    """A resize or a larger text size splits the article again: the page shown then is the
    one holding the first word of the page read before."""
    small = paginate(shipped_content, lambda *_: capacity(300))
    large = paginate(shipped_content, lambda *_: capacity(900))
    assert len(small) > len(large) > len(shipped_content.article.sections)
    for index, page in enumerate(small):
        section, words_before = reading_position(small, index)
        assert section == page.section_index
        now = large[page_at(large, (section, words_before))]
        assert now.section_index == section
        first_word = page.paragraphs[0].split()[0]
        assert first_word in " ".join(now.paragraphs).split()
        same_pages = [p for p in large if p.section_index == section]
        before = same_pages[: same_pages.index(now)]
        counted = sum(word_count(p.paragraphs) for p in before)
        assert counted <= words_before < counted + word_count(now.paragraphs)
    assert reading_position([], 0) == (0, 0)
    assert page_at(large, (len(shipped_content.article.sections), 0)) == 0  # gone: the start
