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
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TypeVar

_log = logging.getLogger(__name__)

SaveErrorKind = Literal["disk_full", "read_only", "locked", "corrupt", "other"]
Status = Literal["new", "contacted"]
STATUSES: tuple[Status, ...] = ("new", "contacted")

MAX_ANSWERS_CHARS = 20_000
"""The most characters the answers may take once encoded as JSON (also a CHECK in the table)."""
MAX_LABEL_CHARS = 200
"""The most characters of ``content_version`` and of ``kiosk_id`` (also CHECKs in the table)."""

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


class SaveError(Exception):
    """A request could not be saved (or the store could not be read).

    ``kind`` is one of ``"disk_full"``, ``"read_only"``, ``"locked"``, ``"corrupt"``,
    ``"other"``. ``str(error)`` is a short description for staff that names what failed and
    where, and never contains a visitor's answers.
    """

    def __init__(self, kind: SaveErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: SaveErrorKind = kind


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


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create_requests_table,)
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

    def save(self, answers: Mapping[str, str | bool], content_version: str, kiosk_id: str) -> int:
        """Insert one request with status ``"new"`` in its own transaction; its id after COMMIT.

        Raises :class:`SaveError` if it could not be saved (nothing of it is then stored, and
        earlier requests are left as they were), and ``ValueError`` for answers that are not a
        mapping of form field keys to str or bool, or that are too long to store.
        """
        encoded = _encode_answers(answers)
        version = _check_label("content_version", content_version)
        kiosk = _check_label("kiosk_id", kiosk_id)
        created_at = _format_time(self._clock())

        def insert(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = conn.execute(
                    "INSERT INTO requests (created_at, status, answers, content_version, kiosk_id)"
                    " VALUES (?, 'new', ?, ?, ?)",
                    (created_at, encoded, version, kiosk),
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
                "SELECT id, created_at, status, answers, content_version, kiosk_id"
                " FROM requests WHERE id = ?",
                (int(request_id),),
            ).fetchone()
            return None if row is None else self._to_request(row)

        return self._run("get", select)

    def list(
        self, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> builtins.list[StoredRequest]:
        """Up to ``limit`` requests (with this status, if given), newest first."""
        _check_status(status)
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")

        def select(conn: sqlite3.Connection) -> builtins.list[StoredRequest]:
            where, params = _status_filter(status)
            rows = conn.execute(
                "SELECT id, created_at, status, answers, content_version, kiosk_id"
                f" FROM requests{where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                (*params, int(limit), int(offset)),
            ).fetchall()
            return [self._to_request(row) for row in rows]

        return self._run("list", select)

    def count(self, status: str | None = None) -> int:
        """How many requests there are (with this status, if given)."""
        _check_status(status)

        def select(conn: sqlite3.Connection) -> int:
            where, params = _status_filter(status)
            row = conn.execute(f"SELECT count(*) FROM requests{where}", params).fetchone()
            return int(row[0])

        return self._run("count", select)

    def close(self) -> None:
        """Close the connection (a later call opens it again)."""
        self._drop_connection()

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
            if self.path.exists():
                self._inspect()
            else:
                self._set_aside_orphaned_wal()
            conn = self._sqlite_connect(str(self.path), uri=False)
            try:
                self._prepare(conn)
            except BaseException:
                conn.close()
                raise
        self._restrict_file_modes()
        return conn

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
                mode = os.stat(path).st_mode & 0o777
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

    def _to_request(self, row: tuple[object, ...]) -> StoredRequest:
        request_id, created_at, status, answers, content_version, kiosk_id = row
        try:
            if not (
                isinstance(request_id, int)
                and isinstance(created_at, str)
                and isinstance(status, str)
                and isinstance(answers, str)
                and isinstance(content_version, str)
                and isinstance(kiosk_id, str)
            ):
                raise ValueError("a column holds a value of the wrong type")
            return StoredRequest(
                id=request_id,
                created_at=_parse_time(created_at),
                status=status,
                answers=_decode_answers(answers),
                content_version=content_version,
                kiosk_id=kiosk_id,
            )
        except ValueError:
            raise _StoreError(
                "other", f"request {request_id} could not be read from {self.path}", "bad row"
            ) from None


def _classify_os_error(exc: OSError) -> SaveErrorKind:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "disk_full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "read_only"
    return "other"


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES} or None, got {status!r}")


def _status_filter(status: str | None) -> tuple[str, tuple[str, ...]]:
    return ("", ()) if status is None else (" WHERE status = ?", (status,))
