"""SIGTERM (``systemctl stop``, shutdown) and SIGINT (Ctrl+C) handled inside the Qt event loop.

Python runs a signal handler only between bytecodes, and Qt's event loop is C++: a plain
``signal.signal`` handler would wait for the next Python slot, perhaps forever. Here the C-level
handler writes the signal's number to one end of a pipe (:func:`signal.set_wakeup_fd`);
a :class:`QSocketNotifier` on the other end wakes the event loop, and ``on_stop`` runs there,
between two events. Saving a request is synchronous, so when ``on_stop`` runs no save is half
done: the app can say ``STOPPING=1``, close the store and quit with exit code 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier

_log = logging.getLogger(__name__)

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT)

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _noop(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler; the work is done by the notifier's slot."""


class SignalWatcher(QObject):
    """Calls ``on_stop`` in the event loop when SIGTERM or SIGINT arrives (once; later signals
    are logged). :meth:`uninstall` puts back the previous handlers. Keep a reference to it."""

    def __init__(self, on_stop: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_stop = on_stop
        self.received: list[int] = []
        """Numbers of the stop signals received, in order."""
        # A pipe rather than a socket pair: the socket module takes about 5 ms to import.
        self._reader, self._writer = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._previous_handlers: dict[signal.Signals, _Handler] = {}
        self._previous_fd = signal.set_wakeup_fd(self._writer, warn_on_full_buffer=False)
        for sig in STOP_SIGNALS:
            self._previous_handlers[sig] = signal.signal(sig, _noop)
        self._notifier = QSocketNotifier(self._reader, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        self._installed = True

    def uninstall(self) -> None:
        """Restore the signal handlers and wakeup fd found at install time; close the pipe."""
        if not self._installed:
            return
        self._installed = False
        self._notifier.setEnabled(False)
        for sig, handler in self._previous_handlers.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        signal.set_wakeup_fd(self._previous_fd)
        os.close(self._reader)
        os.close(self._writer)

    def _on_notifier_activated(self) -> None:
        try:
            data = os.read(self._reader, 512)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            _log.warning("signal watcher: cannot read the wakeup pipe: %s", error)
            return
        stops = [number for number in data if number in {int(s) for s in STOP_SIGNALS}]
        for number in stops:
            first = not self.received
            self.received.append(number)
            name = signal.Signals(number).name
            if not first:
                _log.info("%s received again; already stopping", name)
                continue
            _log.info("%s received: stopping", name)
            try:
                self._on_stop()
            except Exception:
                _log.exception("stopping after %s failed", name)


def install_signal_handlers(
    on_stop: Callable[[], None], parent: QObject | None = None
) -> SignalWatcher:
    """Handle SIGTERM and SIGINT by calling ``on_stop()`` from the Qt event loop.

    Call from the main thread (Python delivers signals there only), with a ``QCoreApplication``
    existing or about to be made; keep the returned object alive while the kiosk runs.
    """
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("install_signal_handlers must be called from the main thread")
    return SignalWatcher(on_stop, parent)
