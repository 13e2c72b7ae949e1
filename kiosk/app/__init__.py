"""Composition root: the one place that builds the kiosk's objects and wires them together.

This module starts and stops the kiosk: :func:`run` (one kiosk per data folder, the log,
systemd, signals, the event loop) and the screen keeper. The running kiosk itself,
:class:`Kiosk`, and the process's :func:`application` are built in :mod:`kiosk.app.screens`
(its screens and the visitor's way through them), with :mod:`kiosk.app.staff` (the staff side)
and :mod:`kiosk.app.look` (the look and read aloud); :mod:`kiosk.app.screenshots` draws every
screen for ``kiosk screenshots``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication

from kiosk import APP_NAME, __version__
from kiosk.app.screens import Kiosk, application
from kiosk.app.screenshots import render_screenshots
from kiosk.core.content import Content
from kiosk.places import EXIT_ALREADY_RUNNING, EXIT_REPEATED_ERRORS
from kiosk.storage.store import RequestStore
from kiosk.system.errors import install_exception_hook
from kiosk.system.instance import AlreadyRunning, LockError, acquire_single_instance
from kiosk.system.logs import setup_logging
from kiosk.system.notify import SystemdNotifier
from kiosk.system.screen import ScreenKeeper, ScreenSaverInhibitor, Way, XScreenSaver
from kiosk.system.signals import install_signal_handlers
from kiosk.system.watchdog import WatchdogPinger
from kiosk.ui.content_watcher import ContentWatcher
from kiosk.ui.lockdown import Lockdown

__all__ = ["Kiosk", "application", "render_screenshots", "run", "screen_keeper_for"]

log = logging.getLogger(__name__)


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
