"""The look of the running kiosk and its voice: the style sheet, text size and colours for the
window's size and the visitor's accessibility choices, and read aloud (what each screen says,
and when the slideshow reads its pages).

A part of :class:`kiosk.app.screens.Kiosk`, which builds the state declared here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core.access import AccessSettings, shown_content
from kiosk.core.content import Content
from kiosk.ui import access_text
from kiosk.ui.access import AccessController, describe
from kiosk.ui.slideshow import SlideshowScreen
from kiosk.ui.theme import stylesheet, tokens
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    from kiosk.ui.keyboard import KeyboardPanel
    from kiosk.ui.page_chrome import Recolor
    from kiosk.ui.request_form import RequestFormScreen
    from kiosk.ui.thanks import ThanksScreen


class LookAndSpeech:
    """How the kiosk looks and what it reads aloud (a part of :class:`~kiosk.app.screens.Kiosk`)."""

    # Built by Kiosk.__init__:
    content: Content
    window: KioskWindow
    slideshow: SlideshowScreen
    _thanks: ThanksScreen | None
    _thanks_look: tuple[float, Recolor] | None
    access: AccessController
    form: RequestFormScreen | None
    keyboard: KeyboardPanel | None
    _style_size: QSize
    _look: tuple[object, ...]

    # -- the look ---------------------------------------------------------------------------

    def _on_window_resized(self, size: QSize) -> None:
        if size != self._style_size:
            self._style_size = QSize(size)
            self._restyle()
            if self.keyboard is not None:
                self.keyboard.fit_to(size)

    def _restyle(self) -> None:
        """The style sheet, text size and colours for the window's size and the visitor's
        accessibility choices."""
        size = self._style_size if not self._style_size.isEmpty() else self.window.size()
        settings = self.access.settings
        shown = shown_content(self.content, settings)
        scale = settings.text_scale
        values = tokens(shown, size, scale)
        look = (QSize(size), scale, shown.clinic.colors, self.content)
        changed = look != self._look
        self._look = look
        if changed:
            self.window.setStyleSheet(stylesheet(shown, size, scale))
        colors = shown.clinic.colors
        self.access.set_look(
            colors.text,
            colors.background,
            int(values["focus_border"]),
            int(values["body_px"]),
            colors.footer_text,
            int(values["access_px"]),
        )

        def recolor(content: Content) -> Content:
            return shown_content(content, settings)

        if not changed:
            return
        self.slideshow.set_look(scale, recolor)
        self._thanks_look = (scale, recolor)  # for a thank-you screen built later
        if self._thanks is not None:
            self._thanks.set_look(scale, recolor)
        if self.form is not None:
            self.form.set_text_scale(scale)

    # -- accessibility ---------------------------------------------------------------------

    def _on_access_changed(self, settings: AccessSettings) -> None:
        self._restyle()
        if self.form is not None:
            self.form.set_read_aloud(settings.read_aloud)
        self._sync_slideshow_speech()

    def _on_access_panel_shown(self, shown: bool) -> None:
        self._sync_slideshow_speech()

    def _sync_slideshow_speech(self) -> None:
        """The slideshow reads its pages while read aloud is on and the panel is closed."""
        on = self.access.settings.read_aloud and not self.access.panel_open
        self.slideshow.set_speaker(self.access.speaker if on else None)

    def _on_read_screen_requested(self) -> None:
        """The read-aloud key: read the screen shown from its start."""
        screen = self.window.current_screen()
        focused = QApplication.focusWidget()
        if self.access.panel_open:
            self.access.say(describe(focused, self.access.words) if focused is not None else [])
        elif screen is self.slideshow:
            self._sync_slideshow_speech()
            self.slideshow.read_page()
        elif self._thanks is not None and screen is self._thanks:
            self.access.say(self._thanks.spoken())
        elif self.form is not None and screen is self.form:
            if self.form.overlay.isVisible():
                self.access.say(self.form.overlay.spoken())
            else:
                self._speak_form_start(self.form)

    def _speak_form_start(self, form: RequestFormScreen) -> None:
        """With read aloud on: what the form is, then the control with the focus."""
        focused = QApplication.focusWidget()
        parts = [self.access.words.tr(access_text.READ_ALOUD_ON), form.title_text, form.intro_text]
        if focused is not None and form.isAncestorOf(focused):
            parts += self._describe_in_form(focused) or describe(focused, self.access.words)
        self.access.say(parts)

    def _describe_in_form(self, widget: QWidget) -> list[str] | None:
        if self.form is not None and self.form.isAncestorOf(widget):
            return self.form.spoken_for(widget)
        return None
