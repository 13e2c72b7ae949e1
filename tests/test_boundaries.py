"""Architecture rules: kiosk.core and kiosk.storage run without Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kiosk"
QT_FREE = ["core", "storage"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", QT_FREE)
def test_qt_free_packages_do_not_import_pyside6(folder):
    files = sorted((PACKAGE / folder).rglob("*.py"))
    assert files
    offenders = {
        str(f.relative_to(PACKAGE)): sorted(m for m in _imported_modules(f) if "PySide6" in m)
        for f in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_every_qt_free_module_loads_no_qt():
    modules = [
        "kiosk." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for folder in QT_FREE
        for p in sorted((PACKAGE / folder).rglob("*.py"))
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_starting_the_kiosk_imports_nothing_the_first_page_does_not_need():
    """Start-up (the command line, the app, reading content.yaml) imports neither the
    PostgreSQL driver (the single kiosk needs no server; about 0.2 s) nor the phone and
    e-mail checkers (about 50 ms; loaded once a form is on screen), nor the CSV export's
    JSON parser (loaded by an export)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kiosk import cli\n"
        "cli.build_parser()\n"
        "import kiosk.app\n"
        "from kiosk.core.content import load_content\n"
        "from kiosk.paths import bundled_content\n"
        "load_content(bundled_content())\n"
        "late = ('psycopg', 'phonenumbers', 'email_validator', 'orjson')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in late)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
