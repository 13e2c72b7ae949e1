"""Set-up shared by the screens' tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.storage.store import RequestStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RequestStore]:
    """An empty request store in a fresh data folder, closed after the test (a test file that
    needs another clock or folder defines its own)."""
    made = RequestStore(tmp_path / "data")
    yield made
    made.close()
