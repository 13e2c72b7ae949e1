"""Waking the front desk when something happens in the inbox, instead of polling."""

from __future__ import annotations

import contextlib

import psycopg

from kiosk.storage.inbox.connection import InboxError, connect, describe
from kiosk.storage.inbox.schema import NOTIFY_KIOSKS, NOTIFY_REQUESTS


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
