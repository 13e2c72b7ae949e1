"""The front-desk inbox: requests from every kiosk in one PostgreSQL database.

A kiosk with an inbox keeps saving each request locally first (:class:`RequestStore`); the
forwarder (:mod:`kiosk.storage.forwarder`) then sends it here with the UUID made at save time,
so a request sent twice is stored once. The front desk (``kiosk inbox``) and ``kiosk requests
--inbox`` read, mark, export and delete here through :class:`InboxStore`.

Connections follow libpq's own conventions: a service name from ``pg_service.conf``
(``~/.pg_service.conf`` or ``$PGSERVICEFILE``), the password in ``~/.pgpass`` (mode 0600),
``$PGPASSFILE`` or a systemd credential named ``inbox-pgpass``, and ``sslmode`` /
``sslrootcert`` for TLS with the clinic's CA. No password is ever taken from content.yaml or a
command line, and no error message here holds a password or a visitor's answer: failures become
an :class:`InboxError` whose message is one sentence for staff.

Least privilege, made by :func:`init_inbox` (``kiosk inbox init``, run once by IT as the
database's owner):

* ``clinic_kiosk`` (a kiosk's login role is a member) may INSERT requests (never read them, its
  own or others') and report its heartbeat through ``inbox.heartbeat()``;
* ``clinic_staff`` may read, mark, export and delete requests, read heartbeats, and add to and
  read the audit table (never change or delete it);
* every staff action writes an audit row in the same transaction (no row, no action).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from kiosk.storage.records import (
    AUDIT_EVENTS,
    STATUSES,
    AuditEntry,
    OutgoingRequest,
    Status,
    StoredRequest,
)
from kiosk.storage.store import SaveError, UnknownRequest

_log = logging.getLogger(__name__)

SCHEMA = "inbox"
KIOSK_GROUP = "clinic_kiosk"
STAFF_GROUP = "clinic_staff"
NOTIFY_REQUESTS = "inbox_requests"
"""The channel a new request is announced on; its payload is the new ids, comma-separated."""
NOTIFY_KIOSKS = "inbox_kiosks"
"""The channel a heartbeat is announced on; its payload is the kiosk's name."""
CREDENTIAL_NAME = "inbox-pgpass"
"""A systemd credential (``LoadCredential=inbox-pgpass:...``) used as the password file."""
SILENT_AFTER = timedelta(minutes=5)
"""A kiosk not heard from for longer than this is flagged."""
CONNECT_TIMEOUT_S = 10
MAX_BATCH = 200
"""Requests sent in one statement at most (their ids fit one notification's payload)."""

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class InboxError(SaveError):
    """The inbox could not be used; ``str(error)`` is one sentence for staff."""

    def __init__(self, message: str) -> None:
        super().__init__("other", message)


# ---------------------------------------------------------------------------------------------
# Connecting


def connection_kwargs(service: str) -> dict[str, Any]:
    """libpq parameters for ``service``: the service itself, a timeout, and the systemd
    credential as the password file when there is one (and ``$PGPASSFILE`` is not set)."""
    if isinstance(service, str) and "=" in service:
        # Never repeated back: a connection string may hold a password.
        raise InboxError(
            "a connection string is not accepted here: give a service name from "
            "pg_service.conf (its password goes in ~/.pgpass)"
        )
    if not service or not isinstance(service, str) or any(c.isspace() for c in service):
        raise InboxError(f"{service!r} is not a service name from pg_service.conf")
    kwargs: dict[str, Any] = {
        "service": service,
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "clinic-kiosk",
    }
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials and not os.environ.get("PGPASSFILE"):
        passfile = Path(credentials) / CREDENTIAL_NAME
        if passfile.is_file():
            kwargs["passfile"] = str(passfile)
    return kwargs


def connect(service: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A new connection to the inbox of ``service``; :class:`InboxError` if it cannot be made."""
    try:
        return psycopg.connect(autocommit=autocommit, **connection_kwargs(service))
    except psycopg.Error as exc:
        raise InboxError(describe(exc, service)) from None


def describe(exc: BaseException, service: str) -> str:
    """One sentence for staff about a failure of the inbox ``service``: what to check.

    Built from libpq's message and the SQLSTATE, never including the server's detail text
    (which can quote a row, and so a visitor's answer).
    """
    text = str(exc).lower() if isinstance(exc, psycopg.OperationalError) else ""
    state = getattr(exc, "sqlstate", None) or ""
    where = f"the inbox (service {service!r})"
    if "definition of service" in text or "service file" in text:
        return (
            f"there is no service {service!r} in pg_service.conf "
            "(~/.pg_service.conf, $PGSERVICEFILE or /etc/postgresql-common/pg_service.conf)"
        )
    if state == "28P01" or "password authentication failed" in text:
        return (
            f"{where} refused the password: check the line for it in ~/.pgpass "
            "(mode 0600) or the systemd credential inbox-pgpass"
        )
    if "no password supplied" in text or "fe_sendauth" in text:
        return (
            f"{where} asks for a password and none was found: add a line for it to ~/.pgpass "
            "(mode 0600) or the systemd credential inbox-pgpass"
        )
    if "could not translate host name" in text or "name or service not known" in text:
        return f"the inbox server's host name in service {service!r} is unknown (check DNS)"
    if "server does not support ssl" in text:
        return (
            f"{where} does not offer TLS, which sslmode in pg_service.conf requires: "
            "turn on ssl on the server"
        )
    if "certificate" in text or "does not match host name" in text:
        return (
            f"{where} presented a certificate that was refused: check sslmode and sslrootcert "
            "(the clinic's CA) in pg_service.conf"
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return f"{where} has no such database: check dbname in pg_service.conf"
    if state in ("28000",) or ("role" in text and "does not exist" in text):
        return f"{where} does not know this role: ask IT to run kiosk inbox init for it"
    if state == "42501":
        return f"{where} does not allow this role to do that (least privilege)"
    if state in ("42P01", "3F000"):
        return f"{where} has no inbox tables yet: run kiosk inbox init as the database owner"
    if (
        isinstance(exc, psycopg.OperationalError)
        or state.startswith(("08", "57P"))
        or "connection" in text
    ):
        return f"{where} cannot be reached: the server may be stopped or the network down"
    name = type(exc).__name__
    return f"{where} could not be used ({name}{f' {state}' if state else ''})"


# ---------------------------------------------------------------------------------------------
# Schema and roles

_STEP_1 = """
CREATE SCHEMA inbox;
CREATE TABLE inbox.schema_version (version integer NOT NULL);
INSERT INTO inbox.schema_version VALUES (0);
CREATE TABLE inbox.requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid uuid NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted')),
    contacted_at timestamptz,
    answers jsonb NOT NULL CHECK (length(answers::text) <= 40000),
    content_version text NOT NULL CHECK (length(content_version) <= 200),
    kiosk_id text NOT NULL CHECK (length(kiosk_id) <= 200),
    sent_by name NOT NULL DEFAULT session_user
);
CREATE INDEX requests_newest ON inbox.requests (created_at DESC, id DESC);
CREATE INDEX requests_contacted ON inbox.requests (contacted_at) WHERE status = 'contacted';
CREATE TABLE inbox.heartbeats (
    kiosk_id text PRIMARY KEY CHECK (length(kiosk_id) <= 200),
    at timestamptz NOT NULL,
    content_version text NOT NULL,
    backlog integer NOT NULL,
    previous_backlog integer NOT NULL DEFAULT 0,
    last_error text NOT NULL DEFAULT '',
    sent_by name NOT NULL
);
CREATE TABLE inbox.audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    role name NOT NULL DEFAULT session_user,
    event text NOT NULL CHECK (event IN (
        'login', 'failed_pin', 'locked', 'export', 'mark', 'delete', 'purge', 'retention'
    )),
    actor text NOT NULL CHECK (length(actor) <= 200),
    count integer NOT NULL DEFAULT 0,
    detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 500)
);
CREATE FUNCTION inbox.announce_requests() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids text;
BEGIN
    SELECT string_agg(id::text, ',' ORDER BY id) INTO ids FROM new_rows;
    IF ids IS NOT NULL THEN
        PERFORM pg_notify('inbox_requests', ids);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER requests_announce AFTER INSERT ON inbox.requests
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inbox.announce_requests();
CREATE FUNCTION inbox.heartbeat(
    p_kiosk text, p_content_version text, p_backlog integer, p_last_error text
) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO inbox.heartbeats AS h
        (kiosk_id, at, content_version, backlog, previous_backlog, last_error, sent_by)
    VALUES (left(p_kiosk, 200), now(), left(p_content_version, 200), p_backlog, 0,
            left(p_last_error, 500), session_user)
    ON CONFLICT (kiosk_id) DO UPDATE SET
        at = now(), content_version = EXCLUDED.content_version,
        previous_backlog = h.backlog, backlog = EXCLUDED.backlog,
        last_error = EXCLUDED.last_error, sent_by = session_user;
    SELECT pg_notify('inbox_kiosks', left(p_kiosk, 200));
$$;
"""

_STEP_2 = """
ALTER TABLE inbox.requests ADD COLUMN language text NOT NULL DEFAULT ''
    CHECK (length(language) <= 35);
"""
"""The language the visitor used (a code like "es"): staff know how to call back."""

MIGRATIONS: tuple[str, ...] = (_STEP_1, _STEP_2)
"""``MIGRATIONS[n]`` takes the inbox schema from version ``n`` to ``n + 1``. Only append."""
SCHEMA_VERSION = len(MIGRATIONS)

_GRANTS = """
REVOKE ALL ON SCHEMA inbox FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA inbox FROM PUBLIC;
REVOKE ALL ON FUNCTION inbox.heartbeat(text, text, integer, text) FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA inbox FROM clinic_kiosk, clinic_staff;
GRANT USAGE ON SCHEMA inbox TO clinic_kiosk, clinic_staff;
GRANT INSERT (uuid, created_at, answers, content_version, kiosk_id, language)
    ON inbox.requests TO clinic_kiosk;
GRANT EXECUTE ON FUNCTION inbox.heartbeat(text, text, integer, text) TO clinic_kiosk;
GRANT SELECT, DELETE ON inbox.requests TO clinic_staff;
GRANT UPDATE (status, contacted_at) ON inbox.requests TO clinic_staff;
GRANT SELECT ON inbox.heartbeats, inbox.schema_version TO clinic_staff;
GRANT SELECT ON inbox.audit TO clinic_staff;
GRANT INSERT (event, actor, count, detail) ON inbox.audit TO clinic_staff;
"""


def check_role_name(name: str) -> str:
    """A login role's name as ``kiosk inbox init`` accepts it, or ValueError."""
    if not _ROLE.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a role name this tool makes: use lower-case letters, digits and _"
        )
    if name in (KIOSK_GROUP, STAFF_GROUP):
        raise ValueError(f"{name!r} is the name of a group role; choose another")
    return name


def init_inbox(
    conn: psycopg.Connection[Any], kiosks: Sequence[str] = (), staff: Sequence[str] = ()
) -> list[str]:
    """Create or migrate the inbox schema in ``conn``'s database, create the group roles and
    the login roles named, and (re)apply the grants, in one transaction; what it did, as lines.

    Run as the database's owner with the right to create roles. Login roles get no password:
    IT sets one with ``\\password NAME`` in psql, so that it is never on a command line.
    """
    kiosk_names = [check_role_name(n) for n in kiosks]
    staff_names = [check_role_name(n) for n in staff]
    done: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('clinic-kiosk inbox init'))")
        for group in (KIOSK_GROUP, STAFF_GROUP):
            if _role_exists(conn, group):
                continue
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
            done.append(f"created the group role {group}")
        found = _schema_version(conn)
        if found > SCHEMA_VERSION:
            raise InboxError(
                f"the inbox schema is version {found}, newer than this kiosk knows "
                f"({SCHEMA_VERSION}); it has been left untouched"
            )
        for version in range(found, SCHEMA_VERSION):
            conn.execute(MIGRATIONS[version].encode())
            conn.execute("UPDATE inbox.schema_version SET version = %s", (version + 1,))
        if found < SCHEMA_VERSION:
            done.append(f"inbox schema: version {found} -> {SCHEMA_VERSION}")
        else:
            done.append(f"inbox schema: already at version {SCHEMA_VERSION}")
        conn.execute(_GRANTS.encode())
        done.append(
            f"grants: {KIOSK_GROUP} may add requests and report heartbeats only; "
            f"{STAFF_GROUP} may read, mark, export and delete requests, and read the audit"
        )
        for names, group in ((kiosk_names, KIOSK_GROUP), (staff_names, STAFF_GROUP)):
            for name in names:
                if not _role_exists(conn, name):
                    conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
                    done.append(
                        f"created the login role {name} (no password yet: "
                        f"in psql run \\password {name})"
                    )
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(name))
                )
                done.append(f"{name} is a member of {group}")
    return done


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    row = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return row is not None


def _schema_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT to_regclass('inbox.schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    version = conn.execute("SELECT version FROM inbox.schema_version").fetchone()
    return int(version[0]) if version else 0


# ---------------------------------------------------------------------------------------------
# What a kiosk does (the clinic_kiosk role)


def send_requests(conn: psycopg.Connection[Any], batch: Sequence[OutgoingRequest]) -> None:
    """Store ``batch`` (at most :data:`MAX_BATCH`) in the inbox in one transaction.

    A request whose UUID is already there is left as it is (``ON CONFLICT DO NOTHING``), so
    after COMMIT every request of the batch is stored exactly once. (Without a conflict
    target: naming ``(uuid)`` needs SELECT on it, which the kiosk role must not have; the
    UUID is the only unique key a kiosk can write.) Raises psycopg's errors.
    """
    if not batch:
        return
    if len(batch) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} requests at a time")
    with conn.transaction():
        conn.execute(
            "INSERT INTO inbox.requests"
            " (uuid, created_at, answers, content_version, kiosk_id, language)"
            " SELECT * FROM unnest(%s::uuid[], %s::timestamptz[], %s::jsonb[], %s::text[],"
            " %s::text[], %s::text[]) ON CONFLICT DO NOTHING",
            (
                [r.uuid for r in batch],
                [r.created_at for r in batch],
                [r.answers for r in batch],
                [r.content_version for r in batch],
                [r.kiosk_id for r in batch],
                [r.language for r in batch],
            ),
        )


def send_heartbeat(
    conn: psycopg.Connection[Any], kiosk_id: str, content_version: str, backlog: int, error: str
) -> None:
    """Report this kiosk alive: its name, content version, requests waiting, last error."""
    with conn.transaction():
        conn.execute(
            "SELECT inbox.heartbeat(%s, %s, %s, %s)",
            (kiosk_id, content_version, int(backlog), error),
        )


# ---------------------------------------------------------------------------------------------
# What the front desk does (the clinic_staff role)


@dataclass(frozen=True)
class KioskStatus:
    """The latest heartbeat of one kiosk."""

    kiosk_id: str
    at: datetime
    content_version: str
    backlog: int
    previous_backlog: int
    last_error: str

    def silent(self, now: datetime) -> bool:
        """Not heard from for longer than :data:`SILENT_AFTER`."""
        return now - self.at > SILENT_AFTER

    @property
    def backlog_growing(self) -> bool:
        """More requests wait to be sent than at its heartbeat before."""
        return self.backlog > self.previous_backlog


_COLUMNS = "id, created_at, status, answers, content_version, kiosk_id, contacted_at, language"


def _to_request(row: Sequence[Any]) -> StoredRequest:
    (request_id, created_at, status, answers, content_version, kiosk_id, contacted_at, language) = (
        row
    )
    if isinstance(answers, str):  # pragma: no cover - psycopg loads jsonb already
        answers = json.loads(answers)
    return StoredRequest(
        id=int(request_id),
        created_at=created_at.astimezone(UTC),
        status=str(status),
        answers={str(k): v for k, v in dict(answers).items() if isinstance(v, str | bool)},
        content_version=str(content_version),
        kiosk_id=str(kiosk_id),
        contacted_at=None if contacted_at is None else contacted_at.astimezone(UTC),
        language=str(language),
    )


def _purge_days(days: float) -> float:
    if isinstance(days, bool) or not 0 <= float(days) <= 1_000_000:
        raise ValueError(f"days must be 0 to 1000000, got {days!r}")
    return float(days)


def _where(status: str | None, since: datetime | None) -> tuple[sql.Composable, list[Any]]:
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES} or None, got {status!r}")
    clauses: list[sql.Composable] = []
    params: list[Any] = []
    if status is not None:
        clauses.append(sql.SQL("status = %s"))
        params.append(status)
    if since is not None:
        if since.utcoffset() is None:
            raise ValueError("since must be a timezone-aware datetime")
        clauses.append(sql.SQL("created_at >= %s"))
        params.append(since)
    if not clauses:
        return sql.SQL(""), params
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses), params


class InboxStore:
    """The inbox as the front desk sees it: the same operations as :class:`RequestStore`.

    One connection, opened on first use and opened again after it was lost. Every method raises
    :class:`InboxError` (a :class:`SaveError`) when the inbox cannot be used, with one sentence
    for staff; :class:`UnknownRequest` (changing nothing) for ids that are not there.
    """

    def __init__(self, service: str) -> None:
        connection_kwargs(service)  # refuses what is not a service name
        self.service = service
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def path(self) -> str:
        """Where the requests are, for messages: the service's name."""
        return f"service {self.service}"

    # -- the connection --------------------------------------------------------------------

    def connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self.close()
            self._conn = connect(self.service)
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    def _fail(self, exc: psycopg.Error) -> InboxError:
        message = describe(exc, self.service)
        _log.error("inbox: %s", message)
        if self._conn is not None and (self._conn.broken or self._conn.closed):
            self.close()
        return InboxError(message)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        conn = self.connection()
        try:
            with conn.transaction():
                yield conn
        except psycopg.Error as exc:
            raise self._fail(exc) from None

    # -- reading -------------------------------------------------------------------------------

    def get(self, request_id: int) -> StoredRequest | None:
        found = self.get_many([request_id])
        return found[0] if found else None

    def get_many(self, ids: Sequence[int]) -> list[StoredRequest]:
        """These requests (those still there), newest first."""
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM inbox.requests WHERE id = ANY(%s)"
                " ORDER BY created_at DESC, id DESC",
                ([int(i) for i in ids],),
            ).fetchall()
        return [_to_request(row) for row in rows]

    def newest_first(
        self,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
        since: datetime | None = None,
    ) -> list[StoredRequest]:
        """Up to ``limit`` requests (with this status, since then), newest first."""
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        where, params = _where(status, since)
        query = (
            sql.SQL(f"SELECT {_COLUMNS} FROM inbox.requests")
            + where
            + sql.SQL(" ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s")
        )
        with self._transaction() as conn:
            rows = conn.execute(query, [*params, int(limit), int(offset)]).fetchall()
        return [_to_request(row) for row in rows]

    def count(self, status: str | None = None, since: datetime | None = None) -> int:
        where, params = _where(status, since)
        with self._transaction() as conn:
            row = conn.execute(sql.SQL("SELECT count(*) FROM inbox.requests") + where, params)
            return int(row.fetchone()[0])  # type: ignore[index]

    def iter_requests(
        self, status: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredRequest]:
        """Every request (with this status, since then), oldest first, streamed from one
        snapshot by a server-side cursor on a connection of its own."""
        where, params = _where(status, since)
        query = (
            sql.SQL(f"SELECT {_COLUMNS} FROM inbox.requests")
            + where
            + sql.SQL(" ORDER BY created_at, id")
        )
        try:
            with connect(self.service) as conn, conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                with conn.cursor(name="export") as cursor:
                    cursor.itersize = 500
                    cursor.execute(query, params)
                    for row in cursor:
                        yield _to_request(row)
        except psycopg.Error as exc:
            raise self._fail(exc) from None

    def stats(self) -> dict[str, int | str | None]:
        with self._transaction() as conn:
            total, new, contacted, oldest_new, newest = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'new'),"
                " count(*) FILTER (WHERE status = 'contacted'),"
                " min(created_at) FILTER (WHERE status = 'new'), max(created_at)"
                " FROM inbox.requests"
            ).fetchone() or (0, 0, 0, None, None)
        return {
            "total": int(total),
            "new": int(new),
            "contacted": int(contacted),
            "oldest_new": None if oldest_new is None else oldest_new.astimezone(UTC).isoformat(),
            "newest": None if newest is None else newest.astimezone(UTC).isoformat(),
        }

    def kiosks(self) -> tuple[datetime, list[KioskStatus]]:
        """The server's time now and every kiosk's latest heartbeat, by name."""
        with self._transaction() as conn:
            now = conn.execute("SELECT now()").fetchone()
            rows = conn.execute(
                "SELECT kiosk_id, at, content_version, backlog, previous_backlog, last_error"
                " FROM inbox.heartbeats ORDER BY kiosk_id"
            ).fetchall()
        server_now = now[0].astimezone(UTC) if now else datetime.now(UTC)
        return server_now, [
            KioskStatus(str(k), at.astimezone(UTC), str(v), int(b), int(p), str(e))
            for k, at, v, b, p, e in rows
        ]

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        if limit < 0:
            raise ValueError("limit must not be negative")
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT id, at, event, actor || ' (' || role || ')', count, detail"
                " FROM inbox.audit ORDER BY id DESC LIMIT %s",
                (int(limit),),
            ).fetchall()
        return [
            AuditEntry(int(i), at.astimezone(UTC), str(ev), str(a), int(c), str(d))
            for i, at, ev, a, c, d in rows
        ]

    # -- changing (each with its audit row, in one transaction) ------------------------------

    def audit(self, event: str, actor: str, count: int = 0, detail: str = "") -> None:
        if event not in AUDIT_EVENTS:
            raise ValueError(f"event must be one of {AUDIT_EVENTS}, got {event!r}")
        with self._transaction() as conn:
            self._insert_audit(conn, event, actor, count, detail)

    def mark(self, ids: Sequence[int], status: Status, *, actor: str | None = None) -> int:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        wanted = _ids(ids)
        with self._transaction() as conn:
            self._check_exist(conn, wanted)
            changed = conn.execute(
                "UPDATE inbox.requests SET status = %s,"
                " contacted_at = CASE WHEN %s = 'new' THEN NULL ELSE now() END"
                " WHERE status <> %s AND id = ANY(%s)",
                (status, status, status, wanted),
            ).rowcount
            self._insert_audit(conn, "mark", actor or "staff", changed, status)
        _log.info("inbox: marked %d requests %s", changed, status)
        return int(changed)

    def delete(self, ids: Sequence[int], *, actor: str | None = None) -> int:
        wanted = _ids(ids)
        with self._transaction() as conn:
            self._check_exist(conn, wanted)
            deleted = conn.execute(
                "DELETE FROM inbox.requests WHERE id = ANY(%s)", (wanted,)
            ).rowcount
            self._insert_audit(conn, "delete", actor or "staff", deleted, "")
        _log.info("inbox: deleted %d requests", deleted)
        return int(deleted)

    def purge_contacted(self, older_than_days: float, *, actor: str | None = None) -> int:
        return self._purge("purge", older_than_days, actor or "staff", always=True)

    def count_purgeable(self, older_than_days: float) -> int:
        """How many requests :meth:`purge_contacted` would delete now."""
        days = _purge_days(older_than_days)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT count(*) FROM inbox.requests WHERE status = 'contacted'"
                " AND contacted_at < now() - make_interval(secs => %s)",
                (days * 86400,),
            ).fetchone()
        return int(row[0]) if row else 0

    def apply_retention(self, days: int) -> int:
        """Delete requests contacted more than ``days`` days ago, as a kiosk does locally."""
        return self._purge("retention", days, "inbox", always=False)

    def _purge(self, event: str, days: float, actor: str, *, always: bool) -> int:
        seconds = _purge_days(days) * 86400
        with self._transaction() as conn:
            deleted = conn.execute(
                "DELETE FROM inbox.requests WHERE status = 'contacted'"
                " AND contacted_at < now() - make_interval(secs => %s)",
                (seconds,),
            ).rowcount
            if deleted or always:
                detail = f"older than {float(days):g} {'day' if days == 1 else 'days'}"
                self._insert_audit(conn, event, actor, deleted, detail)
        if deleted:
            _log.info("inbox: %s deleted %d contacted requests", event, deleted)
        return int(deleted)

    @staticmethod
    def _check_exist(conn: psycopg.Connection[Any], wanted: list[int]) -> None:
        rows = conn.execute(
            "SELECT id FROM inbox.requests WHERE id = ANY(%s) FOR UPDATE", (wanted,)
        ).fetchall()
        found = {int(r[0]) for r in rows}
        missing = [i for i in wanted if i not in found]
        if missing:
            raise UnknownRequest(missing)

    @staticmethod
    def _insert_audit(
        conn: psycopg.Connection[Any], event: str, actor: str, count: int, detail: str
    ) -> None:
        conn.execute(
            "INSERT INTO inbox.audit (event, actor, count, detail) VALUES (%s, %s, %s, %s)",
            (event, actor[:200], int(count), detail[:500]),
        )


def _ids(ids: Sequence[int]) -> list[int]:
    distinct: dict[int, None] = {}
    for request_id in ids:
        if isinstance(request_id, bool) or not isinstance(request_id, int):
            raise ValueError(f"every id must be an int, got {type(request_id).__name__}")
        distinct[request_id] = None
    return list(distinct)


# ---------------------------------------------------------------------------------------------
# Listening (the front desk is woken, not polling)


class InboxListener:
    """A connection that LISTENs for new requests and heartbeats.

    Its :meth:`fileno` becomes readable when the server sends something; :meth:`drain` then
    returns the new request ids and the kiosks heard from, without blocking. A lost connection
    raises :class:`InboxError` from :meth:`drain`; make a new listener (and reload) then.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self._conn = connect(service, autocommit=True)
        try:
            self._conn.execute(f"LISTEN {NOTIFY_REQUESTS}")
            self._conn.execute(f"LISTEN {NOTIFY_KIOSKS}")
        except psycopg.Error as exc:
            self._conn.close()
            raise InboxError(describe(exc, service)) from None

    def fileno(self) -> int:
        return int(self._conn.pgconn.socket)

    def drain(self) -> tuple[list[int], list[str]]:
        """(new request ids, kiosk names) announced since the last call."""
        pgconn = self._conn.pgconn
        ids: list[int] = []
        kiosks: list[str] = []
        try:
            pgconn.consume_input()
        except psycopg.Error as exc:
            raise InboxError(describe(exc, self.service)) from None
        if pgconn.status != psycopg.pq.ConnStatus.OK:
            raise InboxError(describe(psycopg.OperationalError("connection lost"), self.service))
        while (note := pgconn.notifies()) is not None:
            channel = note.relname.decode()
            payload = note.extra.decode()
            if channel == NOTIFY_REQUESTS:
                ids.extend(int(p) for p in payload.split(",") if p.isdigit())
            elif channel == NOTIFY_KIOSKS:
                kiosks.append(payload)
        return ids, kiosks

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self._conn.close()
