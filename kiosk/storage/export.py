"""Export requests as a CSV file a spreadsheet opens safely.

The file is written whole or not at all: a private temporary file beside the target, flushed and
fsynced, renamed over the target, then the folder fsynced. Nothing here logs or puts into an
error message a visitor's answer.

Two ways to the same bytes. Any iterable of :class:`StoredRequest` goes the reference way: one
``csv.writer`` row per request. A fresh :class:`RequestStream` (what
:meth:`RequestStore.iter_requests` returns, as the staff screen and ``kiosk requests export``
pass it) goes the fast way, about five times quicker: it reads the rows as the database holds
them, 500 at a time, and turns each batch into CSV with operations over whole columns and one
bytes string (see :class:`_FastBatches`). Whatever the fast way cannot vouch for (a time not in
the store's own format, answers that are not a JSON object of text and yes/no, a separator
character inside a cell) sends that batch the reference way, so a damaged row raises the same
:class:`SaveError` and an unusual one comes out the same. Tests compare the two byte for byte.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import io
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import chain, repeat
from operator import itemgetter, mod
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from kiosk.core.files import fsync_folder
from kiosk.core.form import FormField
from kiosk.storage.records import RawRequest, StoredRequest
from kiosk.storage.stream import RequestStream

__all__ = [
    "FIXED_HEADER",
    "FORMULA_TRIGGERS",
    "TRAILING_HEADER",
    "InsideDataFolderError",
    "export_csv",
    "inside",
    "safe_cell",
]

FIXED_HEADER = ("ID", "Received", "Status", "Contacted")
"""The first columns; then one per form field (its label), then :data:`TRAILING_HEADER`."""
TRAILING_HEADER = ("Content version", "Kiosk", "Language")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""A cell starting with one of these is read as a formula by Excel, LibreOffice Calc or Google
Sheets (OWASP "CSV Injection"; the full-width forms too, which Excel takes for the ASCII ones
in East Asian locales); such a cell gets a leading ``'``."""

INVISIBLE_LEAD = (
    "".join(map(chr, range(0x20)))
    + "".join(map(chr, range(0x7F, 0xA0)))
    + "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
"""Control and zero-width characters a spreadsheet skips before a formula (LibreOffice runs
``\\x00=1+1``): a cell that starts with any of them and then a trigger gets a ``'`` as well."""
_HIDDEN_START = re.compile("\x1f[" + re.escape(INVISIBLE_LEAD) + "]")
"""In a column joined by :func:`_csv_column`: a cell that starts with one of those."""

Progress = Callable[[int], object]
"""Told how many rows have been written so far."""
_PROGRESS_ROWS = 500
"""The reference way reports progress every this many rows (the fast way, every batch)."""

FILE_MODE = 0o600
"""The export holds personal health-related data: only its owner may read it."""

_YES, _NO = "Yes", "No"


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


def safe_cell(value: str) -> str:
    """``value``, with a ``'`` in front if a spreadsheet would take it for a formula: if it
    starts with a trigger, or with control or zero-width characters and then a trigger."""
    if value.startswith(FORMULA_TRIGGERS) or value.lstrip(INVISIBLE_LEAD).startswith(
        FORMULA_TRIGGERS
    ):
        return f"'{value}"
    return value


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
                written = _write_fast(binary, requests, fields, zone, ids, progress)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with open(fd, "w", encoding="utf-8-sig", newline="", closefd=True) as stream:
                written = _write_rows(stream, _noting_ids(requests, ids), fields, zone, progress)
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


# -- the reference way: one request at a time -----------------------------------------------


def _csv_writer(stream: TextIO) -> Callable[[Iterable[str]], object]:
    return csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow


def _header(fields: Sequence[FormField]) -> list[str]:
    return [*FIXED_HEADER, *(field.label for field in fields), *TRAILING_HEADER]


def _write_rows(
    stream: TextIO,
    requests: Iterable[StoredRequest],
    fields: Sequence[FormField],
    zone: ZoneInfo,
    progress: Progress | None = None,
) -> int:
    writerow = _csv_writer(stream)
    writerow([safe_cell(cell) for cell in _header(fields)])
    keys = [field.key for field in fields]
    written = 0
    for request in requests:
        writerow([safe_cell(cell) for cell in _cells(request, keys, zone)])
        written += 1
        if progress is not None and not written % _PROGRESS_ROWS:
            progress(written)
    return written


def _cells(request: StoredRequest, keys: Sequence[str], zone: ZoneInfo) -> list[str]:
    """One request's row, before :func:`safe_cell`."""
    return [
        str(request.id),
        _time(request.created_at, zone),
        request.status,
        "" if request.contacted_at is None else _time(request.contacted_at, zone),
        *(_answer(request.answers.get(key)) for key in keys),
        request.content_version,
        request.kiosk_id,
        request.language,
    ]


def _noting_ids(
    requests: Iterable[StoredRequest], ids: list[int] | None
) -> Iterable[StoredRequest]:
    if ids is None:
        return requests
    return (_noted(request, ids) for request in requests)


def _noted(request: StoredRequest, ids: list[int]) -> StoredRequest:
    ids.append(request.id)
    return request


def _answer(value: str | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES if value else _NO
    return value


def _time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


# -- the fast way: a batch of raw rows at a time ------------------------------------------------


def _write_fast(
    stream: BinaryIO,
    source: RequestStream,
    fields: Sequence[FormField],
    zone: ZoneInfo,
    ids: list[int] | None,
    progress: Progress | None = None,
) -> int:
    """Read ``source`` in saved order, which is its order unless the clock was ever set back:
    if a request turns out older than the one before it, start again in its own order."""
    noted = 0 if ids is None else len(ids)
    written = _write_fast_pass(stream, source, fields, zone, ids, progress, saved_order=True)
    if written is None:
        stream.seek(0)
        stream.truncate()
        if ids is not None:
            del ids[noted:]
        written = _write_fast_pass(stream, source, fields, zone, ids, progress, saved_order=False)
    if written is None:  # pragma: no cover - the database sorted them
        raise RuntimeError("the requests came out of order")
    return written


def _write_fast_pass(
    stream: BinaryIO,
    source: RequestStream,
    fields: Sequence[FormField],
    zone: ZoneInfo,
    ids: list[int] | None,
    progress: Progress | None,
    *,
    saved_order: bool,
) -> int | None:
    """Header and rows; None (part-way) if the rows turn out not to be oldest first."""
    header = io.StringIO()
    _csv_writer(header)([safe_cell(cell) for cell in _header(fields)])
    stream.write(codecs.BOM_UTF8 + header.getvalue().encode("utf-8"))
    batches = _FastBatches(fields, zone)
    written = 0
    with contextlib.closing(source.raw_batches(saved_order=saved_order)) as raw_batches:
        for batch in raw_batches:
            columns = list(zip(*batch, strict=True))
            if saved_order and not batches.in_order(columns[_CREATED]):
                return None
            try:
                data = batches.to_csv(columns)
                done = batch
            except _NOT_FAST:
                data, done = _reference_batch(batch, source.decode, batches.keys, zone)
            stream.write(data)
            if ids is not None:
                ids.extend(map(_ID, done))
            written += len(done)
            if progress is not None:
                progress(written)
    return written


def _reference_batch(
    batch: Sequence[RawRequest],
    decode: Callable[[RawRequest], StoredRequest | None],
    keys: Sequence[str],
    zone: ZoneInfo,
) -> tuple[bytes, list[RawRequest]]:
    """``batch`` as the reference way writes it, and the rows written: a damaged row (``decode``
    gives None and notes its id) is left out."""
    text = io.StringIO()
    writerow = _csv_writer(text)
    done = []
    for row in batch:
        request = decode(row)
        if request is not None:
            writerow([safe_cell(cell) for cell in _cells(request, keys, zone)])
            done.append(row)
    return text.getvalue().encode("utf-8"), done


class _NeedsReferenceError(Exception):
    """This batch is not one the fast way can vouch for."""


_NOT_FAST = (_NeedsReferenceError, ValueError, TypeError, LookupError, OverflowError)
"""What sends a batch the reference way. Converting a batch only computes (no I/O, no
database), so redoing it the reference way is always safe; any doubt about the data shows up
as one of these (a failed decode or parse, a non-text value where text was expected)."""

_ID = itemgetter(0)
_CREATED = 1  # the column of created_at in a RawRequest
_MISSING = type(None)
_ANSWER_TYPES = frozenset({str, bool})
_ANSWER_KINDS = frozenset({str, bool, _MISSING})
_ANSWER_CELLS = {None: "", True: _YES, False: _NO}
"""Missing, yes, no; a text answer is its own cell (``dict.get(value, value)``)."""
_MARK = "\x1f"  # the ASCII unit separator: marks where each cell of a column starts
_DEFUSE = tuple((_MARK + trigger, f"{_MARK}'{trigger}") for trigger in FORMULA_TRIGGERS)


class _FastBatches:
    """Turns a batch of :data:`RawRequest` rows into the CSV bytes of their rows.

    A column at a time, with C-level ``map``/``zip``/``join``/``replace`` over whole columns
    rather than a Python step per cell:

    * Answers: each row's JSON parsed with orjson (several times quicker than ``json.loads``,
      and than SQLite's ``json_extract`` per field); every value of every row must be text or
      yes/no, as the store's own decoder demands; then one column per form field.
    * Times: the column must have the store's exact form (``2026-11-27T14:15:02.999999Z``),
      checked for the whole column at once; each converts through :class:`_LocalTimes`.
    * Text cells (status, answers, content version, kiosk): :func:`safe_cell` and the doubling
      of ``"`` done on the column joined into one string (:func:`_csv_column`). Ids and times
      are digits and punctuation that need neither.
    * Rows: the cells joined with ``","``, wrapped in ``"`` and ``"\r\n``: ``QUOTE_ALL``.
    """

    def __init__(self, fields: Sequence[FormField], zone: ZoneInfo) -> None:
        self.keys = [field.key for field in fields]
        self._answered = len(set(self.keys))
        self._times = _LocalTimes(zone)
        self._last_created = ""

    def in_order(self, created: Sequence[object]) -> bool:
        """Whether a batch with these ``created_at`` follows the batches before it oldest first
        (as SQLite compares text; a time that is not text counts as out of order)."""
        if set(map(type, created)) != {str}:
            return False
        times = cast("list[str]", list(created))
        if times[0] < self._last_created or sorted(times) != times:
            return False
        self._last_created = times[-1]
        return True

    def to_csv(self, columns: Sequence[Sequence[Any]]) -> bytes:
        """The CSV rows of a batch given as its columns (in :data:`RawRequest` order)."""
        ids, created, status, answers, versions, kiosks, contacted, languages = columns
        if min(ids) < 0:
            raise _NeedsReferenceError("a negative id")  # "-1" would need defusing
        cells = [
            list(map(str, ids)),
            self._times.column(created),
            _csv_column_of_few(status),
            self._times.optional_column(contacted),
            *self._answer_columns(answers),
            _csv_column_of_few(versions),
            _csv_column_of_few(kiosks),
            _csv_column_of_few(languages),
        ]
        rows = map(str.encode, map('","'.join, zip(*cells, strict=True)))
        return b'"' + b'"\r\n"'.join(rows) + b'"\r\n'

    def _answer_columns(self, answers: Sequence[str]) -> list[Sequence[str]]:
        if set(map(type, answers)) != {str}:
            raise _NeedsReferenceError("the answers are not text")
        parsed = list(map(orjson.loads, answers))
        if set(map(type, parsed)) != {dict}:
            raise _NeedsReferenceError("the answers are not a JSON object")
        columns = [list(map(dict.get, parsed, repeat(key))) for key in self.keys]
        # The columns hold every value when each request has as many keys as the form and
        # none of the form's is missing (None in its column).
        complete = set(map(len, parsed)) == {self._answered}
        cells: list[Sequence[str]] = []
        for column in columns:
            try:
                cells.append(_csv_column(cast("list[str]", column)))  # TypeError unless all text
                continue
            except TypeError:
                pass
            kinds = set(map(type, column))
            if not kinds <= _ANSWER_KINDS:
                raise _NeedsReferenceError("an answer is neither text nor yes/no")
            complete = complete and _MISSING not in kinds
            texts = cast("list[str]", list(map(_ANSWER_CELLS.get, column, column)))
            cells.append(_csv_column(texts))
        if not complete:  # then look at every value of every request
            every_value = chain.from_iterable(map(dict.values, parsed))
            if not _ANSWER_TYPES.issuperset(map(type, every_value)):
                raise _NeedsReferenceError("an answer is neither text nor yes/no")
        return cells


def _csv_column_of_few(values: Sequence[str]) -> Sequence[str]:
    """:func:`_csv_column` for a column of few distinct values (a status, a kiosk id): each
    distinct value is looked at once."""
    distinct = set(values)
    if len(distinct) > _FEW or set(map(type, distinct)) != {str}:
        return _csv_column(values)
    cells = {value: safe_cell(value).replace('"', '""') for value in distinct}
    if all(cell is value or cell == value for value, cell in cells.items()):
        return values
    return list(map(cells.__getitem__, values))


_FEW = 8


def _csv_column(values: Sequence[str]) -> Sequence[str]:
    """``[safe_cell(v).replace('"', '""') for v in values]``, with a few C-level passes over
    the column joined into one string, each cell marked by a unit separator in front.

    ``TypeError`` if a value is not text. A value holding a unit separator itself would blur
    where cells start: then the column goes one value at a time.
    """
    marked = _MARK + _MARK.join(values)
    if marked.count(_MARK) != len(values) or _HIDDEN_START.search(marked):
        return [safe_cell(value).replace('"', '""') for value in values]
    changed = False
    for trigger, defused in _DEFUSE:
        if trigger in marked:
            marked = marked.replace(trigger, defused)
            changed = True
    if '"' in marked:
        marked = marked.replace('"', '""')
        changed = True
    return marked[1:].split(_MARK) if changed else values


_STORED_TIME_SHAPE = b"0000-00-00T00:00:00.000000Z\n"
"""How a column of times the store wrote looks once every digit is made ``0``."""
_STORED_TIME_SIZE = len(_STORED_TIME_SHAPE)
_MINUTE_TENS, _SECOND_TENS = 14, 17
_FIVE = ord("5")
_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_UTC_HOUR = itemgetter(slice(0, 13))  # "2026-11-27T14"
_MINUTES_SECONDS = itemgetter(slice(13, 19))  # ":15:02"
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_MOMENT = timedelta(microseconds=1)


class _LocalTimes:
    """Stored UTC times -> ``YYYY-MM-DDTHH:MM:SS±HH:MM`` in the clinic's zone, as
    ``datetime.astimezone(zone).isoformat(timespec="seconds")`` gives them.

    Where a zone's offset is the same all through a UTC hour and a whole number of hours, every
    time in that hour turns local by changing only its date and hour, and gets that offset: the
    hour's text (``"2026-11-27T09%s-05:00"``) is computed once with zoneinfo (for the whole UTC
    day at a time), and each time is ``hour % ":MM:SS"``. So it is right on both sides of a
    daylight-saving change, which zoneinfo places. Hours where the offset changes, or is not a
    whole number of hours (India, Newfoundland...), are converted one time at a time with
    zoneinfo. The cache stays small: at most :data:`_Hours.LIMIT` hours (then it starts over).
    """

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone
        self._hours = _Hours(zone)

    def column(self, times: Sequence[str]) -> list[str]:
        """``times``, each in the store's form (else :class:`_NeedsReferenceError`), local."""
        if not times:
            return []
        joined = ("\n".join(times) + "\n").encode("ascii")
        if (
            joined.translate(_ZERO_DIGITS) != _STORED_TIME_SHAPE * len(times)
            or max(joined[_MINUTE_TENS::_STORED_TIME_SIZE]) > _FIVE
            or max(joined[_SECOND_TENS::_STORED_TIME_SIZE]) > _FIVE
        ):
            raise _NeedsReferenceError("a time is not in the store's form")
        hours = map(self._hours.__getitem__, map(_UTC_HOUR, times))
        try:
            return list(map(mod, hours, map(_MINUTES_SECONDS, times)))
        except TypeError:  # None % ...: an hour that takes zoneinfo time by time
            return list(map(self._one, times))

    def optional_column(self, times: Sequence[str | None]) -> list[str]:
        """Like :meth:`column`, with an empty cell for None."""
        present = [moment for moment in times if moment is not None]
        if len(present) == len(times):
            return self.column(present)
        converted = iter(self.column(present))
        return ["" if moment is None else next(converted) for moment in times]

    def _one(self, moment: str) -> str:
        hour = self._hours[moment[:13]]
        if hour is not None:
            return hour % moment[13:19]
        return datetime.fromisoformat(moment).astimezone(self._zone).isoformat(timespec="seconds")


class _Hours(dict[str, str | None]):
    """UTC hour (``"2026-11-27T14"``) -> its local text with ``%s`` for ``":MM:SS"``, or None
    where that does not work; a missing hour is worked out with the rest of its UTC day."""

    LIMIT = 4096

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self._zone = zone

    def __missing__(self, utc_hour: str) -> str | None:
        date = utc_hour[:10]
        midnight = datetime.fromisoformat(date).replace(tzinfo=UTC)  # ValueError if no date
        zone = self._zone
        # The offset at the start of each hour, and at the end of the day.
        offsets = [(midnight + number * _HOUR).astimezone(zone).utcoffset() for number in range(25)]
        if len(self) >= self.LIMIT:
            self.clear()
        keys = [date + hour for hour in _UTC_HOURS]
        first = offsets[0]
        if first is not None and offsets.count(first) == len(offsets) and not first % _HOUR:
            self.update(zip(keys, _local_hours(midnight, first), strict=True))  # the usual day
        else:
            for number, key in enumerate(keys):
                offset = offsets[number]
                start = midnight + number * _HOUR
                if offset != offsets[number + 1]:  # it changes in this hour, or right at its end
                    constant = offset == (start + _HOUR - _MOMENT).astimezone(zone).utcoffset()
                else:
                    constant = True
                if constant and offset is not None and not offset % _HOUR:
                    self[key] = _local_hours(start, offset)[0]
                else:
                    self[key] = None
        if utc_hour not in self:  # not an hour of that day ("24")
            raise KeyError(utc_hour)
        return self.get(utc_hour)


_UTC_HOURS = tuple(f"T{number:02d}" for number in range(24))
_LOCAL_HOURS = tuple(f"T{number % 24:02d}%s" for number in range(48))


def _local_hours(start: datetime, offset: timedelta) -> list[str]:
    """The local text (``"2026-11-27T09%s-05:00"``) of 24 UTC hours from ``start`` (UTC, on
    the hour) when all have ``offset``, a whole number of hours."""
    local = start + offset  # a UTC time whose fields read as the local ones
    dates = (local.date().isoformat(), (local + _DAY).date().isoformat())
    hours = offset // _HOUR
    suffix = f"{'-' if hours < 0 else '+'}{abs(hours):02d}:00"  # as isoformat writes it
    return [
        f"{dates[number // 24]}{_LOCAL_HOURS[number]}{suffix}"
        for number in range(local.hour, local.hour + 24)
    ]


# -- shared ------------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r}: use a name like America/New_York or UTC"
        ) from None


def _exists(target: Path) -> FileExistsError:
    return FileExistsError(errno.EEXIST, "the file already exists (not overwritten)", str(target))
