"""``kiosk screenshots``: every slide page and every other screen drawn offscreen as PNG files,
the screens after the slideshow filled with obviously made-up data."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app.screens import Kiosk, application
from kiosk.core.access import AccessSettings, shown_content
from kiosk.core.content import Content
from kiosk.core.form import thanks_title
from kiosk.storage.store import RequestStore
from kiosk.ui.access import AccessButton
from kiosk.ui.slideshow import SlideshowScreen
from kiosk.ui.theme import stylesheet, tokens


def render_screenshots(
    content: Content,
    folder: Path,
    sizes: list[QSize],
    language: str | None = None,
    access: str | None = None,
) -> list[Path]:
    """Save every slide page (``slide-WxH-NN.png``) and every other screen (``form-WxH.png``,
    ``thanks-WxH.png``...) at every size as PNG files in ``folder``; the visitor screens in
    ``language`` (a code; the clinic's own by default), as after a tap on its button.

    The form, thank-you, PIN pad, staff and sleep screens are shown with obviously made-up
    data from a throw-away data folder. ``access`` ("large", "extra_large" or
    "high_contrast") shows them as a visitor who chose it sees them, and ends each name with
    it. Returns the paths written.
    """
    app = application()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    settings = AccessSettings()
    if access == "high_contrast":
        settings = settings.with_(high_contrast=True)
    elif access is not None:
        settings = settings.with_(text_size=access)
    suffix = f"-{access.replace('_', '-')}" if access else ""

    def save(widget: QWidget, name: str, size: QSize) -> None:
        app.processEvents()
        name = name.replace(".png", f"{suffix}.png")
        path = folder / name.replace("WxH", f"{size.width()}x{size.height()}")
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)

    translated = next((t for t in content.translations if t.language.code == language), content)
    direction = QApplication.layoutDirection()
    if translated.language.right_to_left:
        QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    shown = shown_content(content, settings)
    for size in sizes:
        screen = SlideshowScreen(translated)
        screen.setStyleSheet(stylesheet(shown, size, settings.text_scale))
        screen.set_look(settings.text_scale, lambda c: shown_content(c, settings))
        button = AccessButton(words=translated.words)
        screen.set_access_button(button)
        looks = tokens(shown, size, settings.text_scale)
        button.set_look(shown.clinic.colors.footer_text, int(looks["access_px"]))
        screen.resize(size)
        for index in range(len(screen.pages)):
            screen.show_page(index)
            save(screen, f"slide-WxH-{index + 1:02d}.png", size)
        del screen
        with tempfile.TemporaryDirectory() as scratch:
            _render_other_screens(content, Path(scratch), size, save, language, settings)
    QApplication.setLayoutDirection(direction)
    app.processEvents()
    return written


def _render_other_screens(
    content: Content,
    data: Path,
    size: QSize,
    save: Callable[[QWidget, str, QSize], None],
    language: str | None = None,
    settings: AccessSettings | None = None,
) -> None:
    """The screens after the slideshow, filled with made-up data, for ``render_screenshots``."""
    from kiosk.core.pin import PinVault

    store = RequestStore(data)
    for number, name in enumerate(("Zoë Example", "Sam Example", "مريم Example"), start=1):
        answers: dict[str, str | bool] = {
            field.key: field.choices[0] if field.choices else ""
            for field in content.form.fields
            if field.type != "consent"
        }
        answers.update({"name": name, "phone": f"+1202555010{number}", "consent": True})
        store.save(answers, content.content_version, "screenshots")
    vault = PinVault(data)
    vault.set_pin("0000")
    kiosk = Kiosk(
        content,
        store,
        "screenshots",
        load_keyboard=False,
        vault=vault,
    )
    window = kiosk.window
    window.resize(size)
    window.setStyleSheet(stylesheet(content, size))
    window.show()
    if language is not None:
        kiosk.set_language(language)
    if settings is not None:
        kiosk.access.apply(settings)
    kiosk.open_form()
    if settings is not None:
        kiosk.access.apply(settings)
    form = kiosk.form
    assert form is not None
    save(window, "form-WxH.png", size)
    for view in form.fields.values():
        if view.spec.type == "phone" and view.line is not None:
            view.line.setText("555")  # not a phone number: its message shows
    form.submit()
    save(window, "form-errors-WxH.png", size)
    form.overlay.set_seconds_left(round(content.timing.still_there_seconds))
    form.overlay.show()
    QApplication.processEvents()
    form.overlay.setGeometry(form.rect())
    save(window, "form-still-there-WxH.png", size)
    kiosk.thanks.show_thanks(thanks_title(kiosk.content_in(kiosk.language).form, {"name": "Zoë"}))
    window.show_screen(kiosk.thanks)
    save(window, "thanks-WxH.png", size)
    kiosk.access.open_panel()
    save(window, "access-panel-WxH.png", size)
    kiosk.access.close_panel()
    kiosk.set_language(content.language.code)  # the staff screens are in the clinic's
    window.show_screen(kiosk.pin_pad)
    save(window, "pin-pad-WxH.png", size)
    window.show_screen(kiosk.staff)
    kiosk.staff.table.selectRow(0)
    save(window, "staff-WxH.png", size)
    window.show_screen(kiosk.sleep_screen)
    save(window, "sleep-WxH.png", size)
    window.allow_close()
    window.close()
    store.close()
