"""What the request store holds: its records and their limits.

No I/O: the types every reader of requests shares (the local store, the inbox, the CSV
export, the staff screen and the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

SaveErrorKind = Literal["disk_full", "read_only", "locked", "corrupt", "other"]
Status = Literal["new", "contacted"]
STATUSES: tuple[Status, ...] = ("new", "contacted")

AuditEvent = Literal[
    "login", "failed_pin", "locked", "export", "mark", "delete", "purge", "retention"
]
AUDIT_EVENTS: tuple[AuditEvent, ...] = (
    "login", "failed_pin", "locked", "export", "mark", "delete", "purge", "retention"
)  # fmt: skip
MAX_AUDIT_DETAIL_CHARS = 500
"""The most characters of an audit row's ``detail`` (also a CHECK in the table)."""
MAX_ANSWERS_CHARS = 20_000
"""The most characters the answers may take once encoded as JSON (also a CHECK in the table)."""
MAX_LABEL_CHARS = 200
"""The most characters of ``content_version`` and of ``kiosk_id`` (also CHECKs in the table)."""
MAX_LANGUAGE_CHARS = 35
"""The most characters of a request's language code (also a CHECK in the table)."""


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log: what staff (or the kiosk itself) did, never with an answer."""

    id: int
    at: datetime
    """When, timezone-aware UTC."""
    event: str
    """One of :data:`AUDIT_EVENTS`."""
    actor: str
    """Who: ``"staff"``, ``"cli"``, ``"kiosk"``..."""
    count: int
    """How many requests it concerned (0 when that means nothing)."""
    detail: str
    """A file path, a status or the like; never a visitor's answer."""


@dataclass(frozen=True)
class StoredRequest:
    """One saved request, exactly as it was stored."""

    id: int
    created_at: datetime
    """When it was saved, timezone-aware UTC."""
    status: str
    """``"new"`` or ``"contacted"``."""
    answers: dict[str, str | bool]
    """Form field key -> answer, as saved."""
    content_version: str
    kiosk_id: str
    contacted_at: datetime | None = None
    """When it was marked contacted (timezone-aware UTC), None while it is new."""
    language: str = ""
    """The language the visitor used ("en", "es"...); "" for requests saved before the kiosk
    recorded it."""
    damaged: bool = False
    """The row cannot be read (its answers or times are not what was saved): only ``id`` is
    real; :meth:`RequestStore.newest_first` gives such a stand-in so staff see it is there."""


@dataclass(frozen=True)
class OutgoingRequest:
    """A request waiting to be sent to the inbox, as the local database holds it."""

    id: int
    uuid: str
    created_at: str
    """ISO 8601 UTC, as stored."""
    answers: str
    """The answers' JSON, as stored."""
    content_version: str
    kiosk_id: str
    language: str = ""


RawRequest = tuple[int, str, str, str, str, str, str | None, str]
"""A request as its row holds it: ``id, created_at, status, answers, content_version, kiosk_id,
contacted_at, language``, the times and the answers' JSON still text. (A damaged file can hold other
types; :meth:`RequestStream.decode` refuses such a row.)"""
