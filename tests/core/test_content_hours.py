"""Parsing and validating the optional ``opening_hours:`` section of content.yaml.

Like tests/core/test_content_staff.py: add an ``opening_hours:`` section to the end of MINIMAL
(its first line is AFTER) and assert the exact message, ``FILE:LINE: key.path: message``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.content import load_content, parse_content
from kiosk.core.hours import OpeningHours, Span
from tests.core import test_content
from tests.core.test_content import AFTER, MINIMAL, REPO, SHIPPED, SHIPPED_TEXT, parse, problems

site = test_content.site
"""The parser tests' fixture: a folder with resources/logo.svg, used as base_dir."""

HOURS_KEYS = (
    "monday, tuesday, wednesday, thursday, friday, saturday, sunday, time_zone, wake_minutes, "
    "closed_display"
)
DAY_RULE = 'must be closed or opening times in quotes, like "08:00-12:30, 13:30-18:00"'
RANGE_RULE = (
    'is not a time range; write each range as HH:MM-HH:MM in 24-hour time, like "08:00-12:30, '
    '13:30-18:00", or write closed'
)
NOT_A_TIME = (
    "is not a time of day; hours go from 00 to 23 and minutes from 00 to 59 (24:00 may end a range)"
)
WEEKDAYS = (Span(8 * 60, 18 * 60),)


def with_hours(*lines: str, text: str = MINIMAL) -> str:
    """``text`` with an opening_hours section of ``lines`` (each indented under it) at its end."""
    return text + "opening_hours:\n" + "".join(f"  {line}\n" for line in lines)


def hours_problem(key: str, message: str, line: int = AFTER + 1) -> str:
    return f"content.yaml:{line}: opening_hours.{key}: {message}"


# --------------------------------------------------------------------------------------------
# What a valid section turns into


def test_no_opening_hours_means_always_open(site: Path) -> None:
    assert parse(MINIMAL, site).opening_hours is None


def test_shipped_file_is_always_open() -> None:
    assert load_content(SHIPPED).opening_hours is None


def test_every_key_is_read(site: Path) -> None:
    hours = parse(
        with_hours(
            'monday: "08:00-12:30, 13:30-18:00"',
            'tuesday: "8:00 - 17:00"',
            "wednesday: closed",
            'thursday: "00:00-24:00"',
            "friday: Closed",
            'saturday: "09:00\u201313:00"',  # an en dash, as word processors write it
            'sunday: "  22:00-24:00 ,00:00-01:00  "',
            "time_zone: Europe/Paris",
            "wake_minutes: 12",
            "closed_display: power_off",
        ),
        site,
    ).opening_hours
    assert hours == OpeningHours(
        days=(
            (Span(480, 750), Span(810, 1080)),
            (Span(480, 1020),),
            (),
            (Span(0, 1440),),
            (),
            (Span(540, 780),),
            (Span(0, 60), Span(1320, 1440)),  # kept in order of time
        ),
        time_zone="Europe/Paris",
        wake_minutes=12,
        closed_display="power_off",
    )
    assert isinstance(hours.wake_minutes, int)


def test_a_day_left_out_is_closed_and_wake_minutes_defaults_to_five(site: Path) -> None:
    hours = parse(with_hours('monday: "08:00-18:00"'), site).opening_hours
    assert hours == OpeningHours(days=(WEEKDAYS, (), (), (), (), (), ()), wake_minutes=5)


def test_the_display_stays_dim_while_closed_unless_told_off(site: Path) -> None:
    hours = parse(with_hours('monday: "08:00-18:00"'), site).opening_hours
    assert hours is not None
    assert hours.closed_display == "dim"


def test_closed_display_must_be_dim_or_off(site: Path) -> None:
    text = with_hours('monday: "08:00-18:00"', "closed_display: dark")
    assert problems(text, site) == [
        hours_problem(
            "closed_display", "must be one of the choices (dim, power_off), got 'dark'", AFTER + 2
        )
    ]


def test_touching_ranges_are_allowed(site: Path) -> None:
    hours = parse(with_hours('monday: "08:00-12:00, 12:00-18:00"'), site).opening_hours
    assert hours is not None
    assert hours.days[0] == (Span(480, 720), Span(720, 1080))


@pytest.mark.parametrize(("value", "minutes"), [("1", 1), ("120", 120)])
def test_wake_minutes_limits_are_inclusive(value: str, minutes: int, site: Path) -> None:
    hours = parse(with_hours('friday: "08:00-18:00"', f"wake_minutes: {value}"), site)
    assert hours.opening_hours is not None
    assert hours.opening_hours.wake_minutes == minutes


# --------------------------------------------------------------------------------------------
# Which time zone


STAFF_ZONE = "staff:\n  time_zone: Asia/Tokyo\n"


def test_without_any_time_zone_the_machines_local_time_is_used(site: Path) -> None:
    hours = parse(with_hours('monday: "08:00-18:00"'), site).opening_hours
    assert hours is not None
    assert hours.time_zone is None


def test_without_a_time_zone_of_their_own_they_follow_staff_time_zone(site: Path) -> None:
    text = with_hours('monday: "08:00-18:00"', text=MINIMAL + STAFF_ZONE)
    hours = parse(text, site).opening_hours
    assert hours is not None
    assert hours.time_zone == "Asia/Tokyo"


def test_staff_without_a_time_zone_is_not_utc_for_the_hours(site: Path) -> None:
    # Staff.time_zone defaults to UTC for exports, but a clinic that never wrote it did not
    # mean UTC opening hours: the machine's own zone is the better guess.
    text = with_hours('monday: "08:00-18:00"', text=MINIMAL + "staff:\n  retention_days: 30\n")
    content = parse(text, site)
    assert content.staff.time_zone == "UTC"
    assert content.opening_hours is not None
    assert content.opening_hours.time_zone is None


def test_their_own_time_zone_wins_over_staffs(site: Path) -> None:
    text = with_hours('monday: "08:00-18:00"', "time_zone: Europe/Oslo", text=MINIMAL + STAFF_ZONE)
    hours = parse(text, site).opening_hours
    assert hours is not None
    assert hours.time_zone == "Europe/Oslo"


def test_the_commented_example_in_the_shipped_file_is_valid() -> None:
    start = SHIPPED_TEXT.index("# opening_hours:\n")
    end = SHIPPED_TEXT.index("\n\n", start)
    example = SHIPPED_TEXT[start:end]
    lines = example.splitlines()
    assert all(line.startswith("# ") for line in lines)
    text = SHIPPED_TEXT[:start] + "\n".join(line[2:] for line in lines) + SHIPPED_TEXT[end:]
    hours = parse_content(text, "content.yaml", REPO).opening_hours
    assert hours is not None
    assert hours.time_zone == "America/New_York"  # from staff.time_zone
    assert hours.days[3] == (Span(480, 750), Span(810, 1200))
    assert hours.days[6] == ()
    assert hours.wake_minutes == 5


# --------------------------------------------------------------------------------------------
# Bad values, each reported with file, line and key


@pytest.mark.parametrize(
    ("value", "messages"),
    [
        ('"8-12"', [f"'8-12' {RANGE_RULE}"]),
        ('"08:00 to 12:00"', [f"'08:00 to 12:00' {RANGE_RULE}"]),
        ('"08.00-12.00"', [f"'08.00-12.00' {RANGE_RULE}"]),
        ('"open"', [f"'open' {RANGE_RULE}"]),
        (
            '"25:00-26:00"',
            [f"25:00 in '25:00-26:00' {NOT_A_TIME}", f"26:00 in '25:00-26:00' {NOT_A_TIME}"],
        ),
        ('"08:60-09:00"', [f"08:60 in '08:60-09:00' {NOT_A_TIME}"]),
        ('"22:00-24:30"', [f"24:30 in '22:00-24:30' {NOT_A_TIME}"]),
        (
            '"24:00-24:00"',
            [
                "the range '24:00-24:00' starts at 24:00, which can only end a range; "
                "start at 00:00 instead"
            ],
        ),
        (
            '"18:00-08:00"',
            [
                "the range '18:00-08:00' ends before it starts; for hours past midnight, end "
                "the day at 24:00 and start the next day at 00:00"
            ],
        ),
        ('"08:00-08:00"', ["the range '08:00-08:00' is empty: it ends when it starts"]),
        (
            '"08:00-12:00, 11:00-13:00"',
            [
                "the ranges 08:00-12:00 and 11:00-13:00 overlap; the ranges of one day must "
                "not overlap (join them into one range)"
            ],
        ),
        (
            '"08:00-12:00,, 13:00-17:00"',
            [
                "has an empty range between commas in '08:00-12:00,, 13:00-17:00'; "
                "remove the extra comma"
            ],
        ),
        (
            '"08:00-12:00, closed"',
            [
                "'closed' must be the whole value, not one of several ranges; write either "
                "closed or the opening times"
            ],
        ),
        (
            '"8-12, 18:00-08:00"',  # every problem of the day, each on its own line
            [
                f"'8-12' {RANGE_RULE}",
                "the range '18:00-08:00' ends before it starts; for hours past midnight, end "
                "the day at 24:00 and start the next day at 00:00",
            ],
        ),
        ("8:00", [f"{DAY_RULE}, got the number 8:00"]),  # YAML 1.1 reads 8:00 as 480
        ("08:00", [f"'08:00' {RANGE_RULE}"]),
        ("no", [f"{DAY_RULE}, got the yes/no value 'no'; write closed for a closed day"]),
        (
            '["08:00-12:00", "13:00-17:00"]',
            [
                f"{DAY_RULE}, got a list; write all of a day's ranges on one line, separated "
                "by commas"
            ],
        ),
        ("{open: '08:00'}", [f"{DAY_RULE}, got a mapping of 'key: value' lines"]),
        (
            "",
            [
                'must not be empty; expected closed or opening times in quotes, like "08:00-'
                '12:30, 13:30-18:00", got nothing (leave the day out or write closed for a '
                "closed day)"
            ],
        ),
        (
            '" "',
            [
                'must not be empty; expected closed or opening times in quotes, like "08:00-'
                "12:30, 13:30-18:00\", got ' ' (leave the day out or write closed for a "
                "closed day)"
            ],
        ),
    ],
)
def test_bad_day_values(value: str, messages: list[str], site: Path) -> None:
    text = with_hours(f"monday: {value}", 'tuesday: "08:00-18:00"')
    assert problems(text, site) == [hours_problem("monday", m) for m in messages]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("wake_minutes", "0", "must be between 1 and 120 minutes, got 0"),
        ("wake_minutes", "121", "must be between 1 and 120 minutes, got 121"),
        ("wake_minutes", "2.5", "must be a whole number of minutes, got the number 2.5"),
        ("wake_minutes", "five", "must be a whole number of minutes, got 'five'"),
        (
            "time_zone",
            "Eastern Time",
            "must be a time zone name like America/New_York, got 'Eastern Time'",
        ),
    ],
)
def test_bad_settings(key: str, value: str, message: str, site: Path) -> None:
    text = with_hours('monday: "08:00-18:00"', f"{key}: {value}")
    assert problems(text, site) == [hours_problem(key, message, AFTER + 2)]


def test_unknown_key_suggests_the_closest(site: Path) -> None:
    assert problems(with_hours('Monday: "08:00-18:00"'), site) == [
        hours_problem(
            "Monday", f"is not a known key; did you mean 'monday'? (allowed here: {HOURS_KEYS})"
        )
    ]
    assert problems(with_hours('monday: "08:00-18:00"', "wake_minute: 3"), site) == [
        hours_problem(
            "wake_minute",
            f"is not a known key; did you mean 'wake_minutes'? (allowed here: {HOURS_KEYS})",
            AFTER + 2,
        )
    ]


@pytest.mark.parametrize(
    ("section", "got"),
    [
        ("opening_hours:\n", "nothing"),
        ('opening_hours: "08:00-18:00"\n', "'08:00-18:00'"),
        ("opening_hours: [monday]\n", "a list"),
    ],
)
def test_opening_hours_must_be_a_mapping(section: str, got: str, site: Path) -> None:
    assert problems(MINIMAL + section, site) == [
        f"content.yaml:{AFTER}: opening_hours: must be a mapping of 'key: value' lines "
        f"(allowed keys: {HOURS_KEYS}), got {got}"
    ]


@pytest.mark.parametrize(
    "lines",
    [
        ("monday: closed", "tuesday: closed"),
        ("time_zone: Europe/Paris",),
        ("wake_minutes: 10",),
    ],
)
def test_hours_that_never_open_are_refused(lines: tuple[str, ...], site: Path) -> None:
    assert problems(with_hours(*lines), site) == [
        f"content.yaml:{AFTER}: opening_hours: gives no opening times, so the kiosk would "
        'always sleep; add the hours of at least one day, like monday: "08:00-18:00", or '
        "remove opening_hours to keep the kiosk awake all the time"
    ]


def test_every_problem_is_reported_in_line_order(site: Path) -> None:
    text = with_hours(
        'monday: "8-12"',
        'tuesday: "08:00-18:00"',
        'wednesday: "18:00-08:00"',
        "wednesday: closed",
        "wake_minutes: 0",
    )
    assert problems(text, site) == [
        hours_problem("monday", f"'8-12' {RANGE_RULE}", AFTER + 1),
        hours_problem(
            "wednesday",
            "the range '18:00-08:00' ends before it starts; for hours past midnight, end the "
            "day at 24:00 and start the next day at 00:00",
            AFTER + 3,
        ),
        hours_problem(
            "wednesday",
            f"appears more than once (first on line {AFTER + 3}); keep only one",
            AFTER + 4,
        ),
        hours_problem("wake_minutes", "must be between 1 and 120 minutes, got 0", AFTER + 5),
    ]


def test_problems_in_the_hours_and_elsewhere_are_all_reported(site: Path) -> None:
    text = with_hours('monday: "8-12"').replace("  name: Clinic\n", "  name: ''\n")
    assert problems(text, site) == [
        "content.yaml:3: clinic.name: must not be empty; expected text, got ''",
        hours_problem("monday", f"'8-12' {RANGE_RULE}"),
    ]
