"""The running kiosk (:class:`Kiosk`) in the process's :func:`application`: its window and
screens, built and wired together, and the visitor's way through them (the slideshow, a
language, the form, the thank-you, the opening hours' sleep).

What staff see is wired in :mod:`kiosk.app.staff`; the look and read aloud in
:mod:`kiosk.app.look`; both are parts of the same :class:`Kiosk`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk import APP_NAME, __version__
from kiosk.app.look import LookAndSpeech
from kiosk.app.staff import StaffDesk
from kiosk.core.content import Content
from kiosk.core.form import Answer, load_checkers
from kiosk.timers import Clock, TimerFactory, monotonic, qt_timer
from kiosk.ui.access import AccessController
from kiosk.ui.keyboard_env import prepare_environment
from kiosk.ui.sleep import OpeningHoursController, SleepScreen, WallClock, utc_now
from kiosk.ui.slideshow import SlideshowScreen
from kiosk.ui.thanks import ThanksScreen
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    # Imported where first used instead: none of these is needed to show the first slide, and
    # leaving them out of start-up keeps it quick (see benchmarks/startup.py).
    from kiosk.core.pin import PinVault
    from kiosk.storage.forwarder import ForwarderThread
    from kiosk.storage.store import RequestStore
    from kiosk.system.screen import ScreenKeeper
    from kiosk.ui.keyboard import KeyboardPanel
    from kiosk.ui.page_chrome import Recolor
    from kiosk.ui.pin_pad import PinPadScreen
    from kiosk.ui.request_form import RequestFormScreen
    from kiosk.ui.speech import Speaker
    from kiosk.ui.staff import ExportPlaces, StaffScreen

log = logging.getLogger("kiosk.app")  # one logger for the whole composition root

FIRST_RETENTION_MS = 5000
"""The first retention clean-up, this long after start (after the first page)."""


def application() -> QApplication:
    """The process's QApplication, created once with the kiosk's names and keyboard."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    prepare_environment()
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    return QApplication(sys.argv[:1])


class Kiosk(StaffDesk, LookAndSpeech, QObject):
    """The running kiosk: its window, screens and store, wired together.

    A QObject so that the per-visitor form's signals connect to a Qt receiver: PySide6 keeps a
    weak reference behind for every signal connected to a plain Python object's method, even
    after the sender is gone (benchmarks/soak.py found two per visitor).

    A fresh request form is built for every visitor and destroyed afterwards. The staff side
    (:class:`~kiosk.app.staff.StaffDesk`) and the look and read aloud
    (:class:`~kiosk.app.look.LookAndSpeech`) are its other parts: they share its state.

    Signals:
        first_screen_shown(): the first screen is up (once): the slideshow's first page, or
            the sleep screen when the kiosk starts outside opening hours.
    """

    first_screen_shown = Signal()

    def __init__(
        self,
        content: Content,
        store: RequestStore | Callable[[], RequestStore],
        kiosk_id: str | None = None,
        timer_factory: TimerFactory = qt_timer,
        clock: Clock = monotonic,
        load_keyboard: bool = True,
        export_places: ExportPlaces | None = None,
        vault: PinVault | None = None,
        wall_clock: WallClock = utc_now,
        screen_keeper: ScreenKeeper | None = None,
        speech_engine: str = "speechd",
        watch_input: bool = True,
    ) -> None:
        super().__init__()
        self.content = content
        # The store, or what opens it when first used (run() passes that: the storage modules
        # and SQLite are not needed for the first page).
        self._store: RequestStore | None = None if callable(store) else store
        self._open_store: Callable[[], RequestStore] | None = store if callable(store) else None
        self.kiosk_id = kiosk_id or os.uname().nodename  # the host name, without the socket module
        self._timers = timer_factory
        self._load_keyboard = load_keyboard
        self.keyboard: KeyboardPanel | None = None  # loaded with the first visitor's form
        self.form: RequestFormScreen | None = None
        self._checkers_loaded = False
        self._style_size = QSize()
        # The visitor's language: the clinic's (content.yaml's) until someone taps another.
        self.language = content.language.code
        self._last_page = 0
        self._look: tuple[object, ...] = ()  # what the style sheet and layouts were made for
        self._thanks_look: tuple[float, Recolor] | None = None
        self._first_screen = False

        self.window = KioskWindow(content.clinic.name)
        self.slideshow = SlideshowScreen(content, timer_factory, clock)
        # The thank-you screen is built once the first screen is up (build_hidden_screens), or
        # when first needed: it is not drawn on the first page.
        self._thanks: ThanksScreen | None = None
        self._vault = vault
        self._export_places = export_places
        # The staff screens are built the first time someone asks for them: most days nobody
        # does, and a kiosk that only shows slides should not carry them.
        self._pin_pad: PinPadScreen | None = None
        self._staff: StaffScreen | None = None
        self._content_problems: list[str] = []
        # Keeps the session from blanking the screen while open (None: nothing to keep on).
        self.screen_keeper = screen_keeper
        # Outside opening hours (if content.yaml sets them): a dim clock until someone touches.
        self.sleep_screen = SleepScreen(content, wall_clock, timer_factory)
        self.hours = OpeningHoursController(
            content.opening_hours, wall_clock, timer_factory, self.window
        )
        for screen in (self.slideshow, self.sleep_screen):
            self.window.add_screen(screen)
        # Accessibility: one visitor's choices, a button on every visitor screen, read aloud.
        # Input anywhere in the application is watched (keys, touches, idle time) from the
        # start, or with watch_input=False only once watch_all_input() is called: run() calls
        # it when the first screen is up, sparing the first page the cost of filtering every event.
        self._watch_input = watch_input
        self.access = AccessController(
            self.window, lambda: self._make_speaker(speech_engine), timer_factory, watch_input
        )
        self.access.set_words(content.words)  # the clinic's language until a visitor picks one
        self.slideshow.set_access_button(self.access.button(self.slideshow))
        self.access.settings_changed.connect(self._on_access_changed)
        self.access.panel_shown.connect(self._on_access_panel_shown)
        self.access.read_screen_requested.connect(self._on_read_screen_requested)
        self.access.describers.append(self._describe_in_form)
        if watch_input:
            self.access.watch_idle(True)
        self.window.show_screen(self.slideshow)
        self.window.resized.connect(self._on_window_resized)
        self.slideshow.first_page_shown.connect(self._on_first_page_shown)
        self.slideshow.request_info_requested.connect(self.open_form)
        self.slideshow.staff_requested.connect(self._on_staff_requested)
        self.slideshow.language_chosen.connect(self.set_language)
        self.slideshow.page_changed.connect(self._on_page_changed)
        self.hours.sleep.connect(self._on_sleep)
        self.hours.wake.connect(self._on_wake)
        self.sleep_screen.woken.connect(self.hours.touched)
        # Contacted requests are deleted once they are older than the retention period: at
        # start and then once a day.
        self._retention = timer_factory(self.window)
        self._retention.setObjectName("retention")
        self._retention.setSingleShot(False)
        self._retention.timeout.connect(self._on_retention_due)
        self._retention_daily = False
        # With a front-desk inbox: the forwarder's thread, and its status for staff.
        self._forwarder: ForwarderThread | None = None
        self._inbox_line = ""
        self._inbox_status = timer_factory(self.window)
        self._inbox_status.setObjectName("inbox-status")
        self._inbox_status.setSingleShot(False)
        self._inbox_status.timeout.connect(self._on_inbox_status_due)

    @property
    def thanks(self) -> ThanksScreen:
        """The thank-you screen (built when first asked for, if :meth:`build_hidden_screens`
        has not built it yet), in the visitor's language and the current look."""
        if self._thanks is None:
            thanks = ThanksScreen(self.content_in(self.language), self._timers)
            self.window.add_screen(thanks)
            thanks.set_access_button(self.access.button(thanks))
            thanks.finished.connect(self._show_slideshow)
            thanks.language_chosen.connect(self.set_language)
            if self._thanks_look is not None:
                thanks.set_look(*self._thanks_look)
            self._thanks = thanks
        return self._thanks

    def build_hidden_screens(self) -> None:
        """Build what the first page does not show, the thank-you screen and the accessibility
        panel, now (run() does once the first screen is up), so that the first visitor who
        needs one does not wait for it."""
        self.thanks  # noqa: B018 - the properties build them
        self.access.panel  # noqa: B018

    @property
    def store(self) -> RequestStore:
        """The request store (opened when first asked for, if it was given as an opener)."""
        if self._store is None:
            assert self._open_store is not None
            self._store = self._open_store()
        return self._store

    def close_store(self) -> None:
        """Close the store, if it was ever opened."""
        if self._store is not None:
            self._store.close()

    def _make_speaker(self, engine: str) -> Speaker:
        """The speech engine, made when read aloud is first turned on: most visitors never do,
        and Qt's speech module is not loaded with the first slide (see benchmarks/startup.py)."""
        from kiosk.ui.speech import Speaker

        return Speaker(engine, self)

    # -- the visitor's language ------------------------------------------------------------

    def content_in(self, code: str, content: Content | None = None) -> Content:
        """The content (``self.content`` unless given) in language ``code``; the default
        language's where it has no such language."""
        base = self.content if content is None else content
        return next((t for t in base.translations if t.language.code == code), base)

    def set_language(self, code: str) -> None:
        """Show everything in language ``code`` at once: the article (laid out again, from its
        first page), notices, the form (labels, choices, messages; answers stay), the
        thank-you screen, the keyboard's layout, and the screens' direction."""
        content = self.content_in(code)
        code = content.language.code
        if code == self.language:
            return
        log.info("visitor language: %s", code)
        self.language = code
        self._apply_direction(content)
        self._last_page = 0
        self.access.set_words(content.words)  # before the screens lay out the button's word
        self.slideshow.show_language(content)
        if self._thanks is not None:
            self._thanks.replace_content(content)
        if self.form is not None:  # in the content the form was opened with
            form_content = self.content_in(code, self.form.base_content)
            self.form.retranslate(form_content.form, form_content.notices, form_content.words)
        if self.keyboard is not None:
            self.keyboard.set_locale(content.language.keyboard)

    def _apply_direction(self, content: Content) -> None:
        rtl = content.language.right_to_left
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        if QApplication.layoutDirection() != direction:
            QApplication.setLayoutDirection(direction)

    def _on_page_changed(self, index: int) -> None:
        """Back in the clinic's language once the article has come round to its start: the
        visitor who chose another language has read it all, or gone."""
        last = len(self.slideshow.pages) - 1
        if index == 0 and self._last_page == last > 0 and self.language != self._default:
            self.set_language(self._default)
        self._last_page = index

    @property
    def _default(self) -> str:
        return self.content.language.code

    def _save_answers(self, values: dict[str, Answer], base: Content, code: str) -> int:
        """Save a request with the language the visitor used (``code``); a picked choice is
        saved as ``base``'s (the default language's) words for it, so staff read the same words
        whatever the visitor's language, matched by its place in the list."""
        content = self.content_in(code, base)
        default_fields = {f.key: f for f in base.form.fields}
        saved: dict[str, Answer] = dict(values)
        for form_field in content.form.fields:
            answer = values.get(form_field.key)
            original = default_fields.get(form_field.key)
            if (
                isinstance(answer, str)
                and answer in form_field.choices
                and original is not None
                and len(original.choices) == len(form_field.choices)
            ):
                saved[form_field.key] = original.choices[form_field.choices.index(answer)]
        return self.store.save(
            saved, content.content_version, self.kiosk_id, language=content.language.code
        )

    # -- visitors --------------------------------------------------------------------------

    def open_form(self) -> None:
        """Show a new, empty request form (in the visitor's language)."""
        if self.form is not None:
            self._discard_form()
        self.access.watch_idle(False)
        base = self.content  # this visitor's form keeps it, even if the file changes
        content = self.content_in(self.language, base)
        from kiosk.ui.request_form import RequestFormScreen

        with self.access.building():
            form = RequestFormScreen(
                content.form,
                content.notices,
                content.timing,
                lambda values: self._save_answers(values, base, form.language),
                self._timers,
                words=content.words,
                languages=content.language_names,
            )
            form.base_content = base
            form.request_saved.connect(self._on_request_saved)
            form.closed.connect(self._on_form_closed)
            form.language_chosen.connect(self.set_language)
            form.announced.connect(self.access.say)
            form.set_access_button(self.access.button(form))
            form.set_text_scale(self.access.settings.text_scale)
            form.set_read_aloud(self.access.settings.read_aloud)
            self.form = form
            self.window.add_screen(form)
            self._restyle()  # the new button's symbol (the rest only if the look changed)
        self.slideshow.set_speaker(None)
        self.window.show_screen(form)
        self._speak_form_start(form)
        if self.keyboard is None and self._load_keyboard:
            # The first visitor's form appears at once; the keyboard loads just after it.
            QTimer.singleShot(0, self.load_keyboard)
        if not self._checkers_loaded:
            self._checkers_loaded = True
            QTimer.singleShot(0, load_checkers)  # the phone and e-mail checks, likewise

    def _on_request_saved(self, request_id: int, title: str) -> None:
        log.info("request %d saved", request_id)
        if self._forwarder is not None:
            self._forwarder.nudge()  # saved locally first; now off to the front desk
        self.thanks.show_thanks(title, longer=self.access.settings.read_aloud)
        self.window.show_screen(self.thanks)
        self._discard_form()
        self.access.say(self.thanks.spoken())

    def _on_form_closed(self, reason: str) -> None:
        log.info("request form closed without sending (%s)", reason)
        self._show_slideshow()

    def _show_slideshow(self) -> None:
        self.access.reset()  # the next visitor starts with none of this one's choices
        self.window.show_screen(self.slideshow)
        self._discard_form()
        self.set_language(self._default)  # the visitor has gone: the clinic's language again
        self.access.watch_idle(True)

    def _discard_form(self) -> None:
        form, self.form = self.form, None
        if form is None:
            return
        form.wipe()
        self.window.remove_screen(form)
        form.hide()
        form.deleteLater()

    def load_keyboard(self) -> None:
        """Build the on-screen keyboard (once).

        Qt Quick and the QML engine it needs take about 20 MB and a moment to load, so this
        happens when the first visitor opens the form, not while the slideshow runs alone.
        """
        if self.keyboard is not None:
            return
        # Imported here: Qt Quick and its QML engine are not needed for the first slide.
        from kiosk.ui.keyboard import KeyboardPanel

        self.keyboard = KeyboardPanel(self.window)
        self.keyboard.set_locale(self.content_in(self.language).language.keyboard)
        self.window.dock_keyboard(self.keyboard)
        self.keyboard.fit_to(self.window.size())
        log.info("on-screen keyboard %s", "ready" if self.keyboard.loaded else "NOT available")

    def recover(self) -> None:
        """After an unexpected error: drop any visitor's form and show the slideshow.

        Never says "thank you": the thank-you screen is only ever shown after a save returned.
        """
        try:
            self._show_slideshow()
        except Exception:  # recovering must never raise in turn
            log.exception("could not return to the slideshow after an error")

    # -- opening hours and the screen ----------------------------------------------------

    def start(self) -> None:
        """Keep the screen on; begin the opening hours and the daily retention clean-up (once
        the kiosk runs)."""
        if self.screen_keeper is not None:
            self.screen_keeper.start()
        if self._watch_input:
            self.hours.watch_input()
        self.hours.start()
        # The first clean-up comes a moment after start: opening and checking the database
        # must not hold up the first page.
        self._retention.start(FIRST_RETENTION_MS)

    def watch_all_input(self) -> None:
        """Watch input anywhere in the application from now on: the keypad and focus ring, the
        idle time that resets the visitor's accessibility choices, a touch that wakes the
        kiosk at night (for a kiosk made with ``watch_input=False``)."""
        self._watch_input = True
        self.access.listen()
        if self.window.current_screen() is self.slideshow:
            self.access.watch_idle(True)
        self.hours.watch_input()

    def keep_screen_on(self, keeper: ScreenKeeper) -> None:
        """Keep the screen on with ``keeper`` from now on (given once the first screen is up:
        its D-Bus connection or xset need not hold up the first page)."""
        self.screen_keeper = keeper
        keeper.start()
        if self.hours.asleep:
            keeper.asleep(self._closed_display)
        self._update_staff_notice()

    def _on_first_page_shown(self) -> None:
        size = self.slideshow.size()
        # Not how many pages there are: the sections after the first page's are split once
        # it is on screen (kiosk/ui/slideshow.py), and `kiosk check` counts them.
        log.info(
            "first page shown at %dx%d (content %s)",
            size.width(),
            size.height(),
            self.content.content_version,
        )
        self._first_screen_up()

    def _first_screen_up(self) -> None:
        if not self._first_screen:
            self._first_screen = True
            self.first_screen_shown.emit()

    def _on_sleep(self) -> None:
        log.info("outside opening hours: sleeping")
        self.window.show_screen(self.sleep_screen)
        self._discard_form()
        self.set_language(self._default)
        if self.screen_keeper is not None:
            self.screen_keeper.asleep(self._closed_display)
        # Started outside opening hours, the slideshow's first page is never painted: the
        # sleep screen is the first screen (systemd is told the kiosk is up).
        self._first_screen_up()

    def _on_wake(self) -> None:
        if self.screen_keeper is not None:
            self.screen_keeper.awake()
        self._show_slideshow()

    @property
    def _closed_display(self) -> str:
        hours = self.content.opening_hours
        return "dim" if hours is None else hours.closed_display

    # -- content.yaml changed on disk ------------------------------------------------------

    def on_content_changed(self, content: Content) -> None:
        """Switch to new content: at the slideshow's next page change, for the next visitor's
        form; a visitor filling in a form keeps theirs."""
        log.info("content.yaml changed: now showing content %s", content.content_version)
        self.content = content
        self._content_problems = []
        if self.content_in(self.language) is content:
            self.language = content.language.code  # that language is gone from the file
            self._apply_direction(content)
        self.access.set_words(self.content_in(self.language).words)
        self.slideshow.replace_content(self.content_in(self.language))
        if self._thanks is not None:
            self._thanks.replace_content(self.content_in(self.language))
        self.sleep_screen.replace_content(content)
        self.hours.replace_hours(content.opening_hours)
        if self.screen_keeper is not None and self.hours.asleep:
            self.screen_keeper.asleep(self._closed_display)  # closed_display may have changed
        self._update_staff_notice()
        if not self._style_size.isEmpty():
            self._restyle()
