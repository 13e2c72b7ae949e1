"""The staff screen's and the front desk's exports run on a thread of their own and say how far
they have got."""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk.storage.store import RequestStore
from kiosk.ui.export_job import ExportJob


def saved_requests(data: Path, count: int) -> Path:
    """``data``, a data folder with ``count`` requests saved in it."""
    store = RequestStore(data)
    for n in range(count):
        store.save({"name": f"Person{n} Example", "consent": True}, "v1", "k")
    store.close()
    return data


def test_an_export_job_writes_off_the_gui_thread_and_reports_progress(
    qtbot, shipped_content, tmp_path, export_threads
):
    data = saved_requests(tmp_path / "data", 1200)
    path = tmp_path / "out.csv"
    job = ExportJob(lambda: RequestStore(data), shipped_content.form.fields, path, "UTC")
    progress: list[int] = []
    ended: list[tuple[int, list[int]]] = []
    job.progress.connect(progress.append)
    job.finished.connect(lambda count, damaged: ended.append((count, damaged)))
    job.start()

    def ended_well() -> None:
        assert ended == [(1200, [])]

    qtbot.waitUntil(ended_well, timeout=60_000)
    assert job.wait(10)
    assert export_threads == ["csv-export"]  # not the GUI thread
    assert progress == [500, 1000, 1200]
    with path.open(encoding="utf-8-sig", newline="") as file:
        assert len(list(csv.reader(file))) == 1201


def test_an_export_job_that_cannot_write_says_why(qtbot, shipped_content, tmp_path, store):
    data = store.path.parent
    store.save({"name": "Zoë Example"}, "v1", "k")
    target = tmp_path / "missing" / "x.csv"
    job = ExportJob(lambda: RequestStore(data), shipped_content.form.fields, target, "UTC")
    failed: list[str] = []
    job.failed.connect(failed.append)
    job.start()

    def failed_once() -> None:
        assert len(failed) == 1

    qtbot.waitUntil(failed_once, timeout=60_000)
    assert "No such file or directory" in failed[0]
    assert f"({target})" in failed[0]  # the file staff chose, not its hidden temporary file


def test_a_cancelled_export_writes_nothing_and_says_so(qtbot, shipped_content, tmp_path):
    """Closing the front desk stops a running export: no file, no temporary file left."""
    data = saved_requests(tmp_path / "data", 600)
    out = tmp_path / "out"
    out.mkdir()
    job = ExportJob(lambda: RequestStore(data), shipped_content.form.fields, out / "x.csv", "UTC")
    failed: list[str] = []
    job.failed.connect(failed.append)
    job.cancel()  # before its first few hundred rows are reported
    job.start()

    def stopped() -> None:
        assert failed == ["the export was stopped before it was complete"]

    qtbot.waitUntil(stopped, timeout=60_000)
    assert job.wait(10)
    assert list(out.iterdir()) == []
