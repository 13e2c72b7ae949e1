"""Parsing and validating the optional ``staff:`` section of content.yaml.

Like tests/core/test_content.py, whose helpers these tests use: add a ``staff:`` section to the
end of MINIMAL (its first line is AFTER) or change the shipped file with ``edit``, and assert
the exact message, ``FILE:LINE: key.path: message``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.core.content import Staff, load_content, parse_content
from tests.core import test_content
from tests.core.test_content import (
    AFTER,
    MINIMAL,
    QUOTE_HINT,
    REPO,
    SHIPPED,
    SHIPPED_TEXT,
    edit,
    line_of,
    parse,
    problems,
)

site = test_content.site
"""The parser tests' fixture: a folder with resources/logo.svg, used as base_dir."""

STAFF_KEYS = "long_press_seconds, lock_after_seconds, retention_days, time_zone, export_folder"
ZONE_RULE = "must be a time zone name like America/New_York"
HOME = Path(os.path.expanduser("~"))


def with_staff(*lines: str) -> str:
    """MINIMAL with a staff section of ``lines`` (each indented under it) at its end."""
    return MINIMAL + "staff:\n" + "".join(f"  {line}\n" for line in lines)


def staff_problem(key: str, message: str, line: int = AFTER + 1) -> str:
    return f"content.yaml:{line}: staff.{key}: {message}"


# --------------------------------------------------------------------------------------------
# What a valid section turns into


def test_staff_is_optional_and_defaults_to_the_record(site: Path) -> None:
    staff = parse(MINIMAL, site).staff
    defaults = Staff()
    assert staff.long_press_seconds == defaults.long_press_seconds == 3.0
    assert staff.lock_after_seconds == defaults.lock_after_seconds == 60.0
    assert staff.retention_days == defaults.retention_days == 90
    assert staff.time_zone == defaults.time_zone == "UTC"
    # The default folder is given with ~ already expanded, so it can be used as it is.
    assert staff.export_folder == HOME / "clinic-kiosk-exports"
    assert staff.export_folder.is_absolute()


def test_each_key_is_optional(site: Path) -> None:
    staff = parse(with_staff("retention_days: 30"), site).staff
    assert staff == Staff(retention_days=30, export_folder=HOME / "clinic-kiosk-exports")


def test_every_key_is_read(site: Path) -> None:
    staff = parse(
        with_staff(
            "long_press_seconds: 1.5",
            "lock_after_seconds: 120",
            "retention_days: 3650",
            'time_zone: " Europe/Paris "',
            "export_folder: /srv/exports",
        ),
        site,
    ).staff
    assert staff == Staff(
        long_press_seconds=1.5,
        lock_after_seconds=120.0,
        retention_days=3650,
        time_zone="Europe/Paris",
        export_folder=Path("/srv/exports"),
    )
    assert isinstance(staff.long_press_seconds, float)
    assert isinstance(staff.lock_after_seconds, float)
    assert isinstance(staff.retention_days, int)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("long_press_seconds", "1"),
        ("long_press_seconds", "30"),
        ("lock_after_seconds", "10"),
        ("lock_after_seconds", "3600"),
        ("retention_days", "1"),
        ("retention_days", "3650"),
    ],
)
def test_limits_are_inclusive(key: str, value: str, site: Path) -> None:
    staff = parse(with_staff(f"{key}: {value}"), site).staff
    assert getattr(staff, key) == float(value)


def test_export_folder_home_is_expanded(site: Path) -> None:
    staff = parse(with_staff('export_folder: "~/exports"'), site).staff
    assert staff.export_folder == HOME / "exports"


def test_relative_export_folder_is_resolved_from_the_content_files_folder(
    site: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "content.yaml").write_text(with_staff("export_folder: exports/../csv"), "utf-8")
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    staff = load_content(site / "content.yaml").staff
    assert staff.export_folder == site / "csv"
    assert not staff.export_folder.exists()  # it need not exist: it is made when needed


# --------------------------------------------------------------------------------------------
# Bad values, each reported with file, line and key


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("long_press_seconds", "0.5", "must be between 1 and 30 seconds, got 0.5"),
        ("long_press_seconds", "31", "must be between 1 and 30 seconds, got 31"),
        ("long_press_seconds", "three", "must be a number of seconds, got 'three'"),
        (
            "long_press_seconds",
            '"3"',
            "must be a number of seconds, got '3'; write the number without quotes",
        ),
        ("lock_after_seconds", "9", "must be between 10 and 3600 seconds, got 9"),
        ("lock_after_seconds", "3601", "must be between 10 and 3600 seconds, got 3601"),
        ("lock_after_seconds", "yes", "must be a number of seconds, got the yes/no value 'yes'"),
        ("retention_days", "0", "must be between 1 and 3650 days, got 0"),
        ("retention_days", "3651", "must be between 1 and 3650 days, got 3651"),
        ("retention_days", "30.5", "must be a whole number of days, got the number 30.5"),
        ("retention_days", "[30]", "must be a whole number of days, got a list"),
        ("time_zone", "Mars/Olympus_Mons", f"{ZONE_RULE}, got 'Mars/Olympus_Mons'"),
        ("time_zone", "America/New York", f"{ZONE_RULE}, got 'America/New York'"),
        ("time_zone", "America", f"{ZONE_RULE}, got 'America'"),
        ("time_zone", "/etc/passwd", f"{ZONE_RULE}, got '/etc/passwd'"),
        ("time_zone", "../zoneinfo/UTC", f"{ZONE_RULE}, got '../zoneinfo/UTC'"),
        ("time_zone", "zone.tab", f"{ZONE_RULE}, got 'zone.tab'"),
        ("time_zone", "utc", f"{ZONE_RULE}, got 'utc'"),
        ("time_zone", '"America/New_York\\0"', f"{ZONE_RULE}, got 'America/New_York\\x00'"),
        ("time_zone", "-5", f"{ZONE_RULE}, got the number -5{QUOTE_HINT}"),
        ("time_zone", '""', f"must not be empty; expected {ZONE_RULE[8:]}, got ''"),
        ("export_folder", "", "must not be empty; expected the path of a folder, got nothing"),
        ("export_folder", "[a, b]", "must be the path of a folder, got a list"),
        ("export_folder", '"a\\0b"', "is not a usable folder path: 'a\\x00b'"),
        (
            "export_folder",
            "~no_such_user_here/exports",
            "starts with ~, but the home folder of the user 'no_such_user_here' is not known "
            "here: '~no_such_user_here/exports'; write a full path instead",
        ),
    ],
)
def test_bad_values(key: str, value: str, message: str, site: Path) -> None:
    assert problems(with_staff(f"{key}: {value}"), site) == [staff_problem(key, message)]


def test_unknown_key_suggests_the_closest(site: Path) -> None:
    assert problems(with_staff("retention: 30"), site) == [
        staff_problem(
            "retention",
            f"is not a known key; did you mean 'retention_days'? (allowed here: {STAFF_KEYS})",
        )
    ]


def test_staff_must_be_a_mapping(site: Path) -> None:
    text = MINIMAL + "staff: 60\n"
    assert problems(text, site) == [
        f"content.yaml:{AFTER}: staff: must be a mapping of 'key: value' lines "
        f"(allowed keys: {STAFF_KEYS}), got the number 60"
    ]


def test_every_bad_key_is_reported_in_line_order(site: Path) -> None:
    text = with_staff("long_press_seconds: 0", "time_zone: Nowhere", "retention_days: -1")
    assert problems(text, site) == [
        staff_problem("long_press_seconds", "must be between 1 and 30 seconds, got 0", AFTER + 1),
        staff_problem("time_zone", f"{ZONE_RULE}, got 'Nowhere'", AFTER + 2),
        staff_problem("retention_days", "must be between 1 and 3650 days, got -1", AFTER + 3),
    ]


def test_a_bad_time_zone_in_the_shipped_file() -> None:
    text = edit('  time_zone: "America/New_York"', '  time_zone: "Eastern Time"')
    assert problems(text, REPO) == [
        f"content.yaml:{line_of(text, '  time_zone:')}: staff.time_zone: {ZONE_RULE}, "
        "got 'Eastern Time'"
    ]


# --------------------------------------------------------------------------------------------
# The shipped file


def test_shipped_staff_section() -> None:
    staff = load_content(SHIPPED).staff
    assert staff == Staff(
        long_press_seconds=3.0,
        lock_after_seconds=60.0,
        retention_days=90,
        time_zone="America/New_York",
        export_folder=HOME / "clinic-kiosk-exports",
    )


def test_shipped_file_documents_every_staff_key() -> None:
    staff_section = SHIPPED_TEXT.split("\nstaff:\n", 1)[1].split("\n\n", 1)[0]
    for key in STAFF_KEYS.split(", "):
        assert f"\n  {key}: " in staff_section
    assert parse_content(SHIPPED_TEXT, "content.yaml", REPO).staff == load_content(SHIPPED).staff
