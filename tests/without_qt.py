"""Run the tests of kiosk/core and kiosk/storage with PySide6 impossible to import.

They must not need Qt (DESIGN.md: core and storage never import it); this proves it for the
tests too. CI runs it: ``.venv/bin/python tests/without_qt.py``.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

BLOCKED = ("PySide6", "shiboken6", "pytestqt")


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: these tests must run without Qt")


def main() -> int:
    sys.meta_path.insert(0, _NoQt())
    import pytest

    repo = Path(__file__).resolve().parent.parent
    # pytest-qt (and its ini keys) are off: only the markers the tests use are declared.
    args = [
        "-p",
        "no:pytest-qt",
        "-c",
        str(repo / "tests" / "without_qt.ini"),
        "--rootdir",
        str(repo),
        str(repo / "tests" / "core"),
        str(repo / "tests" / "storage"),
        *sys.argv[1:],
    ]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
