"""What the benchmarks share: command-line values, a virtual screen, where to put a database,
and percentiles. Each benchmark is run as a script (``python benchmarks/NAME.py``), so this
folder is on ``sys.path`` and ``import _support`` finds this file."""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSize, Qt
from PySide6.QtTest import QTest

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk.app import Kiosk

RAM_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
"""A database there would never wait for a disk: no honest figure for a clinic's machine."""


def parse_size(text: str) -> tuple[int, int]:
    """``"1920x1080"`` -> ``(1920, 1080)``."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH like 1920x1080, got {text!r}") from None
    if width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive size, got {text!r}")
    return width, height


def positive(text: str) -> int:
    """A whole number above 0, for argparse."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def xvfb_mark(script: str) -> str:
    """The environment variable that says ``script`` was started again under ``xvfb-run``."""
    return f"KIOSK_BENCH_{Path(script).stem.upper()}_UNDER_XVFB"


def reexec_under_xvfb(script: str, size: tuple[int, int]) -> None:
    """Replace this process with ``script`` run again under ``xvfb-run`` (a screen of ``size``);
    a benchmark calls it when there is no ``$DISPLAY``."""
    name = Path(script).name
    mark = xvfb_mark(script)
    if os.environ.get(mark):
        sys.exit(f"{name}: still no $DISPLAY under xvfb-run")
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        sys.exit(f"{name}: no $DISPLAY and no xvfb-run; install xvfb or run it on a desktop")
    os.environ[mark] = "1"
    screen = f"-screen 0 {size[0]}x{size[1]}x24"
    argv = [xvfb_run, "-a", "-s", screen, sys.executable, str(Path(script).resolve())]
    os.execv(xvfb_run, [*argv, *sys.argv[1:]])


def filesystem_type(path: Path) -> str:
    """The type of the file system ``path`` is on, from ``/proc/self/mounts`` ("?" if unknown)."""
    resolved = str(path.resolve())
    best, kind = "", "?"
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return kind
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, kind = mount, parts[2]
    return kind


def data_parent() -> Path:
    """Where to make the database's folder: the temp folder unless it lives in RAM."""
    temp = Path(tempfile.gettempdir())
    if filesystem_type(temp) in RAM_FILESYSTEMS:
        return Path.cwd()
    return temp


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the ``ceil(q/100 * n)``-th smallest sample."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(samples: Sequence[float]) -> dict[str, float | int]:
    """p50/p95/max of ``samples`` (seconds) in milliseconds, and their number."""
    return {
        "p50": round(percentile(samples, 50) * 1000, 2),
        "p95": round(percentile(samples, 95) * 1000, 2),
        "max": round(max(samples) * 1000, 2),
        "n": len(samples),
    }


# -- driving a kiosk in this process -------------------------------------------------------------

WAIT_TIMEOUT_S = 10.0
"""How long a benchmark waits for the kiosk to get somewhere before it gives up."""


class BenchmarkError(Exception):
    """A wait timed out or a check failed."""


class Driving:
    """What the in-process benchmarks (form, staff, soak) do to the kiosk they drive: a base
    for their ``Driver`` dataclasses, which give it ``app``, ``kiosk`` and ``size``."""

    app: QApplication
    kiosk: Kiosk
    size: QSize

    def check_size(self) -> None:
        """Fail if the window no longer has the size asked for (its layout made it grow)."""
        actual = self.kiosk.window.size()
        if actual != self.size:
            raise BenchmarkError(
                f"the window is {actual.width()}x{actual.height()}, not"
                f" {self.size.width()}x{self.size.height()}: the kiosk's layout resized it"
            )

    def wait_for(
        self, condition: Callable[[], bool], what: str, timeout_s: float = WAIT_TIMEOUT_S
    ) -> None:
        """Run the event loop until ``condition()`` holds; BenchmarkError after ``timeout_s``."""
        deadline = time.perf_counter() + timeout_s
        flags = (
            QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        )
        while not condition():
            if time.perf_counter() > deadline:
                raise BenchmarkError(f"timed out after {timeout_s:g} s waiting for {what}")
            self.app.processEvents(flags)

    def idle(self, seconds: float) -> None:
        """Let the event loop run for ``seconds``, then run what was ``deleteLater``'d.

        ``app.exec()`` would send the ``DeferredDelete`` events on returning to its loop;
        outside it, events posted from code Python called directly wait for this explicit send.
        """
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.app.processEvents()

    def tap(self, widget: QWidget) -> None:
        QTest.mouseClick(
            widget,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            widget.rect().center(),
        )
