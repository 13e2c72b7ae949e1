"""The request store's engine: one SQLite connection, and every failure made a SaveError.

:class:`StoreEngine` opens the database on first use (:func:`open_database`) and keeps that
connection for the thread that made it. :meth:`StoreEngine._run` runs one operation on it; a
failure of the disk or the database becomes a :class:`SaveError` for staff (a damaged file is
moved aside first, and a connection that may be at fault is dropped). The queries are in
:class:`~kiosk.storage.store.RequestStore` and its parts.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from kiosk.storage.connection import open_database
from kiosk.storage.failures import DatabaseFiles, SaveError, StoreError, error_name
from kiosk.storage.records import SaveErrorKind
from kiosk.storage.rows import utc_now

_log = logging.getLogger(__name__)

_T = TypeVar("_T")


class StoreEngine:
    """The database ``<data_dir>/requests.db`` and the one connection to it."""

    DB_NAME = "requests.db"

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        busy_timeout_ms: int = 1000,
    ) -> None:
        if busy_timeout_ms < 0:
            raise ValueError("busy_timeout_ms must not be negative")
        self._dir = Path(data_dir)
        self._clock = clock
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._conn: sqlite3.Connection | None = None
        self._files = DatabaseFiles(self._dir / self.DB_NAME, clock)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._files.path

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.close()
        except sqlite3.Error as exc:
            _log.warning("request store: closing the database failed (%s)", error_name(exc))

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = open_database(self._files, self._busy_timeout_ms)
        return self._conn

    def _run(self, action: str, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return operation(self._connect())
        except StoreError as failure:
            raise self._fail(action, failure.kind, str(failure), failure) from None
        except (sqlite3.Error, OSError) as exc:
            raise self._fail_with(action, exc) from exc

    def _fail_with(self, action: str, exc: sqlite3.Error | OSError) -> SaveError:
        kind = self._files.classify(exc)
        return self._fail(action, kind, self._files.describe(kind, exc, self._busy_timeout_ms), exc)

    def _fail(
        self, action: str, kind: SaveErrorKind, message: str, cause: BaseException
    ) -> SaveError:
        _log.error(
            "request store: %s failed: %s (%s) at %s", action, kind, error_name(cause), self.path
        )
        if kind == "corrupt":
            self.close()
            message = self._files.set_aside_damaged()
        elif kind in ("other", "read_only"):
            # Reopen next time: the file may be fixed (or replaced) by then.
            self.close()
        return SaveError(kind, message)

    def _wipe_wal(self, action: str) -> None:
        """After a delete: checkpoint everything into the main file and truncate the ``-wal``,
        so the pages that held the deleted answers are gone from it.

        The deletion itself is committed by then; if the checkpoint cannot finish (another
        program is reading), it is logged and the next delete or purge tries again.
        Raises :class:`SaveError` only for a failing disk or database.
        """

        def checkpoint(conn: sqlite3.Connection) -> int:
            row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return int(row[0])

        if self._run(f"{action} (checkpoint)", checkpoint):
            _log.warning(
                "request store: after %s, the -wal of %s could not be emptied yet "
                "(another program was reading); deleted answers may stay in it until the next "
                "checkpoint",
                action,
                self.path,
            )
