"""What a kiosk does in the inbox (the ``clinic_kiosk`` role): add requests, report alive.

The forwarder (:mod:`kiosk.storage.forwarder`) calls these with its own connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from kiosk.storage.records import OutgoingRequest

MAX_BATCH = 200
"""Requests sent in one statement at most (their ids fit one notification's payload)."""


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
