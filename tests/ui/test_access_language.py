"""The accessibility words follow the visitor's language: the button, the panel, the slideshow's
read-aloud controls and everything spoken, in the language the visitor picked, with the speech
engine set to it; back to the clinic's language when the visitor leaves. And ``kiosk check``
says which languages have no voice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from kiosk.core.access import AccessSettings
from kiosk.core.i18n import load_localized
from kiosk.core.words import KNOWN_LANGUAGES
from kiosk.paths import bundled_content
from kiosk.ui.content_check import voice_warnings
from tests.helpers.cli import Cli
from tests.test_cli import CONTENT
from tests.ui.test_access import access_buttons, build, said

# What a visitor sees and hears, written out (not looked up through the catalogues, so a
# missing or wrong catalogue entry fails here).
EXPECTED = {
    "es": {
        "button": "Accesibilidad",
        "read_aloud_off": "Leer en voz alta: desactivado",
        "read_aloud_on": "Leer en voz alta: activado",
        "large": "Grande",
        "done": "Listo",
        "pause": "Pausa",
        "next": "Página siguiente",
        "turned_on": "La lectura en voz alta está activada.",
        "page": "Página 1 de ",
        "still_there": "¿Sigue ahí? ",
        "choose": "Elija «Sí, continuar» o «Más tiempo».",
        "more_time": "Más tiempo",
        "ten_left": "Quedan 10 segundos.",
    },
    "ar": {
        "button": "إمكانية الوصول",
        "read_aloud_off": "القراءة بصوت عالٍ: متوقف",
        "read_aloud_on": "القراءة بصوت عالٍ: مفعّل",
        "large": "كبير",
        "done": "تم",
        "pause": "إيقاف مؤقت",
        "next": "الصفحة التالية",
        "turned_on": "القراءة بصوت عالٍ مفعّلة.",
        "page": "الصفحة 1 من ",
        "still_there": "هل ما زلت هنا؟ ",
        "choose": "اختر «نعم، متابعة» أو «وقت إضافي».",
        "more_time": "وقت إضافي",
        "ten_left": "بقيت 10 ثوانٍ.",
    },
}


@pytest.fixture(scope="module")
def localized():
    return load_localized(bundled_content())


@pytest.fixture
def store(tmp_path):
    from kiosk.storage.store import RequestStore

    store = RequestStore(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture(autouse=True)
def left_to_right():
    yield
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


@pytest.mark.parametrize("code", ["ar", "es"])
def test_the_accessibility_words_follow_the_visitors_language(
    qtbot, localized, store, timers, code
):
    words = EXPECTED[code]
    kiosk = build(qtbot, localized, store, timers, size=(1080, 1920))  # portrait: the tightest
    [button] = access_buttons(kiosk.slideshow)
    assert button.text() == "Accessibility"

    # One tap on the language: the button's word and name change at once.
    kiosk.slideshow.language_bar.buttons[code].click()
    assert button.text() == words["button"]
    assert button.accessibleName() == words["button"]
    assert "Read aloud" not in button.accessibleDescription()
    # The footer band leaves room for the longer word.
    assert button.width() >= button.sizeHint().width()

    button.click()
    panel = kiosk.access.panel
    assert panel.isVisible()
    assert panel.title.text() == words["button"]
    assert panel.accessibleName() == words["button"]
    assert panel.read_aloud.text() == words["read_aloud_off"]
    assert panel.sizes["large"].text() == words["large"]
    assert panel.done.text() == words["done"]
    assert panel.done.accessibleName() == words["done"]

    # Read aloud on: the speaker speaks the visitor's language and is told so.
    panel.read_aloud.click()
    assert panel.read_aloud.text() == words["read_aloud_on"]
    speaker = kiosk.access.speaker
    assert speaker.language == code
    assert any(part.startswith(words["turned_on"]) for part in said(kiosk))

    # Switching back and forth with the panel open retranslates it at once.
    kiosk.set_language("en")
    assert panel.title.text() == "Accessibility"
    assert panel.read_aloud.text() == "Read aloud: on"
    assert speaker.language == "en"
    kiosk.set_language(code)
    assert panel.title.text() == words["button"]
    assert speaker.language == code

    # The slideshow's controls and its page position, in the language.
    panel.done.click()
    controls = kiosk.slideshow.controls
    assert controls["pause"].isVisible()
    assert controls["pause"].text() == words["pause"]
    assert controls["next"].accessibleName() == words["next"]
    for control in controls.values():  # the longer words still fit their buttons
        control.ensurePolished()
        assert QFontMetrics(control.font()).horizontalAdvance(control.text()) < control.width()

    def the_page_is_read() -> None:
        assert any(part.startswith(words["page"]) for part in said(kiosk)), said(kiosk)

    qtbot.waitUntil(the_page_is_read)

    # The form: the still-there warning, its countdown and More time.
    kiosk.open_form()
    form = kiosk.form
    assert form is not None
    assert access_buttons(form)[0].text() == words["button"]
    timers.named("idle").fire()
    assert form.overlay.isVisible()
    assert form.overlay.more_button.text() == words["more_time"]
    assert said(kiosk)[-1].startswith(words["still_there"])
    assert said(kiosk)[-1].endswith(words["choose"])
    countdown = timers.named("countdown")
    for _ in range(10):
        countdown.fire()
    assert said(kiosk)[-1] == words["ten_left"]

    # The visitor leaves: everything in the clinic's language again, voice included.
    form.overlay.continued.emit()
    form.cancel_button.click()
    assert kiosk.language == "en"
    assert button.text() == "Accessibility"
    assert speaker.language == "en"


def test_a_question_read_aloud_in_spanish(qtbot, localized, store, timers):
    kiosk = build(qtbot, localized, store, timers)
    kiosk.set_language("es")
    kiosk.open_form()
    form = kiosk.form
    assert form is not None
    kiosk.access.apply(AccessSettings(read_aloud=True))
    field = next(iter(form.fields.values()))
    field.focus_target().setFocus()

    def the_empty_field_is_read() -> None:
        assert "Todavía no hay respuesta." in said(kiosk)

    qtbot.waitUntil(the_empty_field_is_read)
    form.submit()
    assert any(part.startswith("Error: ") for part in said(kiosk))
    assert all("Your answer" not in part for part in said(kiosk))


def test_check_names_the_languages_without_a_voice():
    languages = [KNOWN_LANGUAGES[code] for code in ("en", "es", "zh", "ar")]
    # espeak-ng through speech-dispatcher: English, Spanish, Arabic; Cantonese is not Mandarin.
    available = ["en_US", "en_GB", "es_ES", "ar_EG", "yue_HK"]
    assert voice_warnings(languages, available, "speechd") == [
        "read aloud: no speechd voice installed for 中文 (zh); read aloud reads that text with "
        "another language's voice, which a listener may not understand"
    ]
    assert voice_warnings(languages, [*available, "zh_CN"], "speechd") == []
    assert QLocale("zh").language() == QLocale("zh_CN").language()
    [engine_missing] = voice_warnings(languages, None, "speechd")
    assert engine_missing.startswith("read aloud: the speechd speech engine cannot be loaded")


def test_kiosk_check_warns_about_languages_without_a_voice_and_a_missing_engine(cli: Cli):
    # Qt's mock engine has English voices only.
    result = cli("check", str(CONTENT), "--speech-engine", "mock")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "warning: read aloud: no mock voice installed for Español (es), 中文 (zh), العربية (ar); "
        "read aloud reads that text with another language's voice, which a listener may not "
        "understand"
    ) in result.stdout.splitlines()
    result = cli("check", str(CONTENT), "--speech-engine", "no-such-engine")
    assert result.returncode == 0, result.stdout + result.stderr  # a warning, not a problem
    assert [line for line in result.stdout.splitlines() if "read aloud" in line] == [
        "warning: read aloud: the no-such-engine speech engine cannot be loaded, so read aloud "
        "says nothing (install speech-dispatcher and speech-dispatcher-espeak-ng: make setup)"
    ]
