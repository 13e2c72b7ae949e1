"""Composition root: the one place that builds the kiosk's objects and wires them together."""

from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import APP_NAME, __version__
from kiosk.core.access import AccessSettings, shown_content
from kiosk.core.content import Content
from kiosk.core.form import Answer, load_checkers, thanks_title
from kiosk.places import EXIT_ALREADY_RUNNING, EXIT_REPEATED_ERRORS, EXIT_STAFF_EXIT
from kiosk.storage.store import RequestStore, SaveError
from kiosk.system.errors import install_exception_hook
from kiosk.system.instance import AlreadyRunning, LockError, acquire_single_instance
from kiosk.system.logs import setup_logging
from kiosk.system.notify import SystemdNotifier
from kiosk.system.screen import ScreenKeeper, ScreenSaverInhibitor, Way, XScreenSaver
from kiosk.system.signals import install_signal_handlers
from kiosk.system.watchdog import WatchdogPinger
from kiosk.timers import Clock, TimerFactory, monotonic, qt_timer
from kiosk.ui import access_text
from kiosk.ui.access import AccessButton, AccessController, describe
from kiosk.ui.content_watcher import ContentWatcher
from kiosk.ui.keyboard_env import prepare_environment
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.sleep import OpeningHoursController, SleepScreen, WallClock, utc_now
from kiosk.ui.slideshow import SlideshowScreen
from kiosk.ui.thanks import ThanksScreen
from kiosk.ui.theme import stylesheet, tokens
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    # Imported where first used instead: none of these is needed to show the first slide, and
    # leaving them out of start-up keeps it quick (see benchmarks/startup.py).
    from kiosk.core.pin import PinVault
    from kiosk.storage.forwarder import ForwarderThread
    from kiosk.ui.keyboard import KeyboardPanel
    from kiosk.ui.pin_pad import PinPadScreen
    from kiosk.ui.request_form import RequestFormScreen
    from kiosk.ui.speech import Speaker
    from kiosk.ui.staff import ExportPlaces, StaffScreen

log = logging.getLogger(__name__)

RETENTION_INTERVAL_MS = 24 * 60 * 60 * 1000
FIRST_RETENTION_MS = 5000
"""The first retention clean-up, this long after start (after the first page)."""
INBOX_STATUS_MS = 5000
"""How often the staff screen's line about the front-desk inbox is brought up to date."""


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


class Kiosk(QObject):
    """The running kiosk: its window, screens and store, wired together.

    A QObject so that the per-visitor form's signals connect to a Qt receiver: PySide6 keeps a
    weak reference behind for every signal connected to a plain Python object's method, even
    after the sender is gone (benchmarks/soak.py found two per visitor).

    A fresh request form is built for every visitor and destroyed afterwards.
    """

    def __init__(
        self,
        content: Content,
        store: RequestStore,
        kiosk_id: str | None = None,
        timer_factory: TimerFactory = qt_timer,
        clock: Clock = monotonic,
        load_keyboard: bool = True,
        export_places: ExportPlaces | None = None,
        vault: PinVault | None = None,
        wall_clock: WallClock = utc_now,
        screen_keeper: ScreenKeeper | None = None,
        speech_engine: str = "speechd",
    ) -> None:
        super().__init__()
        self.content = content
        self.store = store
        self.kiosk_id = kiosk_id or socket.gethostname()
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

        self.window = KioskWindow(content.clinic.name)
        self.slideshow = SlideshowScreen(content, timer_factory, clock)
        self.thanks = ThanksScreen(content, timer_factory)
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
        for screen in (self.slideshow, self.thanks, self.sleep_screen):
            self.window.add_screen(screen)
        # Accessibility: one visitor's choices, a button on every visitor screen, read aloud.
        self.access = AccessController(
            self.window, lambda: self._make_speaker(speech_engine), timer_factory
        )
        self.access.set_words(content.words)  # the clinic's language until a visitor picks one
        self.slideshow.set_access_button(self.access.button(self.slideshow))
        self.thanks.set_access_button(self.access.button(self.thanks))
        self.access.settings_changed.connect(self._on_access_changed)
        self.access.panel_shown.connect(self._on_access_panel_shown)
        self.access.read_screen_requested.connect(self._on_read_screen_requested)
        self.access.describers.append(self._describe_in_form)
        self.access.watch_idle(True)
        self.window.show_screen(self.slideshow)
        self.window.resized.connect(self._on_window_resized)
        self.slideshow.first_page_shown.connect(self._on_first_page_shown)
        self.slideshow.request_info_requested.connect(self.open_form)
        self.slideshow.staff_requested.connect(self._on_staff_requested)
        self.slideshow.language_chosen.connect(self.set_language)
        self.slideshow.page_changed.connect(self._on_page_changed)
        self.thanks.finished.connect(self._show_slideshow)
        self.thanks.language_chosen.connect(self.set_language)
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

    # -- visitors --------------------------------------------------------------------------

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
        self.thanks.replace_content(content)
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

    def _on_sleep(self) -> None:
        log.info("outside opening hours: sleeping")
        self.window.show_screen(self.sleep_screen)
        self._discard_form()
        self.set_language(self._default)
        if self.screen_keeper is not None:
            self.screen_keeper.asleep(self._closed_display)

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
        self.thanks.replace_content(self.content_in(self.language))
        self.sleep_screen.replace_content(content)
        self.hours.replace_hours(content.opening_hours)
        if self.screen_keeper is not None and self.hours.asleep:
            self.screen_keeper.asleep(self._closed_display)  # closed_display may have changed
        if self._staff is not None:
            self._staff.set_notice(self._staff_notice())
        if not self._style_size.isEmpty():
            self._restyle()

    def on_content_invalid(self, problems: list[str]) -> None:
        """Keep the last good content; tell staff (the problems are in the log too)."""
        self._content_problems = list(problems)
        if self._staff is not None:
            self._staff.set_notice(self._staff_notice())

    # -- the front-desk inbox (several kiosks) ---------------------------------------------

    def attach_forwarder(self, forwarder: ForwarderThread) -> None:
        """Send every saved request on to the front-desk inbox through ``forwarder`` (started
        and stopped by the caller); staff see how it goes."""
        self._forwarder = forwarder
        self._inbox_status.start(INBOX_STATUS_MS)

    def _on_inbox_status_due(self) -> None:
        if self._forwarder is None:
            return
        status = self._forwarder.status()
        waiting = "" if status.waiting < 0 else f"{status.waiting} waiting to be sent"
        if status.error:
            line = (
                f"Front-desk inbox: {status.error}. Requests are kept here and sent when it "
                f"works again ({waiting or 'checking'})."
            )
        else:
            line = (
                f"Front-desk inbox: connected; {waiting or 'checking'}. Requests it has are "
                "listed here without their answers."
            )
        if line != self._inbox_line:
            self._inbox_line = line
            if self._staff is not None:
                self._staff.set_notice(self._staff_notice())

    def _staff_notice(self) -> str:
        """What staff should know: the inbox's state, content.yaml's problems, and a screen
        nothing keeps on."""
        screen = self.screen_keeper.problem if self.screen_keeper is not None else ""
        parts = (self._inbox_line, self._content_notice(), screen)
        return "\n\n".join(part for part in parts if part)

    def _content_notice(self) -> str:
        if not self._content_problems:
            return ""
        count = len(self._content_problems)
        lines = "\n".join(self._content_problems[:5])
        more = f"\n... and {count - 5} more (see the log)" if count > 5 else ""
        return (
            f"content.yaml was changed but has {count} problem{'s' if count != 1 else ''}; "
            f"the kiosk keeps showing the last good version. Run `kiosk check`.\n{lines}{more}"
        )

    def _discard_form(self) -> None:
        form, self.form = self.form, None
        if form is None:
            return
        form.wipe()
        self.window.remove_screen(form)
        form.hide()
        form.deleteLater()

    # -- staff -----------------------------------------------------------------------------

    @property
    def pin_pad(self) -> PinPadScreen:
        if self._pin_pad is None:
            from kiosk.core.pin import PinVault
            from kiosk.ui.pin_pad import PinPadScreen

            # The staff PIN lives in the data folder, beside the requests, unless given.
            vault = self._vault or PinVault(self.store.path.parent)
            lock_after = self.content.staff.lock_after_seconds
            pad = PinPadScreen(vault, self._audit_staff, lock_after, self._timers)
            pad.unlocked.connect(self._on_staff_unlocked)
            pad.cancelled.connect(self._show_slideshow)
            self.window.add_screen(pad)
            self._pin_pad = pad
        return self._pin_pad

    @property
    def staff(self) -> StaffScreen:
        if self._staff is None:
            from kiosk.ui.staff import StaffScreen, usb_drives_and_folder

            places = self._export_places or usb_drives_and_folder(self.content.staff.export_folder)
            staff = StaffScreen(self.content, self.store, places, self._timers)
            staff.locked.connect(self._on_staff_locked)
            staff.exit_requested.connect(self._on_exit_requested)
            staff.set_notice(self._staff_notice())
            self.window.add_screen(staff)
            self._staff = staff
        return self._staff

    def _on_staff_requested(self) -> None:
        log.info("staff entry opened")
        self.window.show_screen(self.pin_pad)

    def _on_staff_unlocked(self) -> None:
        log.info("staff signed in")
        self.window.show_screen(self.staff)

    def _on_staff_locked(self) -> None:
        log.info("staff screen locked")
        self._show_slideshow()

    def _on_exit_requested(self) -> None:
        log.info("staff asked the kiosk to exit")
        self.window.allow_close()
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            # A distinct exit code: the systemd unit does not restart a kiosk staff closed.
            app.exit(EXIT_STAFF_EXIT)

    def finish_staff_work(self, timeout: float = 30) -> None:
        """Before the kiosk ends: let an export under way finish writing its file."""
        if self._staff is not None and not self._staff.wait_for_export(timeout):
            log.error("an export was still being written when the kiosk stopped")

    def recover(self) -> None:
        """After an unexpected error: drop any visitor's form and show the slideshow.

        Never says "thank you": the thank-you screen is only ever shown after a save returned.
        """
        try:
            self._show_slideshow()
        except Exception:  # recovering must never raise in turn
            log.exception("could not return to the slideshow after an error")

    def _audit_staff(self, event: str, count: int) -> bool:
        """Record a staff event; whether it was (the PIN pad refuses a sign-in it was not)."""
        try:
            self.store.audit(event, "staff", count)
        except SaveError as error:
            log.error("could not record a staff %s in the audit log: %s", event, error)
            return False
        return True

    def _on_retention_due(self) -> None:
        if not self._retention_daily:
            self._retention_daily = True
            self._retention.start(RETENTION_INTERVAL_MS)  # after the first, once a day
        if self.store.path.exists():
            self.apply_retention()

    def apply_retention(self) -> None:
        """Delete requests contacted longer ago than the retention period."""
        try:
            removed = self.store.apply_retention(self.content.staff.retention_days)
        except SaveError as error:
            log.error("retention clean-up failed (%s): %s", error.kind, error)
            return
        if removed:
            log.info("retention: deleted %d contacted requests", removed)

    def start(self) -> None:
        """Keep the screen on; begin the opening hours and the daily retention clean-up (once
        the kiosk runs)."""
        if self.screen_keeper is not None:
            self.screen_keeper.start()
        self.hours.watch_input()
        self.hours.start()
        # The first clean-up comes a moment after start: opening and checking the database
        # must not hold up the first page.
        self._retention.start(FIRST_RETENTION_MS)

    # -- set-up ----------------------------------------------------------------------------

    def _on_window_resized(self, size: QSize) -> None:
        if size != self._style_size:
            self._style_size = QSize(size)
            self._restyle()
            if self.keyboard is not None:
                self.keyboard.fit_to(size)

    # -- accessibility ---------------------------------------------------------------------

    def _make_speaker(self, engine: str) -> Speaker:
        """The speech engine, made when read aloud is first turned on: most visitors never do,
        and Qt's speech module is not loaded with the first slide (see benchmarks/startup.py)."""
        from kiosk.ui.speech import Speaker

        return Speaker(engine, self)

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
        self.thanks.set_look(scale, recolor)
        if self.form is not None:
            self.form.set_text_scale(scale)

    def _on_access_changed(self, settings: AccessSettings) -> None:
        self._restyle()
        if self.form is not None:
            self.form.set_read_aloud(settings.read_aloud)
        self._sync_slideshow_speech()

    def _on_access_panel_shown(self, shown: bool) -> None:
        self._sync_slideshow_speech()

    def _sync_slideshow_speech(self) -> None:
        """The slideshow reads its pages while read aloud is on and the panel is closed."""
        on = self.access.settings.read_aloud and not self.access.panel.isVisible()
        self.slideshow.set_speaker(self.access.speaker if on else None)

    def _on_read_screen_requested(self) -> None:
        """The read-aloud key: read the screen shown from its start."""
        screen = self.window.current_screen()
        focused = QApplication.focusWidget()
        if self.access.panel.isVisible():
            self.access.say(describe(focused, self.access.words) if focused is not None else [])
        elif screen is self.slideshow:
            self._sync_slideshow_speech()
            self.slideshow.read_page()
        elif screen is self.thanks:
            self.access.say(self.thanks.spoken())
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

    def _on_first_page_shown(self) -> None:
        size = self.slideshow.size()
        log.info(
            "first page shown: %d pages at %dx%d (content %s)",
            len(self.slideshow.pages),
            size.width(),
            size.height(),
            self.content.content_version,
        )

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


def run(
    content: Content,
    windowed: QSize | None,
    data_dir: Path,
    verbose: bool = False,
    *,
    inbox: str | None = None,
) -> int:
    """Start the kiosk and run until it is stopped; returns the exit code.

    One kiosk per data folder; a log file beside the data; systemd told when the first slide
    is up and pinged from the event loop (a frozen kiosk gets restarted); SIGTERM and SIGINT
    stop it cleanly; an unexpected error in a slot is logged and the slideshow comes back.
    With ``inbox`` (a service in pg_service.conf), every saved request is also forwarded to
    the front-desk inbox by a thread of its own.
    """
    try:
        instance = acquire_single_instance(data_dir)
    except AlreadyRunning as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    except LockError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    try:
        log_path = setup_logging(data_dir, verbose)
    except OSError as error:
        print(f"kiosk: cannot write the log in {data_dir}: {error}", file=sys.stderr)
        instance.release()
        return 1
    notifier = SystemdNotifier()
    app = application()
    log.info("starting %s %s, data in %s, log %s", APP_NAME, __version__, data_dir, log_path)
    for note in instance.notes:
        log.warning("%s", note)
    store = RequestStore(data_dir)
    screen_keeper = screen_keeper_for(app)
    kiosk = Kiosk(content, store, screen_keeper=screen_keeper)
    pinger = WatchdogPinger(notifier)
    forwarder = None
    if inbox:
        from kiosk.storage.forwarder import Forwarder, ForwarderThread

        forwarder = ForwarderThread(
            Forwarder(
                lambda: RequestStore(data_dir),
                inbox,
                kiosk.kiosk_id,
                lambda: kiosk.content.content_version,
            )
        )
        kiosk.attach_forwarder(forwarder)
        forwarder.start()
        log.info("forwarding requests to the front-desk inbox (service %s)", inbox)

    def stop() -> None:
        log.info("asked to stop")
        notifier.stopping()
        pinger.stop()
        kiosk.window.allow_close()
        kiosk.window.close()
        # Saves are synchronous: back in the event loop, none is half done.
        app.exit(0)

    def ready() -> None:
        notifier.ready()
        notifier.status("showing the slideshow")

    watcher = install_signal_handlers(stop)
    hook = install_exception_hook(kiosk.recover, on_too_many=lambda: app.exit(EXIT_REPEATED_ERRORS))
    kiosk.slideshow.first_page_shown.connect(ready)
    content_watcher = ContentWatcher(Path(content.source), content, parent=kiosk.window)
    content_watcher.content_changed.connect(kiosk.on_content_changed)
    content_watcher.content_invalid.connect(kiosk.on_content_invalid)
    lockdown = Lockdown(kiosk.window) if windowed is None else None
    kiosk.window.present(windowed)
    kiosk.start()
    pinger.start()
    try:
        return app.exec()
    finally:
        notifier.stopping()
        screen_keeper.stop()  # nothing stays inhibited once the kiosk is gone
        hook.uninstall()
        watcher.uninstall()
        del lockdown
        if forwarder is not None:
            forwarder.stop()
        kiosk.finish_staff_work()
        store.close()
        log.info("stopped")
        instance.release()


def screen_keeper_for(app: QApplication) -> ScreenKeeper:
    """The ways to keep this kiosk's screen on: the session's screen saver over D-Bus, else
    (on X) the X server's own screen saver and DPMS."""
    reason = "Clinic kiosk: showing the waiting-room slideshow"
    ways: list[Way] = [ScreenSaverInhibitor(QDBusConnection.sessionBus(), APP_NAME, reason)]
    if app.platformName() == "xcb":
        ways.append(XScreenSaver(os.environ.get("DISPLAY")))
    return ScreenKeeper(ways)


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
