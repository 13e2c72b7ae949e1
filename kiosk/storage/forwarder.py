"""Store and forward: sends a kiosk's saved requests to the front-desk inbox, off the GUI thread.

The visitor's thank-you still comes only after the local COMMIT (:meth:`RequestStore.save`);
this thread then sends unsent requests in the order they were saved, in batches, each with the
UUID made at save time (the inbox keeps one copy of a request sent twice). Only once a batch's
COMMIT in the inbox returned are its answers erased here (:meth:`RequestStore.confirm_forwarded`):
a crash between the two makes the next round send it again, which stores nothing new.

While the inbox cannot be reached it retries with exponential backoff (1 s doubling up to a
minute); nothing is ever dropped. Every minute it reports a heartbeat: the kiosk's name, its
content version, how many requests wait, and the last error (one sentence, no visitor data).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from kiosk.storage import inbox
from kiosk.storage.records import OutgoingRequest
from kiosk.storage.store import RequestStore, SaveError

_log = logging.getLogger(__name__)

HEARTBEAT_S = 60.0
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0

Sender = Callable[["psycopg.Connection[Any]", Sequence[OutgoingRequest]], None]


@dataclass(frozen=True)
class ForwarderStatus:
    """What the kiosk's staff screen shows about the inbox."""

    waiting: int
    """Requests saved here and not yet confirmed stored in the inbox (-1 before the first
    round)."""
    error: str
    """Why the last round failed (one sentence), or empty when it succeeded."""
    sent: int
    """Requests confirmed stored in the inbox since the kiosk started."""


class Forwarder:
    """Sends what the local store holds unsent; :meth:`step` is one round (call it from one
    thread only: it owns its own connections to the local store and the inbox)."""

    def __init__(
        self,
        store: Callable[[], RequestStore],
        service: str,
        kiosk_id: str,
        content_version: Callable[[], str],
        *,
        clock: Callable[[], float] = time.monotonic,
        connect: Callable[[str], psycopg.Connection[Any]] = inbox.connect,
        send: Sender = inbox.send_requests,
        batch: int = 100,
    ) -> None:
        inbox.connection_kwargs(service)  # refuses what is not a service name
        self.service = service
        self.kiosk_id = kiosk_id
        self._make_store = store
        self._store: RequestStore | None = None
        self._content_version = content_version
        self._clock = clock
        self._connect = connect
        self._send = send
        self._batch = max(1, min(int(batch), inbox.MAX_BATCH))
        self._conn: psycopg.Connection[Any] | None = None
        self._failures = 0
        self._next_try = 0.0
        self._next_heartbeat = 0.0
        self._last_error = ""
        self._reported_error = ""
        self._lock = threading.Lock()
        self._status = ForwarderStatus(-1, "", 0)

    def status(self) -> ForwarderStatus:
        """The latest status (safe to call from any thread)."""
        with self._lock:
            return self._status

    def step(self) -> float:
        """Send everything waiting and the heartbeat when due; seconds until the next round.

        During a backoff it tries nothing: it counts what waits (a save nudges it, and the
        count the failure left would be stale) and says how long is left.
        """
        now = self._clock()
        if now < self._next_try:
            self._set_status(waiting=self._waiting_here())
            return self._next_try - now
        store = self._local_store()
        sent = 0
        try:
            while batch := store.unsent(self._batch):
                conn = self._connection()
                self._send(conn, batch)
                sent += len(batch)
                # Stored in the inbox: only now are the answers erased here.
                store.confirm_forwarded([r.id for r in batch])
                self._set_status(sent=len(batch))
            waiting = store.unsent_count()
            if self._clock() >= self._next_heartbeat:
                conn = self._connection()
                error = self._last_error
                inbox.send_heartbeat(conn, self.kiosk_id, self._content_version(), waiting, error)
                self._next_heartbeat = self._clock() + HEARTBEAT_S
                if error == self._last_error:
                    self._last_error = ""  # reported once: the front desk has seen it
        except (psycopg.Error, SaveError) as exc:
            return self._failed(exc, sent)
        if self._failures:
            _log.info("inbox: reachable again (service %s)", self.service)
        if sent:
            _log.info("inbox: %d requests forwarded", sent)
        self._failures = 0
        self._reported_error = ""
        self._set_status(waiting=waiting, error="")
        return max(0.0, self._next_heartbeat - self._clock())

    def close(self) -> None:
        """Close the connections (from the forwarding thread)."""
        self._drop_connection()
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- helpers -------------------------------------------------------------------------------

    def _local_store(self) -> RequestStore:
        if self._store is None:
            self._store = self._make_store()
        return self._store

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._drop_connection()
            self._conn = self._connect(self.service)
        return self._conn

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                _log.debug("inbox: closing a broken connection failed")

    def _failed(self, exc: psycopg.Error | SaveError, sent: int) -> float:
        message = str(exc) if isinstance(exc, SaveError) else inbox.describe(exc, self.service)
        if isinstance(exc, psycopg.Error | inbox.InboxError):
            self._drop_connection()
        self._failures += 1
        delay = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2.0 ** min(self._failures - 1, 16))
        self._next_try = self._clock() + delay
        self._last_error = message
        if message != self._reported_error:
            _log.error("inbox: %s; requests wait here and are retried", message)
            self._reported_error = message
        if sent:
            _log.info("inbox: %d requests forwarded before the failure", sent)
        self._set_status(waiting=self._waiting_here(), error=message)
        return delay

    def _waiting_here(self) -> int | None:
        """How many requests wait here; None (the status keeps its count) if the local store
        cannot say."""
        try:
            return self._local_store().unsent_count()
        except SaveError:
            return None

    def _set_status(
        self, *, waiting: int | None = None, error: str | None = None, sent: int = 0
    ) -> None:
        with self._lock:
            old = self._status
            self._status = ForwarderStatus(
                old.waiting if waiting is None else waiting,
                old.error if error is None else error,
                old.sent + sent,
            )


class ForwarderThread:
    """Runs a :class:`Forwarder` on a thread of its own until :meth:`stop`.

    :meth:`nudge` (after a save) wakes it at once, unless it is backing off. Idle, it sleeps
    until the next heartbeat: no polling.
    """

    def __init__(self, forwarder: Forwarder) -> None:
        self.forwarder = forwarder
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="inbox-forwarder", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def status(self) -> ForwarderStatus:
        return self.forwarder.status()

    def _run(self) -> None:
        try:
            while not self._stopping:
                try:
                    delay = self.forwarder.step()
                except Exception:  # the forwarder must keep going; nothing is lost locally
                    _log.exception("inbox: unexpected error while forwarding")
                    delay = MAX_BACKOFF_S
                if self._stopping:
                    break
                self._wake.wait(delay)
                self._wake.clear()
        finally:
            self.forwarder.close()
