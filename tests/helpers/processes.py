"""Starting the real kiosk in a subprocess and reading what it logs."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def start_kiosk(
    *args: str, platform: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``python -m kiosk ARGS`` on Qt platform ``platform`` (with ``env`` over this process's
    environment), its stderr readable as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", *args],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {}), "QT_QPA_PLATFORM": platform},
        cwd=REPO,
    )


_unread: weakref.WeakKeyDictionary[subprocess.Popen[str], bytes] = weakref.WeakKeyDictionary()
"""What was read from a process's stderr past the last line returned, per process."""


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float = 60) -> str:
    """Read the process's stderr until a line contains ``needle``: at most ``timeout`` seconds,
    even when the process goes quiet (a bounded wait, not a sleep)."""
    assert process.stderr is not None
    fd = process.stderr.fileno()
    deadline = time.monotonic() + timeout
    pending = _unread.pop(process, b"")
    seen: list[str] = []
    ended = False
    while True:
        *lines, pending = pending.split(b"\n")
        for index, raw in enumerate(lines):
            line = raw.decode(errors="replace") + "\n"
            seen.append(line)
            if needle in line:
                rest = b"\n".join(lines[index + 1 :])
                _unread[process] = rest + (b"\n" if rest else b"") + pending
                return line
        left = deadline - time.monotonic()
        if ended or left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        ended = not chunk
        pending += chunk if chunk else b"\n"
    why = "it ended" if ended else f"{timeout:g} s passed"
    pytest.fail(f"never saw {needle!r} ({why}); stderr was:\n{''.join(seen)}")


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, then wait for it (reading what is left of its stderr)."""
    process.terminate()
    process.communicate(timeout=30)
