"""A tiny Qt program wired like the kiosk's run(): systemd notifier, watchdog pinger, stop
signals in the event loop. Used by the signal and supervisor tests as a stand-in for the kiosk.

    python tests/system/tiny_app.py [--freeze-after SECONDS]

Prints ``ready`` on standard output (and sends READY=1) once the event loop runs; on SIGTERM or
SIGINT logs "clean shutdown", sends STOPPING=1 and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer

from kiosk.system.notify import SystemdNotifier
from kiosk.system.signals import install_signal_handlers
from kiosk.system.watchdog import WatchdogPinger

log = logging.getLogger("tiny_app")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--freeze-after", type=float, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s: %(message)s")
    app = QCoreApplication(sys.argv[:1])
    notifier = SystemdNotifier()
    pinger = WatchdogPinger(notifier)

    def stop() -> None:
        notifier.stopping()
        pinger.stop()
        log.info("clean shutdown")
        app.quit()

    watcher = install_signal_handlers(stop)

    def started() -> None:
        pinger.start()
        notifier.ready()
        print("ready", flush=True)

    QTimer.singleShot(0, started)
    if args.freeze_after is not None:
        # A slot that never returns: the GUI thread hangs, as a frozen kiosk would.
        QTimer.singleShot(int(args.freeze_after * 1000), lambda: time.sleep(3600))
    code = app.exec()
    watcher.uninstall()
    return code


if __name__ == "__main__":
    sys.exit(main())
