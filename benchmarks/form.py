"""Request-form latency benchmark: tap -> form with keyboard, and submit -> thank-you screen.

What it measures
----------------
One process, a real X server (``QT_QPA_PLATFORM=xcb``), the real kiosk: ``Kiosk(content,
RequestStore(TMP), "bench")`` from :mod:`kiosk.app` with the shipped ``content.yaml``, Qt's real
timers, the QApplication from ``kiosk.app.application()`` (so Qt Virtual Keyboard is prepared
and loaded exactly as in production) and the window presented windowed at ``--size``. Taps are
``QTest.mouseClick`` on the real widgets, delivered through the window like a mouse click.

``tap_to_form_ms``
    After the keyboard has loaded: ``t0``; tap the slide's "Request more information" button
    (a new form is built); tap the name field (it takes focus and the keyboard comes up); then
    run the event loop until the form is the current screen, the keyboard is ``shown``, the
    name field has focus, and both the form and the keyboard widget have received a paint event
    *after* the keyboard came up; ``t1`` is taken when the event-loop pass that delivered those
    paint events has returned, so it includes painting every widget into the window's backing
    store and the flush that hands the image to the X server (the paint events reach the
    benchmark's event filter before the widget paints; the flush follows the last widget; X
    requests are asynchronous, so the server's own drawing is not waited for). Nothing forces
    a repaint: the time is what the kiosk's own event loop takes to put the new screen up. The
    keyboard widget paints its last Qt Quick frame; a screenshot taken at ``t1`` while writing
    this showed the form and every key complete. If the name field is not in view (a small
    ``--size``), it is scrolled into view before its tap, inside the timing. Then Cancel is
    tapped and the loop runs until the slideshow is back and painted (not timed).
``submit_to_thanks_ms``
    Open the form (tap the button, wait for it to be painted), fill it in through the widgets
    (``setText`` on the name and phone fields, ``setChecked`` on the consent box) and scroll the
    Send button into view; then ``t0``; tap Send; run the event loop until the thank-you screen
    is current and has received a paint event; ``t1`` as above. This includes validation, the
    INSERT and its fsync'd ``COMMIT`` (WAL, ``synchronous=FULL``), since the store commits
    synchronously before the thank-you screen is shown, and throwing the form away. Then the
    thank-you screen is tapped to go back (not timed). At the end the store must hold exactly
    warm-up + measured rows.

Between two visits the benchmark (untimed) waits for the slideshow to be painted, deletes the
thrown-away form (``deleteLater``; outside ``app.exec()`` nothing else would, and every form left
alive would keep a ``focusChanged`` connection) and lets the event loop idle for ``SETTLE_S``.

How events are waited for: ``QApplication.processEvents(WaitForMoreEvents)`` in a loop, with a
50 ms heartbeat timer so a wait can time out. It returns as soon as it has handled whatever
arrived, so the timing is not quantised (``QTest.qWait`` sleeps 10 ms between passes).

Percentiles are nearest-rank (the ``ceil(q/100 * n)``-th smallest sample: a measured value);
p50/p95/max are in milliseconds, from ``time.perf_counter``. 10 warm-up rounds of each are run
first and not reported.

The database
------------
It lives in a fresh temporary folder (removed at the end) on a real disk, so the fsync is real:
under the system temp folder unless that is a RAM file system (tmpfs, ramfs), where fsync costs
nothing; then under the current working directory. The JSON line does not say which; the
stderr summary does (folder and file system type). On the machine this was written on, ``/tmp``
is on the root ext4 disk (not tmpfs); it is a VM's virtual disk, which acknowledges an fsync in
well under a millisecond (SQLite issues one ``fdatasync`` per COMMIT here), so a kiosk PC's
SSD or eMMC may add more per submit than this machine shows.

Targets (from the issue): tap -> form p95 <= 100 ms; submit -> thanks p95 <= 50 ms.

How to run
----------
::

    python benchmarks/form.py                    # re-runs itself under xvfb-run if no $DISPLAY
    .venv/bin/python benchmarks/form.py --taps 20 --submits 50 --size 1080x1920

It prints one JSON line on stdout and a short summary on stderr; it exits 1 (without the JSON
line) if a wait timed out or the window stopped being ``--size`` (a layout whose minimum size,
keyboard included, exceeds the window makes Qt grow it, and a size-dependent style sheet can
then make it grow without end), and (after the JSON line) if the store does not hold the
expected number of rows. The defaults take about a minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "xcb"

import _support as bench
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.app import Kiosk
from kiosk.core.content import load_content
from kiosk.paths import bundled_content
from kiosk.storage.store import RequestStore

WARMUP = 10
SETTLE_S = 0.1
TARGET_TAP_P95_MS = 100.0
TARGET_SUBMIT_P95_MS = 50.0


# -- set-up ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    return bench.benchmark_parser(
        "Request-form latency: tap -> form, submit -> thank-you screen.",
        taps=(50, "measured taps"),
        submits=(200, "measured submits"),
    )


# -- driving the kiosk -------------------------------------------------------------------------


@dataclass
class Driver(bench.VisitorDriving):
    """The kiosk under test and the bookkeeping to wait for it."""

    app: QApplication
    kiosk: Kiosk
    size: QSize
    paints: bench.PaintTimes = field(default_factory=bench.PaintTimes)
    keyboard_shown_at: float | None = None
    forms_built: int = 0
    forms_destroyed: int = 0
    button: QAbstractButton = field(init=False)

    def __post_init__(self) -> None:
        keyboard = self.kiosk.keyboard
        assert keyboard is not None
        self.paints.watch(self.kiosk.slideshow)
        self.paints.watch(self.kiosk.thanks)
        self.paints.watch(keyboard)
        keyboard.shown_changed.connect(self._on_keyboard_shown_changed)
        # Connected after the kiosk's own slot, so the new form exists when this runs, before
        # the event loop has had a chance to paint it.
        self.kiosk.slideshow.request_info_requested.connect(self._on_form_opened)
        self.button = self.find_request_button()

    def _on_keyboard_shown_changed(self, shown: bool) -> None:
        self.keyboard_shown_at = time.perf_counter() if shown else None

    def _on_form_opened(self) -> None:
        form = self.kiosk.form
        if form is not None:
            self.forms_built += 1
            form.destroyed.connect(self._on_form_destroyed)
            self.paints.watch(form)

    def _on_form_destroyed(self) -> None:
        self.forms_destroyed += 1

    def back_to_slideshow(self) -> None:
        """Wait (untimed) until the slideshow is back, painted, and the old form is gone."""
        kiosk = self.kiosk
        since = time.perf_counter()
        keyboard = kiosk.keyboard
        assert keyboard is not None
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is kiosk.slideshow
                and not keyboard.shown
                and kiosk.form is None
            ),
            "the slideshow to come back",
        )
        if not self.paints.painted_since(kiosk.slideshow, since):
            self.wait_for(
                lambda: self.paints.painted_since(kiosk.slideshow, since),
                "the slideshow to be painted",
            )
        self.idle(SETTLE_S)
        self.check_size()

    # -- the two measurements ----------------------------------------------------------------

    def tap_to_form(self) -> tuple[float, float, float]:
        """One tap -> form-with-keyboard; (total, button tap returned, field tap returned) s."""
        kiosk = self.kiosk
        keyboard = kiosk.keyboard
        assert keyboard is not None
        t0 = time.perf_counter()
        form = self.open_form()
        t_button = time.perf_counter()
        line = self.name_in_view(form)
        self.tap(line)
        t_field = time.perf_counter()

        def ready() -> bool:
            shown_at = self.keyboard_shown_at
            return (
                kiosk.window.current_screen() is form
                and keyboard.shown
                and self.app.focusWidget() is line
                and self.paints.painted_since(form, shown_at)
                and self.paints.painted_since(keyboard, shown_at)
            )

        self.wait_for(ready, "the form with the keyboard up, painted")
        t1 = time.perf_counter()
        self.check_size()
        self.tap(form.cancel_button)
        self.paints.forget(form)
        self.back_to_slideshow()
        return t1 - t0, t_button - t0, t_field - t0

    def submit_to_thanks(self) -> tuple[float, float]:
        """One submit -> thank-you screen; (total, Send tap returned) in seconds."""
        kiosk = self.kiosk
        opened = time.perf_counter()
        form = self.open_form()
        self.fill_in(form)
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is form and self.paints.painted_since(form, opened)
            ),
            "the form to be painted",
        )
        self.app.processEvents()  # the scroll's repaint, if any
        self.paints.forget(form)

        t0 = time.perf_counter()
        self.tap(form.submit_button)
        t_click = time.perf_counter()
        self.wait_for(
            lambda: (
                kiosk.window.current_screen() is kiosk.thanks
                and self.paints.painted_since(kiosk.thanks, t0)
            ),
            "the thank-you screen, painted",
        )
        t1 = time.perf_counter()
        self.tap(kiosk.thanks)
        self.back_to_slideshow()
        return t1 - t0, t_click - t0


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Results:
    taps: list[float] = field(default_factory=list)
    tap_button: list[float] = field(default_factory=list)
    tap_field: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    submit_click: list[float] = field(default_factory=list)
    rows: int = 0
    forms_built: int = 0
    forms_destroyed: int = 0


def start(size: tuple[int, int], store: RequestStore) -> Driver:
    """The kiosk, presented, with its keyboard loaded and its window active."""
    content = load_content(bundled_content())
    app, kiosk = bench.start_kiosk(content, store, "bench", size, keyboard=True)
    driver = Driver(app, kiosk, QSize(*size))
    driver.settle_in()
    return driver


def run(taps: int, submits: int, size: tuple[int, int], data_dir: Path) -> Results:
    """Both measurements on one kiosk whose store is in ``data_dir``."""
    store = RequestStore(data_dir)
    driver: Driver | None = None
    results = Results()
    try:
        driver = start(size, store)
        for _ in range(WARMUP):
            driver.tap_to_form()
        for _ in range(taps):
            total, button, field_tap = driver.tap_to_form()
            results.taps.append(total)
            results.tap_button.append(button)
            results.tap_field.append(field_tap)
        for _ in range(WARMUP):
            driver.submit_to_thanks()
        for _ in range(submits):
            total, click = driver.submit_to_thanks()
            results.submits.append(total)
            results.submit_click.append(click)
        results.rows = store.count()
        results.forms_built = driver.forms_built
        results.forms_destroyed = driver.forms_destroyed
    finally:
        store.close()
        if driver is not None:
            driver.close()
    return results


def report(size: tuple[int, int], results: Results) -> dict[str, Any]:
    tap = bench.summary_ms(results.taps)
    submit = bench.summary_ms(results.submits)
    return {
        "benchmark": "form",
        "size": f"{size[0]}x{size[1]}",
        "tap_to_form_ms": tap,
        "submit_to_thanks_ms": submit,
        "rows_saved": results.rows,
        "targets": {
            "tap_p95_le_100ms": tap["p95"] <= TARGET_TAP_P95_MS,
            "submit_p95_le_50ms": submit["p95"] <= TARGET_SUBMIT_P95_MS,
        },
    }


def summarize(summary: dict[str, Any], results: Results, where: str) -> list[str]:
    """A few lines for people, for stderr."""

    def median_ms(samples: Sequence[float]) -> str:
        return f"{statistics.median(samples) * 1000:.1f} ms"

    tap, submit = summary["tap_to_form_ms"], summary["submit_to_thanks_ms"]
    return [
        f"form benchmark at {summary['size']}, database in {where}",
        f"  tap -> form:       p50 {tap['p50']} p95 {tap['p95']} max {tap['max']} ms"
        f" (n={tap['n']}); medians: button tap handled (form built) after"
        f" {median_ms(results.tap_button)}, field tap after {median_ms(results.tap_field)}",
        f"  submit -> thanks:  p50 {submit['p50']} p95 {submit['p95']} max {submit['max']} ms"
        f" (n={submit['n']}); median: Send tap handled (checked, committed, screen switched)"
        f" after {median_ms(results.submit_click)}",
        f"  rows saved {results.rows}; forms built {results.forms_built},"
        f" destroyed {results.forms_destroyed}",
    ]


def measure(args: argparse.Namespace, data_dir: Path) -> bench.Outcome:
    """Both measurements, reported; a problem if the store lost or gained a row."""
    results = run(args.taps, args.submits, args.size, data_dir)
    summary = report(args.size, results)
    expected = WARMUP + args.submits
    problems = []
    if results.rows != expected:
        problems.append(f"the store holds {results.rows} rows, not {expected}")
    return bench.Outcome(summary, lambda where: summarize(summary, results, where), problems)


def main(argv: Sequence[str] | None = None) -> int:
    return bench.run_benchmark(__file__, build_parser().parse_args(argv), measure)


if __name__ == "__main__":
    sys.exit(main())
