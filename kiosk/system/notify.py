"""Tell systemd how the kiosk is doing: the ``sd_notify`` protocol in a few lines, without Qt.

systemd (``Type=notify``) gives the service ``$NOTIFY_SOCKET``, a Unix datagram socket (a path,
or ``@name`` for one in the abstract namespace), and with ``WatchdogSec=`` also
``$WATCHDOG_USEC`` (and sometimes ``$WATCHDOG_PID``). The kiosk sends ``READY=1`` once the first
slide is up, ``WATCHDOG=1`` regularly from the Qt event loop (see
:class:`kiosk.system.watchdog.WatchdogPinger`), ``STOPPING=1`` when it shuts down, and a
``STATUS=`` line for ``systemctl status``.

Without ``$NOTIFY_SOCKET`` (run by hand, from a terminal, by the XDG autostart file) every
method does nothing. Sending never raises: a failure is logged once as a warning (later ones at
debug level), because a kiosk must not stop for want of a supervisor.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

_log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 2.0
"""The longest a send may block (systemd's queue full); then the message is dropped."""


def _address(value: str) -> str | bytes | None:
    """The socket address ``$NOTIFY_SOCKET`` names, or None for one this code cannot use."""
    if value.startswith("@") and len(value) > 1:
        return b"\0" + value[1:].encode()
    if value.startswith("/"):
        return value
    return None


def _watchdog_usec(environ: Mapping[str, str], pid: int) -> int | None:
    """``$WATCHDOG_USEC`` if the watchdog applies to process ``pid``, as ``sd_watchdog_enabled``
    decides: a positive whole number, and ``$WATCHDOG_PID`` unset or equal to ``pid``."""
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    watchdog_pid = environ.get("WATCHDOG_PID")
    if watchdog_pid:
        try:
            if int(watchdog_pid) != pid:
                return None
        except ValueError:
            return None
    return usec


class SystemdNotifier:
    """Sends ``sd_notify`` messages to systemd, if the kiosk was started by it.

    The environment is read once, at construction (``environ`` defaults to ``os.environ``,
    ``pid`` to this process's id).
    """

    def __init__(self, environ: Mapping[str, str] | None = None, pid: int | None = None) -> None:
        env = os.environ if environ is None else environ
        self._pid = os.getpid() if pid is None else pid
        self._socket_name = env.get("NOTIFY_SOCKET", "")
        self._address = _address(self._socket_name) if self._socket_name else None
        self._watchdog_usec = _watchdog_usec(env, self._pid)
        self._warned = False
        if self._socket_name and self._address is None:
            self._warn(f"cannot use NOTIFY_SOCKET={self._socket_name!r} (not a path or @name)")

    @property
    def enabled(self) -> bool:
        """Whether there is a supervisor to notify."""
        return self._address is not None

    @property
    def socket_name(self) -> str:
        """``$NOTIFY_SOCKET`` as it was given ("" when unset)."""
        return self._socket_name

    def watchdog_interval_ms(self) -> int | None:
        """How often to send ``WATCHDOG=1``: half of ``$WATCHDOG_USEC``, in milliseconds, as
        systemd advises; None when there is no watchdog for this process."""
        if self._address is None or self._watchdog_usec is None:
            return None
        return max(1, self._watchdog_usec // 2000)

    def ready(self) -> bool:
        """``READY=1``: start-up is complete (send once the first screen is up)."""
        return self.notify("READY=1")

    def watchdog(self) -> bool:
        """``WATCHDOG=1``: the event loop is alive."""
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        """``STOPPING=1``: the kiosk is shutting down on purpose."""
        return self.notify("STOPPING=1")

    def status(self, text: str) -> bool:
        """``STATUS=text``, one line shown by ``systemctl status`` (newlines become spaces)."""
        return self.notify("STATUS=" + " ".join(text.splitlines()))

    def notify(self, *assignments: str) -> bool:
        """Send ``assignments`` (``KEY=value`` lines) in one datagram; True if it was sent.

        Never raises: without a socket it returns False; a failure is logged.
        """
        if self._address is None or not assignments:
            return False
        data = "\n".join(assignments).encode("utf-8", "replace")
        import socket  # here: about 5 ms that the first page need not wait for

        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.settimeout(SEND_TIMEOUT_S)
                sock.sendto(data, self._address)
        except OSError as error:
            self._warn(f"could not notify systemd at {self._socket_name}: {error}")
            return False
        return True

    def _warn(self, message: str) -> None:
        if self._warned:
            _log.debug("%s", message)
            return
        self._warned = True
        _log.warning("%s (further failures are logged at debug level)", message)
