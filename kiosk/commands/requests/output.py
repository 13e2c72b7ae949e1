"""How ``kiosk requests`` prints requests: JSON Lines, a table that fits a terminal, and the
small words of its messages.

Nothing here reads the database or the command line: each function is given what it shows.
An answer is never printed as it was typed: control characters that could move the cursor or
reorder a line become spaces (:func:`clean`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.form import FormField
from kiosk.places import EXIT_OK, EXIT_PROBLEM
from kiosk.storage.store import StoredRequest

TABLE_WIDTH = 100
"""``list`` fits each line into this many terminal columns."""
MAX_DETAIL = 500
"""The longest detail (an export's path) written to the audit log; a longer one keeps its end."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters never printed from an answer: C0/C1 controls (newlines, terminal escapes), line
and paragraph separators, and bidi embeddings/overrides that could reorder a line."""


# --------------------------------------------------------------------------------------------
# Requests


def print_json(requests: Iterable[StoredRequest], zone: ZoneInfo) -> int:
    """One JSON object a line for each request, with every answer; how many were printed."""
    written = 0
    for request in requests:
        record = {
            "id": request.id,
            "received": _iso(request.created_at, zone),
            "status": request.status,
            "contacted": None if request.contacted_at is None else _iso(request.contacted_at, zone),
            "answers": request.answers,
            "content_version": request.content_version,
            "kiosk": request.kiosk_id,
            "language": request.language,
        }
        print(json.dumps(record, ensure_ascii=False))
        written += 1
    return written


@dataclass(frozen=True)
class _Column:
    title: str
    width: int
    cell: Callable[[StoredRequest], str]
    right: bool = False


def print_table(
    requests: Iterable[StoredRequest], fields: Sequence[FormField], zone: ZoneInfo
) -> int:
    """A table of the requests (a title line first, none when there are none) cut to
    :data:`TABLE_WIDTH` columns; how many requests were printed."""
    columns = _columns(fields, zone)
    written = 0
    for request in requests:
        if written == 0:
            print(_line(columns, [c.title for c in columns]))
        print(_line(columns, [c.cell(request) for c in columns]))
        written += 1
    return written


def _columns(fields: Sequence[FormField], zone: ZoneInfo) -> list[_Column]:
    fixed = [
        _Column("ID", 6, lambda r: str(r.id), right=True),
        _Column("Received", 16, lambda r: r.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
        _Column("Status", 9, lambda r: r.status),
        _Column("Language", 8, lambda r: r.language or "-"),
    ]
    contact = [
        (title, key) for title, key in _contact_fields(fields) if key is not None
    ]  # name, phone, email: those the form has
    used = sum(c.width for c in fixed) + 2 * len(fixed)
    room = TABLE_WIDTH - used - 2 * max(len(contact) - 1, 0)
    widths = _share(room, [title for title, _key in contact])
    answers = [
        _Column(title, width, _answer_of(key))
        for (title, key), width in zip(contact, widths, strict=True)
    ]
    return fixed + answers


def _contact_fields(fields: Sequence[FormField]) -> list[tuple[str, str | None]]:
    """The keys of the name, phone and email fields (None for one the form lacks)."""

    def find(key: str, field_type: str) -> str | None:
        for field in fields:
            if field.key == key:
                return field.key
        for field in fields:
            if field.type == field_type and field_type != "text":
                return field.key
        return None

    return [
        ("Name", find("name", "text")),
        ("Phone", find("phone", "phone")),
        ("Email", find("email", "email")),
    ]


def _share(room: int, titles: Sequence[str]) -> list[int]:
    """Widths for these columns in ``room`` columns: a phone number gets 16, the rest share."""
    if not titles:
        return []
    phone = 16 if "Phone" in titles and len(titles) > 1 else 0
    others = len(titles) - (1 if phone else 0)
    each = (room - phone) // others
    return [phone if title == "Phone" and phone else each for title in titles]


def _answer_of(key: str) -> Callable[[StoredRequest], str]:
    def cell(request: StoredRequest) -> str:
        value = request.answers.get(key)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else value

    return cell


def _line(columns: Sequence[_Column], cells: Sequence[str]) -> str:
    parts = []
    for column, text in zip(columns, cells, strict=True):
        fitted = _fit(clean(text), column.width)
        pad = " " * (column.width - _width(fitted))
        parts.append(pad + fitted if column.right else fitted + pad)
    return "  ".join(parts).rstrip()


def clean(text: str) -> str:
    """One line of printable text: control characters (a newline, a terminal escape) become
    spaces, so an answer can never move the cursor or change the terminal."""
    return _CONTROL.sub(" ", text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, ending in ``…`` when cut."""
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        w = _char_width(char)
        if used + w > width - 1:
            break
        kept.append(char)
        used += w
    return "".join(kept) + "…"


def _iso(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# Messages


def damaged(command: str, ids: Sequence[int], done: str) -> int:
    """Name the requests whose damaged database rows were left out (exit 1); 0 if none."""
    if not ids:
        return EXIT_OK
    listed = ", ".join(map(str, ids))
    which = f"request {listed} is" if len(ids) == 1 else f"requests {listed} are"
    print(
        f"kiosk requests {command}: {which} damaged in the database and could not be read, "
        f"so {'it was' if len(ids) == 1 else 'they were'} left out; every other request was "
        f"{done}",
        file=sys.stderr,
    )
    return EXIT_PROBLEM


def stats_time(value: int | str | None, zone: ZoneInfo) -> str:
    """A time from the store's statistics in ``zone``, or "none"."""
    if not isinstance(value, str):
        return "none"
    return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M (%Z)")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def detail(text: str) -> str:
    """``text`` cut to :data:`MAX_DETAIL` characters for the audit log, keeping its end."""
    return text if len(text) <= MAX_DETAIL else "…" + text[-(MAX_DETAIL - 1) :]


def reason(error: OSError) -> str:
    """What went wrong, in the system's words (never the path, which is said already)."""
    return os.strerror(error.errno) if error.errno else type(error).__name__
