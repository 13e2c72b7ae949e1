"""Setting up for the on-screen keyboard before the QApplication exists.

Kept apart from :mod:`kiosk.ui.keyboard` so start-up need not load Qt Quick for the first slide.
"""

from __future__ import annotations

import os


def prepare_environment() -> None:
    """Select the virtual keyboard and Qt Quick's software renderer. Call before QApplication."""
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "1")
    # A software-rendered keyboard needs no GPU or OpenGL driver on the kiosk PC.
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
