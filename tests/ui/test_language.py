"""One tap switches the whole kiosk to another language, and a visitor who leaves takes their
language with them (kiosk/ui/language.py, Kiosk.set_language)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.app import Kiosk
from kiosk.core.i18n import load_localized
from kiosk.paths import bundled_content
from kiosk.ui.language import LanguageBar
from tests.ui.test_request_form import tap, type_into


@pytest.fixture(scope="module")
def localized():
    return load_localized(bundled_content())


@pytest.fixture
def kiosk(qtbot, localized, timers, clock, store):
    kiosk = Kiosk(localized, store, "test-kiosk", timers, clock, load_keyboard=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1280, 800)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    yield kiosk
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def latest(timers, name):
    return [t for t in timers.made if t.objectName() == name][-1]


def in_language(kiosk: Kiosk, code: str):
    return kiosk.content_in(code)


def open_form(qtbot, kiosk):
    tap(qtbot, kiosk.slideshow.findChild(QAbstractButton, "request-info"))
    assert kiosk.form is not None
    return kiosk.form


def test_every_visitor_screen_has_the_buttons_at_the_right_end_of_its_header(qtbot, kiosk):
    names = ["English", "Español", "中文", "العربية"]
    bar = kiosk.slideshow.language_bar
    assert [b.text() for b in bar.buttons.values()] == names
    assert bar.isVisible()
    layout = kiosk.slideshow.page_layout
    right = bar.geometry().right()
    assert layout.header_rect.contains(bar.geometry())
    assert right == layout.header_rect.right() - layout.margin
    assert bar.geometry().left() > layout.logo_rect().right()
    assert bar.buttons["en"].isChecked()
    form = open_form(qtbot, kiosk)
    assert [b.text() for b in form.language_bar.buttons.values()] == names
    header = form.findChild(QLabel, "form-title").parentWidget()
    assert form.language_bar.geometry().right() > form.cancel_button.geometry().right()
    assert form.language_bar.geometry().right() >= header.width() - 60
    assert [b.text() for b in kiosk.thanks.language_bar.buttons.values()] == names


def test_a_tap_shows_the_article_in_that_language_from_its_first_page(qtbot, kiosk):
    slideshow = kiosk.slideshow
    slideshow.next_page()
    slideshow.next_page()
    english_pages = len(slideshow.pages)
    with qtbot.waitSignal(slideshow.page_changed) as shown:
        tap(qtbot, slideshow.language_bar.buttons["zh"])
    assert shown.args == [0]
    assert kiosk.language == "zh"
    chinese = in_language(kiosk, "zh")
    assert slideshow.pages[0].paragraphs[0] == chinese.article.sections[0].paragraphs[0]
    assert slideshow.page_layout.content is chinese  # laid out again for the new text
    assert len(slideshow.pages) != english_pages
    button = slideshow.findChild(QAbstractButton, "request-info")
    assert button.text() == chinese.form.button_label
    assert slideshow.page_layout.progress_text(slideshow.pages[0]).startswith("第 1 部分")
    assert slideshow.language_bar.buttons["zh"].isChecked()
    assert not slideshow.language_bar.buttons["en"].isChecked()


def test_arabic_mirrors_the_screens_but_not_phone_numbers_or_addresses(qtbot, kiosk):
    tap(qtbot, kiosk.slideshow.language_bar.buttons["ar"])
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    form = open_form(qtbot, kiosk)
    assert form.layoutDirection() == Qt.LayoutDirection.RightToLeft
    for key in ("phone", "email"):
        assert form.fields[key].line.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert form.fields["name"].line.layoutDirection() == Qt.LayoutDirection.RightToLeft
    tap(qtbot, form.cancel_button)
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_switching_in_the_form_keeps_the_answers_and_translates_the_messages(qtbot, kiosk, store):
    form = open_form(qtbot, kiosk)
    type_into(qtbot, form.fields["name"].line, "Zoë Example")
    form.fields["contact_method"].chips[1].click()
    tap(qtbot, form.submit_button)  # no phone, no consent: messages in English
    assert form.fields["phone"].error.text() == kiosk.content.form.rules[0].message
    tap(qtbot, form.language_bar.buttons["es"])
    spanish = in_language(kiosk, "es")
    assert kiosk.form is form, "the visitor's form was replaced"
    assert form.fields["name"].line.text() == "Zoë Example"
    assert form.fields["name"].label.text() == "Su nombre"
    assert form.fields["contact_method"].chips[1].isChecked()
    assert form.fields["contact_method"].chips[1].text() == "Mensaje de texto"
    assert form.fields["phone"].error.text() == spanish.form.rules[0].message
    assert form.fields["consent"].error.text() == (
        "Marque esta casilla para que la clínica pueda contactarle."
    )
    assert form.error_summary.text() == "Revise las 2 respuestas marcadas en rojo arriba."
    assert form.submit_button.text() == "Enviar mi solicitud"
    assert kiosk.slideshow.page_layout.content is spanish  # the slideshow behind it too
    type_into(qtbot, form.fields["phone"].line, "202-555-0100")
    form.scroll_area.ensureWidgetVisible(form.fields["consent"].box)
    tap(qtbot, form.fields["consent"].box)
    with qtbot.waitSignal(form.request_saved):
        tap(qtbot, form.submit_button)
    [saved] = store.newest_first()
    assert saved.language == "es"
    assert saved.answers["contact_method"] == "Text message"  # in the clinic's words
    assert kiosk.thanks.title.text() == "Gracias, Zoë."
    assert kiosk.thanks.body.text() == spanish.form.thanks.body
    assert kiosk.thanks.hint.text() == "Toque la pantalla para volver al inicio."


@pytest.mark.parametrize("leave", ["thanks", "cancel", "idle"])
def test_the_kiosk_is_back_in_the_clinic_language_when_the_visitor_leaves(
    qtbot, kiosk, timers, leave
):
    tap(qtbot, kiosk.slideshow.language_bar.buttons["ar"])
    form = open_form(qtbot, kiosk)
    if leave == "thanks":
        type_into(qtbot, form.fields["name"].line, "مريم")
        type_into(qtbot, form.fields["phone"].line, "202-555-0100")
        form.scroll_area.ensureWidgetVisible(form.fields["consent"].box)
        tap(qtbot, form.fields["consent"].box)
        tap(qtbot, form.submit_button)
        assert kiosk.window.current_screen() is kiosk.thanks
        assert kiosk.language == "ar"
        latest(timers, "thanks").fire()
    elif leave == "cancel":
        tap(qtbot, form.cancel_button)
    else:
        latest(timers, "idle").fire()
        assert form.overlay.title.text() == "هل ما زلت هنا؟"
        countdown = latest(timers, "countdown")
        for _ in range(round(kiosk.content.timing.still_there_seconds)):
            countdown.fire()
    assert kiosk.window.current_screen() is kiosk.slideshow
    assert kiosk.language == "en"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert kiosk.slideshow.page_layout.content is kiosk.content
    assert kiosk.slideshow.language_bar.buttons["en"].isChecked()
    assert kiosk.thanks.hint.text() == "Touch the screen to return to the start."


def test_the_article_coming_round_to_its_start_brings_back_the_clinic_language(qtbot, kiosk):
    tap(qtbot, kiosk.slideshow.language_bar.buttons["es"])
    pages = len(kiosk.slideshow.pages)
    for _ in range(pages - 1):
        kiosk.slideshow.next_page()
        assert kiosk.language == "es"
    kiosk.slideshow.next_page()  # round to the first page: whoever chose Spanish has gone
    assert kiosk.language == "en"


@pytest.mark.parametrize("size", [QSize(1024, 600), QSize(1920, 1080), QSize(1080, 1920)])
def test_the_buttons_fit_beside_the_clinic_name_at_every_size(qtbot, kiosk, size):
    kiosk.window.resize(size)

    def resized() -> None:
        assert kiosk.slideshow.size() == size

    qtbot.waitUntil(resized)
    layout = kiosk.slideshow.page_layout
    bar = kiosk.slideshow.language_bar.geometry()
    assert not layout.name_shrinks
    assert bar.left() > layout.logo_rect().right() + layout.name_block.natural_width()
    for button in kiosk.slideshow.language_bar.buttons.values():
        width = button.fontMetrics().horizontalAdvance(button.text())
        assert button.width() >= width, button.text()
        assert button.height() >= 32, "too small to tap"


def test_hidden_screens_look_the_same_built_before_or_after_the_visitor_chose(
    qtbot, localized, timers, clock, store
):
    """The thank-you screen and the accessibility panel are built once the first screen is up
    (or when first needed): built after a visitor chose Arabic, larger text and high contrast,
    they show them exactly as ones built at start."""
    from kiosk.core.access import AccessSettings

    shots: dict[bool, list[QImage]] = {}
    for early in (True, False):
        kiosk = Kiosk(localized, store, "test-kiosk", timers, clock, load_keyboard=False)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(1024, 600)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        if early:
            kiosk.build_hidden_screens()
        kiosk.set_language("ar")
        kiosk.access.apply(AccessSettings(text_size="large", high_contrast=True))
        kiosk.thanks.show_thanks("شكرا، زوي")
        kiosk.window.show_screen(kiosk.thanks)
        assert kiosk.thanks.hint.text() == kiosk.content_in("ar").words.tr(
            "Touch the screen to return to the start."
        )
        QApplication.processEvents()  # the layout requests the changes posted
        shots[early] = [kiosk.window.grab().toImage()]
        kiosk.access.open_panel()
        QApplication.processEvents()
        shots[early].append(kiosk.window.grab().toImage())
        kiosk.window.allow_close()
        kiosk.window.close()
        QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    assert shots[True][0] == shots[False][0]  # the thank-you screen
    assert shots[True][1] == shots[False][1]  # the panel over it


def test_a_language_bar_shows_with_its_screen_and_never_for_a_single_language(qtbot):
    screen = QWidget()
    qtbot.addWidget(screen)
    screen.resize(600, 100)
    two = [("en", "English"), ("es", "Español")]
    made_before = LanguageBar(two, "en", screen)
    single = LanguageBar([("en", "English")], "en", screen)
    screen.show()
    qtbot.waitExposed(screen)
    assert made_before.isVisible()
    assert not single.isVisible()
    made_after = LanguageBar(two, "es", screen)  # a new article on a screen already shown
    assert made_after.isVisible()
    assert not LanguageBar([("es", "Español")], "es", screen).isVisible()
