"""A private session bus with the stand-in ``org.freedesktop.ScreenSaver`` on it, for tests.

``dbus-run-session`` starts a bus of its own and runs ``fake_screensaver.py`` (with Debian's
python3, which has python3-dbus) on it; the bus lives as long as the fake. Every call the fake
answers is read from its stdout by a thread, so a test can wait for one with a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

SYSTEM_PYTHON = "/usr/bin/python3"
FAKE = Path(__file__).with_name("fake_screensaver.py")


def available() -> str | None:
    """Why a fake screen saver cannot run here (None if it can)."""
    if shutil.which("dbus-run-session") is None:
        return "needs dbus-run-session (Debian: dbus)"
    check = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import dbus, gi"], capture_output=True, check=False
    )
    if check.returncode != 0:
        return "needs Debian's python3-dbus and python3-gi"
    return None


class FakeScreenSaver:
    """The running fake: its bus ``address``, and the ``calls`` it has answered so far."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["dbus-run-session", "--", SYSTEM_PYTHON, str(FAKE)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # dbus-daemon's notes about fd limits
            text=True,
            start_new_session=True,  # stop() ends the fake, its bus and dbus-run-session
        )
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.calls: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        ready = self._next(30)
        if ready is None or "address" not in ready:
            self.stop()
            raise AssertionError(f"the fake screen saver did not start: {ready}")
        self.address: str = ready["address"]
        self._fake_pid: int = ready["pid"]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(json.loads(line))

    def _next(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_for_calls(self, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        """The calls once there are ``count`` of them (fails after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.calls) < count:
            line = self._next(max(deadline - time.monotonic(), 0.01))
            if line is None:
                raise AssertionError(f"expected {count} calls, got {self.calls}")
            if "call" in line:
                self.calls.append(line)
        return list(self.calls)

    def held(self) -> list[int]:
        """The cookies held after the last call read."""
        return list(self.calls[-1]["held"]) if self.calls else []

    def stop(self) -> None:
        """End the fake; dbus-run-session then ends its bus and exits."""
        if self.process.poll() is None:
            pid = getattr(self, "_fake_pid", None)
            with contextlib.suppress(ProcessLookupError):
                if pid is not None:
                    os.kill(pid, signal.SIGTERM)
                else:
                    os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
