"""Shared test set-up: Qt runs offscreen unless a test starts a real X client itself."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.core.content import Content, load_content
from kiosk.core.record import replace
from kiosk.paths import bundled_content
from tests.helpers.clock import FakeClock

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tests.helpers.cli import Cli
    from tests.helpers.fakes import FakeTimers

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shipped_content() -> Content:
    """The content.yaml shipped with the kiosk, parsed."""
    return load_content(bundled_content())


@pytest.fixture
def make_content(shipped_content: Content) -> Callable[..., Content]:
    """The shipped content with some timing settings changed."""

    def make(**timing: float) -> Content:
        return replace(shipped_content, timing=replace(shipped_content.timing, **timing))

    return make


# Qt's fakes load only for the tests that use them: tests/core and tests/storage run without
# PySide6 (tests/without_qt.py proves it in CI).


@pytest.fixture
def timers() -> FakeTimers:
    from tests.helpers.fakes import FakeTimers

    return FakeTimers()


@pytest.fixture
def clock() -> FakeClock[float]:
    """Monotonic seconds moved by hand."""
    return FakeClock()


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> Cli:
    """``kiosk ARGS`` run in this process (tests/helpers/cli.py). The QApplication exists
    first, as pytest-qt's, so that a command that needs one (check, screenshots) uses it
    rather than making one of its own for the tests that follow."""
    from tests.helpers.cli import Cli

    return Cli(capsys, monkeypatch)


# A real PostgreSQL server (started once per session, only by the tests that ask for it) and
# a fresh inbox database per test: tests/helpers/postgres.py.
from tests.helpers.postgres import inbox_db, pg_server  # noqa: E402, F401
