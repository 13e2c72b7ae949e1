"""Export requests as a CSV file a spreadsheet opens safely.

The file is written whole or not at all: a private temporary file beside the target, flushed and
fsynced, renamed over the target, then the folder fsynced. Nothing here logs or puts into an
error message a visitor's answer.

Two ways to the same bytes. Any iterable of :class:`StoredRequest` goes the reference way
(:mod:`kiosk.storage.csv_rows`: one ``csv.writer`` row per request, the one to read). A fresh
:class:`RequestStream` (what :meth:`RequestStore.iter_requests` returns, as the staff screen and
``kiosk requests export`` pass it) goes the fast way (:mod:`kiosk.storage.csv_fast`), about five
times quicker, with the same result.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.core.files import fsync_folder
from kiosk.core.form import FormField
from kiosk.storage.csv_fast import write_fast
from kiosk.storage.csv_rows import Progress, write_rows
from kiosk.storage.records import StoredRequest
from kiosk.storage.stream import RequestStream

__all__ = ["InsideDataFolderError", "export_csv", "inside"]


FILE_MODE = 0o600
"""The export holds personal health-related data: only its owner may read it."""


class InsideDataFolderError(ValueError):
    """An export was asked to write into the kiosk's data folder (where it could replace the
    database, its journal or the audit log); ``str(error)`` says so for people."""

    def __init__(self, path: Path, data_dir: Path) -> None:
        super().__init__(
            f"{path} is inside the kiosk's data folder {data_dir}; an export never goes there "
            "(it could replace the requests database). Choose a file outside it"
        )
        self.path = path
        self.data_dir = data_dir


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies anywhere inside it, after following every symlink
    (of the path itself and of its folders), so no link leads an export in."""
    real_folder = os.path.realpath(folder)
    real_path = os.path.realpath(path)
    return os.path.commonpath([real_path, real_folder]) == real_folder


def export_csv(
    requests: Iterable[StoredRequest],
    fields: Sequence[FormField],
    path: Path,
    time_zone: str,
    force: bool = False,
    *,
    ids: list[int] | None = None,
    data_dir: Path | None = None,
    progress: Progress | None = None,
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

    ``requests`` may be any iterable of requests; a :class:`RequestStream` not yet read (what
    :meth:`RequestStore.iter_requests` returns) is read the fast way, with the same result.
    Either way it is streamed: memory does not grow with the number of requests. With ``ids``,
    the id of every request written is appended to it, in order.

    The file is made with mode ``0600`` from its creation, written to a temporary file in the
    same folder, flushed and fsynced, renamed to ``path`` and the folder fsynced: an existing
    file is replaced whole or left as it was. If anything fails on the way (the disk, or
    ``requests`` raising part-way), the temporary file is removed, ``path`` is untouched and
    the error is raised.

    ``progress``, if given, is called with the number of rows written so far, every few
    hundred rows (an export off the GUI thread reports it to the staff screen).

    Raises :class:`InsideDataFolderError` (writing nothing, ``force`` or not) if ``path`` is
    inside ``data_dir`` (the kiosk's data folder, when given), ``FileExistsError`` if ``path``
    exists and ``force`` is false (writing nothing), ``IsADirectoryError`` if it is a folder,
    ``ValueError`` for an unknown time zone, and ``OSError`` when the file cannot be written.
    """
    zone = _zone(time_zone)
    target = Path(path)
    if data_dir is not None and inside(target, data_dir):
        raise InsideDataFolderError(target, data_dir)
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
        if isinstance(requests, RequestStream) and not requests.started:
            with open(fd, "wb", closefd=True) as binary:
                written = write_fast(binary, requests, fields, zone, ids, progress)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with open(fd, "w", encoding="utf-8-sig", newline="", closefd=True) as stream:
                written = write_rows(stream, _noting_ids(requests, ids), fields, zone, progress)
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
    fsync_folder(folder)
    return written


def _noting_ids(
    requests: Iterable[StoredRequest], ids: list[int] | None
) -> Iterable[StoredRequest]:
    if ids is None:
        return requests
    return (_noted(request, ids) for request in requests)


def _noted(request: StoredRequest, ids: list[int]) -> StoredRequest:
    ids.append(request.id)
    return request


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r}: use a name like America/New_York or UTC"
        ) from None


def _exists(target: Path) -> FileExistsError:
    return FileExistsError(errno.EEXIST, "the file already exists (not overwritten)", str(target))
