"""A visit in another language on a real X server, with the real on-screen keyboard (run by
tests/test_language_on_x11.py).

Usage: python -m tests.helpers.x11_language_visit DATA_DIR WxH CODE [SCREENSHOT_PREFIX]
Taps the language's button on the slideshow, opens the form, sends it once empty (the errors),
types the name on that language's keyboard layout, the phone number on the dial pad, picks a
choice, ticks consent, sends, and goes back. Prints one JSON line describing what happened.
Waits only for conditions (bounded), never for time to pass.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"

from PySide6.QtCore import QSize
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from kiosk.app import Kiosk, application
from kiosk.core.i18n import load_localized
from kiosk.paths import bundled_content
from kiosk.storage.store import RequestStore
from tests.helpers.x11_visit import consent_and_send, keys, shot, tap, tap_keys, wait_for

NAMES = {"es": "peña", "ar": "مريم", "zh": "li"}
"""What a visitor types as their name, on the keys of the language's layout (Chinese: Pinyin,
which the space key turns into the first candidate character)."""


def main() -> int:
    data_dir, size, code = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    prefix = sys.argv[4] if len(sys.argv) > 4 else ""
    width, height = (int(v) for v in size.split("x"))
    app = application()
    store = RequestStore(data_dir)
    kiosk = Kiosk(load_localized(bundled_content()), store, "x11-language")
    kiosk.window.present(QSize(width, height))
    assert wait_for(kiosk.window.isActiveWindow, 5000), "the kiosk window never became active"
    assert wait_for(lambda: kiosk.slideshow.pages != [], 5000), "no slide"
    translated = kiosk.content_in(code)

    tap(kiosk.slideshow.language_bar.buttons[code])
    first_page = kiosk.slideshow.pages[kiosk.slideshow.current_index]
    slideshow = {
        "language": kiosk.language,
        "index": kiosk.slideshow.current_index,
        "text_in_language": first_page.paragraphs[0][:40]
        == translated.article.sections[0].paragraphs[0][:40],
        "direction_rtl": QApplication.layoutDirection().name == "RightToLeft",
    }
    if prefix:
        shot(kiosk, f"{prefix}-slideshow.png")

    tap(kiosk.slideshow.findChild(QAbstractButton, "request-info"))
    form = kiosk.form
    assert form is not None
    assert wait_for(lambda: kiosk.keyboard is not None and kiosk.keyboard.loaded, 20000)
    form_title = form.findChild(QLabel, "form-title").text()
    submit_label = form.submit_button.text()
    tap(form.submit_button)  # sent empty: every message in the visitor's language
    errors = {key: view.error.text() for key, view in form.fields.items() if view.error.text()}
    if prefix:
        shot(kiosk, f"{prefix}-form-errors.png")

    name = form.fields["name"].line
    form.scroll_area.ensureWidgetVisible(name)
    tap(name)
    assert wait_for(lambda: kiosk.keyboard.shown, 5000), "keyboard did not show"
    letter = NAMES[code][-1]
    assert wait_for(lambda: letter in keys(kiosk.keyboard.rootObject()), 10000), (
        f"no {letter!r} key: {sorted(keys(kiosk.keyboard.rootObject()))}"
    )
    letters = sorted(keys(kiosk.keyboard.rootObject()))
    tap_keys(kiosk, NAMES[code])
    if code == "zh":
        if prefix:  # the row of candidates slides in: let it arrive before it is shot
            QTest.qWait(800)
            shot(kiosk, f"{prefix}-candidates.png")
        tap_keys(kiosk, " ")  # Pinyin: the space key takes the first candidate (a character)
    if prefix:
        shot(kiosk, f"{prefix}-keyboard.png")
    typed = name.text()

    phone = form.fields["phone"].line
    form.scroll_area.ensureWidgetVisible(phone)
    tap(phone)
    assert wait_for(lambda: "5" in keys(kiosk.keyboard.rootObject()), 5000), "no dial pad"
    tap_keys(kiosk, "2025550100")
    phone_ltr = phone.layoutDirection().name == "LeftToRight"
    chip = form.fields["contact_method"].chips[0]
    form.scroll_area.ensureWidgetVisible(chip)
    tap(chip)
    on_thanks, thanks_title = consent_and_send(kiosk, form, prefix)
    back = {
        "slideshow": kiosk.window.current_screen() is kiosk.slideshow,
        "language": kiosk.language,
        "direction_rtl": QApplication.layoutDirection().name == "RightToLeft",
        "keyboard_locale": kiosk.keyboard.keyboard_locale,
    }
    saved = [
        {"language": r.language, "answers": r.answers, "content_version": r.content_version}
        for r in store.newest_first()
    ]
    store.close()
    print(
        json.dumps(
            {
                "slideshow": slideshow,
                "form_title": form_title,
                "submit_label": submit_label,
                "errors": errors,
                "letters": letters,
                "typed": typed,
                "phone_ltr": phone_ltr,
                "on_thanks": on_thanks,
                "thanks_title": thanks_title,
                "back": back,
                "saved": saved,
            },
            ensure_ascii=False,
        )
    )
    kiosk.window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
