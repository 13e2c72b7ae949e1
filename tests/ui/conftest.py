"""Set-up shared by the screens' tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.storage.store import RequestStore
from kiosk.ui import export_job


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RequestStore]:
    """An empty request store in a fresh data folder, closed after the test (a test file that
    needs another clock or folder defines its own)."""
    made = RequestStore(tmp_path / "data")
    yield made
    made.close()


@pytest.fixture
def export_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads CSV exports run on, in order (the GUI thread is never one)."""
    threads: list[str] = []
    real_export = export_job.export_csv

    def export_csv(*args: object, **kwargs: object) -> int:
        threads.append(threading.current_thread().name)
        return real_export(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export_job, "export_csv", export_csv)
    return threads
