"""Opening hours: when the kiosk is awake, and when it next wakes or sleeps.

Pure functions, no Qt. ``content.yaml`` may give an ``opening_hours:`` mapping (see
:mod:`kiosk.core.content`); without one the kiosk is always open, and every function here
takes ``None`` to mean exactly that.

Times are wall-clock times in the hours' time zone, and each range is turned into a span of
real instants. On a day when the clocks change, a time that does not exist (02:30 on the
morning the clocks spring forward from 02:00 to 03:00) means the moment the clocks jump
(03:00), and a time that happens twice (01:30 on the morning they fall back) means the first
time it happens. A range that lies wholly in the skipped hour is never open. :func:`is_open`
and :func:`next_change` both work from these same instants, so they always agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
import zoneinfo
from collections.abc import Iterator

from kiosk.core.record import Record

__all__ = [
    "CLOSED",
    "CLOSED_DISPLAYS",
    "DAY_NAMES",
    "DEFAULT_WAKE_MINUTES",
    "MINUTES_PER_DAY",
    "RANGE_EXAMPLE",
    "DayError",
    "OpeningHours",
    "Span",
    "is_open",
    "local_zone",
    "next_change",
    "parse_day",
    "zone_of",
]

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The day keys of ``opening_hours:``, in the order of :meth:`datetime.date.weekday`."""

CLOSED = "closed"
"""The word that marks a day as closed."""

MINUTES_PER_DAY = 24 * 60
DEFAULT_WAKE_MINUTES = 5

CLOSED_DISPLAYS = ("dim", "power_off")
"""What the screen does outside the hours: ``dim`` keeps it lit with the dim clock (the screen
saver held off all the time); ``power_off`` lets the display power down (and a touch light it)."""

_UTC = dt.UTC


class Span(Record, order=True):
    """One opening range of a day, in minutes after midnight: ``start`` (0..1439) up to, not
    including, ``end`` (1..1440, where 1440 is 24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"a span must have 0 <= start < end <= 1440, got {self!r}")

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


class OpeningHours(Record):
    """When the kiosk is awake.

    ``days`` holds the ranges of each day, Monday first (an empty tuple: closed that day), in
    order and not overlapping. ``time_zone`` is an IANA name, or None for the machine's local
    time. ``wake_minutes`` is how long a touch outside the hours keeps the kiosk awake.
    ``closed_display`` is one of :data:`CLOSED_DISPLAYS`.
    """

    days: tuple[tuple[Span, ...], ...]
    time_zone: str | None = None
    wake_minutes: int = DEFAULT_WAKE_MINUTES
    closed_display: str = "dim"

    def __post_init__(self) -> None:
        if len(self.days) != len(DAY_NAMES):
            raise ValueError(f"opening hours need 7 days, Monday first, got {len(self.days)}")
        for spans in self.days:
            for before, after in itertools.pairwise(spans):
                if after.start < before.end:
                    raise ValueError(f"the ranges {before} and {after} overlap or are not in order")
        if self.closed_display not in CLOSED_DISPLAYS:
            raise ValueError(f"closed_display must be one of {CLOSED_DISPLAYS}")

    @property
    def always_open(self) -> bool:
        """Open every minute of every day (so nothing ever changes)."""
        return all(_covers_whole_day(spans) for spans in self.days)

    @property
    def never_open(self) -> bool:
        return not any(self.days)

    def describe(self) -> str:
        """The hours as they would be written in content.yaml, one day a line."""
        return "\n".join(
            f"{name}: {', '.join(str(s) for s in spans) if spans else CLOSED}"
            for name, spans in zip(DAY_NAMES, self.days, strict=True)
        )


# --------------------------------------------------------------------------------------------
# Reading one day's value: "closed" or "08:00-12:30, 13:30-18:00"


class DayError(ValueError):
    """Everything wrong with one day's value, each a sentence for people."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


RANGE_EXAMPLE = '"08:00-12:30, 13:30-18:00"'
_RANGE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*")
"""HH:MM-HH:MM; a hyphen or an en dash, as word processors write it."""


def parse_day(text: str) -> tuple[Span, ...]:
    """The ranges written in ``text``: ``closed`` (any case) gives ``()``; otherwise one or
    more ``HH:MM-HH:MM`` ranges separated by commas, in 24-hour time, each ending after it
    starts (``24:00`` may end a range), none overlapping. Raises :class:`DayError`."""
    value = text.strip()
    if value.casefold() == CLOSED:
        return ()
    messages: list[str] = []
    spans: list[Span] = []
    parts = value.split(",")
    for part in parts:
        if not part.strip():
            messages.append(
                f"has an empty range between commas in {_shown(value)}; remove the extra comma"
            )
            continue
        span = _parse_range(part.strip(), messages)
        if span is not None:
            spans.append(span)
    ordered = sorted(spans)
    for index, span in enumerate(ordered):
        for earlier in ordered[:index]:
            if span.start < earlier.end:
                messages.append(
                    f"the ranges {earlier} and {span} overlap; the ranges of one day must not "
                    "overlap (join them into one range)"
                )
    if messages:
        raise DayError(messages)
    return tuple(ordered)


def _parse_range(part: str, messages: list[str]) -> Span | None:
    match = _RANGE.fullmatch(part)
    if match is None:
        if part.casefold() == CLOSED:
            messages.append(
                f"{CLOSED!r} must be the whole value, not one of several ranges; write "
                f"either {CLOSED} or the opening times"
            )
        else:
            messages.append(
                f"{_shown(part)} is not a time range; write each range as HH:MM-HH:MM in "
                f"24-hour time, like {RANGE_EXAMPLE}, or write {CLOSED}"
            )
        return None
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    problems_before = len(messages)
    start = _minutes(start_h, start_m, part, messages, is_end=False)
    end = _minutes(end_h, end_m, part, messages, is_end=True)
    if len(messages) > problems_before or start is None or end is None:
        return None
    if end <= start:
        if end == start:
            messages.append(f"the range {_shown(part)} is empty: it ends when it starts")
        else:
            messages.append(
                f"the range {_shown(part)} ends before it starts; for hours past midnight, "
                "end the day at 24:00 and start the next day at 00:00"
            )
        return None
    return Span(start, end)


def _minutes(hour: int, minute: int, part: str, messages: list[str], is_end: bool) -> int | None:
    written = f"{hour:02d}:{minute:02d}"
    if hour == 24 and minute == 0:
        if is_end:
            return MINUTES_PER_DAY
        messages.append(
            f"the range {_shown(part)} starts at 24:00, which can only end a range; "
            "start at 00:00 instead"
        )
        return None
    if hour > 23 or minute > 59:
        messages.append(
            f"{written} in {_shown(part)} is not a time of day; hours go from 00 to 23 and "
            "minutes from 00 to 59 (24:00 may end a range)"
        )
        return None
    return hour * 60 + minute


def _shown(text: str, limit: int = 60) -> str:
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _covers_whole_day(spans: tuple[Span, ...]) -> bool:
    reached = 0
    for span in spans:
        if span.start > reached:
            return False
        reached = max(reached, span.end)
    return reached == MINUTES_PER_DAY


# --------------------------------------------------------------------------------------------
# Time zones


def zone_of(hours: OpeningHours | None) -> dt.tzinfo:
    """The time zone the hours are written in (the machine's local time for None)."""
    if hours is None or hours.time_zone is None:
        return local_zone()
    return zoneinfo.ZoneInfo(hours.time_zone)


@functools.cache
def local_zone() -> dt.tzinfo:
    """The machine's time zone, with its daylight-saving rules where they can be found:
    ``$TZ`` if it names a zone, else ``/etc/localtime``, else today's fixed UTC offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    try:
        with open("/etc/localtime", "rb") as stream:
            return zoneinfo.ZoneInfo.from_file(stream, key="localtime")
    except (OSError, ValueError):
        pass
    return dt.datetime.now().astimezone().tzinfo or _UTC


# --------------------------------------------------------------------------------------------
# Open or closed, and the next change


def is_open(hours: OpeningHours | None, moment: dt.datetime) -> bool:
    """Whether the kiosk should be awake at ``moment`` (always, for None).

    ``moment`` should be timezone-aware; a naive one is taken as the machine's local time.
    """
    if hours is None or hours.always_open:
        return True
    tz = zone_of(hours)
    at = moment.astimezone(_UTC)
    today = at.astimezone(tz).date()
    return any(start <= at < end for start, end in _intervals(hours, tz, today, 1, 1))


def next_change(hours: OpeningHours | None, moment: dt.datetime) -> dt.datetime | None:
    """The first instant after ``moment`` at which :func:`is_open` changes; None if it never
    changes (no hours, open all the time, or never open).

    The instant is given in UTC, so subtracting and comparing it is always right (Python
    compares two times of one zone by their wall clocks, which is wrong across a change of the
    clocks); ``.astimezone(zone_of(hours))`` gives it as the clinic's clocks show it.
    """
    if hours is None or hours.always_open or hours.never_open:
        return None
    tz = zone_of(hours)
    at = moment.astimezone(_UTC)
    today = at.astimezone(tz).date()
    # Some minute of the week is closed and some open, so a change comes within 8 days.
    for start, end in _intervals(hours, tz, today, 1, 8):
        if at < start:
            return start
        if at < end:
            return end
    return None  # pragma: no cover - unreachable for hours that open and close


def _intervals(
    hours: OpeningHours, tz: dt.tzinfo, around: dt.date, before: int, after: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The open intervals (UTC instants, joined where they touch) of the days from ``before``
    days before ``around`` to ``after`` days after it."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in _day_intervals(hours, tz, around, before, after):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _day_intervals(
    hours: OpeningHours, tz: dt.tzinfo, around: dt.date, before: int, after: int
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    for offset in range(-before, after + 1):
        day = around + dt.timedelta(days=offset)
        for span in hours.days[day.weekday()]:
            start, end = _instant(day, span.start, tz), _instant(day, span.end, tz)
            if start < end:  # a range wholly inside a skipped hour is never open
                yield start, end


def _instant(day: dt.date, minute: int, tz: dt.tzinfo) -> dt.datetime:
    """The first instant (UTC) at which the wall clock in ``tz`` shows ``minute`` of ``day``
    or later: the time itself, its first occurrence when the clocks fall back, or the moment
    the clocks jump past it when they spring forward."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + dt.timedelta(days=1), 0
    wall = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    first = wall.replace(tzinfo=tz).astimezone(_UTC)  # fold=0: the first occurrence
    if _wall(first, tz) == wall:
        return first
    # In a gap: fold=0 reads the time with the offset from before the jump (an instant after
    # it), fold=1 with the offset from after (an instant before it). Find the jump between.
    low = int(wall.replace(tzinfo=tz, fold=1).astimezone(_UTC).timestamp())
    high = int(first.timestamp())
    if low >= high:  # pragma: no cover - a zone whose rules do not match PEP 495
        return first
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(dt.datetime.fromtimestamp(middle, _UTC), tz) >= wall:
            high = middle
        else:
            low = middle
    return dt.datetime.fromtimestamp(high, _UTC)


def _wall(instant: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return instant.astimezone(tz).replace(tzinfo=None)
