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

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from
each version to the next, applied in order inside one transaction.

Every connection sets ``PRAGMA secure_delete = ON``: SQLite then overwrites deleted rows with
zeros. And every delete, purge and retention clean-up that removed a request ends with
``PRAGMA wal_checkpoint(TRUNCATE)``: the zeroed pages go into the main file and the ``-wal``
(which still holds the pages as they were when the request was saved) is cut to nothing, even
while the kiosk holds the database open in another process. So a deleted request's answers are
left in none of the database's files.

What staff do (log in, export, mark, delete, purge) is kept in the ``audit`` table: who, when,
how many, and a short detail such as a file path, never an answer.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import os
import re
import sqlite3
import stat
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar

_log = logging.getLogger(__name__)

SaveErrorKind = Literal["disk_full", "read_only", "locked", "corrupt", "other"]
Status = Literal["new", "contacted"]
STATUSES: tuple[Status, ...] = ("new", "contacted")

AuditEvent = Literal[
    "login", "failed_pin", "locked", "export", "mark", "delete", "purge", "retention"
]
AUDIT_EVENTS: tuple[AuditEvent, ...] = (
    "login", "failed_pin", "locked", "export", "mark", "delete", "purge", "retention"
)  # fmt: skip
MAX_AUDIT_DETAIL_CHARS = 500
"""The most characters of an audit row's ``detail`` (also a CHECK in the table)."""
RETENTION_ACTOR = "kiosk"
"""The actor of the audit rows :meth:`RequestStore.apply_retention` writes."""

_BATCH_ROWS = 500
"""Rows fetched at a time by :meth:`RequestStore.iter_requests`, and ids per statement."""

MAX_ANSWERS_CHARS = 20_000
"""The most characters the answers may take once encoded as JSON (also a CHECK in the table)."""
MAX_LABEL_CHARS = 200
"""The most characters of ``content_version`` and of ``kiosk_id`` (also CHECKs in the table)."""
MAX_LANGUAGE_CHARS = 35
"""The most characters of a request's language code (also a CHECK in the table)."""

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
"""An answer's key: a form field key (letters, digits and _, at most 64 characters)."""

_FILE_SUFFIXES = ("-wal", "-shm", "")
"""SQLite's files for one database, in the order they are moved aside (the database last, so a
crash half-way never leaves an old ``-wal`` beside a new database)."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""

_LOW_SPACE_BYTES = 1 << 20
"""After an I/O error, less free space than this (or a file-size limit this close) means the
disk is full: SQLite says SQLITE_FULL only for ENOSPC, and a plain I/O error for EFBIG."""

# SQLite's primary result codes (an extended code keeps its primary one in its low byte).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_T = TypeVar("_T")

_LENIENT_TEXT = functools.partial(str, encoding="utf-8", errors="surrogateescape")
"""Reads text that is not valid UTF-8 (a damaged row) without failing the whole query: the bad
bytes become lone surrogates, which :meth:`RequestStore._to_request` then refuses for that row
alone. (Twice as slow as plain ``str``, so a streaming read switches to it only when needed.)"""


class SaveError(Exception):
    """A request could not be saved (or the store could not be read).

    ``kind`` is one of ``"disk_full"``, ``"read_only"``, ``"locked"``, ``"corrupt"``,
    ``"other"``. ``str(error)`` is a short description for staff that names what failed and
    where, and never contains a visitor's answers.
    """

    def __init__(self, kind: SaveErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: SaveErrorKind = kind


class UnknownRequest(LookupError):  # noqa: N818 - the name says what is missing
    """Some of the ids given are not in the store (and nothing was changed).

    ``ids`` are the missing ones, sorted; ``str(error)`` is ``"no request with id 7, 9"``.
    """

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids: tuple[int, ...] = tuple(sorted(set(ids)))
        super().__init__("no request with id " + ", ".join(str(i) for i in self.ids))


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log: what staff (or the kiosk itself) did, never with an answer."""

    id: int
    at: datetime
    """When, timezone-aware UTC."""
    event: str
    """One of :data:`AUDIT_EVENTS`."""
    actor: str
    """Who: ``"staff"``, ``"cli"``, ``"kiosk"``..."""
    count: int
    """How many requests it concerned (0 when that means nothing)."""
    detail: str
    """A file path, a status or the like; never a visitor's answer."""


@dataclass(frozen=True)
class SetAside:
    """A damaged database (or a -wal found without its database) moved aside: it may still
    hold visitors' answers, so retention removes it too, ``retention_days`` after it was moved."""

    name: str
    """``requests.db.corrupt-20261127T141502Z`` (its -wal and -shm, if any, go with it)."""
    moved_at: datetime
    """When it was moved aside, timezone-aware UTC (from its name)."""
    paths: tuple[Path, ...]
    """Its files on disk."""


_SET_ASIDE = re.compile(r"requests\.db\.(corrupt|orphaned)-(\d{8}T\d{6}Z)(\.\d{1,6})?(-wal|-shm)?")


@dataclass(frozen=True)
class StoredRequest:
    """One saved request, exactly as it was stored."""

    id: int
    created_at: datetime
    """When it was saved, timezone-aware UTC."""
    status: str
    """``"new"`` or ``"contacted"``."""
    answers: dict[str, str | bool]
    """Form field key -> answer, as saved."""
    content_version: str
    kiosk_id: str
    contacted_at: datetime | None = None
    """When it was marked contacted (timezone-aware UTC), None while it is new."""
    language: str = ""
    """The language the visitor used ("en", "es"...); "" for requests saved before the kiosk
    recorded it."""
    damaged: bool = False
    """The row cannot be read (its answers or times are not what was saved): only ``id`` is
    real; :meth:`RequestStore.newest_first` gives such a stand-in so staff see it is there."""


@dataclass(frozen=True)
class OutgoingRequest:
    """A request waiting to be sent to the inbox, as the local database holds it."""

    id: int
    uuid: str
    created_at: str
    """ISO 8601 UTC, as stored."""
    answers: str
    """The answers' JSON, as stored."""
    content_version: str
    kiosk_id: str
    language: str = ""


RawRequest = tuple[int, str, str, str, str, str, str | None, str]
"""A request as its row holds it: ``id, created_at, status, answers, content_version, kiosk_id,
contacted_at, language``, the times and the answers' JSON still text. (A damaged file can hold other
types; :meth:`RequestStream.decode` refuses such a row.)"""


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
        """The requests as raw rows (:data:`RawRequest`), in lists of up to :data:`_BATCH_ROWS`.

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


# ---------------------------------------------------------------------------------------------
# Schema


def _create_requests_table(conn: sqlite3.Connection) -> None:
    """Version 1: the requests table and the index the staff screen lists by.

    A shipped migration never changes (its limits are written out, not taken from the
    constants); a later version that needs other limits adds a step.
    """
    conn.execute(
        """
        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('new', 'contacted')),
            answers TEXT NOT NULL CHECK (length(answers) <= 20000),
            content_version TEXT NOT NULL CHECK (length(content_version) <= 200),
            kiosk_id TEXT NOT NULL CHECK (length(kiosk_id) <= 200)
        )
        """
    )
    conn.execute("CREATE INDEX requests_status_created ON requests (status, created_at)")


def _add_contacted_at_and_audit(conn: sqlite3.Connection) -> None:
    """Version 2: when each request was marked contacted, and the audit log.

    Requests already contacted before this version get their ``created_at`` as the time they
    were contacted (the earliest it can have been), so retention applies to them too.
    """
    conn.execute("ALTER TABLE requests ADD COLUMN contacted_at TEXT")
    conn.execute("UPDATE requests SET contacted_at = created_at WHERE status = 'contacted'")
    conn.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            event TEXT NOT NULL CHECK (event IN (
                'login', 'failed_pin', 'locked', 'export', 'mark', 'delete', 'purge', 'retention'
            )),
            actor TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            detail TEXT NOT NULL DEFAULT '' CHECK (length(detail) <= 500)
        )
        """
    )


def _add_uuid_and_forwarded_at(conn: sqlite3.Connection) -> None:
    """Version 3: a UUID for every request (made when it is saved, so that the inbox stores a
    request sent twice only once) and when it was confirmed stored in the inbox.

    Requests saved before this version get a UUID now; none has been forwarded yet.
    """
    conn.execute("ALTER TABLE requests ADD COLUMN uuid TEXT")
    conn.execute("ALTER TABLE requests ADD COLUMN forwarded_at TEXT")
    ids = [int(row[0]) for row in conn.execute("SELECT id FROM requests").fetchall()]
    conn.executemany(
        "UPDATE requests SET uuid = ? WHERE id = ?", [(str(uuid.uuid4()), i) for i in ids]
    )
    conn.execute("CREATE UNIQUE INDEX requests_uuid ON requests (uuid)")
    conn.execute("CREATE INDEX requests_unsent ON requests (id) WHERE forwarded_at IS NULL")


def _add_language(conn: sqlite3.Connection) -> None:
    """Version 4: the language the visitor used (a code like "es"), so staff know how to call
    back. Requests saved before this version have "" (not recorded)."""
    conn.execute(
        "ALTER TABLE requests ADD COLUMN language TEXT NOT NULL DEFAULT ''"
        " CHECK (length(language) <= 35)"
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_requests_table,
    _add_contacted_at_and_audit,
    _add_uuid_and_forwarded_at,
    _add_language,
)
"""``MIGRATIONS[n]`` takes the schema from version ``n`` to ``n + 1``. Only ever append."""

SCHEMA_VERSION = len(MIGRATIONS)


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


class _NewerSchemaError(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema of ``conn`` (autocommit mode) up to :data:`SCHEMA_VERSION`.

    All the steps needed run in one ``BEGIN IMMEDIATE`` transaction, so a database is always at
    one known version. Returns the version found before migrating. Raises
    :class:`_NewerSchemaError` (touching nothing) for a version newer than this code knows.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _user_version(conn)
        if found > SCHEMA_VERSION:
            raise _NewerSchemaError(found)
        for step in MIGRATIONS[found:]:
            step(conn)
        if found != SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        _rollback_quietly(conn)
        raise
    return found


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        _log.warning("request store: rollback failed (%s)", _error_name(exc))


# ---------------------------------------------------------------------------------------------
# Checking what is saved


def _check_label(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a str, got {type(value).__name__}")
    if len(value) > MAX_LABEL_CHARS:
        raise ValueError(f"{name} is {len(value)} characters long; at most {MAX_LABEL_CHARS}")
    _check_unicode(value, name)
    return value


def _check_unicode(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid Unicode text (lone surrogates)") from None


def _encode_answers(answers: Mapping[str, str | bool]) -> str:
    """The answers as compact JSON, or ValueError (whose message holds no answer)."""
    if not isinstance(answers, Mapping):
        raise ValueError(f"answers must be a mapping, got {type(answers).__name__}")
    for key, value in answers.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(
                "every answer key must be a form field key "
                "(letters, digits and _, at most 64 characters)"
            )
        if not isinstance(value, str | bool):
            raise ValueError(f"answer {key!r} must be a str or a bool, got {type(value).__name__}")
        if isinstance(value, str):
            _check_unicode(value, f"answer {key!r}")
    text = json.dumps(dict(answers), ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_ANSWERS_CHARS:
        raise ValueError(
            f"the answers take {len(text)} characters once encoded; at most {MAX_ANSWERS_CHARS}"
        )
    return text


def _decode_answers(text: str) -> dict[str, str | bool]:
    value = json.loads(text)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | bool) for k, v in value.items()
    ):
        raise ValueError("the stored answers are not a mapping of str to str or bool")
    return value


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the store's clock must return timezone-aware datetimes")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a stored time has no timezone")
    return moment.astimezone(UTC)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _check_ids(ids: Sequence[int]) -> list[int]:
    """The distinct ids, in the order given; ValueError for anything but ints."""
    if isinstance(ids, str | bytes) or not isinstance(ids, Sequence):
        raise ValueError(f"ids must be a sequence of ints, got {type(ids).__name__}")
    distinct: dict[int, None] = {}
    for request_id in ids:
        if isinstance(request_id, bool) or not isinstance(request_id, int):
            raise ValueError(f"every id must be an int, got {type(request_id).__name__}")
        distinct[request_id] = None
    return list(distinct)


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _BATCH_ROWS):
        yield ids[start : start + _BATCH_ROWS]


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _older_than(days: float) -> str:
    return f"older than {days:g} {'day' if days == 1 else 'days'}"


def _check_days(days: float) -> float:
    if isinstance(days, bool) or not isinstance(days, int | float):
        raise ValueError(f"days must be a number, got {type(days).__name__}")
    if not 0 <= days <= 1_000_000:  # also refuses NaN
        raise ValueError(f"days must be 0 to 1000000, got {days!r}")
    return float(days)


# ---------------------------------------------------------------------------------------------
# Telling failures apart


def _error_name(exc: BaseException) -> str:
    if isinstance(exc, _StoreError):
        return exc.reason
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None)
        return str(name) if name else type(exc).__name__
    if isinstance(exc, OSError) and exc.errno is not None:
        return os.strerror(exc.errno)
    return type(exc).__name__


class _StoreError(Exception):
    """Raised inside the store; becomes a :class:`SaveError` with this kind and message."""

    def __init__(self, kind: SaveErrorKind, message: str, reason: str) -> None:
        super().__init__(message)
        self.kind: SaveErrorKind = kind
        self.reason = reason
        """A few words for the log (no visitor data)."""


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


class RequestStore:
    """Visitors' contact requests in ``<data_dir>/requests.db``.

    Nothing touches the disk until the first call; then the folder and the database are made
    (``0700`` / ``0600``), the schema is checked (``PRAGMA integrity_check``) and migrated, and
    one connection is kept open for every later call, from the thread that made it. Every
    method raises :class:`SaveError` when the disk or the database fails, and ``ValueError``
    when called with something that can never be stored (a programming error).
    """

    DB_NAME = "requests.db"

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Callable[[], datetime] = _utc_now,
        busy_timeout_ms: int = 1000,
    ) -> None:
        if busy_timeout_ms < 0:
            raise ValueError("busy_timeout_ms must not be negative")
        self._dir = Path(data_dir)
        self._clock = clock
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._conn: sqlite3.Connection | None = None

    @property
    def path(self) -> Path:
        """The database file."""
        return self._dir / self.DB_NAME

    # -- the public operations -----------------------------------------------------------------

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
        encoded = _encode_answers(answers)
        version = _check_label("content_version", content_version)
        kiosk = _check_label("kiosk_id", kiosk_id)
        if not isinstance(language, str) or len(language) > MAX_LANGUAGE_CHARS:
            raise ValueError(f"language must be a code of at most {MAX_LANGUAGE_CHARS} characters")
        _check_unicode(language, "language")
        created_at = _format_time(self._clock())

        def insert(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = conn.execute(
                    "INSERT INTO requests"
                    " (created_at, status, answers, content_version, kiosk_id, uuid, language)"
                    " VALUES (?, 'new', ?, ?, ?, ?, ?)",
                    (created_at, encoded, version, kiosk, str(uuid.uuid4()), language),
                )
                conn.execute("COMMIT")
            except BaseException:
                _rollback_quietly(conn)
                raise
            if cursor.lastrowid is None:  # pragma: no cover - an INSERT always sets it
                raise _StoreError("other", f"no id for a saved request: {self.path}", "no rowid")
            return cursor.lastrowid

        request_id = self._run("save", insert)
        _log.info("request store: saved request %d", request_id)
        return request_id

    def get(self, request_id: int) -> StoredRequest | None:
        """The request with this id, or None if there is none."""

        def select(conn: sqlite3.Connection) -> StoredRequest | None:
            row = conn.execute(
                f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE id = ?", (int(request_id),)
            ).fetchone()
            return None if row is None else self._to_request_or_stand_in(row)

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
        where, params = _filter(status, since)
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")

        def select(conn: sqlite3.Connection) -> list[StoredRequest]:
            rows = conn.execute(
                f"SELECT {_REQUEST_COLUMNS} FROM requests{where}"
                " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (*params, int(limit), int(offset)),
            ).fetchall()
            return [self._to_request_or_stand_in(row) for row in rows]

        return self._run("list", select)

    def count(self, status: str | None = None, since: datetime | None = None) -> int:
        """How many requests there are (with this status, received at or after ``since``)."""
        where, params = _filter(status, since)

        def select(conn: sqlite3.Connection) -> int:
            row = conn.execute(f"SELECT count(*) FROM requests{where}", params).fetchone()
            return int(row[0])

        return self._run("count", select)

    def iter_requests(
        self, status: str | None = None, since: datetime | None = None
    ) -> RequestStream:
        """Every request (with this status, received at or after ``since``), oldest first.

        Streams: rows are fetched :data:`_BATCH_ROWS` at a time from one read transaction on a
        connection of its own, so an export of 100,000 requests never holds them all in memory,
        sees one consistent snapshot, and does not stop the store from saving meanwhile. Nothing
        runs until the first item is asked for; a failure then raises :class:`SaveError`.
        Close the iterator (or exhaust it) to end the read transaction.

        The iterator is a :class:`RequestStream`: before its first item, an exporter may take
        the same requests as the rows the database holds instead
        (:meth:`RequestStream.raw_batches`).
        """
        where, params = _filter(status, since)
        sql = f"SELECT {_REQUEST_COLUMNS} FROM requests{where} ORDER BY created_at, id"
        stream = RequestStream(
            lambda: self._stream(sql, params, stream.damaged),
            lambda saved_order: self._raw_batches(*_raw_query(status, since, saved_order)),
            self._decode,
        )
        return stream

    def _raw_batches(
        self, sql: str, params: tuple[str, ...]
    ) -> Generator[list[RawRequest], None, None]:
        """The rows of ``sql``, :data:`_BATCH_ROWS` at a time, in one read transaction on a
        connection of its own.

        A row whose text is not valid UTF-8 (a damaged file) would make SQLite's reader fail
        the whole query; then the query is read again in the same snapshot with
        :data:`_LENIENT_TEXT`, past the rows already given, so only that row is damaged.
        """
        self._run("iter_requests", lambda conn: None)  # makes and migrates the database
        try:
            reader = self._sqlite_connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                reader.execute("BEGIN")
                given = 0
                cursor = reader.execute(sql, params)
                while True:
                    try:
                        rows = cursor.fetchmany(_BATCH_ROWS)
                    except sqlite3.OperationalError:
                        if reader.text_factory is _LENIENT_TEXT:
                            raise
                        reader.text_factory = _LENIENT_TEXT
                        cursor = reader.execute(f"{sql} LIMIT -1 OFFSET ?", (*params, given))
                        continue
                    if not rows:
                        break
                    given += len(rows)
                    yield rows
            finally:
                with contextlib.suppress(sqlite3.Error):
                    reader.close()  # ends the read transaction
        except (sqlite3.Error, OSError) as exc:
            kind = self._classify(exc)
            raise self._fail("iter_requests", kind, self._describe(kind, exc), exc) from exc

    def _decode(self, row: RawRequest) -> StoredRequest | None:
        """A raw row as a request; None (logged by id) for a row that cannot be read."""
        try:
            return self._to_request(row)
        except _StoreError:
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

    def mark(self, ids: Sequence[int], status: Status, *, actor: str | None = None) -> int:
        """Give these requests ``status``, in one transaction; how many changed.

        Marking ``"contacted"`` records when (the retention clock starts then); a request that
        was already contacted keeps its first time. Marking ``"new"`` clears it. Requests that
        already had the status are left as they were and not counted. Raises
        :class:`UnknownRequest`, changing nothing, if any id is not in the store. With
        ``actor``, an audit row (``"mark"``, the count, the status) is written in the same
        transaction.
        """
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        wanted = _check_ids(ids)
        audit_actor = None if actor is None else _check_label("actor", actor)
        now = _format_time(self._clock())

        def update(conn: sqlite3.Connection) -> int:
            changed = 0
            for batch in _batches(wanted):
                marks = _placeholders(len(batch))
                changed += conn.execute(
                    "UPDATE requests SET status = ?,"
                    " contacted_at = CASE WHEN ? = 'new' THEN NULL ELSE ? END"
                    f" WHERE status != ? AND id IN ({marks})",
                    (status, status, now, status, *batch),
                ).rowcount
            if audit_actor is not None:
                self._insert_audit(conn, now, "mark", audit_actor, changed, status)
            return changed

        changed = self._write("mark", wanted, update)
        _log.info("request store: marked %d requests %s", changed, status)
        return changed

    def delete(self, ids: Sequence[int], *, actor: str | None = None) -> int:
        """Delete these requests in one transaction; how many were deleted.

        Raises :class:`UnknownRequest`, deleting nothing, if any id is not in the store. With
        ``actor``, an audit row (``"delete"``, the count) is written in the same transaction.
        """
        wanted = _check_ids(ids)
        audit_actor = None if actor is None else _check_label("actor", actor)
        now = _format_time(self._clock())

        def remove(conn: sqlite3.Connection) -> int:
            deleted = 0
            for batch in _batches(wanted):
                deleted += conn.execute(
                    f"DELETE FROM requests WHERE id IN ({_placeholders(len(batch))})", batch
                ).rowcount
            if audit_actor is not None:
                self._insert_audit(conn, now, "delete", audit_actor, deleted, "")
            return deleted

        deleted = self._write("delete", wanted, remove)
        _log.info("request store: deleted %d requests", deleted)
        self._wipe_wal("delete")
        return deleted

    def purge_contacted(self, older_than_days: float, *, actor: str | None = None) -> int:
        """Delete the requests marked contacted more than ``older_than_days`` days ago.

        Requests still ``"new"`` are never deleted. Returns how many were deleted. With
        ``actor``, an audit row (``"purge"``, the count, the days) is written in the same
        transaction.
        """
        days = _check_days(older_than_days)
        audit_actor = None if actor is None else _check_label("actor", actor)
        return self._purge("purge", days, audit_actor, _older_than(days))

    def apply_retention(self, days: int) -> int:
        """Delete requests contacted more than ``days`` days ago (content.yaml's
        ``staff.retention_days``); how many.

        When it deleted any, an audit row (``"retention"``, actor ``"kiosk"``, the count) is
        written in the same transaction. The app calls this at start and once a day.
        """
        checked = _check_days(days)
        removed = self._purge("retention", checked, RETENTION_ACTOR, _older_than(checked))
        self._remove_old_set_aside(checked)
        return removed

    def set_aside_files(self) -> list[SetAside]:
        """The damaged databases moved aside in the data folder, oldest first."""
        found: dict[str, list[Path]] = {}
        moved: dict[str, datetime] = {}
        try:
            names = sorted(os.listdir(self._dir))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise self._fail("set_aside_files", "other", self._describe("other", exc), exc) from exc
        for name in names:
            match = _SET_ASIDE.fullmatch(name)
            if match is None:
                continue
            stem = name.removesuffix(match.group(4) or "")
            found.setdefault(stem, []).append(self._dir / name)
            moved[stem] = datetime.strptime(match.group(2), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return sorted(
            (SetAside(stem, moved[stem], tuple(paths)) for stem, paths in found.items()),
            key=lambda aside: (aside.moved_at, aside.name),
        )

    def _remove_old_set_aside(self, days: float) -> None:
        """Retention for moved-aside databases: each goes ``days`` after it was moved aside,
        once the audit log says so (no audit row, no removal)."""
        try:
            cutoff = self._clock() - timedelta(days=days)
        except OverflowError:
            return
        for aside in self.set_aside_files():
            if aside.moved_at >= cutoff:
                continue
            self.audit("retention", RETENTION_ACTOR, 0, f"removed {aside.name}")
            for path in aside.paths:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    raise self._fail(
                        "retention", _classify_os_error(exc), f"could not remove {path}", exc
                    ) from exc
            _log.info("request store: retention removed the set-aside database %s", aside.name)

    def count_purgeable(self, older_than_days: float) -> int:
        """How many requests :meth:`purge_contacted` would delete now."""
        cutoff = self._cutoff(self._clock(), _check_days(older_than_days))

        def select(conn: sqlite3.Connection) -> int:
            row = conn.execute(
                "SELECT count(*) FROM requests WHERE status = 'contacted'"
                " AND contacted_at IS NOT NULL AND contacted_at < ?",
                (cutoff,),
            ).fetchone()
            return int(row[0])

        return self._run("count", select)

    @staticmethod
    def _cutoff(now: datetime, days: float) -> str:
        try:
            return _format_time(now - timedelta(days=days))
        except OverflowError:
            return "0000"  # before every stored time: nothing is that old

    def _purge(self, event: AuditEvent, days: float, actor: str | None, detail: str) -> int:
        now = self._clock()
        stamp = _format_time(now)
        cutoff = self._cutoff(now, days)
        always = event == "purge"

        def remove(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                deleted = conn.execute(
                    "DELETE FROM requests WHERE status = 'contacted'"
                    " AND contacted_at IS NOT NULL AND contacted_at < ?",
                    (cutoff,),
                ).rowcount
                if actor is not None and (deleted or always):
                    self._insert_audit(conn, stamp, event, actor, deleted, detail)
                conn.execute("COMMIT")
            except BaseException:
                _rollback_quietly(conn)
                raise
            return int(deleted)

        deleted = self._run(event, remove)
        if deleted:
            _log.info("request store: %s deleted %d contacted requests", event, deleted)
            self._wipe_wal(event)
        return deleted

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

    def audit(self, event: str, actor: str, count: int = 0, detail: str = "") -> None:
        """Add a row to the audit log, in its own transaction.

        ``event`` is one of :data:`AUDIT_EVENTS`; ``detail`` (at most
        :data:`MAX_AUDIT_DETAIL_CHARS` characters) is something like a file path or a status,
        and must never hold a visitor's answer.
        """
        checked_event = _check_event(event)
        checked_actor = _check_label("actor", actor)
        checked_detail = _check_detail(detail)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"count must be an int of 0 or more, got {count!r}")
        now = _format_time(self._clock())

        def insert(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._insert_audit(conn, now, checked_event, checked_actor, count, checked_detail)
                conn.execute("COMMIT")
            except BaseException:
                _rollback_quietly(conn)
                raise

        self._run("audit", insert)

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The latest ``limit`` audit rows, newest first."""
        if limit < 0:
            raise ValueError("limit must not be negative")

        def select(conn: sqlite3.Connection) -> list[AuditEntry]:
            rows = conn.execute(
                "SELECT id, at, event, actor, count, detail FROM audit ORDER BY id DESC LIMIT ?",
                (int(limit),),
            ).fetchall()
            return [self._to_audit(row) for row in rows]

        return self._run("audit_log", select)

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        self._drop_connection()

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
        wanted = _check_ids(ids)
        now = _format_time(self._clock())

        def erase(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                erased = 0
                for batch in _batches(wanted):
                    erased += conn.execute(
                        "UPDATE requests SET answers = '{}', forwarded_at = ?"
                        f" WHERE forwarded_at IS NULL AND id IN ({_placeholders(len(batch))})",
                        (now, *batch),
                    ).rowcount
                conn.execute("COMMIT")
            except BaseException:
                _rollback_quietly(conn)
                raise
            return int(erased)

        erased = self._run("confirm_forwarded", erase)
        _log.info("request store: %d requests stored in the inbox, erased here", erased)
        if erased:
            self._wipe_wal("confirm_forwarded")
        return erased

    # -- writing ---------------------------------------------------------------------------------

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

    def _write(
        self,
        action: str,
        ids: list[int],
        change: Callable[[sqlite3.Connection], int],
    ) -> int:
        """Run ``change`` in one ``BEGIN IMMEDIATE`` transaction once every id is known to
        exist; :class:`UnknownRequest` (rolled back, nothing changed) if any is not."""

        def run(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                found: set[int] = set()
                for batch in _batches(ids):
                    rows = conn.execute(
                        f"SELECT id FROM requests WHERE id IN ({_placeholders(len(batch))})",
                        batch,
                    )
                    found.update(int(row[0]) for row in rows)
                missing = [i for i in ids if i not in found]
                if missing:
                    raise UnknownRequest(missing)
                result = change(conn)
                conn.execute("COMMIT")
            except BaseException:
                _rollback_quietly(conn)
                raise
            return result

        return self._run(action, run)

    @staticmethod
    def _insert_audit(
        conn: sqlite3.Connection, at: str, event: str, actor: str, count: int, detail: str
    ) -> None:
        conn.execute(
            "INSERT INTO audit (at, event, actor, count, detail) VALUES (?, ?, ?, ?, ?)",
            (at, event, actor, int(count), detail),
        )

    def _iso(self, stored: object) -> str:
        try:
            if not isinstance(stored, str):
                raise ValueError("not text")
            return _parse_time(stored).isoformat()
        except ValueError:
            raise _StoreError(
                "other", f"a stored time could not be read from {self.path}", "bad time"
            ) from None

    # -- running an operation, and failing well ------------------------------------------------

    def _run(self, action: str, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            return operation(self._connect())
        except _StoreError as failure:
            raise self._fail(action, failure.kind, str(failure), failure) from None
        except (sqlite3.Error, OSError) as exc:
            kind = self._classify(exc)
            raise self._fail(action, kind, self._describe(kind, exc), exc) from exc

    def _fail(
        self, action: str, kind: SaveErrorKind, message: str, cause: BaseException
    ) -> SaveError:
        _log.error(
            "request store: %s failed: %s (%s) at %s", action, kind, _error_name(cause), self.path
        )
        if kind == "corrupt":
            message = self._set_aside_damaged_file()
        elif kind in ("other", "read_only"):
            # Reopen next time: the file may be fixed (or replaced) by then.
            self._drop_connection()
        return SaveError(kind, message)

    def _classify(self, exc: sqlite3.Error | OSError) -> SaveErrorKind:
        if isinstance(exc, OSError):
            return _classify_os_error(exc)
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            return "other"
        primary = int(code) & 0xFF
        if primary == _SQLITE_FULL:
            return "disk_full"
        if primary in (_SQLITE_READONLY, _SQLITE_PERM):
            return "read_only"
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "locked"
        if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return "corrupt"
        if primary == _SQLITE_IOERR and self._out_of_space():
            return "disk_full"
        if primary == _SQLITE_CANTOPEN and self._not_writable():
            return "read_only"
        return "other"

    def _describe(self, kind: SaveErrorKind, exc: BaseException) -> str:
        if kind == "disk_full":
            return f"the disk is full: could not write to {self._dir}"
        if kind == "read_only":
            if not self.path.exists() and not os.access(self._dir, os.W_OK):
                return f"the data folder is not writable: {self._dir}"
            return f"the database file is read-only: {self.path}"
        if kind == "locked":
            return (
                "the database is in use by another program "
                f"(still locked after {self._busy_timeout_ms} ms): {self.path}"
            )
        if kind == "corrupt":
            return f"the database file is damaged: {self.path}"
        return f"the database could not be used ({_error_name(exc)}): {self.path}"

    def _out_of_space(self) -> bool:
        """After an I/O error: is the disk (nearly) full, or a file at the file-size limit?"""
        try:
            stats = os.statvfs(self._dir)
        except OSError:
            return False
        if stats.f_bavail * stats.f_frsize < _LOW_SPACE_BYTES:
            return True
        try:
            import resource  # Unix only, like the kiosk
        except ImportError:  # pragma: no cover
            return False
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft == resource.RLIM_INFINITY:
            return False
        for suffix in _FILE_SUFFIXES:
            with contextlib.suppress(OSError):
                if os.stat(f"{self.path}{suffix}").st_size + _LOW_SPACE_BYTES >= soft:
                    return True
        return False

    def _not_writable(self) -> bool:
        if self.path.exists():
            return not os.access(self.path, os.R_OK | os.W_OK)
        return not os.access(self._dir, os.W_OK | os.X_OK)

    def _set_aside_damaged_file(self) -> str:
        """Close, move the damaged database and its -wal/-shm aside; the staff message."""
        self._drop_connection()
        try:
            target = self._move_aside("corrupt")
        except OSError as exc:
            _log.error(
                "request store: could not move the damaged database %s aside (%s)",
                self.path,
                _error_name(exc),
            )
            return (
                f"the database file is damaged and could not be moved aside "
                f"({_error_name(exc)}): {self.path}"
            )
        _log.error("request store: moved the damaged database aside to %s", target)
        return (
            f"the database file was damaged; it was moved aside to {target} "
            "and a new one will be started"
        )

    def _move_aside(self, label: str) -> Path:
        """Rename the database's files to ``requests.db.<label>-<UTC time>[.n]``; that path.

        Never overwrites: a name any of whose files exists gets the next ``.n``.
        """
        now = self._clock().astimezone(UTC)
        base = f"{self.DB_NAME}.{label}-{now:%Y%m%dT%H%M%SZ}"
        name, n = base, 0
        while any((self._dir / f"{name}{s}").exists() for s in _FILE_SUFFIXES):
            n += 1
            name = f"{base}.{n}"
        target = self._dir / name
        for suffix in _FILE_SUFFIXES:
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.rename(source, f"{target}{suffix}")
        return target

    def _set_aside_orphaned_wal(self) -> None:
        """A -wal without its database: SQLite would delete it; keep it for whoever looks."""
        wal = Path(f"{self.path}-wal")
        if self.path.exists() or not wal.exists() or wal.stat().st_size == 0:
            return
        target = self._move_aside("orphaned")
        _log.warning(
            "request store: %s had a -wal but no database; moved it aside to %s-wal",
            self.path,
            target,
        )

    # -- the connection ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.close()
        except sqlite3.Error as exc:
            _log.warning("request store: closing the database failed (%s)", _error_name(exc))

    def _open(self) -> sqlite3.Connection:
        with _umask(0o077):
            if not self._dir.is_dir():
                self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(self._dir, 0o700)
            self._refuse_links()
            if self.path.exists():
                self._inspect()
            else:
                self._set_aside_orphaned_wal()
            conn = self._sqlite_connect(str(self.path), uri=False)
            conn.text_factory = _LENIENT_TEXT  # its reads are a page at a time: see list()
            try:
                self._prepare(conn)
            except BaseException:
                conn.close()
                raise
        self._restrict_file_modes()
        return conn

    def _refuse_links(self) -> None:
        """The database and its -wal and -shm are the kiosk's own files: never reached through
        a symbolic link (which could send visitors' answers, or a chmod, anywhere)."""
        for suffix in _FILE_SUFFIXES:
            path = Path(f"{self.path}{suffix}")
            if path.is_symlink():
                raise _StoreError(
                    "other",
                    f"{path} is a symbolic link (to {os.readlink(path)}); the kiosk does not "
                    "follow links for its own files: remove the link, and put the real file "
                    "there if it is the clinic's database",
                    "symlink",
                )

    def _sqlite_connect(self, database: str, *, uri: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(
            database,
            timeout=self._busy_timeout_ms / 1000,
            isolation_level=None,
            check_same_thread=True,
            uri=uri,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms:d}")
            conn.execute("PRAGMA secure_delete = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _inspect(self) -> None:
        """Check an existing database without changing it: header, schema version, integrity.

        A read-only connection does the checking: unlike a read-write one, closing it never
        checkpoints the ``-wal`` into the file or deletes it, so a file found damaged or too
        new is left exactly as it was.
        """
        with open(self.path, "rb") as file:
            header = file.read(len(_SQLITE_MAGIC))
        if header and header != _SQLITE_MAGIC:
            raise _StoreError(
                "corrupt", f"the database file is damaged: {self.path}", "not an SQLite file"
            )
        conn = self._sqlite_connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            version = _user_version(conn)  # reads the header: a damaged one fails here
            if version > SCHEMA_VERSION:
                raise self._newer(version)
            problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(5)")]
        finally:
            conn.close()
        if problems != ["ok"]:
            _log.error(
                "request store: integrity check of %s failed (%d problems listed)",
                self.path,
                len(problems),
            )
            raise _StoreError(
                "corrupt", f"the database file is damaged: {self.path}", "integrity check failed"
            )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Set up a new read-write connection: WAL, durable commits, the current schema."""
        mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        if mode != "wal":
            kind: SaveErrorKind = "read_only" if self._not_writable() else "other"
            raise _StoreError(
                kind, f"could not use a WAL journal (got {mode!r}): {self.path}", "no WAL"
            )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if _user_version(conn) != SCHEMA_VERSION:
            try:
                found = migrate(conn)
            except _NewerSchemaError as exc:
                raise self._newer(exc.version) from None
            if found != SCHEMA_VERSION:
                _log.info(
                    "request store: schema of %s migrated from version %d to %d",
                    self.path,
                    found,
                    SCHEMA_VERSION,
                )

    def _newer(self, version: int) -> _StoreError:
        return _StoreError(
            "other",
            f"the database {self.path} was made by a newer version of the kiosk "
            f"(schema version {version}; this version knows up to {SCHEMA_VERSION}); "
            "it has been left untouched",
            f"schema version {version} is newer than {SCHEMA_VERSION}",
        )

    def _restrict_file_modes(self) -> None:
        """Take group and other permissions off the database files (never adds any)."""
        for suffix in _FILE_SUFFIXES:
            path = f"{self.path}{suffix}"
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode):
                    continue  # never chmod through a link (opening refuses them anyway)
                mode = info.st_mode & 0o777
                if mode & 0o077:
                    os.chmod(path, mode & 0o700)
            except FileNotFoundError:
                continue
            except OSError as exc:
                _log.warning(
                    "request store: could not restrict the permissions of %s (%s)",
                    path,
                    _error_name(exc),
                )

    def _to_request_or_stand_in(self, row: tuple[object, ...]) -> StoredRequest:
        try:
            return self._to_request(row)
        except _StoreError:
            request_id = row[0]
            _log.error(
                "request store: request %s in %s is damaged and cannot be read",
                request_id,
                self.path,
            )
            assert isinstance(request_id, int)  # INTEGER PRIMARY KEY
            return _stand_in(request_id, row[1])

    def _to_request(self, row: tuple[object, ...]) -> StoredRequest:
        (
            request_id,
            created_at,
            status,
            answers,
            content_version,
            kiosk_id,
            contacted_at,
            language,
        ) = row
        try:
            if not (
                isinstance(request_id, int)
                and isinstance(created_at, str)
                and isinstance(status, str)
                and isinstance(answers, str)
                and isinstance(content_version, str)
                and isinstance(kiosk_id, str)
                and (contacted_at is None or isinstance(contacted_at, str))
                and isinstance(language, str)
            ):
                raise ValueError("a column holds a value of the wrong type")
            for text in (status, answers, content_version, kiosk_id, language):
                _check_unicode(text, "a column")  # read leniently from bytes that were not UTF-8
            return StoredRequest(
                id=request_id,
                created_at=_parse_time(created_at),
                status=status,
                answers=_decode_answers(answers),
                content_version=content_version,
                kiosk_id=kiosk_id,
                contacted_at=None if contacted_at is None else _parse_time(contacted_at),
                language=language,
            )
        except ValueError:
            raise _StoreError(
                "other", f"request {request_id} could not be read from {self.path}", "bad row"
            ) from None

    def _to_audit(self, row: tuple[object, ...]) -> AuditEntry:
        entry_id, at, event, actor, count, detail = row
        try:
            if not (
                isinstance(entry_id, int)
                and isinstance(at, str)
                and isinstance(event, str)
                and isinstance(actor, str)
                and isinstance(count, int)
                and isinstance(detail, str)
            ):
                raise ValueError("a column holds a value of the wrong type")
            return AuditEntry(entry_id, _parse_time(at), event, actor, count, detail)
        except ValueError:
            raise _StoreError(
                "other", f"audit row {entry_id} could not be read from {self.path}", "bad row"
            ) from None


def _stand_in(request_id: int, created_at: object) -> StoredRequest:
    """What :meth:`RequestStore.newest_first` shows for a row that cannot be read."""
    try:
        when = _parse_time(created_at) if isinstance(created_at, str) else _EPOCH
    except ValueError:
        when = _EPOCH
    return StoredRequest(request_id, when, "new", {}, "", "", None, damaged=True)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _classify_os_error(exc: OSError) -> SaveErrorKind:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "disk_full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "read_only"
    return "other"


_REQUEST_COLUMNS = (
    "id, created_at, status, answers, content_version, kiosk_id, contacted_at, language"
)
"""The columns :meth:`RequestStore._to_request` reads, in its order."""


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES} or None, got {status!r}")


def _filter(status: str | None, since: datetime | None) -> tuple[str, tuple[str, ...]]:
    """A ``WHERE`` clause (with a leading space, or empty) and its parameters."""
    _check_status(status)
    clauses: list[str] = []
    params: list[str] = []
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if since is not None:
        if not isinstance(since, datetime) or since.utcoffset() is None:
            raise ValueError("since must be a timezone-aware datetime")
        clauses.append("created_at >= ?")
        params.append(_format_time(since))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _raw_query(
    status: str | None, since: datetime | None, saved_order: bool
) -> tuple[str, tuple[str, ...]]:
    """The SELECT behind :meth:`RequestStream.raw_batches` and its parameters.

    In id order (``saved_order``), a plain scan of the table. Otherwise the same rows and order
    as ``... WHERE <filter> ORDER BY created_at, id``, but without sorting the table: each
    status is read in order from the ``(status, created_at)`` index (whose entries end with the
    id) and SQLite merges the parts. A status outside :data:`STATUSES`, which the table's CHECK
    refuses, gets a part of its own all the same, so not a row is missed.
    """
    select = f"SELECT {_REQUEST_COLUMNS} FROM requests"
    if saved_order:
        where, params = _filter(status, since)
        return f"{select}{where} ORDER BY id", params
    since_clause = "" if since is None else " AND created_at >= ?"
    since_params: tuple[str, ...] = () if since is None else (_format_time(since),)
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


def _check_event(event: str) -> AuditEvent:
    for known in AUDIT_EVENTS:
        if event == known:
            return known
    raise ValueError(f"event must be one of {AUDIT_EVENTS}, got {event!r}")


def _check_detail(detail: str) -> str:
    if not isinstance(detail, str):
        raise ValueError(f"detail must be a str, got {type(detail).__name__}")
    if len(detail) > MAX_AUDIT_DETAIL_CHARS:
        raise ValueError(
            f"detail is {len(detail)} characters long; at most {MAX_AUDIT_DETAIL_CHARS}"
        )
    _check_unicode(detail, "detail")
    return detail
