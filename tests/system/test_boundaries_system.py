"""kiosk.system's pure-Python parts (notify, logs, errors, instance) run without Qt."""

from __future__ import annotations

import subprocess
import sys

QT_FREE = [
    "kiosk.system",
    "kiosk.system.notify",
    "kiosk.system.logs",
    "kiosk.system.errors",
    "kiosk.system.instance",
]


def test_the_qt_free_system_modules_load_no_qt():
    code = (
        "import importlib, sys\n"
        f"for m in {QT_FREE!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
