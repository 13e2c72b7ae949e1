"""Guards against a known-bad Qt binding (see the PySide6 pin in pyproject.toml)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QRect, QSize


def test_void_methods_keep_none_alive(qapp):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None per void call, then crashed."""
    obj = QObject()
    rect = QRect()
    before = sys.getrefcount(None)
    for _ in range(1000):
        obj.setObjectName("x")
        rect.setSize(QSize(1, 1))
    assert sys.getrefcount(None) - before >= -10
