"""Running unattended: systemd notification and watchdog, one instance per data folder,
logs and crash dumps, unhandled errors, and SIGTERM/SIGINT inside the Qt event loop.

The Qt-free parts (:mod:`~kiosk.system.notify`, :mod:`~kiosk.system.logs`,
:mod:`~kiosk.system.errors`, :mod:`~kiosk.system.instance`) import no Qt;
:mod:`~kiosk.system.watchdog` and :mod:`~kiosk.system.signals` use ``PySide6.QtCore`` only.

Exit codes the shipped systemd unit (``resources/deploy/clinic-kiosk.service``) knows about:
"""

from __future__ import annotations

EXIT_ALREADY_RUNNING = 3
"""Another kiosk holds the data folder's lock. The unit does not restart on it
(``RestartPreventExitStatus=``): restarting cannot help while the other kiosk runs."""

EXIT_STAFF_EXIT = 4
"""Staff chose "Exit kiosk". The unit counts it as success and does not restart
(``SuccessExitStatus=``, ``RestartPreventExitStatus=``); any other exit, even 0, is restarted."""

EXIT_REPEATED_ERRORS = 70
"""Unhandled errors kept coming (see :func:`kiosk.system.errors.install_exception_hook`): the
kiosk stops so that systemd starts a fresh one (``EX_SOFTWARE`` from sysexits.h)."""
