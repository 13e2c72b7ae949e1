"""Opening hours (kiosk.core.hours): open or closed at a moment, and when that next changes.

Moments are written as wall-clock times in the hours' zone with :func:`at`, or as UTC instants
with :func:`utc` where a change of the clocks makes wall-clock times ambiguous.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest

from kiosk.core.hours import (
    DAY_NAMES,
    OpeningHours,
    Span,
    is_open,
    local_zone,
    next_change,
    parse_day,
    zone_of,
)

NY = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC
SECOND = dt.timedelta(seconds=1)


def week(time_zone: str | None = "America/New_York", **days: str) -> OpeningHours:
    """Opening hours from content.yaml-style values; days not named are closed."""
    return OpeningHours(
        days=tuple(parse_day(days.get(name, "closed")) for name in DAY_NAMES),
        time_zone=time_zone,
    )


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time in New York (the first of two, when the clocks fall back)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=NY)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


OFFICE = week(
    monday="08:00-18:00",
    tuesday="08:00-18:00",
    wednesday="08:00-18:00",
    thursday="08:00-12:30, 13:30-20:00",
    friday="08:00-17:00",
)
"""Closed at the weekend. 2026-03-02 is a Monday."""


# --------------------------------------------------------------------------------------------
# No hours, all hours, no opening


def test_without_hours_the_kiosk_is_always_open() -> None:
    for moment in (utc(2026, 3, 8, 7), at(2026, 11, 1, 1, 30), utc(1999, 12, 31, 23, 59)):
        assert is_open(None, moment)
        assert next_change(None, moment) is None


@pytest.mark.parametrize("value", ["00:00-24:00", "00:00-12:00, 12:00-24:00"])
def test_open_every_minute_never_changes(value: str) -> None:
    hours = week(**dict.fromkeys(DAY_NAMES, value))
    assert hours.always_open
    assert is_open(hours, utc(2026, 3, 8, 7))
    assert next_change(hours, utc(2026, 3, 8, 7)) is None


def test_hours_that_never_open_never_change() -> None:
    hours = week()
    assert hours.never_open
    assert not is_open(hours, at(2026, 3, 4, 12))
    assert next_change(hours, at(2026, 3, 4, 12)) is None


# --------------------------------------------------------------------------------------------
# An ordinary week


@pytest.mark.parametrize(
    ("moment", "open_now", "change"),
    [
        (at(2026, 3, 2, 7, 59), False, at(2026, 3, 2, 8)),
        (at(2026, 3, 2, 8), True, at(2026, 3, 2, 18)),  # open from the minute it opens
        (at(2026, 3, 2, 17, 59), True, at(2026, 3, 2, 18)),
        (at(2026, 3, 2, 18), False, at(2026, 3, 3, 8)),  # closed from the minute it closes
        (at(2026, 3, 5, 12, 30), False, at(2026, 3, 5, 13, 30)),  # Thursday's lunch break
        (at(2026, 3, 5, 13, 30), True, at(2026, 3, 5, 20)),
        (at(2026, 3, 6, 17), False, at(2026, 3, 9, 8)),  # Friday evening to Monday
        (at(2026, 3, 7, 12), False, at(2026, 3, 9, 8)),  # Saturday
        (at(2026, 3, 8, 23, 59), False, at(2026, 3, 9, 8)),  # Sunday night to Monday
    ],
)
def test_office_hours(moment: dt.datetime, open_now: bool, change: dt.datetime) -> None:
    assert is_open(OFFICE, moment) is open_now
    assert next_change(OFFICE, moment) == change


def test_next_change_is_given_in_utc() -> None:
    change = next_change(OFFICE, utc(2026, 3, 2, 12))  # 07:00 in New York
    assert change is not None
    assert change.tzinfo is UTC
    assert change == utc(2026, 3, 2, 13)
    shown = change.astimezone(zone_of(OFFICE))
    assert (shown.hour, shown.minute) == (8, 0)


def test_moments_in_other_zones_are_compared_as_instants() -> None:
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    moment = dt.datetime(2026, 3, 2, 14, 30, tzinfo=paris)  # 08:30 in New York
    assert is_open(OFFICE, moment)
    assert next_change(OFFICE, moment) == at(2026, 3, 2, 18)


def test_open_only_one_day_a_week_waits_almost_a_week() -> None:
    hours = week(wednesday="10:00-11:00")
    assert next_change(hours, at(2026, 3, 4, 11)) == at(2026, 3, 11, 10)
    assert next_change(hours, at(2026, 3, 11, 10)) == at(2026, 3, 11, 11)


def test_open_all_week_but_one_hour() -> None:
    hours = week(
        **dict.fromkeys(DAY_NAMES, "00:00-24:00") | {"tuesday": "00:00-03:00, 04:00-24:00"}
    )
    assert next_change(hours, at(2026, 3, 4, 12)) == at(2026, 3, 10, 3)  # Wednesday to Tuesday
    assert next_change(hours, at(2026, 3, 10, 3, 30)) == at(2026, 3, 10, 4)


# --------------------------------------------------------------------------------------------
# Across midnight


LATE = week(
    friday="18:00-24:00",
    saturday="00:00-02:00, 20:00-24:00",
    sunday="00:00-01:00",
    monday="09:00-12:00",
)
"""Open past midnight on Friday and Saturday nights. 2026-03-13 is a Friday."""


@pytest.mark.parametrize(
    ("moment", "open_now", "change"),
    [
        (at(2026, 3, 13, 23), True, at(2026, 3, 14, 2)),  # midnight is not a change
        (at(2026, 3, 14, 0), True, at(2026, 3, 14, 2)),
        (at(2026, 3, 14, 1, 59), True, at(2026, 3, 14, 2)),
        (at(2026, 3, 14, 2), False, at(2026, 3, 14, 20)),
        (at(2026, 3, 14, 22), True, at(2026, 3, 15, 1)),  # Saturday night into Sunday
        (at(2026, 3, 15, 1), False, at(2026, 3, 16, 9)),  # Sunday to Monday
        (at(2026, 3, 15, 23, 59), False, at(2026, 3, 16, 9)),
        (at(2026, 3, 16, 12), False, at(2026, 3, 20, 18)),  # Monday to Friday
    ],
)
def test_across_midnight(moment: dt.datetime, open_now: bool, change: dt.datetime) -> None:
    assert is_open(LATE, moment) is open_now
    assert next_change(LATE, moment) == change


def test_sunday_night_into_monday_morning() -> None:
    hours = week(sunday="20:00-24:00", monday="00:00-06:00")
    assert next_change(hours, at(2026, 3, 1, 19)) == at(2026, 3, 1, 20)
    assert is_open(hours, at(2026, 3, 1, 23, 59))
    assert is_open(hours, at(2026, 3, 2, 0))
    assert next_change(hours, at(2026, 3, 1, 21)) == at(2026, 3, 2, 6)
    assert not is_open(hours, at(2026, 3, 2, 6))
    assert next_change(hours, at(2026, 3, 2, 6)) == at(2026, 3, 8, 20)


# --------------------------------------------------------------------------------------------
# The clocks change: in New York they spring forward on Sunday 2026-03-08 at 02:00 (to 03:00,
# 07:00 UTC) and fall back on Sunday 2026-11-01 at 02:00 (to 01:00, 06:00 UTC).


def test_spring_forward_a_day_of_23_hours() -> None:
    hours = week(saturday="09:00-17:00", sunday="09:00-17:00")
    saturday_close = next_change(hours, at(2026, 3, 7, 12))
    sunday_open = next_change(hours, at(2026, 3, 7, 20))
    assert saturday_close == utc(2026, 3, 7, 22)  # 17:00 EST
    assert sunday_open == utc(2026, 3, 8, 13)  # 09:00 EDT
    assert sunday_open - saturday_close == dt.timedelta(hours=15)  # 16 hours by the wall clock
    assert next_change(hours, sunday_open) == utc(2026, 3, 8, 21)  # 17:00 EDT


def test_spring_forward_while_open_overnight() -> None:
    hours = week(saturday="22:00-24:00", sunday="00:00-04:00")
    assert is_open(hours, utc(2026, 3, 8, 6, 59))  # 01:59 EST
    assert is_open(hours, utc(2026, 3, 8, 7))  # 03:00 EDT
    assert next_change(hours, utc(2026, 3, 8, 6, 30)) == utc(2026, 3, 8, 8)  # 04:00 EDT


def test_spring_forward_a_range_ending_in_the_skipped_hour_ends_at_the_jump() -> None:
    hours = week(sunday="00:00-02:30")
    assert is_open(hours, utc(2026, 3, 8, 6, 59))  # 01:59 EST
    assert next_change(hours, utc(2026, 3, 8, 6)) == utc(2026, 3, 8, 7)  # 03:00 EDT
    assert not is_open(hours, utc(2026, 3, 8, 7))


def test_spring_forward_a_range_starting_in_the_skipped_hour_starts_at_the_jump() -> None:
    hours = week(sunday="02:30-05:00")
    assert not is_open(hours, utc(2026, 3, 8, 6, 59))
    assert next_change(hours, utc(2026, 3, 8, 5)) == utc(2026, 3, 8, 7)  # 03:00 EDT
    assert is_open(hours, utc(2026, 3, 8, 7))
    assert next_change(hours, utc(2026, 3, 8, 7)) == utc(2026, 3, 8, 9)  # 05:00 EDT


def test_spring_forward_a_range_inside_the_skipped_hour_never_opens() -> None:
    hours = week(sunday="02:00-02:45, 10:00-11:00")
    assert next_change(hours, utc(2026, 3, 8, 5)) == utc(2026, 3, 8, 14)  # 10:00 EDT
    assert not any(is_open(hours, utc(2026, 3, 8, 6, m)) for m in range(0, 60, 5))
    assert not any(is_open(hours, utc(2026, 3, 8, 7, m)) for m in range(0, 60, 5))


def test_fall_back_a_day_of_25_hours() -> None:
    hours = week(saturday="09:00-17:00", sunday="09:00-17:00")
    saturday_close = next_change(hours, at(2026, 10, 31, 12))
    sunday_open = next_change(hours, at(2026, 10, 31, 20))
    assert saturday_close == utc(2026, 10, 31, 21)  # 17:00 EDT
    assert sunday_open == utc(2026, 11, 1, 14)  # 09:00 EST
    assert sunday_open - saturday_close == dt.timedelta(hours=17)  # 16 by the wall clock


def test_fall_back_a_range_ending_in_the_repeated_hour_ends_the_first_time() -> None:
    hours = week(saturday="22:00-24:00", sunday="00:00-01:30")
    assert next_change(hours, utc(2026, 11, 1, 5)) == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert not is_open(hours, utc(2026, 11, 1, 5, 30))
    assert not is_open(hours, utc(2026, 11, 1, 6, 15))  # 01:15 EST: the clock reads it again
    assert next_change(hours, utc(2026, 11, 1, 6, 15)) == at(2026, 11, 7, 22)


def test_fall_back_a_range_starting_in_the_repeated_hour_starts_the_first_time() -> None:
    hours = week(sunday="01:30-03:00")
    assert next_change(hours, utc(2026, 11, 1, 4)) == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert is_open(hours, utc(2026, 11, 1, 5, 30))
    assert is_open(hours, utc(2026, 11, 1, 6, 15))  # 01:15 EST, inside the range's instants
    assert next_change(hours, utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 1, 8)  # 03:00 EST
    assert not is_open(hours, utc(2026, 11, 1, 8))


def _moments(start: dt.datetime, days: int, step_minutes: int) -> Iterator[dt.datetime]:
    moment = start
    while moment < start + dt.timedelta(days=days):
        yield moment
        moment += dt.timedelta(minutes=step_minutes)


@pytest.mark.parametrize("start", [utc(2026, 3, 5), utc(2026, 10, 29)], ids=["spring", "fall"])
@pytest.mark.parametrize(
    "hours",
    [
        OFFICE,
        LATE,
        week(sunday="00:00-02:30, 02:45-24:00", saturday="01:00-02:00, 03:00-24:00"),
        week(sunday="01:15-01:45", monday="00:00-24:00"),
    ],
    ids=["office", "late", "gaps", "repeated"],
)
def test_is_open_changes_exactly_at_next_change(start: dt.datetime, hours: OpeningHours) -> None:
    """For every moment of a week around a change of the clocks, nothing changes before
    next_change, and is_open flips at it."""
    for moment in _moments(start, 7, 13):
        open_now = is_open(hours, moment)
        change = next_change(hours, moment)
        assert change is not None
        assert change > moment
        assert is_open(hours, change - SECOND) is open_now, (moment, change)
        assert is_open(hours, change) is not open_now, (moment, change)
        half_way = moment + (change - moment) / 2
        assert is_open(hours, half_way) is open_now, (moment, change)


# --------------------------------------------------------------------------------------------
# Time zones and the data itself


def test_time_zone_none_is_the_machines_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    local_zone.cache_clear()
    try:
        assert zone_of(week(time_zone=None)) == zoneinfo.ZoneInfo("Asia/Tokyo")
        assert zone_of(None) == zoneinfo.ZoneInfo("Asia/Tokyo")
        hours = week(time_zone=None, monday="08:00-18:00")
        assert is_open(hours, dt.datetime(2026, 3, 2, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")))
        assert not is_open(hours, at(2026, 3, 2, 9))  # 23:00 in Tokyo
    finally:
        local_zone.cache_clear()


def test_named_time_zone() -> None:
    assert zone_of(OFFICE) == NY


@pytest.mark.parametrize(("start", "end"), [(0, 0), (-1, 10), (10, 1441), (600, 480)])
def test_a_span_must_end_after_it_starts_within_the_day(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="a span must have"):
        Span(start, end)


def test_opening_hours_need_seven_days_of_ranges_in_order() -> None:
    with pytest.raises(ValueError, match="need 7 days"):
        OpeningHours(days=((),) * 6)
    with pytest.raises(ValueError, match="overlap or are not in order"):
        OpeningHours(days=((Span(600, 700), Span(480, 540)),) + ((),) * 6)


def test_describe_writes_the_hours_as_content_yaml_would() -> None:
    assert OFFICE.describe().splitlines() == [
        "monday: 08:00-18:00",
        "tuesday: 08:00-18:00",
        "wednesday: 08:00-18:00",
        "thursday: 08:00-12:30, 13:30-20:00",
        "friday: 08:00-17:00",
        "saturday: closed",
        "sunday: closed",
    ]
    assert str(Span(0, 1440)) == "00:00-24:00"
