"""New content for a running slideshow (SlideshowScreen.replace_content): it takes over at the
next page change, at its first page, never in the middle of a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.core.content import Article, Content, Section
from kiosk.core.record import replace
from kiosk.ui.slideshow import SlideshowScreen
from tests.helpers.fakes import FakeClock, FakeTimers

MakeScreen: TypeAlias = Callable[..., SlideshowScreen]

NEW_WORDS = "Our new opening times start in March. Ask at the front desk for details."


@pytest.fixture
def make_screen(
    qtbot: QtBot, make_content: Callable[..., Content], timers: FakeTimers, clock: FakeClock
) -> MakeScreen:
    def make(
        width: int = 1920, height: int = 1080, show: bool = True, **timing: float
    ) -> SlideshowScreen:
        screen = SlideshowScreen(make_content(**timing), timer_factory=timers, clock=clock)
        qtbot.addWidget(screen)
        screen.resize(width, height)
        if show:
            screen.show()
            qtbot.waitExposed(screen)
        return screen

    return make


def new_version(content: Content, **changes: Any) -> Content:
    """``content`` as a clinic might save it next: a new article and button label."""
    article = Article(
        title="News from the clinic",
        sections=(
            Section(heading="What is new", paragraphs=(NEW_WORDS,)),
            Section(heading="Parking", paragraphs=("Parking is free after 5 pm.",)),
        ),
    )
    form = replace(content.form, button_label="Ask us a question")
    return replace(content, content_version="next", article=article, form=form, **changes)


def shown(screen: SlideshowScreen) -> Content:
    """The content the slideshow's pages are made from now."""
    layout = screen.page_layout
    assert layout is not None
    return layout.content


def button(screen: SlideshowScreen) -> QPushButton:
    found = screen.findChild(QPushButton, "request-info")
    assert found is not None
    return found


def swipe_back(qtbot: QtBot, screen: SlideshowScreen) -> None:
    y = screen.height() // 2
    start = QPoint(screen.width() // 3, y)
    qtbot.mousePress(screen, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(screen, start + QPoint(200, 0))
    qtbot.mouseRelease(screen, Qt.MouseButton.LeftButton, pos=start + QPoint(400, 0))


def test_new_content_waits_for_the_advance_then_shows_its_first_page(
    qtbot: QtBot, make_screen: MakeScreen, timers: FakeTimers
) -> None:
    screen = make_screen(fade_ms=0)
    advance = timers.named("advance")
    advance.fire()
    assert screen.current_index == 1
    old_pages = screen.pages
    old_label = button(screen).text()
    old_text = screen.accessibleDescription()
    new = new_version(shown(screen))

    screen.replace_content(new)

    # Nothing changes mid-page: same page, same pages, same button, same timer.
    assert screen.current_index == 1
    assert screen.pages == old_pages
    assert shown(screen) is not new
    assert button(screen).text() == old_label
    assert screen.accessibleDescription() == old_text
    assert advance.isActive()
    assert advance.interval == round(old_pages[1].seconds * 1000)

    with qtbot.waitSignal(screen.page_changed) as changed:
        advance.fire()

    assert changed.args == [0]
    assert screen.current_index == 0
    assert shown(screen) is new
    assert [p.heading for p in screen.pages] == ["What is new", "Parking"]
    assert screen.pages[0].paragraphs == (NEW_WORDS,)
    assert "Page 1 of 2." in screen.accessibleDescription()
    assert NEW_WORDS in screen.accessibleDescription()
    assert button(screen).text() == "Ask us a question"
    assert button(screen).accessibleName() == "Ask us a question"
    assert advance.isActive()
    assert advance.interval == round(screen.pages[0].seconds * 1000)

    advance.fire()  # and it carries on through the new content, looping as before
    assert screen.current_index == 1
    advance.fire()
    assert screen.current_index == 0
    assert screen.pages[0].paragraphs == (NEW_WORDS,)


def test_a_visitors_swipe_also_brings_in_the_new_content_at_its_first_page(
    qtbot: QtBot, make_screen: MakeScreen
) -> None:
    screen = make_screen(fade_ms=0)
    screen.show_page(3)
    screen.replace_content(new_version(shown(screen)))
    assert screen.current_index == 3

    swipe_back(qtbot, screen)  # back would be page 2; the new content starts at its first

    assert screen.current_index == 0
    assert screen.pages[0].paragraphs == (NEW_WORDS,)
    assert screen.is_paused  # a swipe holds the page, as always


def test_a_hidden_slideshow_keeps_the_new_content_until_shown_and_turned(
    qtbot: QtBot, make_screen: MakeScreen, timers: FakeTimers
) -> None:
    screen = make_screen(fade_ms=0)
    advance = timers.named("advance")
    old_first = screen.pages[0].paragraphs[0]
    new = new_version(shown(screen))

    screen.hide()  # a visitor opened the form
    screen.replace_content(new)
    assert not advance.isActive()
    screen.resize(1280, 800)  # even a new size while hidden does not bring it in
    old_pages = screen.pages  # the old article, laid out for the new size
    assert old_pages[0].paragraphs[0] in old_first
    assert shown(screen) is not new
    assert button(screen).text() != "Ask us a question"

    screen.show()  # back from the form: the page they left is still there
    qtbot.waitExposed(screen)
    assert shown(screen) is not new
    assert screen.pages[0].paragraphs == old_pages[0].paragraphs
    assert screen.current_index == 0
    assert advance.isActive()

    advance.fire()

    assert shown(screen) is new
    assert screen.current_index == 0
    assert screen.pages[0].paragraphs == (NEW_WORDS,)
    assert button(screen).text() == "Ask us a question"


def test_new_content_is_paginated_for_the_current_size(
    make_screen: MakeScreen, timers: FakeTimers
) -> None:
    screen = make_screen(1080, 1920, fade_ms=0)
    shipped = shown(screen)
    longer = replace(
        shipped,
        content_version="longer",
        article=replace(shipped.article, sections=shipped.article.sections * 2),
    )
    screen.replace_content(longer)
    timers.named("advance").fire()

    layout = screen.page_layout
    assert layout is not None
    assert layout.content is longer
    assert (layout.size.width(), layout.size.height()) == (1080, 1920)
    assert len(screen.pages) > len(longer.article.sections)
    for page in screen.pages:
        section = longer.article.sections[page.section_index]
        body = layout.body_rect(section, page.heading)
        assert layout.text_height(page.paragraphs, body.width()) <= body.height(), page
    assert button(screen).geometry() == layout.button_rect


def test_the_new_content_replaces_the_page_at_once_then_uses_its_own_timing(
    make_screen: MakeScreen, timers: FakeTimers, clock: FakeClock
) -> None:
    screen = make_screen(fade_ms=600)
    shipped = shown(screen)
    new = new_version(
        shipped,
        timing=replace(shipped.timing, fade_ms=0),
        clinic=replace(
            shipped.clinic,
            name="Harbour Health",
            colors=replace(shipped.clinic.colors, header_background="#222222"),
        ),
    )
    screen.replace_content(new)
    timers.named("advance").fire()

    # No cross-fade into new content: the header and footer may change too.
    assert not screen.is_fading
    assert not timers.named("frame").isActive()
    image = screen.grab().toImage()
    layout = screen.page_layout
    assert layout is not None
    assert image.pixelColor(layout.header_rect.right() - 2, 2) == QColor("#222222")

    timers.named("advance").fire()  # the new content's own fade_ms is 0
    assert screen.current_index == 1
    assert not screen.is_fading


def test_content_equal_to_what_is_shown_cancels_what_was_waiting(
    make_screen: MakeScreen, timers: FakeTimers
) -> None:
    screen = make_screen(fade_ms=0)
    shipped = shown(screen)
    pages = screen.pages
    screen.replace_content(new_version(shipped))
    screen.replace_content(replace(shipped))  # an equal copy: the file was saved back

    timers.named("advance").fire()

    assert screen.current_index == 1  # an ordinary page change
    assert screen.pages == pages
    assert shown(screen) is shipped


def test_the_latest_content_wins(make_screen: MakeScreen, timers: FakeTimers) -> None:
    screen = make_screen(fade_ms=0)
    shipped = shown(screen)
    first = new_version(shipped)
    second = replace(first, content_version="later", form=replace(first.form, button_label="Ask"))
    screen.replace_content(first)
    screen.replace_content(second)

    timers.named("advance").fire()

    assert shown(screen) is second
    assert button(screen).text() == "Ask"
