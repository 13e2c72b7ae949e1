"""Staff-screen benchmark with a large store: PIN unlock -> first rows painted, and CSV export.

What it measures
----------------
One process, a real X server (``QT_QPA_PLATFORM=xcb``), the real kiosk: ``Kiosk(content,
RequestStore(TMP), "bench", load_keyboard=False)`` from :mod:`kiosk.app` with the shipped
``content.yaml``, Qt's real timers, the QApplication from ``kiosk.app.application()`` and the
window presented windowed at ``--size``. The on-screen keyboard is not loaded: the staff screen
has no text field and never shows it. The store holds ``--requests`` generated requests (see
"The database" below) before the kiosk is built.

``open_ms``
    From the PIN pad to the staff screen with its first rows on screen. Untimed: the PIN pad
    is opened the way the logo's long press opens it (``slideshow.staff_requested``), the loop
    runs until it is current and painted, then idles ``SETTLE_S``. Then ``t0``; emit
    ``kiosk.pin_pad.unlocked`` (what the pad emits after a right PIN; the kiosk's own slot,
    ``_on_staff_unlocked``, shows the staff screen); run the event loop until the staff screen
    is current and the table's *viewport* has received a paint event after ``t0`` while the
    model held rows; ``t1`` is taken when the event-loop pass that delivered that paint event
    has returned. That includes everything the staff screen does on its ``showEvent`` (the
    "New" filter: ``count`` and the first ``list`` page of ``PAGE_SIZE`` rows, the three chip
    counts, the audit lines), the model reset, the header's resize-to-contents, laying the
    screen out, painting every widget of the window into its backing store and the flush to
    the X server (the paint event reaches this benchmark's event filter before the viewport
    paints; the rest of the screen follows in the same pass; X requests are asynchronous, so
    the server's own drawing is not waited for). Nothing forces a repaint. After ``t1`` it is
    checked (untimed) that the first row is the newest "new" request. Then the Lock button is
    tapped (``QTest.mouseClick``) and the loop runs until the slideshow is back and painted,
    then idles ``SETTLE_S`` (not timed). ``WARMUP`` rounds are run first and not reported.
``export``
    ``export_csv(store.iter_requests(None), content.form.fields, path, content.staff.time_zone)``
    (every request, oldest first, exactly the call the staff screen's "Export CSV" makes for the
    "All" filter) timed with ``time.perf_counter``, ``EXPORT_RUNS`` times, each to a new file in
    a folder beside the database (so on the same real disk: export_csv fsyncs the file and the
    folder). ``seconds`` is the median run; ``rows_per_second`` is ``--requests`` over it;
    ``bytes`` is the exported file's size. After each run (untimed) the file is read back with
    the :mod:`csv` module (UTF-8 with BOM) and must hold a header and exactly ``--requests``
    rows, with the ids 1.. in order; then it is deleted.

How events are waited for: ``QApplication.processEvents(WaitForMoreEvents)`` in a loop, with a
50 ms heartbeat timer so a wait can time out (as in ``form.py``). Percentiles are nearest-rank
(the ``ceil(q/100 * n)``-th smallest sample); p50/p95/max are in milliseconds.

The database
------------
It lives in a fresh temporary folder (removed at the end) on a real disk: under the system temp
folder unless that is a RAM file system (tmpfs, ramfs), then under the current working
directory; the stderr summary names the folder and its file system type.

Saving 100,000 requests through ``RequestStore.save`` would take one fsync'd transaction each,
so the store is filled in two steps:

1. A ``RequestStore`` whose clock returns the first request's time saves request 1 through the
   API. That makes the folder and file (modes and all) and migrates the schema. Its raw row is
   then read back and its ``answers`` and ``created_at`` text must equal what this benchmark's
   own encoders make of the same values (compact JSON, ``ensure_ascii=False``, keys in form
   order like the form's values; UTC ``%Y-%m-%dT%H:%M:%S.%fZ``), or the run stops: so the bulk
   rows are stored exactly as the store would have stored them.
2. A plain ``sqlite3`` connection inserts requests 2..N with ``executemany`` in ONE
   ``BEGIN IMMEDIATE`` transaction, then checkpoints the WAL (``TRUNCATE``), as a kiosk that
   has been running a while would have done.

The kiosk then opens the database afresh (its own ``RequestStore``, which checks integrity
first, untimed). The file is in the page cache, as on a kiosk that has been up for a while.

The generated requests are obviously fake: "Person N Example" (every 500th "Zoë Person N
Example"), phones ``+1202555XXXX`` cycling through the fictional 0100-0199 range (three in
four have one), ``personN@example.com`` (three in four; every request has a phone or an
e-mail), the choices cycling, consent ticked, and every 7th a question; some of those hold
accents, emoji, commas, quotes or a new line, or start with ``=`` or ``-``. Every third request
is "contacted" (two hours after it came), the rest "new". They came one every ``STEP`` (5 min
17 s, with distinct microseconds), the newest a day before the run.

Targets (from the issue): open p95 <= 200 ms; export >= 100,000 rows per second.

How to run
----------
::

    python benchmarks/staff.py                   # re-runs itself under xvfb-run if no $DISPLAY
    .venv/bin/python benchmarks/staff.py --requests 20000 --opens 10 --size 1080x1920

It prints one JSON line on stdout and a short summary on stderr; it exits 1 (without the JSON
line) if a wait timed out, a check failed or the window stopped being ``--size``. The defaults
take well under a minute.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "xcb"

import _support as bench
from _support import BenchmarkError
from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import Kiosk
from kiosk.core.content import Content, load_content
from kiosk.core.form import FormField
from kiosk.paths import bundled_content
from kiosk.storage.export import export_csv
from kiosk.storage.schema import SCHEMA_VERSION
from kiosk.storage.store import RequestStore
from kiosk.ui.staff import ExportPlace

WARMUP = 3
EXPORT_RUNS = 3
SETTLE_S = 0.1
TARGET_OPEN_P95_MS = 200.0
TARGET_EXPORT_ROWS_PER_S = 100_000
TARGET_GUI_STALL_MS = 100.0
"""While the staff screen exports, the GUI thread never goes longer than this without turning."""
TICK_MS = 10
"""How often a timer on the GUI thread looks at the clock while the screen exports."""
EXPORT_TIMEOUT_S = 300.0
KIOSK_ID = "bench"
STEP = timedelta(minutes=5, seconds=17)
CONTACTED_AFTER = timedelta(hours=2)
QUESTIONS = (
    "When are you open on Saturdays?",
    "Café near the clinic? Merci — José 😊",
    'Is parking free, or "validated"?\nThanks',
    "=1+1 is not a formula here",
    "-- do you take walk-ins, et ñ?",
    "日本語で相談できますか? 🙏",
)


# -- set-up ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    return bench.benchmark_parser(
        "Staff screen with many requests: unlock -> first rows, and CSV export.",
        requests=(100_000, "requests in the store"),
        opens=(20, "measured opens"),
    )


# -- the generated requests --------------------------------------------------------------------


def fake_answers(number: int, fields: Sequence[FormField]) -> dict[str, str | bool]:
    """Request ``number``'s answers, keyed and ordered like the form's values (every field)."""
    generated: dict[str, str | bool] = {
        "text": f"Zoë Person {number} Example" if number % 500 == 0 else f"Person {number} Example",
        "phone": "" if number % 4 == 3 else f"+1202555{100 + number % 100:04d}",
        "email": "" if number % 4 == 0 else f"person{number}@example.com",
        "multiline": QUESTIONS[(number // 7) % len(QUESTIONS)] if number % 7 == 0 else "",
        "consent": True,
    }
    answers: dict[str, str | bool] = {}
    for form_field in fields:
        if form_field.type == "choice":
            options = [*form_field.choices, ""]
            answers[form_field.key] = options[number % len(options)]
        else:
            answers[form_field.key] = generated.get(form_field.type, "")
    return answers


def encode_answers(answers: Mapping[str, str | bool]) -> str:
    """The answers as the store encodes them: compact JSON, non-ASCII kept as it is."""
    return json.dumps(dict(answers), ensure_ascii=False, separators=(",", ":"))


def format_time(moment: datetime) -> str:
    """A time as the store writes it: UTC, microseconds, a ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Generated:
    """What was put in the store."""

    requests: int
    newest_new_id: int
    """The id of the newest "new" request: the staff screen's first row."""
    bulk_seconds: float


def is_contacted(number: int) -> bool:
    return number % 3 == 0


def created_at(first: datetime, number: int) -> datetime:
    """When request ``number`` (1-based) came: one every STEP, with distinct microseconds."""
    return first + (number - 1) * STEP + timedelta(microseconds=(number * 7919) % 1_000_000)


def populate(data_dir: Path, content: Content, count: int) -> Generated:
    """Request 1 through ``RequestStore.save``, then 2..count in one bulk transaction."""
    fields = content.form.fields
    version = content.content_version
    newest = datetime.now(UTC) - timedelta(days=1)
    first = newest - (count - 1) * STEP
    first_at = created_at(first, 1)
    seed = RequestStore(data_dir, clock=lambda: first_at)
    try:
        request_id = seed.save(fake_answers(1, fields), version, KIOSK_ID)
    finally:
        seed.close()
    if request_id != 1:
        raise BenchmarkError(f"the first saved request got id {request_id}, not 1")

    conn = sqlite3.connect(str(data_dir / RequestStore.DB_NAME), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        version_found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version_found != SCHEMA_VERSION:
            raise BenchmarkError(f"schema version {version_found}, not {SCHEMA_VERSION}")
        row = conn.execute(
            "SELECT created_at, status, answers, content_version, kiosk_id, contacted_at"
            " FROM requests WHERE id = 1"
        ).fetchone()
        expected = (
            format_time(first_at),
            "new",
            encode_answers(fake_answers(1, fields)),
            version,
            KIOSK_ID,
            None,
        )
        if tuple(row) != expected:
            raise BenchmarkError(
                "the store encodes a request differently from this benchmark:"
                f" stored {tuple(row)!r}, benchmark {expected!r}"
            )

        def rows() -> Iterator[tuple[str, str, str, str, str, str | None]]:
            for number in range(2, count + 1):
                came = created_at(first, number)
                contacted = is_contacted(number)
                yield (
                    format_time(came),
                    "contacted" if contacted else "new",
                    encode_answers(fake_answers(number, fields)),
                    version,
                    KIOSK_ID,
                    format_time(came + CONTACTED_AFTER) if contacted else None,
                )

        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO requests"
                " (created_at, status, answers, content_version, kiosk_id, contacted_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows(),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bulk_seconds = time.perf_counter() - began
        stored = int(conn.execute("SELECT count(*) FROM requests").fetchone()[0])
    finally:
        conn.close()
    if stored != count:
        raise BenchmarkError(f"the store holds {stored} requests, not {count}")
    newest_new = max(n for n in range(max(1, count - 3), count + 1) if not is_contacted(n))
    return Generated(count, newest_new, bulk_seconds)


# -- driving the kiosk -------------------------------------------------------------------------


class PaintWatch(bench.PaintTimes):
    """Paint times, and how many rows the staff table's model held when its viewport last got
    a paint event."""

    def __init__(self, viewport: QWidget, row_count: Callable[[], int]) -> None:
        super().__init__()
        self._viewport = viewport
        self._row_count = row_count
        self.viewport_rows = 0
        self.watch(viewport)

    def painted(self, widget: QObject) -> None:
        if widget is self._viewport:
            self.viewport_rows = self._row_count()


@dataclass
class Driver(bench.Driving):
    """The kiosk under test and the bookkeeping to wait for it."""

    app: QApplication
    kiosk: Kiosk
    size: QSize
    paints: PaintWatch = field(init=False)

    def __post_init__(self) -> None:
        staff = self.kiosk.staff
        self.paints = PaintWatch(staff.table.viewport(), staff.model.rowCount)
        self.paints.watch(self.kiosk.slideshow)
        self.paints.watch(self.kiosk.pin_pad)

    def show_and_wait(self, screen: QWidget, show: Callable[[], None], what: str) -> None:
        """Untimed: ``show()``, wait until ``screen`` is current and painted, then settle."""
        since = time.perf_counter()
        show()
        self.wait_for(
            lambda: (
                self.kiosk.window.current_screen() is screen
                and self.paints.painted_since(screen, since)
            ),
            what,
        )
        self.idle(SETTLE_S)
        self.check_size()

    def export_from_the_screen(self, folder: Path) -> tuple[float, float]:
        """Staff's way: sign in, Export, this PC's folder; the export runs on its own thread
        while a timer on the GUI thread notes the longest gap between its ticks, from the end of
        the tap to the end of the export. Returns (seconds, longest gap in seconds)."""
        kiosk = self.kiosk
        staff = kiosk.staff
        kiosk._export_places = lambda: [ExportPlace(folder, "the benchmark's folder")]
        staff._export_places = kiosk._export_places
        self.show_and_wait(kiosk.pin_pad, kiosk.slideshow.staff_requested.emit, "the PIN pad")
        kiosk.pin_pad.unlocked.emit()
        self.wait_for(lambda: kiosk.window.current_screen() is staff, "the staff screen")
        self.tap(staff.export_button)
        self.wait_for(staff.export_choices.isVisible, "the export's choices")
        ended: list[str] = []
        staff.export_finished.connect(ended.append)
        ticks: list[float] = []
        ticker = QTimer()
        ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
        t0 = time.perf_counter()
        self.tap(staff.place_buttons[0])
        # From here on the export runs: the tap's own work (laying the list out again) is the
        # screen's, measured by the open figure, not the export's.
        ticker.start(TICK_MS)
        ticks.append(time.perf_counter())
        self.wait_for(lambda: bool(ended), "the export from the staff screen", EXPORT_TIMEOUT_S)
        t1 = time.perf_counter()
        ticker.stop()
        ticks.append(t1)
        staff.export_finished.disconnect(ended.append)
        if not ended[0]:
            raise BenchmarkError(f"the staff screen's export failed: {staff.message.text()}")
        Path(ended[0]).unlink()
        self.tap(staff.lock_button)
        self.wait_for(lambda: kiosk.window.current_screen() is kiosk.slideshow, "the slideshow")
        return t1 - t0, max(b - a for a, b in itertools.pairwise(ticks))

    def open_staff(self, newest_new_id: int) -> tuple[float, float]:
        """PIN pad -> staff screen with rows painted; (total, unlock handled) in seconds."""
        kiosk = self.kiosk
        staff = kiosk.staff
        self.show_and_wait(kiosk.pin_pad, kiosk.slideshow.staff_requested.emit, "the PIN pad")
        viewport = staff.table.viewport()

        t0 = time.perf_counter()
        kiosk.pin_pad.unlocked.emit()
        t_unlock = time.perf_counter()
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is staff
                and self.paints.painted_since(viewport, t0)
                and self.paints.viewport_rows > 0
            ),
            "the staff screen with rows, painted",
        )
        t1 = time.perf_counter()

        self.check_size()
        first = staff.model.request(0)
        if first.id != newest_new_id or first.status != "new":
            raise BenchmarkError(
                f"the first row is request {first.id} ({first.status}),"
                f" not the newest new one, {newest_new_id}"
            )
        lock = staff.lock_button
        self.show_and_wait(
            kiosk.slideshow,
            lambda: QTest.mouseClick(
                lock, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
            ),
            "the slideshow after Lock",
        )
        return t1 - t0, t_unlock - t0


def start(size: tuple[int, int], store: RequestStore, content: Content) -> Driver:
    """The kiosk, presented windowed at ``size``, its window active and slideshow painted."""
    since = time.perf_counter()
    # Presented, but not painted before the event loop runs: the driver's watch sees it.
    app, kiosk = bench.start_kiosk(content, store, KIOSK_ID, size, keyboard=False)
    driver = Driver(app, kiosk, QSize(*size))
    driver.wait_for(
        lambda: driver.paints.painted_since(kiosk.slideshow, since), "the first slide, painted"
    )
    driver.settle_in()
    return driver


# -- the export --------------------------------------------------------------------------------


def read_back(path: Path, expected_rows: int) -> None:
    """Check (untimed) that the CSV has a header and ``expected_rows`` rows, ids 1.. in order."""
    rows = 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if not header or header[0] != "ID":
            raise BenchmarkError(f"{path.name}: no header row")
        for row in reader:
            rows += 1
            if len(row) != len(header) or row[0] != str(rows):
                raise BenchmarkError(f"{path.name}: row {rows} is not request {rows}")
    if rows != expected_rows:
        raise BenchmarkError(f"{path.name}: {rows} rows read back, not {expected_rows}")


def export_runs(
    store: RequestStore, content: Content, folder: Path, expected_rows: int
) -> tuple[list[float], list[int]]:
    """``EXPORT_RUNS`` timed exports of every request; (seconds, file sizes)."""
    folder.mkdir(mode=0o700)
    seconds: list[float] = []
    sizes: list[int] = []
    for run in range(1, EXPORT_RUNS + 1):
        path = folder / f"export-{run}.csv"
        t0 = time.perf_counter()
        written = export_csv(
            store.iter_requests(None), content.form.fields, path, content.staff.time_zone
        )
        seconds.append(time.perf_counter() - t0)
        if written != expected_rows:
            raise BenchmarkError(f"export_csv wrote {written} rows, not {expected_rows}")
        sizes.append(path.stat().st_size)
        read_back(path, expected_rows)
        path.unlink()
    return seconds, sizes


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Results:
    generated: Generated | None = None
    opens: list[float] = field(default_factory=list)
    unlocks: list[float] = field(default_factory=list)
    export_seconds: list[float] = field(default_factory=list)
    export_sizes: list[int] = field(default_factory=list)
    screen_export_seconds: float = 0.0
    gui_stall_seconds: float = 0.0


def run(requests: int, opens: int, size: tuple[int, int], data_dir: Path) -> Results:
    """Fill the store, then both measurements on one kiosk whose store is in ``data_dir``."""
    content = load_content(bundled_content())
    results = Results()
    generated = populate(data_dir, content, requests)
    results.generated = generated
    store = RequestStore(data_dir)
    driver: Driver | None = None
    try:
        driver = start(size, store, content)
        for _ in range(WARMUP):
            driver.open_staff(generated.newest_new_id)
        for _ in range(opens):
            total, unlock = driver.open_staff(generated.newest_new_id)
            results.opens.append(total)
            results.unlocks.append(unlock)
        results.export_seconds, results.export_sizes = export_runs(
            store, content, data_dir / "exports", requests
        )
        # Beside the data folder, never in it (the staff screen refuses that).
        exports = data_dir.with_name(f"{data_dir.name}-exports")
        exports.mkdir()
        try:
            screen = driver.export_from_the_screen(exports)
        finally:
            shutil.rmtree(exports, ignore_errors=True)
        results.screen_export_seconds, results.gui_stall_seconds = screen
    finally:
        store.close()
        if driver is not None:
            driver.close()
    return results


def report(requests: int, results: Results) -> dict[str, Any]:
    opened = bench.summary_ms(results.opens)
    seconds = statistics.median(results.export_seconds)
    rate = requests / seconds
    return {
        "benchmark": "staff",
        "requests": requests,
        "open_ms": opened,
        "export": {
            "seconds": round(seconds, 3),
            "rows_per_second": round(rate),
            "bytes": int(statistics.median(results.export_sizes)),
            "runs": len(results.export_seconds),
        },
        "screen_export": {
            "seconds": round(results.screen_export_seconds, 3),
            "gui_max_stall_ms": round(results.gui_stall_seconds * 1000, 1),
        },
        "targets": {
            "open_p95_le_200ms": opened["p95"] <= TARGET_OPEN_P95_MS,
            "export_ge_100k_rows_per_s": rate >= TARGET_EXPORT_ROWS_PER_S,
            "gui_stall_le_100ms": results.gui_stall_seconds * 1000 <= TARGET_GUI_STALL_MS,
        },
    }


def measure(args: argparse.Namespace, data_dir: Path) -> bench.Outcome:
    """Fill the store, then both measurements, reported."""
    results = run(args.requests, args.opens, args.size, data_dir)
    summary = report(args.requests, results)
    return bench.Outcome(summary, lambda where: summarize(summary, results, where))


def summarize(summary: dict[str, Any], results: Results, where: str) -> list[str]:
    """A few lines for people, for stderr."""
    opened, export = summary["open_ms"], summary["export"]
    generated = results.generated
    bulk = f"{generated.bulk_seconds:.1f} s" if generated is not None else "?"
    unlock = statistics.median(results.unlocks) * 1000
    runs = ", ".join(f"{s:.3f}" for s in results.export_seconds)
    return [
        f"staff benchmark, {summary['requests']} requests in {where} (bulk insert {bulk})",
        f"  open (unlock -> rows painted): p50 {opened['p50']} p95 {opened['p95']}"
        f" max {opened['max']} ms (n={opened['n']}); median: unlock handled (queries, model"
        f" reset, screen switched) after {unlock:.1f} ms",
        f"  export: median {export['seconds']} s ({export['rows_per_second']} rows/s),"
        f" runs {runs} s; {export['bytes']} bytes, row count read back OK",
        f"  from the staff screen: {summary['screen_export']['seconds']} s on its own thread;"
        f" the GUI thread's longest stall {summary['screen_export']['gui_max_stall_ms']} ms",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return bench.run_benchmark(__file__, build_parser().parse_args(argv), measure)


if __name__ == "__main__":
    sys.exit(main())
