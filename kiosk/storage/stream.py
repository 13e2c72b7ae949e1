"""Reading many requests from one snapshot of the local database, a batch at a time.

:meth:`RequestStore.iter_requests` gives a :class:`RequestStream`: its requests, or (for the
CSV export's fast path) the rows as the database holds them. Memory does not grow with the
number of requests, and saving goes on meanwhile.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Generator, Iterator
from datetime import datetime
from pathlib import Path

from kiosk.storage import rows
from kiosk.storage.connection import LENIENT_TEXT, read_only_uri, sqlite_connect
from kiosk.storage.records import STATUSES, RawRequest, StoredRequest
from kiosk.storage.rows import REQUEST_COLUMNS, filter_clause, format_time


class RequestStream(Iterator[StoredRequest]):
    """What :meth:`RequestStore.iter_requests` returns: its requests, oldest first, streamed.

    Iterate it for :class:`StoredRequest` objects. Or, as long as iterating has not begun, read
    the same requests as the rows the database holds with :meth:`raw_batches` (an exporter that
    needs only text does), and turn a row into a :class:`StoredRequest` with :meth:`decode`.
    """

    def __init__(
        self,
        requests: Callable[[], Iterator[StoredRequest]],
        raw_batches: Callable[[bool], Generator[list[RawRequest], None, None]],
        decode: Callable[[RawRequest], StoredRequest | None],
    ) -> None:
        self._make_requests = requests
        self._make_raw_batches = raw_batches
        self._decode = decode
        self._requests: Iterator[StoredRequest] | None = None
        self._started = False
        self.damaged: list[int] = []
        """The ids of rows that could not be read and were left out (named, never hidden):
        iterating and :meth:`decode` skip a damaged row and add its id here."""

    @property
    def started(self) -> bool:
        """Whether iterating has begun (or the stream was closed)."""
        return self._started

    def __iter__(self) -> RequestStream:
        return self

    def __next__(self) -> StoredRequest:
        if self._requests is None:
            if self._started:  # closed
                raise StopIteration
            self._started = True
            self._requests = self._make_requests()
        return next(self._requests)

    def close(self) -> None:
        """End the read transaction (if one began); the stream then has no more items."""
        self._started = True
        close = getattr(self._requests, "close", None)
        if close is not None:
            close()

    def raw_batches(self, *, saved_order: bool = False) -> Generator[list[RawRequest], None, None]:
        """The requests as raw rows (:data:`RawRequest`), in lists of a few
        hundred (the store's batch size).

        Each call reads them afresh, in a read transaction (one snapshot) of its own, which
        ends when the iterator is exhausted or closed. They come in the stream's order, read
        from the ``(status, created_at)`` index rather than by sorting the table; or, with
        ``saved_order``, in the order they were saved (by id): quicker to read, and the same
        order unless the clock was ever set back, which the caller must then check (a row whose
        ``created_at`` is below the one before it). A failure of the database raises
        :class:`SaveError`; ``RuntimeError`` once iterating has begun.
        """
        if self._started:
            raise RuntimeError("this request stream is being iterated")
        return self._make_raw_batches(saved_order)

    def decode(self, row: RawRequest) -> StoredRequest | None:
        """``row`` (from :meth:`raw_batches`) as iterating would have given it; None for a row
        that cannot be read (its id is then added to :attr:`damaged`)."""
        request = self._decode(row)
        if request is None:
            self.damaged.append(int(row[0]))
        return request


def read_batches(
    path: Path, busy_timeout_ms: int, sql: str, params: tuple[str, ...]
) -> Generator[list[RawRequest], None, None]:
    """The rows of ``sql``, :data:`~kiosk.storage.rows.BATCH_ROWS` at a time, in one read
    transaction on a read-only connection of its own (ended when the iterator is exhausted or
    closed). Raises ``sqlite3.Error`` or ``OSError``.

    A row whose text is not valid UTF-8 (a damaged file) would make SQLite's reader fail
    the whole query; then the query is read again in the same snapshot with
    :data:`LENIENT_TEXT`, past the rows already given, so only that row is damaged.
    """
    reader = sqlite_connect(read_only_uri(path), busy_timeout_ms, uri=True)
    try:
        reader.execute("BEGIN")
        given = 0
        cursor = reader.execute(sql, params)
        while True:
            try:
                batch = cursor.fetchmany(rows.BATCH_ROWS)
            except sqlite3.OperationalError:
                if reader.text_factory is LENIENT_TEXT:
                    raise
                reader.text_factory = LENIENT_TEXT
                cursor = reader.execute(f"{sql} LIMIT -1 OFFSET ?", (*params, given))
                continue
            if not batch:
                break
            given += len(batch)
            yield batch
    finally:
        with contextlib.suppress(sqlite3.Error):
            reader.close()  # ends the read transaction


def raw_query(
    status: str | None, since: datetime | None, saved_order: bool
) -> tuple[str, tuple[str, ...]]:
    """The SELECT behind :meth:`RequestStream.raw_batches` and its parameters.

    In id order (``saved_order``), a plain scan of the table. Otherwise the same rows and order
    as ``... WHERE <filter> ORDER BY created_at, id``, but without sorting the table: each
    status is read in order from the ``(status, created_at)`` index (whose entries end with the
    id) and SQLite merges the parts. A status outside :data:`STATUSES`, which the table's CHECK
    refuses, gets a part of its own all the same, so not a row is missed.
    """
    select = f"SELECT {REQUEST_COLUMNS} FROM requests"
    if saved_order:
        where, params = filter_clause(status, since)
        return f"{select}{where} ORDER BY id", params
    since_clause = "" if since is None else " AND created_at >= ?"
    since_params: tuple[str, ...] = () if since is None else (format_time(since),)
    if status is not None:
        sql = f"{select} WHERE status = ?{since_clause} ORDER BY created_at, id"
        return sql, (status, *since_params)
    first, second = sorted(STATUSES)
    others = (
        f"(status < '{first}' OR (status > '{first}' AND status < '{second}')"
        f" OR status > '{second}')"
    )
    parts = [f"status = '{first}'", f"status = '{second}'", others]
    sql = " UNION ALL ".join(f"{select} WHERE {part}{since_clause}" for part in parts)
    return f"{sql} ORDER BY created_at, id", since_params * len(parts)
