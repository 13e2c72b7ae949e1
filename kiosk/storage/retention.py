"""How long the local store keeps what it holds: purging contacted requests, retention.

A contacted request goes ``retention_days`` after it was marked contacted (a new one never
does), and so does a damaged database moved aside, ``retention_days`` after it was moved. Each
deletion that removed anything ends with the ``-wal`` checkpointed and truncated, and is in the
audit log (no audit row, no deletion). Part of :class:`~kiosk.storage.store.RequestStore`.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta

from kiosk.storage.audit import AuditLog
from kiosk.storage.failures import SetAside, classify_os_error
from kiosk.storage.records import AuditEvent
from kiosk.storage.rows import check_days, check_label, format_time, insert_audit, older_than
from kiosk.storage.schema import immediate

_log = logging.getLogger(__name__)

RETENTION_ACTOR = "kiosk"
"""The actor of the audit rows :meth:`Retention.apply_retention` writes."""


class Retention(AuditLog):
    """The retention methods of :class:`~kiosk.storage.store.RequestStore`."""

    def purge_contacted(self, older_than_days: float, *, actor: str | None = None) -> int:
        """Delete the requests marked contacted more than ``older_than_days`` days ago.

        Requests still ``"new"`` are never deleted. Returns how many were deleted. With
        ``actor``, an audit row (``"purge"``, the count, the days) is written in the same
        transaction.
        """
        days = check_days(older_than_days)
        audit_actor = None if actor is None else check_label("actor", actor)
        return self._purge("purge", days, audit_actor)

    def apply_retention(self, days: int) -> int:
        """Delete requests contacted more than ``days`` days ago (content.yaml's
        ``staff.retention_days``); how many.

        When it deleted any, an audit row (``"retention"``, actor ``"kiosk"``, the count) is
        written in the same transaction. The app calls this at start and once a day. The
        damaged databases moved aside go too, ``days`` after they were moved, each once the
        audit log says so (no audit row, no removal).
        """
        checked = check_days(days)
        removed = self._purge("retention", checked, RETENTION_ACTOR)
        try:
            cutoff = self._clock() - timedelta(days=checked)
        except OverflowError:
            return removed
        for aside in self.set_aside_files():
            if aside.moved_at >= cutoff:
                continue
            self.audit("retention", RETENTION_ACTOR, 0, f"removed {aside.name}")
            for path in aside.paths:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    raise self._fail(
                        "retention", classify_os_error(exc), f"could not remove {path}", exc
                    ) from exc
            _log.info("request store: retention removed the set-aside database %s", aside.name)
        return removed

    def set_aside_files(self) -> list[SetAside]:
        """The damaged databases moved aside in the data folder, oldest first."""
        try:
            return self._files.set_aside()
        except OSError as exc:
            message = self._files.describe("other", exc, self._busy_timeout_ms)
            raise self._fail("set_aside_files", "other", message, exc) from exc

    def count_purgeable(self, older_than_days: float) -> int:
        """How many requests :meth:`purge_contacted` would delete now."""
        cutoff = _cutoff(self._clock(), check_days(older_than_days))

        def select(conn: sqlite3.Connection) -> int:
            row = conn.execute(
                "SELECT count(*) FROM requests WHERE status = 'contacted'"
                " AND contacted_at IS NOT NULL AND contacted_at < ?",
                (cutoff,),
            ).fetchone()
            return int(row[0])

        return self._run("count", select)

    def _purge(self, event: AuditEvent, days: float, actor: str | None) -> int:
        now = self._clock()
        stamp = format_time(now)
        cutoff = _cutoff(now, days)
        always = event == "purge"

        def remove(conn: sqlite3.Connection) -> int:
            with immediate(conn):
                deleted = conn.execute(
                    "DELETE FROM requests WHERE status = 'contacted'"
                    " AND contacted_at IS NOT NULL AND contacted_at < ?",
                    (cutoff,),
                ).rowcount
                if actor is not None and (deleted or always):
                    insert_audit(conn, stamp, event, actor, deleted, older_than(days))
            return int(deleted)

        deleted = self._run(event, remove)
        if deleted:
            _log.info("request store: %s deleted %d contacted requests", event, deleted)
            self._wipe_wal(event)
        return deleted


def _cutoff(now: datetime, days: float) -> str:
    try:
        return format_time(now - timedelta(days=days))
    except OverflowError:
        return "0000"  # before every stored time: nothing is that old
