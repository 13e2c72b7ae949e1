"""The whole program: a kiosk caches its checked content once it is up, and its next start
reads the content from that cache (kiosk/core/content/cache.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.processes import start_kiosk, stop, wait_for_line


@pytest.mark.slow
def test_a_kiosk_caches_its_content_once_up_and_the_next_start_reads_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for said in ("content cache written", "content read from its cache"):
        process = start_kiosk(
            "--data-dir", str(data), "--windowed", "1024x600", platform="offscreen"
        )
        try:
            wait_for_line(process, "first page shown")
            wait_for_line(process, said)
        finally:
            stop(process)
        assert process.returncode == 0
