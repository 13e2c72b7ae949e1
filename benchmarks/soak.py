"""Soak test: 10,000 page changes and 1,000 form submissions in one process; does anything grow?

What it runs
------------
One process, a real X server (``QT_QPA_PLATFORM=xcb``), the real kiosk: ``Kiosk(content,
RequestStore(TMP), "soak")`` from :mod:`kiosk.app` with the shipped ``content.yaml``, the
QApplication from ``kiosk.app.application()`` (so Qt Virtual Keyboard is prepared exactly as in
production), Qt's real timers, and the window presented windowed at ``--size``. The kiosk loads
its keyboard with the first visitor's form; the benchmark calls ``kiosk.load_keyboard()`` up
front (as ``form.py`` does) and waits until it is loaded. Taps are ``QTest.mouseClick`` on the
real widgets, delivered through the window like a click.

Timings are changed with ``kiosk.core.record.replace`` on ``content.timing``: ``fade_ms`` is
``FADE_MS`` (60), so every page change really cross-fades (the slideshow's 33 ms frame timer
paints about three frames: the first at once, one half way, the last when the fade is done);
``min_seconds`` and ``max_seconds`` are ``PAGE_SECONDS`` (600) so the advance timer never fires
by itself and the page changes are exactly the driver's. (Section ``seconds`` would override
that; the shipped content sets none, and any page change the driver did not ask for is counted
as ``unplanned_page_changes``.)

A page change
    ``slideshow.next_page()``: the very call the slideshow's advance timer makes when a page's
    time is up, so everything after it is the production path (paginated page rendered into a
    new pixmap, frame timer, cross-fade paints, the old pixmap dropped, the advance timer
    restarted). The driver then runs the event loop until the slideshow has received a paint
    event with the fade finished (``is_fading`` false), i.e. the last frame, and only then
    changes page again: every fade runs to its end and no time is spent idle between them, so
    10,000 changes take about 10,000 x 70 ms instead of the 10,000 x 100+ ms that waiting for
    a (shortened) advance timer with the same fade would take. The paints seen while fading are
    reported as ``fade_frames_per_change`` (2: one at once, one half way; the last, unfaded
    frame is a third paint).
A submission
    Tap "Request more information" (a new form is built); tap the name field (it takes focus
    and the on-screen keyboard comes up); run the loop until the form is current, the keyboard
    is ``shown``, the field has focus and form and keyboard have been painted; fill in name and
    phone with ``setText`` and tick consent with ``setChecked``; scroll Send into view; tap
    Send; run the loop until the thank-you screen is current and painted; tap it; run the loop
    until the slideshow is back and painted, the keyboard down and ``kiosk.form`` is None.
    Then let the loop idle ``SETTLE_S``.

They are interleaved: submission ``j`` follows page change ``ceil(j * pages / submissions)``
(with the defaults, one submission after every 10 page changes). Warm-up first, not measured:
the keyboard loaded, ``WARMUP_PAGES`` page changes and ``WARMUP_SUBMISSIONS`` submissions.

Deferred deletion
-----------------
The kiosk throws a used form away with ``deleteLater()``. Outside ``app.exec()`` Qt only runs a
``DeferredDelete`` event posted from code called straight from Python (a ``QTest`` tap is
delivered with ``notify()``, not through an event loop) when it is sent explicitly, which is
what the event loop does when control returns to it. So at the end of every settle the driver
calls ``QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)`` once, as the real loop
would, and never deletes anything itself. Forms built and forms whose ``destroyed`` signal fired
are both counted and reported; a difference would be a form deleteLater did not get rid of. (The
counter receiving ``destroyed`` is a QObject: with PySide6 6.11 a signal connected to a bound
method of a plain Python object leaves a weakref behind once its sender is destroyed, so a
plain-object counter would itself leak one per form.)

What is measured
----------------
At the start (after the warm-up), every ``--sample-every`` page changes (1,000) and at the end,
always right after a submission's settle with the slideshow up, after ``SAMPLE_SETTLE_S`` more of
idle event loop (and the ``DeferredDelete`` send) and ``gc.collect()``:

``rss_mb``, ``pss_mb``, ``anon_mb``
    ``VmRSS`` from ``/proc/self/status``; ``Pss`` and ``Anonymous`` from
    ``/proc/self/smaps_rollup``. In MB of 1,000,000 bytes (the kernel's kB are KiB), so the
    5 MB target is read strictly. PSS divides shared pages among the processes mapping them,
    so it moves with whatever else runs (another Qt program); anonymous memory (heaps, Python
    objects, pixmaps) is this process's alone.
``python_objects``
    ``len(gc.get_objects())``: objects the cyclic garbage collector tracks (containers,
    instances, functions, weakrefs, ...; not ints or strings).
``wrappers``
    ``len(Shiboken.getAllValidWrappers())``: Python wrappers of live C++ objects.
``qobjects``
    Live QObjects reachable from the roots Qt keeps: the application, every top-level widget
    (``QApplication.topLevelWidgets()``), every window (``QGuiApplication.allWindows()``: the
    kiosk's native window and the keyboard's off-screen Qt Quick window), and the keyboard's
    QML engine and root object; from each root down through ``children()``, each object
    counted once by its C++ address. Qt keeps no list of every QObject (and shiboken only
    knows the ones Python has seen), but any object the kiosk leaves parented in the tree, a
    form still waiting for its deletion included (``QStackedWidget.removeWidget`` keeps it a
    child), is counted; parentless objects that are not windows are not. ``children()`` and
    not ``findChildren()``: PySide makes the parent own the wrappers ``findChildren()``
    returns, so each walk would leave wrappers behind and the walk itself would show as growth.
    The Qt counts are taken before the Python ones.
``widgets``
    ``len(QApplication.allWidgets())``: Qt's own set of every QWidget, parented or not.

At the start and the end the counts are also broken down (``type(o).__name__`` for the Python
objects and for what their weakrefs point to, ``metaObject().className()`` for QObjects and
widgets) and the classes that grew most are reported under ``growth``. Each sample's
``seconds`` counts from the kiosk being up (warm-up included); the top-level ``seconds`` is the
soak's own wall time, from the start sample to the end one.

Qt's messages
-------------
All of them (every kind) are counted by kind and text; those matching ``KNOWN_NOISE`` (PipeWire,
Qt Quick's "non-bindable properties") are listed apart from the others, and ``during_soak``
counts the ones after the start sample. They are read from the process's stderr, not through
``qInstallMessageHandler``: a Python message handler deadlocks here. ``QQuickWidget.setSource``
holds the GIL while it waits for the QML loader thread, and that thread, loading the keyboard's
plugins, logs (Qt Multimedia's "Couldn't load pipewire-0.3 library") and so waits for the GIL in
the handler, forever. Instead, before the QApplication exists, descriptor 2 is pointed at an
unlinked temporary file and ``QT_MESSAGE_PATTERN`` marks where each message begins and ends, with
its kind (``QT_FORCE_STDERR_LOGGING=1`` keeps them off the journal); Python's ``sys.stderr``
goes to the real stderr meanwhile. Anything else written to descriptor 2 is counted too, as
``stderr: <line>``.

Targets
-------
From the issue: RSS grows by at most 5 MB from start to end (``rss_growth_le_5mb``); object
counts stay flat (``objects_flat``): from start to end ``qobjects`` and ``widgets`` do not grow
at all, and ``python_objects`` grows by at most ``PYTHON_OBJECT_SLACK`` (250). The slack is for
two bounded things: Python's ``sqlite3`` keeps a weakref to every cursor and drops the dead ones
only every 200 cursors (the store makes about three per submission), so the count saws up and
down by up to about 200; and the benchmark's own records (a sample each, the start's breakdown)
are about 20. A leak of one object per visitor is 1,000 at the defaults, and shows.

The database lives in a fresh temporary folder (removed at the end) on a real disk (the temp
folder unless it is a RAM file system, then the current folder), so every COMMIT's fsync is
real; at the end it must hold exactly warm-up + ``--submissions`` requests.

How to run
----------
::

    python benchmarks/soak.py             # re-runs itself under xvfb-run if no $DISPLAY
    .venv/bin/python benchmarks/soak.py --pages 500 --submissions 50 --sample-every 100

It prints one JSON line on stdout, a line per sample and a summary on stderr; it exits 1
(without the JSON line) if a wait timed out or the window stopped being ``--size``, and (after
the JSON line) if the store does not hold the expected number of rows or a form was not
destroyed. The defaults take about 15 minutes.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import statistics
import sys
import tempfile
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TextIO

os.environ["QT_QPA_PLATFORM"] = "xcb"

import _support as bench
from _support import BenchmarkError
from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from shiboken6 import Shiboken

from kiosk.app import Kiosk
from kiosk.core.content import Content, load_content
from kiosk.core.record import replace
from kiosk.paths import bundled_content
from kiosk.storage.store import RequestStore

FADE_MS = 60
PAGE_SECONDS = 600.0
WARMUP_PAGES = 50
WARMUP_SUBMISSIONS = 20
SETTLE_S = 0.03
SAMPLE_SETTLE_S = 0.5
TARGET_RSS_GROWTH_MB = 5.0
PYTHON_OBJECT_SLACK = 250
TOP_GROWTH = 12
KNOWN_NOISE = (
    re.compile(r"pipewire", re.IGNORECASE),
    re.compile(r"non-bindable properties"),
)
"""Qt messages expected on any run (the platform's audio stack, Qt Quick's own chatter)."""
RECORD_START = "\x1e"
RECORD_END = "\x1f"


# -- set-up ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    return bench.benchmark_parser(
        "Soak test: many page changes and form submissions; does memory grow?",
        pages=(10000, "page changes"),
        submissions=(1000, "form submissions"),
        sample_every=(1000, "take a sample every this many page changes"),
    )


def soak_content() -> Content:
    """The shipped content with a short cross-fade and pages that never advance by themselves."""
    content = load_content(bundled_content())
    timing = replace(
        content.timing, fade_ms=FADE_MS, min_seconds=PAGE_SECONDS, max_seconds=PAGE_SECONDS
    )
    return replace(content, timing=timing)


# -- Qt's messages -----------------------------------------------------------------------------


class MessageLog:
    """Qt's messages, captured from the process's stderr (file descriptor 2) and counted.

    ``QT_MESSAGE_PATTERN`` wraps every message Qt's default handler writes in ``RECORD_START``
    ... ``RECORD_END`` with its kind in front, so multi-line messages stay whole and anything
    else written to descriptor 2 (a C library's own logging) is told apart and counted too,
    as ``stderr: <line>``. Python's ``sys.stderr`` is pointed at the real stderr meanwhile.
    """

    def __init__(self) -> None:
        self.at_start: Counter[str] = Counter()
        self._fd = -1
        self._saved_fd = -1
        self._saved_stderr: TextIO | None = None

    def begin(self) -> None:
        """Start capturing (call before the QApplication exists)."""
        os.environ["QT_MESSAGE_PATTERN"] = (
            f"{RECORD_START}%{{type}}: %{{if-category}}%{{category}}: %{{endif}}"
            f"%{{message}}{RECORD_END}"
        )
        os.environ["QT_FORCE_STDERR_LOGGING"] = "1"  # never the journal
        fd, path = tempfile.mkstemp(prefix="kiosk-soak-stderr-")
        os.close(fd)
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND)
        os.unlink(path)
        sys.stderr.flush()
        self._saved_fd = os.dup(2)
        os.dup2(self._fd, 2)
        self._saved_stderr = sys.stderr
        sys.stderr = open(  # noqa: SIM115 (closed in end())
            self._saved_fd, "w", encoding="utf-8", errors="backslashreplace", buffering=1
        )

    def end(self) -> None:
        """Stop capturing (and forget what was captured): stderr is the real one again."""
        if self._saved_stderr is None:
            return
        console, sys.stderr = sys.stderr, self._saved_stderr
        self._saved_stderr = None
        console.flush()
        os.dup2(self._saved_fd, 2)
        console.close()  # closes the saved descriptor
        os.close(self._fd)

    def captured(self) -> str:
        size = os.fstat(self._fd).st_size
        return os.pread(self._fd, size, 0).decode("utf-8", errors="backslashreplace")

    def records(self) -> list[str]:
        """Everything captured so far: ``"<kind>: <message>"`` or ``"stderr: <line>"``.

        Qt sends some warnings as several messages, the later ones indented (the properties
        after "depends on non-bindable properties:"); those are joined to the one before.
        """
        records: list[str] = []
        text = self.captured()
        position = 0
        while position < len(text):
            start = text.find(RECORD_START, position)
            outside = text[position : len(text) if start < 0 else start]
            records.extend(
                f"stderr: {line.strip()}" for line in outside.splitlines() if line.strip()
            )
            if start < 0:
                break
            end = text.find(RECORD_END, start)
            end = len(text) if end < 0 else end
            kind, _, message = text[start + len(RECORD_START) : end].partition(": ")
            joined = " ".join(part.strip() for part in message.splitlines() if part.strip())
            if message[:1].isspace() and records and not records[-1].startswith("stderr: "):
                records[-1] = f"{records[-1]} {joined}"
            else:
                records.append(f"{kind}: {joined}")
            position = end + len(RECORD_END)
        return records

    def counts(self) -> Counter[str]:
        """How many times each record was captured."""
        return Counter(self.records())

    def mark_start(self) -> None:
        self.at_start = self.counts()

    @staticmethod
    def is_noise(line: str) -> bool:
        return any(pattern.search(line) for pattern in KNOWN_NOISE)

    def report(self) -> dict[str, Any]:
        counts = self.counts()
        during = counts - self.at_start
        return {
            "total": sum(counts.values()),
            "other": {k: n for k, n in sorted(counts.items()) if not self.is_noise(k)},
            "known_noise": {k: n for k, n in sorted(counts.items()) if self.is_noise(k)},
            "during_soak": {
                "other": sum(n for k, n in during.items() if not self.is_noise(k)),
                "known_noise": sum(n for k, n in during.items() if self.is_noise(k)),
            },
        }


# -- measuring ---------------------------------------------------------------------------------


def proc_kb(path: str, keys: Iterable[str]) -> dict[str, int]:
    """``{key: kB}`` for the ``Key:   123 kB`` lines of a ``/proc`` file."""
    wanted = set(keys)
    values: dict[str, int] = {}
    for line in Path(path).read_text(encoding="ascii").splitlines():
        name, _, rest = line.partition(":")
        if name in wanted:
            values[name] = int(rest.split()[0])
    missing = wanted - values.keys()
    if missing:
        raise BenchmarkError(f"{path} has no {', '.join(sorted(missing))}")
    return values


def kb_to_mb(kb: int) -> float:
    """Kernel kB (KiB) -> MB (1,000,000 bytes)."""
    return round(kb * 1024 / 1_000_000, 2)


class Sample(NamedTuple):
    """One measurement (a tuple of numbers, so the samples add nothing the GC tracks)."""

    pages: int
    submissions: int
    seconds: float
    rss_mb: float
    pss_mb: float
    anon_mb: float
    python_objects: int
    wrappers: int
    qobjects: int
    widgets: int

    def as_dict(self) -> dict[str, float | int]:
        return dict(self._asdict())


@dataclass
class Snapshot:
    """A sample with the counts broken down by class (taken at the start and at the end)."""

    sample: Sample
    python_types: Counter[str]
    weakref_targets: Counter[str]
    qobject_classes: Counter[str]
    widget_classes: Counter[str]


def growth(start: Counter[str], end: Counter[str]) -> dict[str, int]:
    """The classes that grew most from ``start`` to ``end``, with how much."""
    diff = end - start
    return dict(diff.most_common(TOP_GROWTH))


# -- driving the kiosk -------------------------------------------------------------------------


class PaintWatch(QObject):
    """Counts the paint events watched widgets receive; for the slideshow, fading or not."""

    def __init__(self, slideshow: QWidget, is_fading: Callable[[], bool]) -> None:
        super().__init__()
        self._slideshow = slideshow
        self._is_fading = is_fading
        self._counts: dict[QObject, int] = {}
        self.fade_frames = 0
        self.final_frames = 0
        slideshow.installEventFilter(self)

    def watch(self, widget: QWidget) -> None:
        self._counts[widget] = 0
        widget.installEventFilter(self)

    def forget(self, widget: QWidget) -> None:
        widget.removeEventFilter(self)
        self._counts.pop(widget, None)

    def count(self, widget: QWidget) -> int:
        return self._counts.get(widget, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            if watched is self._slideshow:
                if self._is_fading():
                    self.fade_frames += 1
                else:
                    self.final_frames += 1
            else:
                self._counts[watched] = self._counts.get(watched, 0) + 1
        return False


class FormCounter(QObject):
    """Counts the forms the driver saw built and the ones whose ``destroyed`` signal fired.

    A QObject on purpose: with PySide6 6.11, connecting a signal to a bound method of a plain
    Python object leaves one weakref (and about 110 bytes) behind for good once the sender is
    destroyed, so a plain receiver would itself leak for every form.
    """

    def __init__(self) -> None:
        super().__init__()
        self.built = 0
        self.destroyed_count = 0

    def add(self, form: QObject) -> None:
        self.built += 1
        form.destroyed.connect(self.on_destroyed)

    def on_destroyed(self) -> None:
        self.destroyed_count += 1


@dataclass
class Driver(bench.VisitorDriving):
    """The kiosk under test and the bookkeeping to wait for it."""

    app: QApplication
    kiosk: Kiosk
    store: RequestStore
    size: QSize
    paints: PaintWatch = field(init=False)
    button: QAbstractButton = field(init=False)
    pages: int = 0
    submissions: int = 0
    page_changes_seen: int = 0
    forms: FormCounter = field(default_factory=FormCounter)
    page_seconds: float = 0.0
    submission_seconds: float = 0.0
    began: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        keyboard = self.kiosk.keyboard
        assert keyboard is not None
        slideshow = self.kiosk.slideshow
        self.paints = PaintWatch(slideshow, lambda: slideshow.is_fading)
        self.paints.watch(self.kiosk.thanks)
        self.paints.watch(keyboard)
        slideshow.page_changed.connect(self._on_page_changed)
        self.button = self.find_request_button()

    # -- plumbing ----------------------------------------------------------------------------

    def _on_page_changed(self, index: int) -> None:
        self.page_changes_seen += 1

    # -- the two actions ---------------------------------------------------------------------

    def change_page(self) -> None:
        """``next_page()``, then run the loop until the cross-fade's last frame is painted."""
        kiosk = self.kiosk
        if kiosk.window.current_screen() is not kiosk.slideshow:
            raise BenchmarkError("the slideshow is not the current screen")
        began = time.perf_counter()
        final = self.paints.final_frames
        kiosk.slideshow.next_page()
        self.wait_for(
            lambda: self.paints.final_frames > final and not kiosk.slideshow.is_fading,
            "the cross-fade to finish",
        )
        self.pages += 1
        self.page_seconds += time.perf_counter() - began

    def open_and_fill(self) -> QWidget:
        """Open a form, tap the name field (the keyboard comes up), fill it in; its Send."""
        kiosk = self.kiosk
        keyboard = kiosk.keyboard
        assert keyboard is not None
        form = self.open_form()
        self.forms.add(form)
        self.paints.watch(form)
        name = self.name_in_view(form)
        keyboard_paints = self.paints.count(keyboard)
        self.tap(name)
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is form
                and keyboard.shown
                and self.app.focusWidget() is name
                and self.paints.count(form) > 0
                and self.paints.count(keyboard) > keyboard_paints
            ),
            "the form with the keyboard up, painted",
        )
        self.fill_in(form)
        self.app.processEvents()
        self.paints.forget(form)
        return form.submit_button

    def submit(self) -> None:
        """One visitor: open the form, bring up the keyboard, fill in, send, tap the thanks."""
        kiosk = self.kiosk
        keyboard = kiosk.keyboard
        assert keyboard is not None
        began = time.perf_counter()
        send = self.open_and_fill()
        thanks_paints = self.paints.count(kiosk.thanks)
        self.tap(send)
        del send
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is kiosk.thanks
                and self.paints.count(kiosk.thanks) > thanks_paints
            ),
            "the thank-you screen, painted",
        )
        final = self.paints.final_frames
        self.tap(kiosk.thanks)
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is kiosk.slideshow
                and not keyboard.shown
                and kiosk.form is None
                and self.paints.final_frames > final
            ),
            "the slideshow back, painted",
        )
        self.idle(SETTLE_S)
        self.submissions += 1
        self.submission_seconds += time.perf_counter() - began

    def run(self, pages: int, submissions: int, on_page: Callable[[int], None]) -> None:
        """``pages`` page changes with ``submissions`` submissions spread evenly among them.

        Submission ``j`` (from 1) follows page change ``ceil(j * pages / submissions)``;
        ``on_page(k)`` is called after page change ``k`` and the submissions that follow it.
        """
        done = 0
        for k in range(1, pages + 1):
            self.change_page()
            while done < submissions and math.ceil((done + 1) * pages / submissions) <= k:
                self.submit()
                done += 1
            on_page(k)

    # -- measuring ---------------------------------------------------------------------------

    def live_qobjects(self) -> Counter[str]:
        """Class names of the QObjects reachable from Qt's roots, each counted once."""
        roots: list[QObject] = [self.app, *QApplication.topLevelWidgets()]
        roots.extend(QGuiApplication.allWindows())
        keyboard = self.kiosk.keyboard
        if keyboard is not None:
            roots.append(keyboard.engine())
            root = keyboard.rootObject()
            if root is not None:
                roots.append(root)
        # children(), not findChildren(): PySide makes the parent own the wrappers that
        # findChildren() returns, so every walk would leave wrappers behind (of QPanGestures,
        # for one, which then outlive their C++ objects); children() leaves none.
        seen: dict[int, str] = {}
        pending = roots
        while pending:
            obj = pending.pop()
            address = Shiboken.getCppPointer(obj)[0]
            if address not in seen:
                seen[address] = obj.metaObject().className()
                pending.extend(obj.children())
        return Counter(seen.values())

    def snapshot(self, base: int, base_submissions: int) -> Snapshot:
        """Settle, collect, and measure (see the module's docstring)."""
        self.idle(SAMPLE_SETTLE_S)
        # The Qt counts first: walking the tree makes wrappers for the objects it visits, and
        # those of long-lived objects stay; counted after it, every sample includes them alike.
        qobject_classes = self.live_qobjects()
        widget_classes = Counter(w.metaObject().className() for w in QApplication.allWidgets())
        gc.collect()
        status = proc_kb("/proc/self/status", ["VmRSS"])
        rollup = proc_kb("/proc/self/smaps_rollup", ["Pss", "Anonymous"])
        objects = gc.get_objects()
        python_objects = len(objects)
        python_types = Counter(type(o).__name__ for o in objects)
        weakref_targets = Counter(
            type(o()).__name__ for o in objects if isinstance(o, weakref.ReferenceType)
        )
        del objects
        wrappers = len(Shiboken.getAllValidWrappers())
        sample = Sample(
            pages=self.pages - base,
            submissions=self.submissions - base_submissions,
            seconds=round(time.perf_counter() - self.began, 1),
            rss_mb=kb_to_mb(status["VmRSS"]),
            pss_mb=kb_to_mb(rollup["Pss"]),
            anon_mb=kb_to_mb(rollup["Anonymous"]),
            python_objects=python_objects,
            wrappers=wrappers,
            qobjects=sum(qobject_classes.values()),
            widgets=sum(widget_classes.values()),
        )
        return Snapshot(sample, python_types, weakref_targets, qobject_classes, widget_classes)


def start(size: tuple[int, int], store: RequestStore) -> Driver:
    """The kiosk, presented, with its keyboard loaded and its window active."""
    app, kiosk = bench.start_kiosk(soak_content(), store, "soak", size, keyboard=True)
    driver = Driver(app, kiosk, store, QSize(*size))
    driver.settle_in()
    return driver


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Results:
    start: Snapshot
    end: Snapshot
    samples: list[Sample]
    driver: Driver
    rows: int
    seconds: float
    planned_page_changes: int


def soak(args: argparse.Namespace, data_dir: Path, messages: MessageLog) -> Results:
    """Warm up, then the soak itself, on one kiosk whose store is in ``data_dir``."""
    store = RequestStore(data_dir)
    driver: Driver | None = None
    try:
        driver = start(args.size, store)
        driver.run(WARMUP_PAGES, WARMUP_SUBMISSIONS, lambda k: None)
        base, base_submissions = driver.pages, driver.submissions
        first = driver.snapshot(base, base_submissions)
        messages.mark_start()
        samples = [first.sample]
        print(f"soak.py: start {first.sample.as_dict()}", file=sys.stderr, flush=True)
        began = time.perf_counter()
        last: list[Snapshot] = []
        this = driver

        def on_page(k: int) -> None:
            if k % args.sample_every == 0 or k == args.pages:
                snapshot = this.snapshot(base, base_submissions)
                samples.append(snapshot.sample)
                print(f"soak.py: {snapshot.sample.as_dict()}", file=sys.stderr, flush=True)
                if k == args.pages:
                    last.append(snapshot)
                this.check_size()

        driver.run(args.pages, args.submissions, on_page)
        seconds = time.perf_counter() - began
        rows = store.count()
        return Results(
            start=first,
            end=last[0],
            samples=samples,
            driver=driver,
            rows=rows,
            seconds=seconds,
            planned_page_changes=WARMUP_PAGES + args.pages,
        )
    finally:
        store.close()
        if driver is not None:
            driver.close()


def report(args: argparse.Namespace, results: Results, messages: MessageLog) -> dict[str, Any]:
    start, end = results.start.sample, results.end.sample
    driver = results.driver
    rss_growth = round(end.rss_mb - start.rss_mb, 2)
    flat = (
        end.qobjects <= start.qobjects
        and end.widgets <= start.widgets
        and end.python_objects - start.python_objects <= PYTHON_OBJECT_SLACK
    )

    def pair(name: str) -> dict[str, float | int]:
        a, b = getattr(start, name), getattr(end, name)
        return {"start": a, "end": b, "growth": round(b - a, 2)}

    return {
        "benchmark": "soak",
        "size": f"{args.size[0]}x{args.size[1]}",
        "page_changes": end.pages,
        "submissions": end.submissions,
        "rss_mb": pair("rss_mb"),
        "pss_mb": pair("pss_mb"),
        "anon_mb": pair("anon_mb"),
        "python_objects": pair("python_objects"),
        "wrappers": pair("wrappers"),
        "qobjects": pair("qobjects"),
        "widgets": pair("widgets"),
        "growth": {
            "python_types": growth(results.start.python_types, results.end.python_types),
            "weakref_targets": growth(results.start.weakref_targets, results.end.weakref_targets),
            "qobject_classes": growth(results.start.qobject_classes, results.end.qobject_classes),
            "widget_classes": growth(results.start.widget_classes, results.end.widget_classes),
        },
        "forms": {"built": driver.forms.built, "destroyed": driver.forms.destroyed_count},
        "rows_saved": results.rows,
        "fade_frames_per_change": round(driver.paints.fade_frames / max(driver.pages, 1), 2),
        "unplanned_page_changes": driver.page_changes_seen - results.planned_page_changes,
        "page_change_ms_mean": round(driver.page_seconds / max(driver.pages, 1) * 1000, 1),
        "submission_ms_mean": round(
            driver.submission_seconds / max(driver.submissions, 1) * 1000, 1
        ),
        "qt_warnings": messages.report(),
        "samples": [sample.as_dict() for sample in results.samples],
        "seconds": round(results.seconds, 1),
        "targets": {"rss_growth_le_5mb": rss_growth <= TARGET_RSS_GROWTH_MB, "objects_flat": flat},
    }


def summarize(summary: dict[str, Any], where: str) -> list[str]:
    """A few lines for people, for stderr."""
    lines = [
        f"soak at {summary['size']}: {summary['page_changes']} page changes,"
        f" {summary['submissions']} submissions in {summary['seconds']} s"
        f" (page change {summary['page_change_ms_mean']} ms,"
        f" submission {summary['submission_ms_mean']} ms on average); database in {where}",
    ]
    for key in ("rss_mb", "pss_mb", "anon_mb", "python_objects", "wrappers", "qobjects"):
        value = summary[key]
        lines.append(f"  {key:15} {value['start']} -> {value['end']} ({value['growth']:+})")
    value = summary["widgets"]
    lines.append(f"  {'widgets':15} {value['start']} -> {value['end']} ({value['growth']:+})")
    for key, grown in summary["growth"].items():
        if grown:
            lines.append(f"  grew ({key}): {grown}")
    warnings = summary["qt_warnings"]
    lines.append(
        f"  Qt messages: {warnings['total']} ({len(warnings['other'])} kinds not known noise);"
        f" during the soak: {warnings['during_soak']}"
    )
    for text, count in warnings["other"].items():
        lines.append(f"    {count:6} x {text[:160]}")
    rates = [s["rss_mb"] for s in summary["samples"]]
    if len(rates) > 1:
        lines.append(f"  RSS samples (MB): {rates} (median {statistics.median(rates)})")
    return lines


def measure(args: argparse.Namespace, data_dir: Path) -> bench.Outcome:
    """The soak, with Qt's messages captured; problems if rows or forms do not add up."""
    messages = MessageLog()
    messages.begin()
    try:
        results = soak(args, data_dir, messages)
        summary = report(args, results, messages)
    except BenchmarkError as error:
        said = f"soak.py: Qt said: {dict(messages.counts())}"
        raise BenchmarkError(f"{error}\n{said}") from error
    finally:
        messages.end()
    problems = []
    expected = WARMUP_SUBMISSIONS + args.submissions
    if results.rows != expected:
        problems.append(f"the store holds {results.rows} rows, not {expected}")
    forms = results.driver.forms
    if forms.destroyed_count != forms.built:
        problems.append(f"{forms.built} forms built but only {forms.destroyed_count} destroyed")
    return bench.Outcome(summary, lambda where: summarize(summary, where), problems)


def main(argv: Sequence[str] | None = None) -> int:
    return bench.run_benchmark(__file__, build_parser().parse_args(argv), measure)


if __name__ == "__main__":
    sys.exit(main())
