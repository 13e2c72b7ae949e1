"""Starting the real kiosk in a subprocess and reading what it logs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def start_kiosk(*args: str, platform: str) -> subprocess.Popen[str]:
    """``python -m kiosk ARGS`` on Qt platform ``platform``, its stderr readable as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", *args],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": platform},
        cwd=REPO,
    )


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float = 60) -> str:
    """Read the process's stderr until a line contains ``needle`` (a bounded wait, not a sleep)."""
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return line
    pytest.fail(f"never saw {needle!r}; stderr was:\n{''.join(seen)}")


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, then wait for it (reading what is left of its stderr)."""
    process.terminate()
    process.communicate(timeout=30)
