"""What the front desk does in the inbox (the ``clinic_staff`` role): :class:`InboxStore`.

The same operations as :class:`~kiosk.storage.store.RequestStore`, on every kiosk's requests;
every change writes its audit row in the same transaction (no row, no action).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from kiosk.storage.inbox.connection import InboxError, connect, connection_kwargs, describe
from kiosk.storage.records import AuditEntry, Status, StoredRequest
from kiosk.storage.rows import (
    REQUEST_COLUMNS,
    check_days,
    check_event,
    check_ids,
    check_marked,
    check_page,
    check_since,
    check_status,
    older_than,
)
from kiosk.storage.store import UnknownRequest

_log = logging.getLogger(__name__)

SILENT_AFTER = timedelta(minutes=5)
"""A kiosk not heard from for longer than this is flagged."""


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


def _where(status: str | None, since: datetime | None) -> tuple[sql.Composable, list[Any]]:
    check_status(status)
    check_since(since)
    clauses: list[sql.Composable] = []
    params: list[Any] = []
    if status is not None:
        clauses.append(sql.SQL("status = %s"))
        params.append(status)
    if since is not None:
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
                f"SELECT {REQUEST_COLUMNS} FROM inbox.requests WHERE id = ANY(%s)"
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
        check_page(limit, offset)
        where, params = _where(status, since)
        query = (
            sql.SQL(f"SELECT {REQUEST_COLUMNS} FROM inbox.requests")
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
            sql.SQL(f"SELECT {REQUEST_COLUMNS} FROM inbox.requests")
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
        check_page(limit)
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
        check_event(event)
        with self._transaction() as conn:
            self._insert_audit(conn, event, actor, count, detail)

    def mark(self, ids: Sequence[int], status: Status, *, actor: str | None = None) -> int:
        check_marked(status)
        wanted = check_ids(ids)
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
        wanted = check_ids(ids)
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
        days = check_days(older_than_days)
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
        seconds = check_days(days) * 86400
        with self._transaction() as conn:
            deleted = conn.execute(
                "DELETE FROM inbox.requests WHERE status = 'contacted'"
                " AND contacted_at < now() - make_interval(secs => %s)",
                (seconds,),
            ).rowcount
            if deleted or always:
                self._insert_audit(conn, event, actor, deleted, older_than(float(days)))
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
