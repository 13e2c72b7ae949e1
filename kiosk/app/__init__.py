"""Composition root: the one place that builds the kiosk's objects and wires them together.

This module starts and stops the kiosk: :func:`run` (one kiosk per data folder, the log,
systemd, signals, the event loop) and the screen keeper. The running kiosk itself,
:class:`Kiosk`, and the process's :func:`application` are built in :mod:`kiosk.app.screens`
(its screens and the visitor's way through them), with :mod:`kiosk.app.staff` (the staff side)
and :mod:`kiosk.app.look` (the look and read aloud); :mod:`kiosk.app.screenshots` draws every
screen for ``kiosk screenshots`` (imported by it alone).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# isort: off
# The Qt-free modules start-up needs come first. Once PySide6 is imported, its import hook
# (for `from __feature__ import ...`) reads the source of every module imported after it
# (once a name): those imported before it and not named again after are spared. kiosk/cli.py
# imports this module before PySide6 for that (tests/test_boundaries.py checks both).
import kiosk.core.access
import kiosk.core.bidi
import kiosk.core.pacing
import kiosk.core.pagination  # noqa: F401
from kiosk import APP_NAME, __version__
from kiosk.core.content import Content
from kiosk.core.content.cache import ContentCache
from kiosk.core.files import Signature
from kiosk.places import EXIT_ALREADY_RUNNING, EXIT_REPEATED_ERRORS
from kiosk.system.errors import install_exception_hook
from kiosk.system.instance import AlreadyRunning, LockError, acquire_single_instance
from kiosk.system.logs import open_held_log, setup_logging
from kiosk.system.notify import SystemdNotifier

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app.screens import Kiosk, application

# isort: on
from kiosk.system.signals import install_signal_handlers
from kiosk.system.watchdog import WatchdogPinger
from kiosk.ui.lockdown import Lockdown

if TYPE_CHECKING:
    from kiosk.storage.forwarder import ForwarderThread
    from kiosk.storage.store import RequestStore
    from kiosk.system.screen import ScreenKeeper
    from kiosk.ui.content_watcher import ContentWatcher

__all__ = ["Kiosk", "application", "run", "screen_keeper_for"]

log = logging.getLogger(__name__)

FIRST_SCREEN_LIMIT_MS = 15_000
"""What starts after the first screen starts after this long even if it was never painted, so
systemd is told the kiosk is up (its start timeout is 60 s)."""
ASLEEP = "asleep outside opening hours"
AWAKE = "showing the slideshow"


def run(
    content: Content,
    windowed: QSize | None,
    data_dir: Path,
    verbose: bool = False,
    *,
    inbox: str | None = None,
    read_as: Signature = None,
    cache: ContentCache | None = None,
) -> int:
    """Start the kiosk and run until it is stopped; returns the exit code.

    One kiosk per data folder; a log file beside the data; systemd told when the first screen
    is up and pinged from the event loop (a frozen kiosk gets restarted); SIGTERM and SIGINT
    stop it cleanly; an unexpected error in a slot is logged and the slideshow comes back.
    With ``inbox`` (a service in pg_service.conf), every saved request is also forwarded to
    the front-desk inbox by a thread of its own. ``read_as`` is the content file's
    :func:`~kiosk.core.files.signature` when it was read: a save since then is taken in.
    ``cache`` is what the content was read through: it is written once the kiosk is up, if
    the content was read in full.

    The first page is painted before anything it does not draw is made: the watchdog, kiosk
    mode and watching input, keeping the screen on, watching content.yaml and the forwarder
    start once it (or, outside opening hours, the sleep screen) is up
    (:class:`_AfterFirstScreen`).
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
        # The log file is written from when the first screen is up (with all before it).
        log_path = setup_logging(data_dir, verbose, hold=True)
    except OSError as error:
        print(f"kiosk: cannot write the log in {data_dir}: {error}", file=sys.stderr)
        instance.release()
        return 1
    notifier = SystemdNotifier()
    app = application()
    log.info("starting %s %s, data in %s, log %s", APP_NAME, __version__, data_dir, log_path)
    for note in instance.notes:
        log.warning("%s", note)
    kiosk = Kiosk(content, lambda: _open_store(data_dir), watch_input=False)
    later = _AfterFirstScreen(
        app, kiosk, notifier, data_dir, inbox, windowed is None, read_as, cache
    )
    # From the event loop: the first page reaches the screen before anything else is done.
    kiosk.first_screen_shown.connect(lambda: QTimer.singleShot(0, later.start))
    # And in any case, should the window never be painted (a display that stays off).
    QTimer.singleShot(FIRST_SCREEN_LIMIT_MS, later.start_late)

    def stop() -> None:
        log.info("asked to stop")
        notifier.stopping()
        later.pinger.stop()
        kiosk.window.allow_close()
        kiosk.window.close()
        # Saves are synchronous: back in the event loop, none is half done.
        app.exit(0)

    watcher = install_signal_handlers(stop)
    hook = install_exception_hook(kiosk.recover, on_too_many=lambda: app.exit(EXIT_REPEATED_ERRORS))
    kiosk.window.present(windowed)
    kiosk.start()
    try:
        return app.exec()
    finally:
        open_held_log()  # if the first screen never came
        notifier.stopping()
        later.stop()
        hook.uninstall()
        watcher.uninstall()
        kiosk.finish_staff_work()
        kiosk.close_store()
        log.info("stopped")
        instance.release()


def _open_store(data_dir: Path) -> RequestStore:
    """The request store, opened when first used (a visitor's request, staff, the retention
    clean-up): SQLite and the storage modules are not needed to paint the first page."""
    from kiosk.storage.store import RequestStore

    return RequestStore(data_dir)


class _AfterFirstScreen:
    """What the kiosk starts once its first screen is up, in this order: the garbage collector
    (off while it started: kiosk/__main__.py), the log file (with everything logged before),
    systemd told it is ready, the watchdog's pings, kiosk mode (:class:`Lockdown`, fullscreen
    only) and watching input anywhere in the application, the thank-you screen and the
    accessibility panel, keeping the screen on (a D-Bus connection, or xset), watching
    content.yaml for changes, the forwarder to the front-desk inbox, and writing the content's
    cache (after a full read); and stops at exit (nothing stays inhibited once the kiosk is
    gone). Nobody can touch or type in the moment before: the first page has just appeared."""

    def __init__(
        self,
        app: QApplication,
        kiosk: Kiosk,
        notifier: SystemdNotifier,
        data_dir: Path,
        inbox: str | None,
        lock_down: bool,
        read_as: Signature,
        cache: ContentCache | None = None,
    ) -> None:
        self._app = app
        self._cache = cache
        self._read_as = read_as
        self._lock_down = lock_down
        self.lockdown: Lockdown | None = None
        self._kiosk = kiosk
        self._notifier = notifier
        self._data_dir = data_dir
        self._inbox = inbox
        self.pinger = WatchdogPinger(notifier)
        self.screen_keeper: ScreenKeeper | None = None
        self.content_watcher: ContentWatcher | None = None
        self.forwarder: ForwarderThread | None = None

    def start(self) -> None:
        if self.screen_keeper is not None:
            return  # started already
        kiosk = self._kiosk
        gc.enable()  # off while the kiosk started (kiosk/__main__.py)
        open_held_log()
        self._notifier.ready()
        self._notifier.status(ASLEEP if kiosk.hours.asleep else AWAKE)
        kiosk.hours.sleep.connect(lambda: self._notifier.status(ASLEEP))
        kiosk.hours.wake.connect(lambda: self._notifier.status(AWAKE))
        self.pinger.start()
        if self._lock_down:
            self.lockdown = Lockdown(kiosk.window)
        kiosk.watch_all_input()
        kiosk.build_hidden_screens()
        self.screen_keeper = screen_keeper_for(self._app)
        kiosk.keep_screen_on(self.screen_keeper)
        from kiosk.ui.content_watcher import ContentWatcher

        content = kiosk.content
        watcher = ContentWatcher(
            Path(content.source), content, parent=kiosk.window, read_as=self._read_as
        )
        watcher.content_changed.connect(kiosk.on_content_changed)
        watcher.content_invalid.connect(kiosk.on_content_invalid)
        self.content_watcher = watcher
        log.info("watching the content file for changes: %s", content.source)
        if self._inbox:
            self._start_forwarder(self._inbox)
        if self._cache is not None:
            log.info("%s", self._cache.save())

    def start_late(self) -> None:
        if self.screen_keeper is None:
            log.warning(
                "the first screen was not painted within %d s; starting anyway",
                FIRST_SCREEN_LIMIT_MS // 1000,
            )
            self.start()

    def _start_forwarder(self, inbox: str) -> None:
        from kiosk.storage.forwarder import Forwarder, ForwarderThread

        kiosk, data_dir = self._kiosk, self._data_dir
        self.forwarder = ForwarderThread(
            Forwarder(
                lambda: _open_store(data_dir),
                inbox,
                kiosk.kiosk_id,
                lambda: kiosk.content.content_version,
            )
        )
        kiosk.attach_forwarder(self.forwarder)
        self.forwarder.start()
        log.info("forwarding requests to the front-desk inbox (service %s)", inbox)

    def stop(self) -> None:
        self.pinger.stop()
        self.lockdown = None
        if self.screen_keeper is not None:
            self.screen_keeper.stop()
        if self.forwarder is not None:
            self.forwarder.stop()


def screen_keeper_for(app: QApplication) -> ScreenKeeper:
    """The ways to keep this kiosk's screen on: the session's screen saver over D-Bus, else
    (on X) the X server's own screen saver and DPMS."""
    # Imported here: D-Bus is not needed to paint the first page.
    from PySide6.QtDBus import QDBusConnection

    from kiosk.system.screen import ScreenKeeper, ScreenSaverInhibitor, Way, XScreenSaver

    reason = "Clinic kiosk: showing the waiting-room slideshow"
    ways: list[Way] = [ScreenSaverInhibitor(QDBusConnection.sessionBus(), APP_NAME, reason)]
    if app.platformName() == "xcb":
        ways.append(XScreenSaver(os.environ.get("DISPLAY")))
    return ScreenKeeper(ways)
