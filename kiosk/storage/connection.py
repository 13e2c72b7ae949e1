"""Opening the local database: a private folder, no links, an existing file checked, WAL.

:func:`open_database` gives the one read-write connection :class:`RequestStore` keeps;
:func:`sqlite_connect` the connections it reads a snapshot with. Every connection waits
``busy_timeout_ms`` for a lock and sets ``secure_delete`` (deleted rows are overwritten).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from kiosk.storage.failures import DatabaseFiles, StoreError
from kiosk.storage.records import SaveErrorKind
from kiosk.storage.schema import SCHEMA_VERSION, NewerSchemaError, migrate, user_version

_log = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file."""

LENIENT_TEXT = functools.partial(str, encoding="utf-8", errors="surrogateescape")
"""Reads text that is not valid UTF-8 (a damaged row) without failing the whole query: the bad
bytes become lone surrogates, which :func:`kiosk.storage.rows.to_request` then refuses for that
row alone. (Twice as slow as plain ``str``, so a streaming read switches to it only when
needed.)"""


def sqlite_connect(database: str, busy_timeout_ms: int, *, uri: bool) -> sqlite3.Connection:
    """A connection in autocommit mode, for this thread only."""
    conn = sqlite3.connect(
        database,
        timeout=busy_timeout_ms / 1000,
        isolation_level=None,
        check_same_thread=True,
        uri=uri,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms:d}")
        conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def read_only_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only (with :func:`sqlite_connect`, ``uri=True``)."""
    return f"{path.absolute().as_uri()}?mode=ro"


def open_database(files: DatabaseFiles, busy_timeout_ms: int) -> sqlite3.Connection:
    """The read-write connection to ``files``: the folder made ``0700``, links refused, an
    existing database checked (header, schema version, integrity) before it is changed, a
    ``-wal`` found alone moved aside, WAL with durable commits, the schema migrated, and the
    files ``0600``. Raises :class:`StoreError`, ``sqlite3.Error`` or ``OSError``."""
    with _umask(0o077):
        if not files.folder.is_dir():
            files.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(files.folder, 0o700)
        files.refuse_links()
        if files.path.exists():
            _inspect(files.path, busy_timeout_ms)
        else:
            files.set_aside_orphaned_wal()
        conn = sqlite_connect(str(files.path), busy_timeout_ms, uri=False)
        conn.text_factory = LENIENT_TEXT  # its reads are a page at a time
        try:
            _prepare(conn, files)
        except BaseException:
            conn.close()
            raise
    files.restrict_modes()
    return conn


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _inspect(path: Path, busy_timeout_ms: int) -> None:
    """Check an existing database without changing it: header, schema version, integrity.

    A read-only connection does the checking: unlike a read-write one, closing it never
    checkpoints the ``-wal`` into the file or deletes it, so a file found damaged or too
    new is left exactly as it was.
    """
    with open(path, "rb") as file:
        header = file.read(len(_SQLITE_MAGIC))
    if header and header != _SQLITE_MAGIC:
        raise StoreError("corrupt", f"the database file is damaged: {path}", "not an SQLite file")
    conn = sqlite_connect(read_only_uri(path), busy_timeout_ms, uri=True)
    try:
        version = user_version(conn)  # reads the header: a damaged one fails here
        if version > SCHEMA_VERSION:
            raise _newer(path, version)
        problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(5)")]
    finally:
        conn.close()
    if problems != ["ok"]:
        _log.error(
            "request store: integrity check of %s failed (%d problems listed)",
            path,
            len(problems),
        )
        raise StoreError(
            "corrupt", f"the database file is damaged: {path}", "integrity check failed"
        )


def _prepare(conn: sqlite3.Connection, files: DatabaseFiles) -> None:
    """Set up a new read-write connection: WAL, durable commits, the current schema."""
    mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
    if mode != "wal":
        kind: SaveErrorKind = "read_only" if files.not_writable() else "other"
        raise StoreError(
            kind, f"could not use a WAL journal (got {mode!r}): {files.path}", "no WAL"
        )
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if user_version(conn) != SCHEMA_VERSION:
        try:
            found = migrate(conn)
        except NewerSchemaError as exc:
            raise _newer(files.path, exc.version) from None
        if found != SCHEMA_VERSION:
            _log.info(
                "request store: schema of %s migrated from version %d to %d",
                files.path,
                found,
                SCHEMA_VERSION,
            )


def _newer(path: Path, version: int) -> StoreError:
    return StoreError(
        "other",
        f"the database {path} was made by a newer version of the kiosk "
        f"(schema version {version}; this version knows up to {SCHEMA_VERSION}); "
        "it has been left untouched",
        f"schema version {version} is newer than {SCHEMA_VERSION}",
    )
