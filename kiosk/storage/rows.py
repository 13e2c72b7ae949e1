"""A request's row, both ways: the checks before a value is stored, the pieces of the
statements that store it, and reading it back.

Shared by the local store and the inbox. Every check raises ``ValueError`` (a programming error:
what can never be stored) with a message that holds no visitor's answer.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from kiosk.storage.records import (
    AUDIT_EVENTS,
    MAX_ANSWERS_CHARS,
    MAX_AUDIT_DETAIL_CHARS,
    MAX_LABEL_CHARS,
    MAX_LANGUAGE_CHARS,
    STATUSES,
    AuditEntry,
    AuditEvent,
    Status,
    StoredRequest,
)

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
"""An answer's key: a form field key (letters, digits and _, at most 64 characters)."""


# -- checking what is stored -----------------------------------------------------------------


def check_label(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a str, got {type(value).__name__}")
    if len(value) > MAX_LABEL_CHARS:
        raise ValueError(f"{name} is {len(value)} characters long; at most {MAX_LABEL_CHARS}")
    check_unicode(value, name)
    return value


def check_unicode(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid Unicode text (lone surrogates)") from None


def encode_answers(answers: Mapping[str, str | bool]) -> str:
    """The answers as compact JSON, or ValueError (whose message holds no answer)."""
    if not isinstance(answers, Mapping):
        raise ValueError(f"answers must be a mapping, got {type(answers).__name__}")
    for key, value in answers.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(
                "every answer key must be a form field key "
                "(letters, digits and _, at most 64 characters)"
            )
        if not isinstance(value, str | bool):
            raise ValueError(f"answer {key!r} must be a str or a bool, got {type(value).__name__}")
        if isinstance(value, str):
            check_unicode(value, f"answer {key!r}")
    text = json.dumps(dict(answers), ensure_ascii=False, separators=(",", ":"))
    if len(text) > MAX_ANSWERS_CHARS:
        raise ValueError(
            f"the answers take {len(text)} characters once encoded; at most {MAX_ANSWERS_CHARS}"
        )
    return text


def decode_answers(text: str) -> dict[str, str | bool]:
    value = json.loads(text)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | bool) for k, v in value.items()
    ):
        raise ValueError("the stored answers are not a mapping of str to str or bool")
    return value


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the store's clock must return timezone-aware datetimes")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a stored time has no timezone")
    return moment.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_ids(ids: Sequence[int]) -> list[int]:
    """The distinct ids, in the order given; ValueError for anything but ints."""
    if isinstance(ids, str | bytes) or not isinstance(ids, Sequence):
        raise ValueError(f"ids must be a sequence of ints, got {type(ids).__name__}")
    distinct: dict[int, None] = {}
    for request_id in ids:
        if isinstance(request_id, bool) or not isinstance(request_id, int):
            raise ValueError(f"every id must be an int, got {type(request_id).__name__}")
        distinct[request_id] = None
    return list(distinct)


def older_than(days: float) -> str:
    return f"older than {days:g} {'day' if days == 1 else 'days'}"


def check_days(days: float) -> float:
    if isinstance(days, bool) or not isinstance(days, int | float):
        raise ValueError(f"days must be a number, got {type(days).__name__}")
    if not 0 <= days <= 1_000_000:  # also refuses NaN
        raise ValueError(f"days must be 0 to 1000000, got {days!r}")
    return float(days)


def check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES} or None, got {status!r}")


def check_marked(status: str) -> Status:
    """A status requests can be marked with."""
    for known in STATUSES:
        if status == known:
            return known
    raise ValueError(f"status must be one of {STATUSES}, got {status!r}")


def check_event(event: str) -> AuditEvent:
    for known in AUDIT_EVENTS:
        if event == known:
            return known
    raise ValueError(f"event must be one of {AUDIT_EVENTS}, got {event!r}")


def check_detail(detail: str) -> str:
    if not isinstance(detail, str):
        raise ValueError(f"detail must be a str, got {type(detail).__name__}")
    if len(detail) > MAX_AUDIT_DETAIL_CHARS:
        raise ValueError(
            f"detail is {len(detail)} characters long; at most {MAX_AUDIT_DETAIL_CHARS}"
        )
    check_unicode(detail, "detail")
    return detail


def check_language(language: object) -> str:
    if not isinstance(language, str) or len(language) > MAX_LANGUAGE_CHARS:
        raise ValueError(f"language must be a code of at most {MAX_LANGUAGE_CHARS} characters")
    check_unicode(language, "language")
    return language


def check_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be an int of 0 or more, got {count!r}")
    return count


def check_page(limit: int, offset: int | None = None) -> None:
    if offset is None:
        if limit < 0:
            raise ValueError("limit must not be negative")
    elif limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")


def check_since(since: datetime | None) -> None:
    if since is not None and (not isinstance(since, datetime) or since.utcoffset() is None):
        raise ValueError("since must be a timezone-aware datetime")


# -- writing rows in SQLite's statements -------------------------------------------------------

BATCH_ROWS = 500
"""Rows fetched at a time by a streaming read, and ids per statement."""


def batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` in slices of :data:`BATCH_ROWS` (SQLite limits a statement's parameters)."""
    for start in range(0, len(ids), BATCH_ROWS):
        yield ids[start : start + BATCH_ROWS]


def placeholders(batch: Sequence[int]) -> str:
    """``?, ?, ?`` for each id of ``batch``."""
    return ", ".join("?" * len(batch))


def filter_clause(status: str | None, since: datetime | None) -> tuple[str, tuple[str, ...]]:
    """A ``WHERE`` clause (with a leading space, or empty) and its parameters."""
    check_status(status)
    check_since(since)
    clauses: list[str] = []
    params: list[str] = []
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(format_time(since))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def insert_audit(
    conn: sqlite3.Connection, at: str, event: str, actor: str, count: int, detail: str
) -> None:
    """Add an audit row (checked already) in ``conn``'s transaction."""
    conn.execute(
        "INSERT INTO audit (at, event, actor, count, detail) VALUES (?, ?, ?, ?, ?)",
        (at, event, actor, int(count), detail),
    )


# -- reading a row back ----------------------------------------------------------------------

REQUEST_COLUMNS = (
    "id, created_at, status, answers, content_version, kiosk_id, contacted_at, language"
)
"""The columns :func:`to_request` reads, in its order (the inbox's table has them too)."""
AUDIT_COLUMNS = "id, at, event, actor, count, detail"
"""The columns :func:`to_audit` reads, in its order."""


def to_request(row: Sequence[object]) -> StoredRequest:
    """A row of :data:`REQUEST_COLUMNS` as stored by the local store; ValueError if any column
    is not what was saved (a damaged row)."""
    (
        request_id,
        created_at,
        status,
        answers,
        content_version,
        kiosk_id,
        contacted_at,
        language,
    ) = row
    if not (
        isinstance(request_id, int)
        and isinstance(created_at, str)
        and isinstance(status, str)
        and isinstance(answers, str)
        and isinstance(content_version, str)
        and isinstance(kiosk_id, str)
        and (contacted_at is None or isinstance(contacted_at, str))
        and isinstance(language, str)
    ):
        raise ValueError("a column holds a value of the wrong type")
    for text in (status, answers, content_version, kiosk_id, language):
        check_unicode(text, "a column")  # read leniently from bytes that were not UTF-8
    return StoredRequest(
        id=request_id,
        created_at=parse_time(created_at),
        status=status,
        answers=decode_answers(answers),
        content_version=content_version,
        kiosk_id=kiosk_id,
        contacted_at=None if contacted_at is None else parse_time(contacted_at),
        language=language,
    )


def to_audit(row: Sequence[object]) -> AuditEntry:
    """A row of :data:`AUDIT_COLUMNS`; ValueError if any column is not what was saved."""
    entry_id, at, event, actor, count, detail = row
    if not (
        isinstance(entry_id, int)
        and isinstance(at, str)
        and isinstance(event, str)
        and isinstance(actor, str)
        and isinstance(count, int)
        and isinstance(detail, str)
    ):
        raise ValueError("a column holds a value of the wrong type")
    return AuditEntry(entry_id, parse_time(at), event, actor, count, detail)


def stand_in(request_id: int, created_at: object) -> StoredRequest:
    """What a list of requests shows for a row that cannot be read: its id, and its time if
    that can be read."""
    try:
        when = parse_time(created_at) if isinstance(created_at, str) else _EPOCH
    except ValueError:
        when = _EPOCH
    return StoredRequest(request_id, when, "new", {}, "", "", None, damaged=True)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
