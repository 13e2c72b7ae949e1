"""What the benchmarks share: command-line values, a virtual screen, where to put a database,
percentiles, the run of a benchmark from its command line to its JSON line
(:func:`run_benchmark`), and driving a kiosk in this process (:func:`start_kiosk`,
:class:`Driving`, :class:`VisitorDriving`). Each benchmark is run as a script
(``python benchmarks/NAME.py``), so this folder is on ``sys.path`` and ``import _support``
finds this file."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import PySide6
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QSize, Qt, QTimer
from PySide6.QtTest import QTest

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

    from kiosk.app import Kiosk
    from kiosk.core.content import Content
    from kiosk.storage.store import RequestStore
    from kiosk.ui.request_form import RequestFormScreen

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


def benchmark_parser(description: str, **counts: tuple[int, str]) -> argparse.ArgumentParser:
    """The command line of a benchmark that drives a kiosk: a positive whole number for each
    of ``counts`` (``name=(default, help)``; ``sample_every`` is ``--sample-every``), then
    ``--size WxH``, the window's size (default 1920x1080)."""
    parser = argparse.ArgumentParser(description=description)
    for name, (default, text) in counts.items():
        option = "--" + name.replace("_", "-")
        parser.add_argument(option, type=positive, default=default, help=f"{text} ({default})")
    parser.add_argument(
        "--size", type=parse_size, default=(1920, 1080), help="window size WxH (1920x1080)"
    )
    return parser


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


class BenchmarkError(Exception):
    """A wait timed out or a check failed."""


# -- a benchmark's run ---------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a benchmark measured, for :func:`run_benchmark` to tell."""

    summary: dict[str, Any]
    """The JSON line's fields, ``targets`` (name: met) among them; the versions are added."""
    describe: Callable[[str], list[str]]
    """The lines for people (stderr), given where the database was; the targets and the time
    taken are added after them."""
    problems: list[str] = field(default_factory=list)
    """What the benchmark's own checks found wrong after measuring: each makes it exit 1."""


def run_benchmark(
    script: str,
    args: argparse.Namespace,
    measure: Callable[[argparse.Namespace, Path], Outcome],
) -> int:
    """A benchmark's main: under ``xvfb-run`` if there is no ``$DISPLAY`` (a screen of
    ``args.size``), ``measure(args, data_dir)`` with the database in a fresh folder on a real
    disk (removed afterwards), then its summary on stderr and its JSON line on stdout. Exits 1
    without the JSON line if a wait timed out or a check failed (BenchmarkError), and after it
    if ``measure`` reported problems."""
    if not os.environ.get("DISPLAY"):
        reexec_under_xvfb(script, args.size)
    name = Path(script).name
    began = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix=f"kiosk-{Path(script).stem}-bench-", dir=data_parent()))
    where = f"{data_dir} ({filesystem_type(data_dir)})"
    try:
        outcome = measure(args, data_dir)
    except BenchmarkError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    versions = {"python": platform.python_version(), "pyside6": PySide6.__version__}
    summary = {**outcome.summary, **versions}
    lines = outcome.describe(where)
    for target, met in summary["targets"].items():
        lines.append(f"  {'ok  ' if met else 'MISS'} {target}")
    lines.append(f"  took {time.perf_counter() - began:.0f} s")
    print("\n".join(lines), file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    for problem in outcome.problems:
        print(f"{name}: {problem}", file=sys.stderr)
    return 1 if outcome.problems else 0


# -- driving a kiosk in this process -------------------------------------------------------------

WAIT_TIMEOUT_S = 10.0
"""How long a benchmark waits for the kiosk to get somewhere before it gives up."""
HEARTBEAT_MS = 50
"""A timer this often wakes ``processEvents(WaitForMoreEvents)``, so that waits can time out."""
KEYBOARD_TIMEOUT_S = 30.0
FAKE_NAME = "Zoë Example"
FAKE_PHONE = "202-555-0100"


def wait_until(
    app: QApplication, condition: Callable[[], bool], what: str, timeout_s: float = WAIT_TIMEOUT_S
) -> None:
    """Run the event loop until ``condition()`` holds; BenchmarkError after ``timeout_s``."""
    deadline = time.perf_counter() + timeout_s
    flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
    while not condition():
        if time.perf_counter() > deadline:
            raise BenchmarkError(f"timed out after {timeout_s:g} s waiting for {what}")
        app.processEvents(flags)


def start_kiosk(
    content: Content, store: RequestStore, kiosk_id: str, size: tuple[int, int], keyboard: bool
) -> tuple[QApplication, Kiosk]:
    """The real kiosk on the QApplication production makes (``kiosk.app.application()``, so Qt
    Virtual Keyboard is prepared as there), presented windowed at ``size``, with a heartbeat
    timer. With ``keyboard``, its on-screen keyboard is loaded up front, as the first visitor's
    form would load it, so every measured visitor finds it ready."""
    from kiosk.app import Kiosk, application

    app = application()
    kiosk = Kiosk(content, store, kiosk_id, load_keyboard=keyboard)
    kiosk.window.present(QSize(*size))
    heartbeat = QTimer(app)
    heartbeat.start(HEARTBEAT_MS)
    if keyboard:
        kiosk.load_keyboard()
        wait_until(
            app,
            lambda: kiosk.keyboard is not None and kiosk.keyboard.loaded,
            "the on-screen keyboard to load",
            KEYBOARD_TIMEOUT_S,
        )
    return app, kiosk


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
        wait_until(self.app, condition, what, timeout_s)

    def settle_in(self) -> None:
        """Untimed, before measuring: the window active, half a second idle, its size right."""
        self.wait_for(self.kiosk.window.isActiveWindow, "the window to become active")
        self.idle(0.5)
        self.check_size()

    def close(self) -> None:
        self.kiosk.window.close()
        self.app.processEvents()

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


class PaintTimes(QObject):
    """Records when watched widgets last received a paint event (``perf_counter`` seconds).

    The event reaches this filter before the widget paints; what else the same event-loop pass
    paints and flushes follows, so a time taken after the pass returns includes it all."""

    def __init__(self) -> None:
        super().__init__()
        self._painted: dict[QObject, float] = {}

    def watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def forget(self, widget: QWidget) -> None:
        widget.removeEventFilter(self)
        self._painted.pop(widget, None)

    def painted_since(self, widget: QWidget | None, moment: float | None) -> bool:
        """Whether ``widget`` got a paint event at or after ``moment``."""
        if widget is None or moment is None:
            return False
        return self._painted.get(widget, -math.inf) >= moment

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._painted[watched] = time.perf_counter()
            self.painted(watched)
        return False

    def painted(self, widget: QObject) -> None:
        """Called on each paint event a watched widget receives (for a subclass to note more)."""


class VisitorDriving(Driving):
    """For the benchmarks that play visitors (form, soak): the request form, opened and filled
    in through its widgets. The ``Driver`` sets ``button`` (see :meth:`find_request_button`)."""

    button: QAbstractButton

    def find_request_button(self) -> QAbstractButton:
        from PySide6.QtWidgets import QAbstractButton

        button = self.kiosk.slideshow.findChild(QAbstractButton, "request-info")
        if button is None:
            raise BenchmarkError("no request-info button on the slideshow")
        return button

    def open_form(self) -> RequestFormScreen:
        """Tap "Request more information": the form it built."""
        self.tap(self.button)
        form = self.kiosk.form
        if form is None:
            raise BenchmarkError("tapping the button opened no form")
        return form

    def name_in_view(self, form: RequestFormScreen) -> QLineEdit:
        """The name field, scrolled into view first if it is not (a visitor would scroll)."""
        line = form.fields["name"].line
        if line is None:
            raise BenchmarkError("the name field has no line edit")
        viewport = form.scroll_area.viewport()
        if not viewport.rect().contains(line.mapTo(viewport, line.rect().center())):
            form.scroll_area.ensureWidgetVisible(line)
        return line

    def fill_in(self, form: RequestFormScreen) -> None:
        """Name and phone typed in (``setText``), consent ticked, Send scrolled into view."""
        name, phone = form.fields["name"].line, form.fields["phone"].line
        consent = form.fields["consent"].box
        if name is None or phone is None or consent is None:
            raise BenchmarkError("the form has no name, phone or consent input")
        name.setText(FAKE_NAME)
        phone.setText(FAKE_PHONE)
        consent.setChecked(True)
        form.scroll_area.ensureWidgetVisible(form.submit_button)
