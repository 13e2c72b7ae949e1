"""Accessibility: the button and panel, read aloud (Qt's mock speech engine), the keypad, the
focus ring, larger text, high contrast, time enough, target sizes and accessible names."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from kiosk.app import Kiosk
from kiosk.core.access import HIGH_CONTRAST, AccessSettings, weakest_text_contrast
from kiosk.core.colors import contrast_ratio, parse_hex_color
from kiosk.core.content import Article, Content, Section
from kiosk.core.pin import PinVault
from kiosk.core.record import replace
from kiosk.ui import access_text as words
from kiosk.ui.access import AccessButton
from tests.helpers.fakes import FakeClock
from tests.ui.test_request_form import type_text

SHORT = Article(
    title="Short",
    sections=(
        Section(heading="Sleep well", paragraphs=("Sleep helps. Rest a lot.",)),
        Section(heading="Eat well", paragraphs=("Eat greens. Drink water.",)),
    ),
)
SIZES = ((1024, 600), (1280, 800), (1920, 1080), (3840, 2160), (1080, 1920))


@pytest.fixture
def short_content(shipped_content: Content) -> Content:
    return replace(shipped_content, article=SHORT)


def build(
    qtbot, content, store, timers, size=(1280, 800), tmp_path=None, watch_input=True
) -> Kiosk:
    extra = {}
    if tmp_path is not None:
        vault = PinVault(tmp_path / "pin")
        vault.set_pin("0000")
        extra["vault"] = vault
    kiosk = Kiosk(
        content,
        store,
        "k",
        timers,
        FakeClock(),
        load_keyboard=False,
        speech_engine="mock",
        watch_input=watch_input,
        **extra,
    )
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(*size)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    window = kiosk.window.windowHandle()
    assert window is not None
    window.requestActivate()  # key presses go to the active window's focus

    def active() -> None:
        assert kiosk.window.isActiveWindow()

    qtbot.waitUntil(active)
    return kiosk


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def key(qtbot, k: Qt.Key, text: str = "") -> None:
    target = focused()
    assert target is not None, "nothing has the focus"
    qtbot.keyClick(target, k)


def tab_to(qtbot, widget: QWidget, limit: int = 40) -> None:
    """Press Tab (as a keypad does) until ``widget`` has the focus."""
    for _ in range(limit):
        if focused() is widget:
            return
        key(qtbot, Qt.Key.Key_Tab)
    assert focused() is widget, f"Tab never reached {widget.objectName()}"


def said(kiosk: Kiosk) -> list[str]:
    return kiosk.access.speaker.spoken


def last_said(kiosk: Kiosk, count: int = 1) -> str:
    return " | ".join(said(kiosk)[-count:])


# -- the whole visit, keypad only ----------------------------------------------------------


def test_a_whole_request_with_the_keypad_only_and_read_aloud_on(
    qtbot, short_content, store, timers
):
    kiosk = build(qtbot, short_content, store, timers)
    slideshow = kiosk.slideshow
    slideshow.setFocus()
    advance = timers.named("advance")

    # F1 from the slideshow: read aloud comes on and the page is read, heading first.
    key(qtbot, Qt.Key.Key_F1)
    assert kiosk.access.settings.read_aloud

    def first_page_begun() -> None:
        assert "Sleep well" in said(kiosk)

    qtbot.waitUntil(first_page_begun)
    assert said(kiosk)[-4:] == ["Sleep well", "Page 1 of 2.", "Sleep helps.", "Rest a lot."]
    assert slideshow.reading
    assert not advance.isActive(), "the page moved on while being read"

    def read_to_the_end() -> None:
        assert not slideshow.reading

    qtbot.waitUntil(read_to_the_end, timeout=10000)
    assert advance.isActive()  # read: now the next page may come
    advance.fire()

    def second_page_begun() -> None:
        assert "Eat well" in said(kiosk)

    qtbot.waitUntil(second_page_begun)
    assert said(kiosk)[-4:] == ["Eat well", "Page 2 of 2.", "Eat greens.", "Drink water."]

    # Tab to "Request more information": it says what it is; Enter opens the form.
    request = slideshow.findChild(QAbstractButton, "request-info")
    tab_to(qtbot, request)
    assert last_said(kiosk) == f"{short_content.form.button_label}, button."
    key(qtbot, Qt.Key.Key_Return)
    form = kiosk.form
    assert form is not None
    assert kiosk.window.current_screen() is form
    # What the form is, then the control that has the focus (Cancel, first in the Tab order).
    assert said(kiosk)[-4:] == [
        words.READ_ALOUD_ON,
        form.title_text,
        form.intro_text,
        "Cancel, button.",
    ]

    name = form.fields["name"].line
    key(qtbot, Qt.Key.Key_Down)  # from Cancel, the keypad's arrow goes straight to a question
    assert focused() is name
    assert said(kiosk)[-2:] == ["Your name.", words.NO_ANSWER]
    type_text(name, "Zoë Example")
    phone = form.fields["phone"].line
    key(qtbot, Qt.Key.Key_Return)  # Enter in a field goes on to the next question
    assert focused() is phone
    assert said(kiosk)[-2:] == [
        "Phone number. With the area code, for example 202-555-0100",
        words.NO_ANSWER,
    ]
    qtbot.keyClicks(phone, "555")
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.fields["email"].line
    key(qtbot, Qt.Key.Key_Up)  # arrows in a text field move in the text, not to another field
    assert focused() is form.fields["email"].line

    # A choice: arrows move between the chips, Enter picks one.
    first_chip = form.fields["contact_method"].chips[0]
    tab_to(qtbot, first_chip)
    assert said(kiosk)[-2:] == ["How should we contact you?.", "Phone call, not selected."]
    key(qtbot, Qt.Key.Key_Right)
    second_chip = form.fields["contact_method"].chips[1]
    assert focused() is second_chip
    key(qtbot, Qt.Key.Key_Return)
    assert second_chip.isChecked()

    # Send with a mistake: the errors are read, then the question to fix with its answer.
    tab_to(qtbot, form.submit_button)
    assert last_said(kiosk) == f"{form.submit_button.text()}, button."
    key(qtbot, Qt.Key.Key_Return)
    spoken = " | ".join(said(kiosk)[-8:])
    assert "Please check the 2 answers marked in red above." in spoken
    assert "Error: Phone number:" in spoken
    assert "Error: I agree that the clinic may contact me" in spoken
    assert focused() is phone
    assert said(kiosk)[-3][:12] == "Phone number"
    assert said(kiosk)[-2] == "Your answer: 555."
    assert said(kiosk)[-1].startswith("Error: ")

    phone.selectAll()
    qtbot.keyClicks(phone, "202-555-0100")
    consent = form.fields["consent"].box
    tab_to(qtbot, consent)
    assert said(kiosk)[-2] == f"{words.CHECKBOX}, {words.NOT_CHECKED}."
    assert said(kiosk)[-1].startswith("Error: Please tick this box")
    key(qtbot, Qt.Key.Key_Return)
    assert consent.isChecked()
    tab_to(qtbot, form.submit_button)
    key(qtbot, Qt.Key.Key_Return)

    # Saved: the thank-you is read; then the next visitor starts with none of this.
    assert kiosk.window.current_screen() is kiosk.thanks
    assert said(kiosk)[-3:] == [
        "Thank you, Zoë.",
        short_content.form.thanks.body,
        "Touch the screen to return to the start.",
    ]
    [saved] = store.newest_first()
    assert saved.answers["phone"] == "+12025550100"
    thanks = timers.named("thanks")
    assert thanks.interval == 2 * 12_000  # read aloud on: time to hear it
    thanks.fire()
    assert kiosk.access.settings == AccessSettings()
    assert not kiosk.access.speaker.speaking


# -- the button and the panel --------------------------------------------------------------


def access_buttons(widget: QWidget) -> list[AccessButton]:
    return [b for b in widget.findChildren(AccessButton) if b.isVisible()]


def test_the_button_is_at_the_left_end_of_the_footer_band_on_every_visitor_screen(
    qtbot, shipped_content, store, timers
):
    kiosk = build(qtbot, shipped_content, store, timers, size=(1920, 1080))
    [on_slides] = access_buttons(kiosk.slideshow)
    layout = kiosk.slideshow.page_layout
    assert layout is not None
    assert on_slides.geometry() == layout.access_rect
    assert layout.footer_rect.contains(on_slides.geometry())
    assert on_slides.x() == layout.margin
    assert on_slides.text() == words.BUTTON
    assert not on_slides.icon().isNull()

    kiosk.open_form()
    assert kiosk.form is not None
    [in_form] = access_buttons(kiosk.form)
    bottom = kiosk.form.height() - in_form.mapTo(kiosk.form, in_form.rect().bottomLeft()).y()
    assert in_form.x() < kiosk.form.submit_button.x(), "not at the left end"
    assert in_form.height() == kiosk.form.submit_button.height()
    assert bottom < kiosk.form.height() // 8, "not in the bottom band"

    kiosk.form.fields["name"].line.setText("Zoë Example")
    kiosk.form.fields["phone"].line.setText("202-555-0100")
    kiosk.form.fields["consent"].box.setChecked(True)
    kiosk.form.submit()
    [on_thanks] = access_buttons(kiosk.thanks)
    assert on_thanks.geometry() == on_slides.geometry()


def test_the_panel_by_keypad_changes_text_size_contrast_and_volume_and_all_reset(
    qtbot, shipped_content, store, timers
):
    kiosk = build(qtbot, shipped_content, store, timers)
    [button] = access_buttons(kiosk.slideshow)
    pages_before = len(kiosk.slideshow.pages)
    kiosk.slideshow.setFocus()
    tab_to(qtbot, button)
    key(qtbot, Qt.Key.Key_Return)
    panel = kiosk.access.panel
    assert panel.isVisible()
    assert focused() is panel.read_aloud

    # Down arrows to "Extra large", Enter.
    target = panel.sizes["extra_large"]
    for _ in range(10):
        if focused() is target:
            break
        key(qtbot, Qt.Key.Key_Down)
    assert focused() is target
    key(qtbot, Qt.Key.Key_Return)
    assert kiosk.access.settings.text_size == "extra_large"
    assert kiosk.slideshow.page_layout.article_px == 2 * 29  # 1280x800: body 29 px
    assert len(kiosk.slideshow.pages) > pages_before  # laid out again, more pages

    key(qtbot, Qt.Key.Key_Down)
    assert focused() is panel.contrast
    key(qtbot, Qt.Key.Key_Return)
    assert kiosk.access.settings.high_contrast
    assert kiosk.slideshow.page_layout.content.clinic.colors == HIGH_CONTRAST
    assert "#000000" in kiosk.window.styleSheet()

    key(qtbot, Qt.Key.Key_Down)
    assert focused() is panel.quieter
    key(qtbot, Qt.Key.Key_Return)
    assert kiosk.access.settings.volume == 0.5

    tab_to(qtbot, panel.done)
    key(qtbot, Qt.Key.Key_Return)
    assert not panel.isVisible()
    assert focused() is button

    # The next visitor: the form's Cancel puts everything back.
    kiosk.open_form()
    assert kiosk.form is not None
    assert kiosk.form.text_scale == 2.0
    kiosk.form.cancel_button.click()
    assert kiosk.access.settings == AccessSettings()
    assert kiosk.slideshow.page_layout.article_px == 29
    assert kiosk.slideshow.page_layout.content.clinic.colors == shipped_content.clinic.colors


def test_choices_made_on_the_slideshow_are_forgotten_when_nobody_is_there(
    qtbot, shipped_content, store, timers
):
    kiosk = build(qtbot, shipped_content, store, timers)
    kiosk.access.apply(AccessSettings(text_size="large", high_contrast=True))
    timers.named("access-reset").fire()
    assert kiosk.access.settings == AccessSettings()


def test_a_forms_idle_end_resets_the_choices(qtbot, shipped_content, store, timers):
    kiosk = build(qtbot, shipped_content, store, timers)
    kiosk.access.apply(AccessSettings(text_size="large"))
    kiosk.open_form()
    assert kiosk.form is not None
    timers.named("idle").fire()
    for _ in range(round(shipped_content.timing.still_there_seconds)):
        timers.named("countdown").fire()
    assert kiosk.form is None
    assert kiosk.access.settings == AccessSettings()


# -- time enough ---------------------------------------------------------------------------


def test_still_there_is_read_with_its_countdown_and_more_time_doubles_the_wait(
    qtbot, shipped_content, store, timers
):
    kiosk = build(qtbot, shipped_content, store, timers)
    kiosk.open_form()
    form = kiosk.form
    assert form is not None
    idle = timers.named("idle")
    assert idle.interval == 60_000
    kiosk.access.apply(AccessSettings(read_aloud=True))
    assert form.idle_seconds == 120  # read aloud on: twice as long
    idle.fire()
    assert form.overlay.isVisible()
    assert said(kiosk)[-1] == (
        "Are you still there? To keep your answers private, this form will be cleared in 20 "
        "seconds. Choose Yes, continue, or More time."
    )
    countdown = timers.named("countdown")
    for _ in range(10):
        countdown.fire()
    assert said(kiosk)[-1] == "10 seconds left."
    form.overlay.more_button.click()
    assert not form.overlay.isVisible()
    assert idle.isActive()
    assert idle.interval == 240_000


# -- what the keypad shows -----------------------------------------------------------------


def test_a_kiosk_that_watches_input_from_its_first_screen_on_then_follows_the_keypad(
    qtbot, shipped_content, store, timers
):
    """run() makes the kiosk with watch_input=False and calls watch_all_input() once the first
    screen is up (filtering every event of the start costs the first page): before it, no key
    reaches the keypad's watch (no focus ring); after it, the keypad works as always."""
    kiosk = build(qtbot, shipped_content, store, timers, size=(1024, 600), watch_input=False)
    kiosk.slideshow.setFocus()
    request = kiosk.slideshow.findChild(QAbstractButton, "request-info")
    tab_to(qtbot, request)
    assert not kiosk.access.ring.isVisible()
    kiosk.watch_all_input()
    key(qtbot, Qt.Key.Key_Tab)
    tab_to(qtbot, request)
    assert kiosk.access.ring.isVisible()


@pytest.mark.parametrize("contrast", [False, True])
def test_the_focus_ring_is_3_px_or_more_and_3_to_1_against_the_page(
    qtbot, shipped_content, store, timers, contrast
):
    kiosk = build(qtbot, shipped_content, store, timers, size=(1024, 600))
    kiosk.access.apply(AccessSettings(high_contrast=contrast))
    kiosk.slideshow.setFocus()
    request = kiosk.slideshow.findChild(QAbstractButton, "request-info")
    tab_to(qtbot, request)
    ring = kiosk.access.ring
    assert ring.isVisible()
    assert ring.width_px >= 3
    around = ring.geometry()
    inside = request.geometry()
    inside.moveTopLeft(request.mapTo(kiosk.window, request.rect().topLeft()))
    assert around.contains(inside)
    assert around != inside
    colors = kiosk.slideshow.page_layout.content.clinic.colors
    ink = parse_hex_color(ring.ink.name())
    assert contrast_ratio(ink, parse_hex_color(colors.background)) >= 3
    # The ring shows in a screenshot: its ink is drawn just outside the button.
    image = kiosk.window.grab().toImage()
    edge = around.topLeft() + (around.bottomLeft() - around.topLeft()) / 2
    sample = image.pixelColor(around.left() + ring.width_px // 2, edge.y())
    assert sample.name().upper() == ring.ink.name().upper()


def test_high_contrast_gives_every_text_7_to_1():
    assert weakest_text_contrast(HIGH_CONTRAST) >= 7


# -- larger text: nothing clipped ----------------------------------------------------------


def clipped_labels(root: QWidget) -> list[str]:
    """Visible labels given less height than their wrapped text needs."""
    return [
        f"{label.objectName()}: {label.text()[:30]!r} {label.height()} < "
        f"{label.heightForWidth(label.width())}"
        for label in root.findChildren(QLabel)
        if label.isVisible()
        and label.wordWrap()
        and label.text()
        and label.height() < label.heightForWidth(label.width())
    ]


@pytest.mark.parametrize("text_size", ["standard", "large", "extra_large"])
def test_larger_text_lays_out_again_with_nothing_clipped_at_five_sizes(
    qtbot, shipped_content, store, timers, text_size
):
    kiosk = build(qtbot, shipped_content, store, timers)
    kiosk.access.apply(AccessSettings(text_size=text_size))
    for width, height in SIZES:
        kiosk.window.resize(width, height)
        QApplication.processEvents()
        layout = kiosk.slideshow.page_layout
        assert layout is not None
        assert layout.size == QSize(width, height)
        pages = kiosk.slideshow.pages
        for page in pages:
            section = shipped_content.article.sections[page.section_index]
            rect = layout.body_rect(section, page.heading, page.continued)
            assert rect.height() > 0
            assert layout.text_height(page.paragraphs, rect.width()) <= rect.height(), (
                f"{width}x{height} {text_size}: page text overflows"
            )
        assert layout.access_rect.bottom() <= height
        assert layout.button_rect.bottom() < (layout.footer_rect.top())
        kiosk.open_form()
        assert kiosk.form is not None
        QApplication.processEvents()
        assert clipped_labels(kiosk.form) == [], f"{width}x{height} {text_size}"
        # Nothing cut at the right either: the questions are never wider than the screen
        # (side by side, a choice's chips once held the whole form wider at 2x in portrait).
        scroll = kiosk.form.scroll_area
        assert scroll.widget().width() <= scroll.viewport().width(), f"{width}x{height} {text_size}"
        kiosk.form.overlay.set_seconds_left(20)
        kiosk.form.overlay.setGeometry(kiosk.form.rect())
        kiosk.form.overlay.show()
        QApplication.processEvents()
        card = kiosk.form.overlay.card
        assert card.geometry().bottom() <= kiosk.form.height(), f"{width}x{height} {text_size}"
        assert clipped_labels(kiosk.form.overlay) == [], f"{width}x{height} {text_size}"
        # The warning's question and its buttons grow with the text, never below it.
        overlay = kiosk.form.overlay
        sentence = overlay.countdown.font().pixelSize()
        assert overlay.title.font().pixelSize() > sentence, f"{width}x{height} {text_size}"
        for button in (overlay.button, overlay.more_button):
            assert button.font().pixelSize() >= sentence, f"{width}x{height} {text_size}"
        kiosk.form.cancel_button.click()  # resets: apply again for the next size
        kiosk.access.apply(AccessSettings(text_size=text_size))


# -- targets and names ---------------------------------------------------------------------


def controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QPlainTextEdit)
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def visitor_screens(kiosk: Kiosk):
    """Show each visitor screen in turn (yielding its name and widget)."""
    slideshow = kiosk.slideshow
    kiosk.access.apply(AccessSettings(read_aloud=True))  # with the read-aloud controls
    yield "slideshow", slideshow
    kiosk.access.open_panel()
    yield "accessibility panel", kiosk.access.panel
    kiosk.access.close_panel()
    kiosk.open_form()
    form = kiosk.form
    assert form is not None
    yield "form", form
    form.idle_watcher.idle.emit()
    yield "still there", form.overlay
    form.overlay.button.click()
    form.fields["name"].line.setText("Zoë Example")
    form.fields["phone"].line.setText("202-555-0100")
    form.fields["consent"].box.setChecked(True)
    form.submit()
    yield "thanks", kiosk.thanks


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160), (1080, 1920)])
def test_every_visitor_control_is_big_enough_to_hit(
    qtbot, shipped_content, store, timers, width, height
):
    kiosk = build(qtbot, shipped_content, store, timers, size=(width, height))
    least = max(44, round(44 * min(width, height) / 1080))  # 9 mm on a 21.5" 1080p screen
    seen = 0
    for name, screen in visitor_screens(kiosk):
        QApplication.processEvents()
        for control in controls(screen):
            size = control.size()
            if isinstance(control, QCheckBox):  # the box itself is square, as high as the control
                size = QSize(control.height(), control.height())
            assert min(size.width(), size.height()) >= least, (
                f"{name}: {control.objectName()} {control.accessibleName()!r} is "
                f"{size.width()}x{size.height()} px, less than {least}"
            )
            seen += 1
    assert seen > 20


def test_every_control_on_every_screen_has_a_name_and_role(
    qtbot, shipped_content, store, timers, tmp_path
):
    kiosk = build(qtbot, shipped_content, store, timers, tmp_path=tmp_path)
    roles = {QAccessible.Role.PushButton, QAccessible.Role.CheckBox, QAccessible.Role.EditableText}

    def check(name: str, screen: QWidget) -> int:
        QApplication.processEvents()
        found = controls(screen)
        for control in found:
            face = QAccessible.queryAccessibleInterface(control)
            assert face is not None
            label = face.text(QAccessible.Text.Name)
            assert label.strip(), f"{name}: {control.objectName()} has no accessible name"
            assert face.role() in roles, f"{name}: {control.objectName()} role {face.role()}"
        return len(found)

    counted = {name: check(name, screen) for name, screen in visitor_screens(kiosk)}
    kiosk.window.show_screen(kiosk.pin_pad)
    counted["PIN pad"] = check("PIN pad", kiosk.pin_pad)
    kiosk.window.show_screen(kiosk.staff)
    counted["staff"] = check("staff", kiosk.staff)
    assert all(counted.values()), counted


def dark_pixels(widget: QWidget) -> int:
    image = widget.grab().toImage()
    step = 4
    return sum(
        1
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
        if image.pixelColor(x, y).lightness() < 60
    )


def test_the_sentence_being_read_is_highlighted_and_pause_holds_the_speech(
    qtbot, short_content, store, timers
):
    kiosk = build(qtbot, short_content, store, timers)
    slideshow = kiosk.slideshow
    plain = dark_pixels(slideshow)
    kiosk.access.apply(AccessSettings(read_aloud=True))
    speaker = kiosk.access.speaker
    with qtbot.waitSignal(
        speaker.part_started, check_params_cb=lambda utterance, part: part == 2, timeout=10000
    ):
        pass  # "Sleep helps." begins: drawn in the background colour on the text colour
    assert dark_pixels(slideshow) > plain + 50
    slideshow.controls["pause"].click()
    assert speaker.paused
    assert slideshow.controls["pause"].text() == words.RESUME
    slideshow.controls["pause"].click()
    assert not speaker.paused

    def read_to_the_end() -> None:
        assert not slideshow.reading

    qtbot.waitUntil(read_to_the_end, timeout=10000)
    assert dark_pixels(slideshow) < plain + 50  # read: the highlight is gone


def test_speech_follows_a_language_code(qtbot):
    from kiosk.ui.speech import Speaker

    speaker = Speaker("mock")
    assert speaker.set_language("en")
    assert not speaker.set_language("xx")  # no voice for it: the kiosk says so, keeps speaking
