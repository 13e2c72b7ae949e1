"""Running unattended: systemd notification and watchdog, one instance per data folder,
logs and crash dumps, unhandled errors, and SIGTERM/SIGINT inside the Qt event loop.

The Qt-free parts (:mod:`~kiosk.system.notify`, :mod:`~kiosk.system.logs`,
:mod:`~kiosk.system.errors`, :mod:`~kiosk.system.instance`) import no Qt;
:mod:`~kiosk.system.watchdog` and :mod:`~kiosk.system.signals` use ``PySide6.QtCore`` only.

The exit codes the shipped systemd unit knows about live with the others in
:mod:`kiosk.places`.
"""

from __future__ import annotations
