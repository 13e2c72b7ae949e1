"""The CSV export's fast path: the same bytes as :mod:`kiosk.storage.csv_rows`, about five
times quicker, for a fresh :class:`~kiosk.storage.stream.RequestStream`.

It reads the rows as the database holds them, 500 at a time, and turns each batch into CSV with
operations over whole columns and one bytes string (see :class:`_FastBatches`). Whatever it
cannot vouch for (a time not in the store's own format, answers that are not a JSON object of
text and yes/no, a separator character inside a cell) sends that batch the reference way, so a
damaged row raises the same :class:`SaveError` and an unusual one comes out the same. Tests
compare the two byte for byte (``tests/storage/test_export_fast.py``).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import chain, repeat
from operator import itemgetter, mod
from typing import Any, BinaryIO, cast
from zoneinfo import ZoneInfo

import orjson

from kiosk.core.form import FormField
from kiosk.storage.csv_rows import (
    FORMULA_TRIGGERS,
    INVISIBLE_LEAD,
    NO,
    YES,
    Progress,
    csv_writer,
    header,
    request_row,
    safe_cell,
)
from kiosk.storage.records import RawRequest, StoredRequest
from kiosk.storage.stream import RequestStream

_HIDDEN_START = re.compile("\x1f[" + re.escape(INVISIBLE_LEAD) + "]")
"""In a column joined by :func:`_csv_column`: a cell that starts with one of those."""


def write_fast(
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
    first_line = io.StringIO()
    csv_writer(first_line)(header(fields))
    stream.write(codecs.BOM_UTF8 + first_line.getvalue().encode("utf-8"))
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
    writerow = csv_writer(text)
    done = []
    for row in batch:
        request = decode(row)
        if request is not None:
            writerow(request_row(request, keys, zone))
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
_ANSWER_CELLS = {None: "", True: YES, False: NO}
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
