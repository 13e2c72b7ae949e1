"""The durable local store of visitors' contact requests: one SQLite file in the data folder.

The answers are health-related personal data, so:

* nothing here ever logs or puts into an error message an answer (only ids, counts, error kinds
  and paths);
* a request counts as saved only once ``COMMIT`` returned (WAL journal, ``synchronous=FULL``:
  durable across a power cut);
* the data folder is made ``0700`` and the database with its ``-wal`` and ``-shm`` files ``0600``.

Every failure of the disk or the database becomes a :class:`SaveError` whose ``kind`` says what
to tell staff. A damaged database file is never deleted: it is moved aside (with its ``-wal`` and
``-shm``) to ``requests.db.corrupt-YYYYmmddTHHMMSSZ`` and the next call starts a new file.

The schema is versioned with ``PRAGMA user_version``; :mod:`kiosk.storage.schema` lists the
steps from each version to the next, applied in order inside one transaction.

Every connection sets ``PRAGMA secure_delete = ON``: SQLite then overwrites deleted rows with
zeros. And every delete, purge and retention clean-up that removed a request ends with
``PRAGMA wal_checkpoint(TRUNCATE)``: the zeroed pages go into the main file and the ``-wal``
(which still holds the pages as they were when the request was saved) is cut to nothing, even
while the kiosk holds the database open in another process. So a deleted request's answers are
left in none of the database's files.

What staff do (log in, export, mark, delete, purge) is kept in the ``audit`` table: who, when,
how many, and a short detail such as a file path, never an answer.

:class:`RequestStore` is built in layers, each a module: :mod:`~kiosk.storage.engine` (the
connection, and failures made :class:`SaveError`, told apart by :mod:`~kiosk.storage.failures`),
:mod:`~kiosk.storage.audit` (the audit log), :mod:`~kiosk.storage.retention` (purging and
retention), then here the queries staff and the forwarder use. A row's checks and decoding are
in :mod:`~kiosk.storage.rows`, the records in :mod:`~kiosk.storage.records`.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from datetime import datetime

from kiosk.storage.failures import SaveError, StoreError
from kiosk.storage.records import (
    AuditEvent,
    OutgoingRequest,
    RawRequest,
    Status,
    StoredRequest,
)
from kiosk.storage.retention import Retention
from kiosk.storage.rows import (
    REQUEST_COLUMNS,
    batches,
    check_ids,
    check_label,
    check_language,
    check_marked,
    check_page,
    encode_answers,
    filter_clause,
    format_time,
    insert_audit,
    parse_time,
    placeholders,
    stand_in,
    to_request,
)
from kiosk.storage.schema import immediate
from kiosk.storage.stream import RequestStream, raw_query, read_batches

__all__ = ["RequestStore", "SaveError", "Status", "StoredRequest", "UnknownRequest"]
"""What callers take from here: the store, what it raises, what it gives."""

_log = logging.getLogger(__name__)


class UnknownRequest(LookupError):  # noqa: N818 - the name says what is missing
    """Some of the ids given are not in the store (and nothing was changed).

    ``ids`` are the missing ones, sorted; ``str(error)`` is ``"no request with id 7, 9"``.
    """

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids: tuple[int, ...] = tuple(sorted(set(ids)))
        super().__init__("no request with id " + ", ".join(str(i) for i in self.ids))


class RequestStore(Retention):
    """Visitors' contact requests in ``<data_dir>/requests.db``.

    Nothing touches the disk until the first call; then the folder and the database are made
    (``0700`` / ``0600``), the schema is checked (``PRAGMA integrity_check``) and migrated, and
    one connection is kept open for every later call, from the thread that made it. Every
    method raises :class:`SaveError` when the disk or the database fails, and ``ValueError``
    when called with something that can never be stored (a programming error).
    """

    # -- saving and reading --------------------------------------------------------------------

    def save(
        self,
        answers: Mapping[str, str | bool],
        content_version: str,
        kiosk_id: str,
        language: str = "",
    ) -> int:
        """Insert one request with status ``"new"`` in its own transaction; its id after COMMIT.
        ``language`` is the code of the language the visitor used.

        Raises :class:`SaveError` if it could not be saved (nothing of it is then stored, and
        earlier requests are left as they were), and ``ValueError`` for answers that are not a
        mapping of form field keys to str or bool, or that are too long to store.
        """
        encoded = encode_answers(answers)
        version = check_label("content_version", content_version)
        kiosk = check_label("kiosk_id", kiosk_id)
        code = check_language(language)
        created_at = format_time(self._clock())

        def insert(conn: sqlite3.Connection) -> int:
            with immediate(conn):
                cursor = conn.execute(
                    "INSERT INTO requests"
                    " (created_at, status, answers, content_version, kiosk_id, uuid, language)"
                    " VALUES (?, 'new', ?, ?, ?, ?, ?)",
                    (created_at, encoded, version, kiosk, str(uuid.uuid4()), code),
                )
            if cursor.lastrowid is None:  # pragma: no cover - an INSERT always sets it
                raise StoreError("other", f"no id for a saved request: {self.path}", "no rowid")
            return cursor.lastrowid

        request_id = self._run("save", insert)
        _log.info("request store: saved request %d", request_id)
        return request_id

    def get(self, request_id: int) -> StoredRequest | None:
        """The request with this id, or None if there is none."""

        def select(conn: sqlite3.Connection) -> StoredRequest | None:
            row = conn.execute(
                f"SELECT {REQUEST_COLUMNS} FROM requests WHERE id = ?", (int(request_id),)
            ).fetchone()
            return None if row is None else self._request_or_stand_in(row)

        return self._run("get", select)

    def newest_first(
        self,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
        since: datetime | None = None,
    ) -> list[StoredRequest]:
        """Up to ``limit`` requests (with this status, received at or after ``since``, if
        given), newest first. A row that cannot be read is there as a stand-in with
        ``damaged=True`` (and only its id), so it is neither hidden nor hides the others."""
        where, params = filter_clause(status, since)
        check_page(limit, offset)

        def select(conn: sqlite3.Connection) -> list[StoredRequest]:
            rows = conn.execute(
                f"SELECT {REQUEST_COLUMNS} FROM requests{where}"
                " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (*params, int(limit), int(offset)),
            ).fetchall()
            return [self._request_or_stand_in(row) for row in rows]

        return self._run("list", select)

    def count(self, status: str | None = None, since: datetime | None = None) -> int:
        """How many requests there are (with this status, received at or after ``since``)."""
        where, params = filter_clause(status, since)

        def select(conn: sqlite3.Connection) -> int:
            row = conn.execute(f"SELECT count(*) FROM requests{where}", params).fetchone()
            return int(row[0])

        return self._run("count", select)

    def iter_requests(
        self, status: str | None = None, since: datetime | None = None
    ) -> RequestStream:
        """Every request (with this status, received at or after ``since``), oldest first.

        Streams: rows are fetched a few hundred at a time from one read transaction on a
        connection of its own, so an export of 100,000 requests never holds them all in memory,
        sees one consistent snapshot, and does not stop the store from saving meanwhile. Nothing
        runs until the first item is asked for; a failure then raises :class:`SaveError`.
        Close the iterator (or exhaust it) to end the read transaction.

        The iterator is a :class:`RequestStream`: before its first item, an exporter may take
        the same requests as the rows the database holds instead
        (:meth:`RequestStream.raw_batches`).
        """
        where, params = filter_clause(status, since)
        sql = f"SELECT {REQUEST_COLUMNS} FROM requests{where} ORDER BY created_at, id"
        stream = RequestStream(
            lambda: self._stream(sql, params, stream.damaged),
            lambda saved_order: self._raw_batches(*raw_query(status, since, saved_order)),
            self._decode,
        )
        return stream

    def _raw_batches(
        self, sql: str, params: tuple[str, ...]
    ) -> Generator[list[RawRequest], None, None]:
        """The rows of ``sql`` (:func:`read_batches`), a failure raised as a :class:`SaveError`."""
        self._run("iter_requests", lambda conn: None)  # makes and migrates the database
        try:
            yield from read_batches(self.path, self._busy_timeout_ms, sql, params)
        except (sqlite3.Error, OSError) as exc:
            raise self._fail_with("iter_requests", exc) from exc

    def _decode(self, row: RawRequest) -> StoredRequest | None:
        """A raw row as a request; None (logged by id) for a row that cannot be read."""
        try:
            return to_request(row)
        except ValueError:
            _log.error(
                "request store: request %s in %s is damaged and cannot be read; left out",
                row[0],
                self.path,
            )
            return None

    def _stream(
        self, sql: str, params: tuple[str, ...], damaged: list[int]
    ) -> Iterator[StoredRequest]:
        for rows in self._raw_batches(sql, params):
            for row in rows:
                request = self._decode(row)
                if request is None:
                    damaged.append(int(row[0]))
                else:
                    yield request

    def _request_or_stand_in(self, row: tuple[object, ...]) -> StoredRequest:
        try:
            return to_request(row)
        except ValueError:
            request_id = row[0]
            _log.error(
                "request store: request %s in %s is damaged and cannot be read",
                request_id,
                self.path,
            )
            assert isinstance(request_id, int)  # INTEGER PRIMARY KEY
            return stand_in(request_id, row[1])

    def stats(self) -> dict[str, int | str | None]:
        """``total``, ``new``, ``contacted`` (counts), ``oldest_new`` (when the longest-waiting
        new request came, ISO 8601 UTC, or None) and ``newest`` (the latest request's time)."""

        def select(conn: sqlite3.Connection) -> dict[str, int | str | None]:
            total, new, contacted, oldest_new, newest = conn.execute(
                "SELECT count(*),"
                " coalesce(sum(status = 'new'), 0),"
                " coalesce(sum(status = 'contacted'), 0),"
                " min(CASE WHEN status = 'new' THEN created_at END),"
                " max(created_at)"
                " FROM requests"
            ).fetchone()
            return {
                "total": int(total),
                "new": int(new),
                "contacted": int(contacted),
                "oldest_new": None if oldest_new is None else self._iso(oldest_new),
                "newest": None if newest is None else self._iso(newest),
            }

        return self._run("stats", select)

    def _iso(self, stored: object) -> str:
        try:
            if not isinstance(stored, str):
                raise ValueError("not text")
            return parse_time(stored).isoformat()
        except ValueError:
            raise StoreError(
                "other", f"a stored time could not be read from {self.path}", "bad time"
            ) from None

    # -- what staff change -----------------------------------------------------------------------

    def mark(self, ids: Sequence[int], status: Status, *, actor: str | None = None) -> int:
        """Give these requests ``status``, in one transaction; how many changed.

        Marking ``"contacted"`` records when (the retention clock starts then); a request that
        was already contacted keeps its first time. Marking ``"new"`` clears it. Requests that
        already had the status are left as they were and not counted. Raises
        :class:`UnknownRequest`, changing nothing, if any id is not in the store. With
        ``actor``, an audit row (``"mark"``, the count, the status) is written in the same
        transaction.
        """
        check_marked(status)
        changed = self._change(
            "mark",
            ids,
            actor,
            "UPDATE requests SET status = ?,"
            " contacted_at = CASE WHEN ? = 'new' THEN NULL ELSE ? END"
            " WHERE status != ? AND id IN ({})",
            lambda now: (status, status, now, status),
            status,
        )
        _log.info("request store: marked %d requests %s", changed, status)
        return changed

    def delete(self, ids: Sequence[int], *, actor: str | None = None) -> int:
        """Delete these requests in one transaction; how many were deleted.

        Raises :class:`UnknownRequest`, deleting nothing, if any id is not in the store. With
        ``actor``, an audit row (``"delete"``, the count) is written in the same transaction.
        """
        deleted = self._change(
            "delete", ids, actor, "DELETE FROM requests WHERE id IN ({})", lambda now: (), ""
        )
        _log.info("request store: deleted %d requests", deleted)
        self._wipe_wal("delete")
        return deleted

    def _change(
        self,
        event: AuditEvent,
        ids: Sequence[int],
        actor: str | None,
        statement: str,
        params: Callable[[str], tuple[str, ...]],
        detail: str,
    ) -> int:
        """Run ``statement`` (whose ``{}`` becomes the placeholders of a batch of ids, after
        ``params(now)``) over every id, in one ``BEGIN IMMEDIATE`` transaction once every id
        is known to exist; how many rows changed. :class:`UnknownRequest` (rolled back,
        nothing changed) if any is not. With ``actor``, the audit row goes in the same
        transaction."""
        wanted = check_ids(ids)
        audit_actor = None if actor is None else check_label("actor", actor)
        now = format_time(self._clock())
        before = params(now)

        def run(conn: sqlite3.Connection) -> int:
            with immediate(conn):
                found: set[int] = set()
                for batch in batches(wanted):
                    rows = conn.execute(
                        f"SELECT id FROM requests WHERE id IN ({placeholders(batch)})", batch
                    )
                    found.update(int(row[0]) for row in rows)
                missing = [i for i in wanted if i not in found]
                if missing:
                    raise UnknownRequest(missing)
                changed = 0
                for batch in batches(wanted):
                    sql = statement.format(placeholders(batch))
                    changed += conn.execute(sql, (*before, *batch)).rowcount
                if audit_actor is not None:
                    insert_audit(conn, now, event, audit_actor, changed, detail)
            return changed

        return self._run(event, run)

    # -- forwarding to an inbox (several kiosks) -----------------------------------------------

    def unsent(self, limit: int = 100) -> list[OutgoingRequest]:
        """Up to ``limit`` requests not yet confirmed stored in the inbox, in the order saved."""
        if limit < 1:
            raise ValueError("limit must be at least 1")

        def select(conn: sqlite3.Connection) -> list[OutgoingRequest]:
            rows = conn.execute(
                "SELECT id, uuid, created_at, answers, content_version, kiosk_id, language"
                " FROM requests WHERE forwarded_at IS NULL ORDER BY id LIMIT ?",
                (int(limit),),
            ).fetchall()
            return [OutgoingRequest(*row) for row in rows]

        return self._run("unsent", select)

    def unsent_count(self) -> int:
        """How many requests wait to be sent to the inbox."""

        def select(conn: sqlite3.Connection) -> int:
            row = conn.execute("SELECT count(*) FROM requests WHERE forwarded_at IS NULL")
            return int(row.fetchone()[0])

        return self._run("unsent_count", select)

    def confirm_forwarded(self, ids: Sequence[int]) -> int:
        """These requests are stored in the inbox: erase their answers here (id, UUID and times
        stay for the record) and note when; how many were erased.

        The erased text is overwritten in the file (``secure_delete``) and the ``-wal`` is
        checkpointed and truncated, so a stolen kiosk holds no visitor data.
        """
        wanted = check_ids(ids)
        now = format_time(self._clock())

        def erase(conn: sqlite3.Connection) -> int:
            erased = 0
            with immediate(conn):
                for batch in batches(wanted):
                    erased += conn.execute(
                        "UPDATE requests SET answers = '{}', forwarded_at = ?"
                        f" WHERE forwarded_at IS NULL AND id IN ({placeholders(batch)})",
                        (now, *batch),
                    ).rowcount
            return int(erased)

        erased = self._run("confirm_forwarded", erase)
        _log.info("request store: %d requests stored in the inbox, erased here", erased)
        if erased:
            self._wipe_wal("confirm_forwarded")
        return erased
