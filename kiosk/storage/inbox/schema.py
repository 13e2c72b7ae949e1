"""The inbox's tables, roles and grants, made and migrated by :func:`init_inbox`.

``kiosk inbox init`` runs it once, as the database's owner. Least privilege:

* ``clinic_kiosk`` (a kiosk's login role is a member) may INSERT requests (never read them, its
  own or others') and report its heartbeat through ``inbox.heartbeat()``;
* ``clinic_staff`` may read, mark, export and delete requests, read heartbeats, and add to and
  read the audit table (never change or delete it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from kiosk.storage.inbox.connection import InboxError

SCHEMA = "inbox"
KIOSK_GROUP = "clinic_kiosk"
STAFF_GROUP = "clinic_staff"
NOTIFY_REQUESTS = "inbox_requests"
"""The channel a new request is announced on; its payload is the new ids, comma-separated."""
NOTIFY_KIOSKS = "inbox_kiosks"
"""The channel a heartbeat is announced on; its payload is the kiosk's name."""

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")

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
