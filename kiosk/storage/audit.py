"""The audit log of the local store: what staff (or the kiosk itself) did, never an answer.

Part of :class:`~kiosk.storage.store.RequestStore`.
"""

from __future__ import annotations

import sqlite3

from kiosk.storage.engine import StoreEngine
from kiosk.storage.failures import StoreError
from kiosk.storage.records import AuditEntry
from kiosk.storage.rows import (
    AUDIT_COLUMNS,
    check_count,
    check_detail,
    check_event,
    check_label,
    check_page,
    format_time,
    insert_audit,
    to_audit,
)
from kiosk.storage.schema import immediate


class AuditLog(StoreEngine):
    """Writing and reading the ``audit`` table."""

    def audit(self, event: str, actor: str, count: int = 0, detail: str = "") -> None:
        """Add a row to the audit log, in its own transaction.

        ``event`` is one of :data:`AUDIT_EVENTS`; ``detail`` (at most
        :data:`MAX_AUDIT_DETAIL_CHARS` characters) is something like a file path or a status,
        and must never hold a visitor's answer.
        """
        row = (check_event(event), check_label("actor", actor), check_count(count))
        checked_detail = check_detail(detail)
        now = format_time(self._clock())

        def insert(conn: sqlite3.Connection) -> None:
            with immediate(conn):
                insert_audit(conn, now, *row, checked_detail)

        self._run("audit", insert)

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        """The latest ``limit`` audit rows, newest first."""
        check_page(limit)

        def select(conn: sqlite3.Connection) -> list[AuditEntry]:
            rows = conn.execute(
                f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY id DESC LIMIT ?", (int(limit),)
            ).fetchall()
            entries = []
            for row in rows:
                try:
                    entries.append(to_audit(row))
                except ValueError:
                    raise StoreError(
                        "other", f"audit row {row[0]} could not be read from {self.path}", "bad row"
                    ) from None
            return entries

        return self._run("audit_log", select)
