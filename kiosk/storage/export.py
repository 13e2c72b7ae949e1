"""Export requests as a CSV file a spreadsheet opens safely.

The file is written whole or not at all: a private temporary file beside the target, flushed and
fsynced, renamed over the target, then the folder fsynced. Nothing here logs or puts into an
error message a visitor's answer.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.core.form import FormField
from kiosk.storage.store import StoredRequest

__all__ = ["FIXED_HEADER", "FORMULA_TRIGGERS", "TRAILING_HEADER", "export_csv", "safe_cell"]

FIXED_HEADER = ("ID", "Received", "Status", "Contacted")
"""The first columns; then one per form field (its label), then :data:`TRAILING_HEADER`."""
TRAILING_HEADER = ("Content version", "Kiosk")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by Excel, LibreOffice Calc or Google
Sheets (OWASP "CSV Injection"); such a cell gets a leading ``'``."""

FILE_MODE = 0o600
"""The export holds personal health-related data: only its owner may read it."""

_YES, _NO = "Yes", "No"


def safe_cell(value: str) -> str:
    """``value``, with a ``'`` in front if a spreadsheet would take it for a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def export_csv(
    requests: Iterable[StoredRequest],
    fields: Sequence[FormField],
    path: Path,
    time_zone: str,
    force: bool = False,
) -> int:
    """Write ``requests`` to ``path`` as CSV; how many rows (requests) were written.

    The format, for Excel, LibreOffice and Numbers alike:

    * UTF-8 with a byte-order mark (so Excel on Windows reads accents, emoji and right-to-left
      scripts correctly), ``\\r\\n`` line ends, every cell in double quotes (``QUOTE_ALL``:
      embedded quotes are doubled, and commas, semicolons and newlines inside an answer can
      never split a cell whatever delimiter a spreadsheet guesses; OWASP's CSV-injection
      guidance asks for quoted cells too).
    * Header: ``ID, Received, Status, Contacted``, each field's label in form order, then
      ``Content version, Kiosk``. Answers to keys that are not among ``fields`` (a field since
      removed from the form) are not exported; a missing answer is an empty cell; a yes/no
      answer is ``Yes`` or ``No``.
    * Times are ISO 8601 in ``time_zone`` (an IANA name such as ``America/New_York``), to the
      second, with the offset: ``2026-11-27T09:15:02-05:00``. ``Contacted`` is empty while a
      request is new.
    * CSV injection: any cell, the header included, that starts with ``=``, ``+``, ``-``,
      ``@``, a tab or a carriage return gets a leading ``'``, so a spreadsheet shows it as text
      instead of running it as a formula. Phone numbers in E.164 form start with ``+``, so they
      are written as ``'+12025550100``: that is intended (OWASP's guidance; a spreadsheet shows
      the number as text without the quote). The database keeps the real values.

    The file is made with mode ``0600`` from its creation, written to a temporary file in the
    same folder, flushed and fsynced, renamed to ``path`` and the folder fsynced: an existing
    file is replaced whole or left as it was. If anything fails on the way (the disk, or
    ``requests`` raising part-way), the temporary file is removed, ``path`` is untouched and
    the error is raised.

    Raises ``FileExistsError`` if ``path`` exists and ``force`` is false (writing nothing),
    ``IsADirectoryError`` if it is a folder, ``ValueError`` for an unknown time zone, and
    ``OSError`` when the file cannot be written.
    """
    zone = _zone(time_zone)
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "that is a folder, not a file name", str(target))
    if not force and os.path.lexists(target):
        raise _exists(target)
    folder = target.parent
    temp = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(
        temp,
        os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
        FILE_MODE,
    )
    replaced = False
    try:
        with contextlib.suppress(OSError):  # a umask may have taken bits; FAT cannot chmod
            os.fchmod(fd, FILE_MODE)
        with open(fd, "w", encoding="utf-8-sig", newline="", closefd=True) as stream:
            written = _write_rows(stream, requests, fields, zone)
            stream.flush()
            os.fsync(stream.fileno())
        if not force and os.path.lexists(target):  # made meanwhile: still not ours to replace
            raise _exists(target)
        os.replace(temp, target)
        replaced = True
    finally:
        if not replaced:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
    _fsync_folder(folder)
    return written


def _write_rows(
    stream: TextIO,
    requests: Iterable[StoredRequest],
    fields: Sequence[FormField],
    zone: ZoneInfo,
) -> int:
    writer = csv.writer(
        stream,
        quoting=csv.QUOTE_ALL,
        lineterminator="\r\n",
    )
    header = [*FIXED_HEADER, *(field.label for field in fields), *TRAILING_HEADER]
    writer.writerow([safe_cell(cell) for cell in header])
    keys = [field.key for field in fields]
    written = 0
    for request in requests:
        row = [
            str(request.id),
            _time(request.created_at, zone),
            request.status,
            "" if request.contacted_at is None else _time(request.contacted_at, zone),
            *(_answer(request.answers.get(key)) for key in keys),
            request.content_version,
            request.kiosk_id,
        ]
        writer.writerow([safe_cell(cell) for cell in row])
        written += 1
    return written


def _answer(value: str | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES if value else _NO
    return value


def _time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r}: use a name like America/New_York or UTC"
        ) from None


def _exists(target: Path) -> FileExistsError:
    return FileExistsError(errno.EEXIST, "the file already exists (not overwritten)", str(target))


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable. Some file systems cannot fsync a folder; that is not a failure
    (the data itself is already on disk)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)
