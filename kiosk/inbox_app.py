"""Composition root of ``kiosk inbox``: the front-desk window, its store, listener and PIN."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from kiosk.core.content import Content
from kiosk.core.pin import PinVault
from kiosk.storage.inbox import InboxListener, InboxStore

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1280, 800)


def run_inbox(
    content: Content, service: str, data_dir: Path, lock_after: float | None = None
) -> int:
    """Open the front-desk inbox window and run until it is closed; the exit code."""
    from PySide6.QtWidgets import QApplication

    from kiosk import APP_NAME, __version__
    from kiosk.ui.inbox import InboxWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setApplicationDisplayName("Front-desk inbox")
    store = InboxStore(service)
    window = InboxWindow(
        content,
        store,
        lambda: InboxListener(service),
        PinVault(data_dir),
        lock_after_seconds=lock_after,
    )
    window.resize(*DEFAULT_SIZE)
    window.show()
    window.start()
    log.info("front-desk inbox open (service %s)", service)
    try:
        return int(app.exec())
    finally:
        store.close()
