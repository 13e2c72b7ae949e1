"""Language switch benchmark: a tap on a language button until that language's first page is
painted, and memory over many switches.

What it measures
----------------
A :class:`kiosk.app.Kiosk` on the shipped content (English, Spanish, Chinese and Arabic) in
a window of each size (1920x1080 and 1080x1920; Qt's offscreen platform unless
``QT_QPA_PLATFORM`` says otherwise), showing the slideshow. Each sample is one tap
(``QTest.mouseClick`` on the next language's button: English, Español, 中文, العربية, English,
...), timed with ``time.perf_counter`` from just before the click to just after
``slideshow.repaint()`` has painted the new first page: the click's handler lays the article
out again for the screen (pagination with the real fonts), renders the first page's pixmap,
switches the form's, thank-you screen's and keyboard's language and the layout direction;
``repaint`` then paints it synchronously. Arabic includes mirroring the application.

Memory: the process's RSS (``/proc/self/statm``), Python's traced heap (``tracemalloc``) and
the number of live widgets (``QApplication.allWidgets()``) after ``--warmup`` switches and
again after ``--switches`` more; growth in any would mean a switch leaves something behind
(every switch replaces the pages' pixmaps and layouts).

Targets (from the issue): p95 <= 150 ms at each size; no growth in memory over 200 switches
(widgets exactly equal; RSS growth under 4 MiB and traced heap growth under 1 MiB, which
allow for the allocator's and font caches' noise).

How to run
----------
``.venv/bin/python benchmarks/language.py [--switches 200] [--warmup 20]``; prints one JSON
line (``ensure_ascii=False``) with p50/p95/max per size, the memory figures and the targets as
booleans.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.text.font.db=false")

from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk, application
from kiosk.core.i18n import load_localized
from kiosk.paths import bundled_content
from kiosk.storage.store import RequestStore

SIZES = (QSize(1920, 1080), QSize(1080, 1920))
P95_TARGET_MS = 150.0


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def run_size(kiosk: Kiosk, size: QSize, switches: int, warmup: int) -> dict[str, object]:
    app = QApplication.instance()
    assert app is not None
    kiosk.window.resize(size)
    kiosk.window.show()
    app.processEvents()
    slideshow = kiosk.slideshow
    codes = [code for code, _name in kiosk.content.language_names]
    samples: list[float] = []
    memory: dict[str, float] = {}
    for number in range(warmup + switches):
        if number == warmup:
            gc.collect()
            app.processEvents()
            memory = {
                "rss": rss_mib(),
                "heap": tracemalloc.get_traced_memory()[0] / 2**20,
                "widgets": len(QApplication.allWidgets()),
            }
        code = codes[(codes.index(kiosk.language) + 1) % len(codes)]
        button = slideshow.language_bar.buttons[code]
        start = time.perf_counter()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        slideshow.repaint()
        elapsed = (time.perf_counter() - start) * 1000
        assert kiosk.language == code
        assert slideshow.current_index == 0
        layout = slideshow.page_layout
        assert layout is not None
        assert layout.size == size
        if number >= warmup:
            samples.append(elapsed)
        app.processEvents()  # deferred deletes and the like, as the event loop would
    gc.collect()
    app.processEvents()
    widgets_after = len(QApplication.allWidgets())
    return {
        "size": f"{size.width()}x{size.height()}",
        "switches": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(p95(samples), 1),
        "max_ms": round(max(samples), 1),
        "rss_growth_mib": round(rss_mib() - memory["rss"], 2),
        "heap_growth_mib": round(tracemalloc.get_traced_memory()[0] / 2**20 - memory["heap"], 3),
        "widgets_before": memory["widgets"],
        "widgets_after": widgets_after,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--switches", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    application()
    tracemalloc.start()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        store = RequestStore(Path(scratch))
        kiosk = Kiosk(load_localized(bundled_content()), store, "bench", load_keyboard=False)
        for size in SIZES:
            results.append(run_size(kiosk, size, args.switches, args.warmup))
        kiosk.window.allow_close()
        kiosk.window.close()
        store.close()
    targets = {
        "p95_le_150ms": all(float(r["p95_ms"]) <= P95_TARGET_MS for r in results),  # type: ignore[arg-type]
        "no_memory_growth": all(
            r["widgets_after"] == r["widgets_before"]
            and float(r["rss_growth_mib"]) < 4  # type: ignore[arg-type]
            and float(r["heap_growth_mib"]) < 1  # type: ignore[arg-type]
            for r in results
        ),
    }
    print(
        json.dumps(
            {
                "benchmark": "language",
                "platform": os.environ["QT_QPA_PLATFORM"],
                "sizes": results,
                "targets": targets,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
