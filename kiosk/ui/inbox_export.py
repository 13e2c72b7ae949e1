"""The front-desk window's CSV export: the list's requests to a file staff chose, written on a
thread of its own (:class:`~kiosk.ui.export_job.ExportJob`) through a connection of its own, so
the window answers (and hears of new requests) while thousands of rows are written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.core.form import FormField
from kiosk.storage.inbox import InboxStore
from kiosk.ui.export_job import ExportJob
from kiosk.ui.staff_words import requests_word


class InboxExport(QObject):
    """Runs one export at a time from the inbox of ``service``.

    Signals:
        running(bool): an export began (True) or ended (False).
        said(str): how it goes, for the window's message line.
        exported(int, str): rows written and the file, once it is complete.
    """

    running = Signal(bool)
    said = Signal(str)
    exported = Signal(int, str)

    def __init__(
        self,
        service: str,
        fields: Sequence[FormField],
        time_zone: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._fields = tuple(fields)
        self._time_zone = time_zone
        self._job: ExportJob | None = None

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, path: Path, status: str | None) -> None:
        """Write the requests with ``status`` (every one: None) to ``path``, replacing it (the
        save dialog asked)."""
        if self._job is not None:
            return
        service = self._service
        job = ExportJob(
            lambda: InboxStore(service),
            self._fields,
            path,
            self._time_zone,
            parent=self,
            status=status,
            force=True,
        )
        # Slots of this object, not lambdas: emitted on the export's thread, a signal is queued
        # to the GUI thread only when its receiver is a QObject living there.
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        self._job = job
        self.running.emit(True)
        self.said.emit(f"Exporting to {path}…")
        job.start()

    def stop(self, timeout: float) -> bool:
        """Stop a running export (the window is closing): nothing half written is left behind
        unless the server keeps it waiting past ``timeout`` seconds; whether it stopped."""
        job = self._job
        if job is None:
            return True
        job.cancel()
        return job.wait(timeout)

    def _on_progress(self, written: int) -> None:
        if self._job is not None:
            self.said.emit(f"Exporting… {written} {requests_word(written)} written.")

    def _on_finished(self, count: int, damaged: list[int]) -> None:
        job = self._end()
        if job is not None:
            self.exported.emit(count, str(job.path))

    def _on_failed(self, why: str) -> None:
        job = self._end()
        if job is not None:
            self.said.emit(f"Nothing was exported: {why}")

    def _end(self) -> ExportJob | None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
            self.running.emit(False)
        return job
