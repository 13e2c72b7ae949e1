"""The local database's schema, versioned with ``PRAGMA user_version``.

:data:`MIGRATIONS` lists the steps from each version to the next; :func:`migrate` applies those
a database needs, in order, inside one transaction. A shipped step never changes.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator

from kiosk.storage.failures import error_name

_log = logging.getLogger(__name__)


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


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version of ``conn``'s database (0 for a new one)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


class NewerSchemaError(Exception):
    """The database's schema is newer than this code knows (``version``)."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema of ``conn`` (autocommit mode) up to :data:`SCHEMA_VERSION`.

    All the steps needed run in one ``BEGIN IMMEDIATE`` transaction, so a database is always at
    one known version. Returns the version found before migrating. Raises
    :class:`NewerSchemaError` (touching nothing) for a version newer than this code knows.
    """
    with immediate(conn):
        found = user_version(conn)
        if found > SCHEMA_VERSION:
            raise NewerSchemaError(found)
        for step in MIGRATIONS[found:]:
            step(conn)
        if found != SCHEMA_VERSION:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
    return found


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A ``BEGIN IMMEDIATE`` transaction on ``conn`` (autocommit mode): committed when the
    block ends, rolled back (quietly) if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        rollback_quietly(conn)
        raise


def rollback_quietly(conn: sqlite3.Connection) -> None:
    """Roll back the transaction ``conn`` is in, if any; a failure is only logged."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        _log.warning("request store: rollback failed (%s)", error_name(exc))
