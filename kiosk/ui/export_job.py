"""A CSV export run off the GUI thread, so the staff screen (and the watchdog's pings) go on
while 100,000 requests are written; it reports its progress as it goes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.core.form import FormField
from kiosk.storage.export import InsideDataFolderError, export_csv
from kiosk.storage.store import RequestStore, SaveError

log = logging.getLogger(__name__)


def reason(error: Exception) -> str:
    """What went wrong, in a sentence that names the file or folder."""
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return str(error)


class ExportJob(QObject):
    """Writes every request in ``data_dir``'s store to ``path`` on a thread of its own.

    The thread reads through a store of its own (SQLite connections belong to the thread that
    made them). The signals are emitted from that thread and reach receivers in the GUI thread
    queued, in order.

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
        data_dir: Path,
        fields: Sequence[FormField],
        path: Path,
        time_zone: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._fields = tuple(fields)
        self._path = path
        self._time_zone = time_zone
        self._thread = threading.Thread(target=self._run, name="csv-export", daemon=True)

    @property
    def path(self) -> Path:
        return self._path

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the export to end; whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        store = RequestStore(self._data_dir)
        try:
            requests = store.iter_requests(None)  # every request: the clinic's full record
            count = export_csv(
                requests,
                self._fields,
                self._path,
                self._time_zone,
                data_dir=self._data_dir,
                progress=self.progress.emit,
            )
        except (OSError, SaveError, InsideDataFolderError) as error:
            self.failed.emit(reason(error))
        except Exception as error:  # never a traceback's text: it might quote an answer
            log.error("CSV export to %s failed unexpectedly (%s)", self._path, type(error).__name__)
            self.failed.emit(f"an unexpected error ({type(error).__name__}); see the log")
        else:
            self.finished.emit(count, list(requests.damaged))
        finally:
            store.close()
