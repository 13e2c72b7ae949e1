"""Read-aloud benchmark: tap Read aloud -> engine speaking, and 100 pages read aloud.

What it measures
----------------
One process, Qt's offscreen platform, the real kiosk (``Kiosk`` from :mod:`kiosk.app` with
Qt's real timers, a throw-away data folder) at ``--size``, with a short article of its own
(two sections of a few sentences, so that the engine's speaking time does not swamp the rest).

``tap_to_speaking_ms``
    With the accessibility panel open (untimed): ``t0``; ``QTest.mouseClick`` on its "Read
    aloud" button; run the event loop until the speech engine's state is ``Speaking``; ``t1``.
    Then the panel's "Done" is tapped (the slideshow starts reading its page) and the choices
    are reset as for the next visitor (untimed). 10 warm-up rounds first.
``pages``
    Read aloud on, the slideshow reads page after page: each time the engine has finished a
    page the next is shown at once (instead of after the usual 2 s pause), so ``--pages`` pages
    are read back to back, each with its heading, where it is and every sentence highlighted
    in turn. CPU time (user + system, from ``resource.getrusage``) and resident memory
    (``/proc/self/statm``) are taken after the first 10 pages, halfway through the rest and at
    the end: ``cpu_ms_per_page_first_half``/``_second_half`` compare the two halves (flat: about
    equal), ``rss_growth_kb`` is the growth from page 10 to the end (flat: about 0).

Percentiles are nearest-rank; times from ``time.perf_counter``.

Targets (from the issue): tap -> speaking p95 <= 300 ms; CPU and memory flat over 100 pages.

How to run
----------
The mock engine (the figure)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/speech.py

The real speechd engine (speech-dispatcher with espeak-ng) needs a session bus and a sound
server; a PulseAudio with a null sink will do (see README, "Accessibility")::

    XDG_RUNTIME_DIR=$(mktemp -d) dbus-run-session -- tests/helpers/with_null_sound.sh \\
        .venv/bin/python benchmarks/speech.py --engine speechd --rounds 20 --pages 20
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtTextToSpeech import QTextToSpeech
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk, application
from kiosk.core.access import AccessSettings
from kiosk.core.content import Article, Section, load_content
from kiosk.core.record import replace
from kiosk.paths import bundled_content
from kiosk.storage.store import RequestStore

ARTICLE = Article(
    title="Benchmark",
    sections=(
        Section(
            heading="Sleep well", paragraphs=("Sleep helps the body heal. Rest when you can.",)
        ),
        Section(heading="Eat well", paragraphs=("Eat greens every day. Drink enough water.",)),
    ),
)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def wait(app: QApplication, done: Callable[[], bool], timeout_s: float = 60.0) -> None:
    heartbeat = QTimer()
    heartbeat.start(20)
    end = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    heartbeat.stop()


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_kb() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", default="mock", choices=("mock", "speechd"))
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))

    app = application()
    content = replace(load_content(bundled_content()), article=ARTICLE)
    with tempfile.TemporaryDirectory() as data:
        store = RequestStore(Path(data))
        kiosk = Kiosk(content, store, "bench", load_keyboard=False, speech_engine=args.engine)
        kiosk.window.present(QSize(width, height))
        wait(app, lambda: kiosk.slideshow.page_layout is not None)
        access = kiosk.access
        speaker = access.speaker
        if not speaker.available:
            print(f"the {args.engine} engine is not available", file=sys.stderr)
            return 1
        speaker.set_rate(1.0)
        panel = access.panel

        def speaking() -> bool:
            return speaker.state == QTextToSpeech.State.Speaking

        samples: list[float] = []
        for round_ in range(10 + args.rounds):
            access.open_panel()
            wait(app, lambda: not speaking())
            t0 = time.perf_counter()
            QTest.mouseClick(panel.read_aloud, Qt.MouseButton.LeftButton)
            wait(app, speaking)
            t1 = time.perf_counter()
            if round_ >= 10:
                samples.append((t1 - t0) * 1000)
            QTest.mouseClick(panel.done, Qt.MouseButton.LeftButton)
            access.reset()

        # 100 pages read aloud, back to back.
        slideshow = kiosk.slideshow
        read = 0

        def on_finished(utterance: int) -> None:
            QTimer.singleShot(0, after_finished)  # once the slideshow has heard it too

        def after_finished() -> None:
            nonlocal read
            if not slideshow.reading:
                read += 1
                slideshow.next_page()

        speaker.finished.connect(on_finished)
        access.apply(AccessSettings(read_aloud=True))
        wait(app, lambda: read >= 10, timeout_s=600)
        cpu_10, rss_10, t_10 = cpu_s(), rss_kb(), time.perf_counter()
        middle = 10 + (args.pages - 10) // 2
        wait(app, lambda: read >= middle, timeout_s=3600)
        cpu_mid, rss_mid = cpu_s(), rss_kb()
        wait(app, lambda: read >= args.pages, timeout_s=3600)
        cpu_end, rss_end, t_end = cpu_s(), rss_kb(), time.perf_counter()
        access.reset()
        store.close()

    result = {
        "benchmark": "speech",
        "engine": args.engine,
        "size": args.size,
        "rounds": args.rounds,
        "tap_to_speaking_ms": {
            "p50": round(percentile(samples, 50), 2),
            "p95": round(percentile(samples, 95), 2),
            "max": round(max(samples), 2),
        },
        "pages": args.pages,
        "seconds_per_page": round((t_end - t_10) / (args.pages - 10), 3),
        "cpu_ms_per_page_first_half": round((cpu_mid - cpu_10) * 1000 / (middle - 10), 2),
        "cpu_ms_per_page_second_half": round((cpu_end - cpu_mid) * 1000 / (args.pages - middle), 2),
        "rss_kb_page_10": rss_10,
        "rss_kb_middle": rss_mid,
        "rss_kb_end": rss_end,
        "rss_growth_kb": rss_end - rss_10,
        "target_tap_to_speaking_p95_ms": 300,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
