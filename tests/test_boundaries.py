"""Architecture rules: kiosk.core and kiosk.storage run without Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kiosk"
QT_FREE = ["core", "storage"]
QT_FREE_AT_START = (
    "kiosk.core",
    "kiosk.storage",
    "kiosk.places",
    "kiosk.system.errors",
    "kiosk.system.instance",
    "kiosk.system.logs",
    "kiosk.system.notify",
)
"""Modules without Qt that a start may need: loaded before PySide6 when they are."""


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
    JSON parser (loaded by an export), nor the modules of the other commands (the PIN's
    hashing, the requests' formatting: parsed only when one of them is asked for), nor the
    request store and SQLite (opened when first used, after the first page), nor the socket
    module and the log file's handler (about 10 ms; the log file is opened once the first page
    is up)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kiosk import cli\n"
        "assert cli.parse(['--windowed', '800x600']).command is None\n"
        "assert cli.parse(['check']).command == 'check'\n"
        "import kiosk.app\n"
        "from kiosk.core.content import load_content\n"
        "from kiosk.paths import bundled_content\n"
        "load_content(bundled_content())\n"
        "late = ('psycopg', 'phonenumbers', 'email_validator', 'orjson', 'sqlite3', 'socket')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in late)\n"
        "later = ('kiosk.commands.', 'kiosk.storage')\n"
        "bad += sorted(m for m in sys.modules if m.startswith(later))\n"
        "bad += [m for m in ('logging.handlers',) if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_kiosk_whose_content_is_cached_starts_without_the_content_checks(tmp_path):
    """With the checked content in its cache, start-up loads neither PyYAML nor the schema and
    checkers (most of what it did before Qt; benchmarks/startup.py), and makes no dataclass:
    the classes it needs are records (kiosk/core/record.py), which compile nothing."""
    import subprocess
    import sys

    read = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk import cli\n"
        "import kiosk.app\n"
        "from kiosk.core.content.cache import ContentCache\n"
        "from kiosk.paths import bundled_content\n"
        f"cache = ContentCache(Path({str(tmp_path)!r}))\n"
        "content = cache.load(bundled_content())\n"
        "print(cache.save())\n"
        "checks = ('yaml', 'kiosk.core.content.schema', 'kiosk.core.content.loading',\n"
        "          'kiosk.core.i18n')\n"
        "print(sorted(m for m in sys.modules if m.startswith(checks)))\n"
        "import dataclasses\n"
        "made = [f'{name}.{n}' for name, module in list(sys.modules.items())\n"
        "        if name.startswith('kiosk') for n, v in vars(module).items()\n"
        "        if isinstance(v, type) and v.__module__ == name and dataclasses.is_dataclass(v)]\n"
        "print(sorted(made))\n"
    )
    first = subprocess.run([sys.executable, "-c", read], capture_output=True, text=True, check=True)
    assert first.stdout.startswith("content cache written"), first.stdout + first.stderr
    again = subprocess.run([sys.executable, "-c", read], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines() == [
        f"content read from its cache ({tmp_path / 'content.cache'})",
        "[]",
        "[]",
    ], again.stderr


def test_starting_the_kiosk_imports_its_qt_free_modules_before_pyside6():
    """PySide6's import hook reads the source of every module imported after it: the core,
    storage and Qt-free system modules start-up needs are imported first (kiosk/app/__init__.py
    lists them)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "late = []\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if 'PySide6.QtCore' in sys.modules and name.startswith(\n"
        f"            {QT_FREE_AT_START!r}\n"
        "        ):\n"
        "            late.append(name)\n"
        "sys.meta_path.insert(0, Watch())\n"
        "from kiosk import cli\n"
        "import kiosk.app\n"
        "assert not late, late\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_kiosk_command_imports_the_kiosk_before_pyside6():
    """The kiosk command (``cli._cmd_run``) leaves the first PySide6 import to kiosk.app, after
    its Qt-free modules: importing PySide6 first made the hook read 15 more modules' source."""
    path = PACKAGE / "cli.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    run = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_cmd_run")
    imported = sorted(
        (node.lineno, node.module or "")
        for node in ast.walk(run)
        if isinstance(node, ast.ImportFrom)
    )
    modules = [module for _line, module in imported]
    first_qt = next(
        (i for i, module in enumerate(modules) if module.startswith("PySide6")), len(modules)
    )
    assert "kiosk.app" in modules[:first_qt], modules
    at_top = [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
    at_top += [n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert not [name for name in at_top if name.startswith("PySide6")], at_top


# -- the layers ---------------------------------------------------------------------------------

LAYERS: dict[str, int] = {
    # the base, which anything may use: the package, where things are, injected time
    "kiosk": 0,
    "kiosk.paths": 0,
    "kiosk.places": 0,
    "kiosk.timers": 0,
    "kiosk.core": 0,
    "kiosk.storage": 1,
    "kiosk.ui": 2,
    "kiosk.system": 2,
    "kiosk.commands": 2,
    "kiosk.app": 3,
    "kiosk.inbox_app": 3,
    "kiosk.cli": 4,
    "kiosk.__main__": 5,
}
"""core < storage < ui, system, commands < app < cli. A module may import from its own part
and from lower layers; never from a higher one, nor from a sibling of the same layer (ui,
system and commands stay independent of each other)."""
QT_BASE = {"kiosk.timers"}
"""Base modules that use Qt: core, which runs without it, may not import them."""


def _part(module: str) -> str:
    """The entry of :data:`LAYERS` a module belongs to (its longest listed prefix)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in LAYERS:
            return name
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _kiosk_imports(path: Path) -> set[str]:
    """The kiosk modules ``path`` imports (``from kiosk import x`` counts as kiosk.x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kiosk")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kiosk":
                found.update(f"kiosk.{a.name}" for a in node.names)
            elif node.module.startswith("kiosk."):
                found.add(node.module)
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_a_higher_layer_or_a_sibling():
    broken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_bundled" in path.parts:
            continue
        module = _module_name(path)
        own = _part(module)
        for imported in sorted(_kiosk_imports(path)):
            if imported in LAYERS or _part(imported) != "kiosk":
                other = _part(imported)
            else:
                continue  # ``from kiosk import APP_NAME``: a name of the base package
            if other == own:
                continue
            higher = LAYERS[other] > LAYERS[own]
            sibling = LAYERS[other] == LAYERS[own] and LAYERS[own] > 0
            qt_into_core = own == "kiosk.core" and other in QT_BASE
            if higher or sibling or qt_into_core:
                broken.append(f"{module} imports {imported}")
    assert broken == []


def test_the_layer_rule_catches_what_it_should(tmp_path):
    """The rule above can fail: a sub-command importing the command line's module is caught."""
    bad = tmp_path / "kiosk" / "commands" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from kiosk import cli\nfrom kiosk.ui.staff import StaffScreen\n")
    imported = _kiosk_imports(bad)
    assert imported == {"kiosk.cli", "kiosk.ui.staff"}
    assert [LAYERS[_part(m)] > LAYERS["kiosk.commands"] for m in sorted(imported)] == [True, False]
    assert LAYERS[_part("kiosk.ui.staff")] == LAYERS["kiosk.commands"]  # a sibling: refused
