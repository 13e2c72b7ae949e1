"""A CSV export run off the GUI thread, so the staff screen or the front-desk window (and the
watchdog's pings) go on while 100,000 requests are written; it reports its progress as it goes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from kiosk.core.form import FormField
from kiosk.storage.export import InsideDataFolderError, export_csv
from kiosk.storage.store import SaveError, StoredRequest

log = logging.getLogger(__name__)


class ExportSource(Protocol):
    """Where the requests come from: the kiosk's store or the front desk's inbox, opened on the
    export's thread (a connection belongs to the thread that made it)."""

    def iter_requests(self, status: str | None = None) -> Iterable[StoredRequest]: ...

    def close(self) -> None: ...


class ExportCancelled(Exception):  # noqa: N818 - the name says what happened
    """The export was stopped before it was complete (its temporary file is removed)."""


def reason(error: Exception, path: Path | None = None) -> str:
    """What went wrong, in a sentence that names the file or folder (``path``, the file staff
    chose, rather than the hidden temporary file beside it)."""
    if isinstance(error, OSError) and error.strerror:
        name = error.filename
        if path is not None and name is not None and Path(name).parent == path.parent:
            name = str(path)
        where = f" ({name})" if name else ""
        return f"{error.strerror}{where}"
    return str(error)


class ExportJob(QObject):
    """Writes the requests of ``open_source()`` (those with ``status``; every one by default)
    to ``path`` on a thread of its own; never into ``data_dir``; over an existing file only
    with ``force``.

    The thread reads through a source it opens itself (SQLite and PostgreSQL connections belong
    to the thread that made them). The signals are emitted from that thread and reach receivers
    in the GUI thread queued, in order.

    Signals:
        progress(int): rows written so far.
        finished(int, list): rows written, and the ids of damaged rows left out.
        failed(str): why nothing was written (a sentence for staff).
    """

    progress = Signal(int)
    finished = Signal(int, list)
    failed = Signal(str)

    def __init__(
        self,
        open_source: Callable[[], ExportSource],
        fields: Sequence[FormField],
        path: Path,
        time_zone: str,
        parent: QObject | None = None,
        *,
        status: str | None = None,
        data_dir: Path | None = None,
        force: bool = False,
    ) -> None:
        super().__init__(parent)
        self._open_source = open_source
        self._status = status
        self._data_dir = data_dir
        self._force = force
        self._fields = tuple(fields)
        self._path = path
        self._time_zone = time_zone
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="csv-export", daemon=True)

    @property
    def path(self) -> Path:
        return self._path

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Stop at the next few hundred rows: nothing is written (``failed`` says so)."""
        self._cancelled.set()

    def _progress(self, written: int) -> None:
        if self._cancelled.is_set():
            raise ExportCancelled
        self.progress.emit(written)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the export to end; whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            source = self._open_source()
        except SaveError as error:
            self.failed.emit(reason(error))
            return
        try:
            requests = source.iter_requests(self._status)
            count = export_csv(
                requests,
                self._fields,
                self._path,
                self._time_zone,
                self._force,
                data_dir=self._data_dir,
                progress=self._progress,
            )
        except ExportCancelled:
            self.failed.emit("the export was stopped before it was complete")
        except (OSError, SaveError, InsideDataFolderError) as error:
            self.failed.emit(reason(error, self._path))
        except Exception as error:  # never a traceback's text: it might quote an answer
            log.error("CSV export to %s failed unexpectedly (%s)", self._path, type(error).__name__)
            self.failed.emit(f"an unexpected error ({type(error).__name__}); see the log")
        else:
            # Rows the kiosk's store could not read are left out and named (the inbox has none).
            self.finished.emit(count, list(getattr(requests, "damaged", ())))
        finally:
            source.close()
