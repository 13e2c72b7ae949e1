"""Splitting sections into pages, with a stand-in for the real font measurement."""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.core.pagination import paginate_paragraphs, split_sentences


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
