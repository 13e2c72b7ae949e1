"""Typography at every screen shape, in every script: the shipped article and a second one
(tests/data/second_article.yaml: a one-sentence section, ~700 words, a long web address,
Spanish and French, Arabic and Hebrew, CJK with emoji, Greek, Russian and Hindi, and a
60-character clinic name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt

from kiosk.core.content import Content, Section, load_content
from kiosk.core.pagination import lone_sentence_pages, paginate, split_sentences
from kiosk.core.record import replace
from kiosk.core.source_lines import SourceLines
from kiosk.ui.content_check import SHAPES, lay_out
from kiosk.ui.glyphs import has_glyph, undrawable
from kiosk.ui.page_view import PageLayout, TextBlock

SECOND = Path(__file__).resolve().parent.parent / "data" / "second_article.yaml"

MULTI_SCRIPT = (
    "Latin déjà vu, Ελληνικά, Русский, العربية, עברית, हिन्दी, 中文, 日本語のかな, 한국어, "
    "🌿 📄 🩺 👋🏽 👍🏿 👩‍⚕️"
)


@pytest.fixture(scope="module")
def second() -> Content:
    return load_content(SECOND)


def pages_at(content: Content, width: int, height: int):
    layout = PageLayout(content, QSize(width, height))
    return layout, paginate(content, layout.fits_for)


def test_the_shipped_article_in_portrait_takes_few_pages(qapp, shipped_content):
    _, portrait = pages_at(shipped_content, 1080, 1920)
    _, landscape = pages_at(shipped_content, 1920, 1080)
    assert len(portrait) <= 8
    assert len(portrait) <= 1.5 * len(landscape)


@pytest.mark.parametrize(("width", "height"), SHAPES)
@pytest.mark.parametrize("which", ["shipped", "second"])
def test_no_page_holds_a_lone_sentence_or_a_heading_alone(
    qapp, shipped_content, second, which, width, height
):
    content = shipped_content if which == "shipped" else second
    layout, pages = pages_at(content, width, height)
    assert lone_sentence_pages(content, pages) == []
    for page in pages:
        assert page.paragraphs
        assert all(p.strip() for p in page.paragraphs)
        section = content.article.sections[page.section_index]
        body = layout.body_rect(section, page.heading, page.continued)
        assert layout.text_height(page.paragraphs, body.width()) <= body.height()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
@pytest.mark.parametrize("which", ["shipped", "second"])
def test_lines_hold_45_to_75_characters_on_wide_screens(
    qapp, shipped_content, second, which, width, height
):
    content = shipped_content if which == "shipped" else second
    layout, pages = pages_at(content, width, height)
    english = [p for p in pages if p.section_index < 3]  # the long English sections
    lengths = layout.line_lengths(english)
    assert 45 <= sum(lengths) / len(lengths) <= 75


def test_a_section_title_shows_once_then_a_continued_mark(qapp, second):
    layout, pages = pages_at(second, 1080, 1920)
    long_section = [p for p in pages if p.section_index == 1]
    assert len(long_section) > 1
    assert [p.continued for p in long_section] == [False] + [True] * (len(long_section) - 1)
    first = layout.heading_block(long_section[0].heading)
    mark = layout.heading_block(long_section[1].heading, continued=True)
    assert mark.height < first.height
    assert layout.body_rect(Section(None, ("x",)), "Heading", True).height() > (
        layout.body_rect(Section(None, ("x",)), "Heading", False).height()
    )
    text = layout.progress_text(long_section[1])
    assert text == f"Part 2 of 7  ·  page 2 of {len(long_section)}"


def test_a_right_to_left_paragraph_is_paginated_right_aligned_and_right_to_left(qapp, second):
    arabic = next(p for s in second.article.sections for p in s.paragraphs if p.startswith("إذا"))
    # A section long enough to need several pages in portrait.
    long = " ".join([arabic] * 12)
    sections = (Section("قسم طويل", (long,)),)
    content = replace(second, article=replace(second.article, sections=sections))
    layout, pages = pages_at(content, 1080, 1920)
    assert len(pages) > 1
    assert lone_sentence_pages(content, pages) == []
    assert " ".join(" ".join(p.paragraphs) for p in pages).split() == long.split()
    width = layout.body_rect(sections[0], pages[0].heading).width()
    for page in pages:
        for block in layout.paragraph_blocks(page.paragraphs, width):
            assert block.direction == Qt.LayoutDirection.RightToLeft
            assert block.alignment & Qt.AlignmentFlag.AlignRight
            # Every line ends at the right edge of the column (the last one too).
            for index in range(block.line_count):
                rect = block._layout.lineAt(index).naturalTextRect()
                assert abs(rect.right() - width) <= 3, (rect, width)
    heading = layout.heading_block(pages[0].heading)
    assert heading.direction == Qt.LayoutDirection.RightToLeft


def test_a_full_stop_lands_at_the_left_end_of_a_hebrew_line_with_english_in_it(qapp, second):
    hebrew = next(p for s in second.article.sections for p in s.paragraphs if "(Hebrew)" in p)
    layout = PageLayout(second, QSize(1920, 1080))
    block = TextBlock(hebrew, layout.body_font, 100_000)  # one line
    assert block.direction == Qt.LayoutDirection.RightToLeft
    line = block._layout.lineAt(0)
    stop = line.cursorToX(len(hebrew) - 1)[0]
    first = line.cursorToX(0)[0]
    english = line.cursorToX(hebrew.index("Hebrew") + 1)[0]
    # The paragraph starts at the right; its closing full stop is its leftmost character, and
    # the English word inside it still runs left to right.
    assert first > english > stop
    assert line.cursorToX(hebrew.index("Hebrew") + 4)[0] > english


def test_a_left_to_right_paragraph_stays_left_aligned(qapp, shipped_content):
    layout = PageLayout(shipped_content, QSize(1920, 1080))
    block = TextBlock("Plain English, with 988 and עברית inside.", layout.body_font, 2000)
    assert block.direction == Qt.LayoutDirection.LeftToRight
    assert block.alignment & Qt.AlignmentFlag.AlignLeft


def test_every_character_of_a_multi_script_sample_has_a_glyph(qapp):
    assert undrawable(MULTI_SCRIPT) == []
    for char in "A中ह🌿":
        assert has_glyph(char)


def test_a_character_no_font_has_is_found(qapp):
    # A private-use character and an unassigned code point: no installed font draws them.
    assert [char for _, char in undrawable("ok \ue000 and \u0378")] == ["\ue000", "\u0378"]


def test_the_long_clinic_name_is_never_cut(qapp, second):
    name = second.clinic.name
    assert len(name) == 60
    for width, height in SHAPES:
        layout = PageLayout(second, QSize(width, height))
        block = layout.name_block
        lines = [block._layout.lineAt(i) for i in range(block.line_count)]
        shown = "".join(
            name[line.textStart() : line.textStart() + line.textLength()] for line in lines
        )
        assert shown == name
        assert block.line_count <= 2
        assert layout.name_px >= layout.body_px, (width, height)
        assert block.height <= layout.header_rect.height()
        assert max(line.naturalTextWidth() for line in lines) <= width - layout.margin


def test_the_pause_mark_does_not_cover_the_progress(qapp, second):
    for width, height in SHAPES:
        layout, _pages = pages_at(second, width, height)
        mark = layout.pause_mark_rect()
        assert layout.dots_rect.contains(mark)
        assert not mark.intersects(layout.header_rect)
        assert not mark.intersects(layout.content_rect)


def test_kiosk_check_warns_with_file_and_line(qapp, tmp_path, second):
    text = SECOND.read_text(encoding="utf-8")
    text = text.replace(
        "logo: ../../resources/logo.svg", f"logo: {SECOND.parent.parent.parent}/resources/logo.svg"
    )
    text = text.replace("(it is not a real page).", "(it is not a real page \ue000).")
    # Three sentences too long for one page together: one must stand alone.
    long = " ".join(["This sentence goes on and on about nothing much at all, " * 6 + "end."] * 3)
    text = text.replace(
        "This made-up guide is here only to show how the kiosk lays out text, so please ask "
        "our front desk if you have any questions at all.",
        long,
    )
    text = text.replace(
        "Riverside Community Mental Health and Family Wellness Centre",
        "Riverside Community Mental Health and Family Wellness Centre " * 3,
    )
    path = tmp_path / "content.yaml"
    path.write_text(text, encoding="utf-8")
    content = load_content(path)
    lines = SourceLines(path)
    reports, warnings = lay_out(content, lines)
    assert [(r.width, r.height) for r in reports] == list(SHAPES)
    numbered = {n: line for n, line in enumerate(text.splitlines(), start=1)}
    glyph = [w for w in warnings if "U+E000" in w]
    assert len(glyph) == 1
    line = int(glyph[0].split(":")[1])
    assert "\ue000" in numbered[line]
    assert "article.sections[2].body" in glyph[0]
    lone = [w for w in warnings if "single sentence" in w]
    assert lone
    assert all("article.sections[0]:" in w for w in lone)
    assert numbered[int(lone[0].split(":")[1])].strip().startswith("- body:")
    names = [w for w in warnings if "clinic.name" in w]
    assert names
    assert "name:" in numbered[int(names[0].split(":")[1])]


def test_sentences_of_every_script_split_and_join_back():
    for text, count in [
        ("One. Two? Three! “Four.” Five", 5),
        ("你好。再见\uff01好的", 3),
        ("مرحبا بكم. كيف حالك؟ جيد", 3),
        ("यह एक है। यह दो है।", 2),
    ]:
        parts = split_sentences(text)
        assert len(parts) == count
        assert "".join(parts) == text
