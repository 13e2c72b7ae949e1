"""The slideshow: pagination at real sizes, pacing, navigation, looping, the fade."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage

from kiosk.core.content import Section
from kiosk.core.pacing import word_count
from kiosk.ui import slideshow as slideshow_module
from kiosk.ui.page_view import PageLayout, body_pixel_size
from kiosk.ui.slideshow import SlideshowScreen

SIZES = [(1024, 600), (1280, 800), (1920, 1080), (3840, 2160), (1080, 1920)]


@pytest.fixture
def make_screen(qtbot, make_content, timers, clock):
    def make(width: int = 1920, height: int = 1080, show: bool = True, **timing: float):
        screen = SlideshowScreen(make_content(**timing), timer_factory=timers, clock=clock)
        qtbot.addWidget(screen)
        screen.resize(width, height)
        if show:
            screen.show()
            qtbot.waitExposed(screen)
        return screen

    return make


def tap(qtbot, screen: SlideshowScreen, x: int, y: int | None = None) -> None:
    qtbot.mouseClick(screen, Qt.MouseButton.LeftButton, pos=QPoint(x, y or screen.height() // 2))


def swipe(qtbot, screen: SlideshowScreen, dx: int) -> None:
    y = screen.height() // 2
    start = QPoint(screen.width() // 2 - dx // 2, y)
    qtbot.mousePress(screen, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(screen, start + QPoint(dx // 2, 0))
    qtbot.mouseRelease(screen, Qt.MouseButton.LeftButton, pos=start + QPoint(dx, 0))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pages_hold_all_text_and_none_overflows(make_screen, shipped_content, width, height):
    screen = make_screen(width, height, show=False)
    layout = screen.page_layout
    assert layout is not None
    pages = screen.pages
    assert len(pages) >= len(shipped_content.article.sections)

    for index, section in enumerate(shipped_content.article.sections):
        section_pages = [p for p in pages if p.section_index == index]
        text = " ".join(" ".join(p.paragraphs) for p in section_pages)
        assert text.split() == " ".join(section.paragraphs).split()
        assert [p.index_in_section for p in section_pages] == list(range(len(section_pages)))

    screen_rect = QRect(0, 0, width, height)
    for page in pages:
        section = shipped_content.article.sections[page.section_index]
        body = layout.body_rect(section, page.heading, page.continued)
        assert layout.content_rect.contains(body)
        assert layout.text_height(page.paragraphs, body.width()) <= body.height(), page
        assert body.height() > 0
    assert screen_rect.contains(layout.footer_rect)
    assert layout.footer_rect.bottom() == height - 1
    assert layout.header_rect.bottom() < layout.content_rect.top()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_type_follows_the_short_side_on_one_scale(make_screen, width, height):
    layout = make_screen(width, height, show=False).page_layout
    assert layout is not None
    short = min(width, height)
    body = layout.body_font.pixelSize()
    assert body == body_pixel_size(QSize(width, height)) >= math.ceil(short * 0.036)
    # The same screen turned: the same sizes.
    assert body_pixel_size(QSize(height, width)) == body
    assert layout.heading_font.pixelSize() > body
    assert layout.crisis_font.pixelSize() == body
    assert layout.name_px >= body
    assert layout.disclaimer_font.pixelSize() >= round(body * 0.85)


def test_resize_repaginates_and_keeps_the_reader_in_the_same_section(make_screen):
    screen = make_screen(1920, 1080)
    last_section = screen.pages[-1].section_index
    screen.show_page(len(screen.pages) - 1)
    screen.resize(1080, 1920)
    assert screen.page_layout.size == QSize(1080, 1920)
    assert screen.pages[screen.current_index].section_index == last_section


def test_a_hidden_slideshow_is_laid_out_once_at_the_size_it_is_shown_at(qtbot, make_screen, caplog):
    """Start-up restyles the window before its screens have their size: a new look for a
    hidden slideshow waits for it to be shown instead of paginating at the old size too."""
    screen = make_screen(640, 480, show=False)
    caplog.set_level("DEBUG", logger="kiosk.ui.slideshow")
    screen.set_look(1.25, lambda content: content)
    screen.resize(1920, 1080)
    screen.show()
    qtbot.waitExposed(screen)
    count = len(screen.pages)  # every section split (the log says so once they all are)
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if m.startswith("laid out")] == ["laid out at 1920x1080"]
    assert [m for m in messages if m.startswith("paginated")] == [
        f"paginated {count} pages at 1920x1080"
    ]
    assert screen.page_layout.scale == 1.25


def test_the_first_page_is_painted_before_the_later_sections_are_split(
    qtbot, make_content, timers, clock, monkeypatch
):
    """Start-up: the first page waits for its own section's pages only; the other sections
    are split from the event loop right after it is painted, and then the screen reader's
    text says how many pages there are."""
    content = make_content()
    sections = content.article.sections
    split: list[int] = []
    measure = PageLayout.fits_for

    def recording(layout: PageLayout, section: Section, heading: str, continued: bool = False):
        if not continued:
            split.append(sections.index(section))
        return measure(layout, section, heading, continued)

    monkeypatch.setattr(PageLayout, "fits_for", recording)
    screen = SlideshowScreen(content, timer_factory=timers, clock=clock)
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)
    split_when_painted: list[int] = []
    screen.first_page_shown.connect(lambda: split_when_painted.extend(split))
    with qtbot.waitSignal(screen.first_page_shown):
        screen.show()

    def all_split() -> None:
        assert split == list(range(len(sections)))

    qtbot.waitUntil(all_split)
    assert split_when_painted == [0]
    count = len(screen.pages)
    assert count > len(sections)  # the other sections' pages were not needed to paint
    assert screen.accessibleDescription().startswith(f"Page 1 of {count}.\n")
    assert split == list(range(len(sections)))  # split once each


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)])
def test_a_page_just_laid_out_is_painted_straight_onto_the_screen_as_its_pixmap_shows_it(
    make_screen, monkeypatch, width, height
):
    """The first page (and the page after a resize) is painted without a screen-sized pixmap
    first, and looks exactly as the pixmap a page change fades from."""
    rendered: list[int] = []
    render = slideshow_module.render_page

    def counting(*args, **kwargs):
        rendered.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(slideshow_module, "render_page", counting)
    screen = make_screen(width, height, fade_ms=0)
    screen.set_paused(True)  # the pause mark is painted over it too
    straight = screen.grab().toImage()
    assert rendered == []
    screen.show_page(screen.current_index)
    assert rendered == [1]
    assert screen.grab().toImage() == straight


@pytest.mark.parametrize("start", ["second section", "last page"])
def test_after_a_resize_the_screen_reader_is_told_the_new_page_once(qtbot, make_screen, start):
    """A resize keeps the reading position; the description then says the new layout's page
    and count, once: in the second section after the paint (the sections after it are split
    then), on the last page at once (every section was split to find it)."""
    screen = make_screen(1080, 1920, fade_ms=0)
    pages = screen.pages
    first_of_second = next(i for i, p in enumerate(pages) if p.section_index == 1)
    screen.show_page(len(pages) - 1 if start == "last page" else first_of_second)
    section = pages[screen.current_index].section_index
    said: list[str] = []
    describe = screen.setAccessibleDescription

    def recording(text: str) -> None:
        said.append(text)
        describe(text)

    def described() -> None:
        assert said

    screen.setAccessibleDescription = recording
    for width, height in [(1920, 1080), (1080, 1920), (1920, 1080)]:
        said.clear()
        screen.resize(width, height)
        qtbot.waitUntil(described)
        index, pages = screen.current_index, screen.pages
        assert pages[index].section_index == section
        assert said == [f"Page {index + 1} of {len(pages)}.\n{pages[index].text}"]


def test_advances_after_the_page_time_and_loops(make_screen, timers):
    screen = make_screen(1920, 1080, fade_ms=0)
    advance = timers.named("advance")
    seen = [screen.current_index]
    for _ in range(len(screen.pages)):
        assert advance.isActive()
        assert advance.interval == round(screen.pages[screen.current_index].seconds * 1000)
        advance.fire()
        seen.append(screen.current_index)
    assert seen == [*range(len(screen.pages)), 0]


def test_page_time_follows_word_count(make_screen, shipped_content):
    screen = make_screen(1920, 1080, show=False)
    timing = shipped_content.timing
    for page in screen.pages:
        words = word_count(page.paragraphs)
        expected = words / timing.words_per_minute * 60 + timing.extra_seconds
        expected = min(max(expected, timing.min_seconds), timing.max_seconds)
        assert page.seconds == pytest.approx(expected)


def test_swipes_and_edge_taps_turn_pages(qtbot, make_screen):
    screen = make_screen(1920, 1080, fade_ms=0)
    last = len(screen.pages) - 1
    swipe(qtbot, screen, -400)
    assert screen.current_index == 1
    swipe(qtbot, screen, 400)
    assert screen.current_index == 0
    tap(qtbot, screen, 20)
    assert screen.current_index == last
    tap(qtbot, screen, screen.width() - 20)
    assert screen.current_index == 0
    # A vertical drag is neither a swipe nor a tap.
    start = QPoint(960, 300)
    qtbot.mousePress(screen, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseRelease(screen, Qt.MouseButton.LeftButton, pos=start + QPoint(10, 400))
    assert screen.current_index == 0


def test_tap_in_the_middle_pauses_with_a_visible_mark(qtbot, make_screen, timers):
    screen = make_screen(1920, 1080, fade_ms=0)
    before = screen.grab().toImage()
    with qtbot.waitSignal(screen.paused_changed) as paused:
        tap(qtbot, screen, 960)
    assert paused.args == [True]
    assert screen.is_paused
    assert not timers.named("advance").isActive()
    assert timers.named("resume").interval == 45_000
    after = screen.grab().toImage()
    mark = screen.page_layout.pause_mark_rect()
    assert before.copy(mark) != after.copy(mark), "the pause mark is not drawn"
    header = screen.page_layout.header_rect
    assert before.copy(header) == after.copy(header), "the pause mark covers the name"
    assert before.copy(screen.page_layout.content_rect) == after.copy(
        screen.page_layout.content_rect
    ), "the pause mark covers the text"

    tap(qtbot, screen, 960)
    assert not screen.is_paused
    assert timers.named("advance").isActive()
    assert not timers.named("resume").isActive()


def test_turning_a_page_holds_it_until_the_idle_timeout(qtbot, make_screen, timers):
    screen = make_screen(1920, 1080, fade_ms=0)
    resume = timers.named("resume")
    swipe(qtbot, screen, -400)
    assert screen.is_paused
    assert not timers.named("advance").isActive()
    # Touching again restarts the idle wait; when it runs out the show carries on.
    qtbot.mousePress(screen, Qt.MouseButton.LeftButton, pos=QPoint(960, 500))
    qtbot.mouseRelease(screen, Qt.MouseButton.LeftButton, pos=QPoint(960, 500))
    assert screen.is_paused is False  # the middle tap resumed
    swipe(qtbot, screen, -400)
    with qtbot.waitSignal(screen.paused_changed) as resumed:
        resume.fire()
    assert resumed.args == [False]
    assert timers.named("advance").isActive()
    assert screen.current_index == 2


def test_cross_fade_blends_pages_without_a_blank_frame(make_screen, timers, clock):
    screen = make_screen(1920, 1080, fade_ms=600)
    frame = timers.named("frame")
    layout = screen.page_layout
    region = layout.content_rect
    old = screen.grab().toImage().copy(region)
    background = QColor(layout.colors["background"]).rgb()

    timers.named("advance").fire()
    assert screen.is_fading
    assert frame.isActive()
    frames = []
    for _ in range(20):
        frames.append(screen.grab().toImage().copy(region))
        clock.advance(0.033)
        frame.fire()
        if not frame.isActive():
            break
    assert not screen.is_fading
    assert not frame.isActive(), "the fade must stop by itself"
    new = screen.grab().toImage().copy(region)
    assert frames[0] == old, "the first frame of the fade is the old page"
    assert new != old
    assert any(f not in (old, new) for f in frames), "no in-between frame was painted"
    for image in frames:
        assert not _uniform(image, background), "a blank frame was painted"
    # Between page changes only the page timer waits.
    assert [t.objectName() for t in timers.active()] == ["advance"]


def test_hidden_slideshow_runs_no_timer(make_screen, timers):
    screen = make_screen(1920, 1080)
    assert timers.active()
    screen.hide()
    assert timers.active() == []
    screen.show()
    assert [t.objectName() for t in timers.active()] == ["advance"]


def test_crisis_line_is_on_every_page(make_screen, shipped_content):
    screen = make_screen(1280, 800, show=False, fade_ms=0)
    layout = screen.page_layout
    footers = []
    for index in range(len(screen.pages)):
        screen.show_page(index)
        footers.append(screen.grab().toImage().copy(layout.footer_rect))
    assert all(f == footers[0] for f in footers)
    ink = QColor(shipped_content.clinic.colors.footer_text).rgb()
    assert _count(footers[0], ink) > 200, "no crisis line text in the footer"
    assert "988" in shipped_content.notices.crisis_line


def test_the_slideshow_has_an_accessible_name_and_page_text(make_screen):
    screen = make_screen(1920, 1080, fade_ms=0)
    assert screen.accessibleName() == "Article slideshow"
    assert screen.pages[0].paragraphs[0] in screen.accessibleDescription()
    assert "Page 1 of" in screen.accessibleDescription()


def _uniform(image: QImage, rgb: int) -> bool:
    step = 7
    return all(
        image.pixel(x, y) == rgb
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    )


def _count(image: QImage, rgb: int) -> int:
    return sum(
        image.pixel(x, y) == rgb for y in range(image.height()) for x in range(image.width())
    )


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1080, 1920)])
def test_a_section_image_is_shown_beside_or_above_its_text(
    qtbot, tmp_path, shipped_content, timers, clock, width, height
):
    from kiosk.core.record import replace

    picture = QImage(400, 300, QImage.Format.Format_RGB32)
    picture.fill(QColor("#C0392B"))
    path = tmp_path / "picture.png"
    assert picture.save(str(path))
    sections = list(shipped_content.article.sections)
    sections[1] = replace(sections[1], image=path, image_description="A red square")
    content = replace(
        shipped_content, article=replace(shipped_content.article, sections=tuple(sections))
    )
    screen = SlideshowScreen(content, timer_factory=timers, clock=clock)
    qtbot.addWidget(screen)
    screen.resize(width, height)
    layout = screen.page_layout
    index = next(i for i, p in enumerate(screen.pages) if p.section_index == 1)
    page = screen.pages[index]
    image_rect = layout.image_rect(sections[1], page.heading)
    body = layout.body_rect(sections[1], page.heading)
    assert not image_rect.isEmpty()
    assert not image_rect.intersects(body)
    if height > width:
        assert image_rect.bottom() < body.top()
    else:
        assert image_rect.left() > body.right()
    for p in screen.pages:
        if p.section_index == 1:
            area = layout.body_rect(sections[1], p.heading, p.continued)
            assert layout.text_height(p.paragraphs, area.width()) <= area.height()
    screen.show_page(index)
    shot = screen.grab().toImage()
    red = QColor("#C0392B").rgb()
    assert shot.pixel(image_rect.center()) == red
