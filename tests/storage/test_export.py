"""CSV export: read back with the csv module exactly; formulas defused; written atomically and
privately. All data is fake."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core.form import FormField
from kiosk.storage.csv_rows import safe_cell
from kiosk.storage.export import export_csv
from kiosk.storage.store import StoredRequest

NY = "America/New_York"
RECEIVED = datetime(2026, 11, 27, 14, 15, 2, 999999, tzinfo=UTC)  # 09:15:02 in New York
SUMMER = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)  # 08:00:00 EDT
ARABIC = "\u0633\u0627\u0631\u0627 \u0645\u062b\u0627\u0644"  # "Sara Example"
HEBREW = "\u05e9\u05e8\u05d4 \u05d3\u05d5\u05d2\u05de\u05d4"  # "Sara Example"

FIELDS = (
    FormField(key="name", type="text", label="Your name"),
    FormField(key="phone", type="phone", label="Phone number"),
    FormField(key="email", type="email", label="Email address"),
    FormField(key="question", type="multiline", label="Your question (optional)"),
    FormField(key="consent", type="consent", label="I agree"),
)
HEADER = [
    "ID",
    "Received",
    "Status",
    "Contacted",
    "Your name",
    "Phone number",
    "Email address",
    "Your question (optional)",
    "I agree",
    "Content version",
    "Kiosk",
    "Language",
]


def request(
    request_id: int,
    answers: dict[str, str | bool],
    *,
    created_at: datetime = RECEIVED,
    status: str = "new",
    contacted_at: datetime | None = None,
    content_version: str = "2026-11-27",
    kiosk_id: str = "lobby",
    language: str = "",
) -> StoredRequest:
    return StoredRequest(
        id=request_id,
        created_at=created_at,
        status=status,
        answers=answers,
        content_version=content_version,
        kiosk_id=kiosk_id,
        contacted_at=contacted_at,
        language=language,
    )


def read_back(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_header_values_times_and_booleans(tmp_path):
    out = tmp_path / "requests.csv"
    rows = [
        request(
            1,
            {
                "name": "Zoë Example",
                "phone": "+12025550100",
                "email": "zoe@example.com",
                "question": "When are you open?",
                "consent": True,
            },
        ),
        request(
            2,
            {"name": "Ana Example", "consent": False},
            created_at=SUMMER,
            status="contacted",
            contacted_at=RECEIVED,
            kiosk_id="kiosk-2",
            language="es",
        ),
    ]
    assert export_csv(rows, FIELDS, out, NY) == 2
    assert read_back(out) == [
        HEADER,
        [
            "1",
            "2026-11-27T09:15:02-05:00",
            "new",
            "",
            "Zoë Example",
            "'+12025550100",  # E.164 starts with +: defused like any formula trigger
            "zoe@example.com",
            "When are you open?",
            "Yes",
            "2026-11-27",
            "lobby",
            "",
        ],
        [
            "2",
            "2026-07-01T08:00:00-04:00",
            "contacted",
            "2026-11-27T09:15:02-05:00",
            "Ana Example",
            "",
            "",
            "",
            "No",
            "2026-11-27",
            "kiosk-2",
            "es",
        ],
    ]


def test_the_bytes_bom_crlf_and_every_cell_quoted(tmp_path):
    out = tmp_path / "r.csv"
    export_csv([request(7, {"name": "Zoë"})], FIELDS[:1], out, "UTC")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        '"ID","Received","Status","Contacted","Your name","Content version","Kiosk","Language"\r\n'
        '"7","2026-11-27T14:15:02+00:00","new","","Zoë","2026-11-27","lobby",""\r\n'
    )


def test_accents_emoji_and_right_to_left_text_survive(tmp_path):
    out = tmp_path / "r.csv"
    name = f"Zoë Łukasz Ñoño 😀👩🏽‍⚕️ {ARABIC} {HEBREW}"
    export_csv([request(1, {"name": name, "question": f"{HEBREW}\n{ARABIC}"})], FIELDS, out, NY)
    row = read_back(out)[1]
    assert row[4] == name
    assert row[7] == f"{HEBREW}\n{ARABIC}"


@pytest.mark.parametrize(
    ("answer", "cell"),
    [
        ('=HYPERLINK("http://example.com","x")', '\'=HYPERLINK("http://example.com","x")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ('say "quotes" here', 'say "quotes" here'),
        ("line one\nline two\r\nline three", "line one\nline two\r\nline three"),
        ('"=1+1"', '"=1+1"'),  # starts with a quote: not a formula
        ("a=1", "a=1"),
        ("'already", "'already"),
        (" =1", " =1"),
        ("", ""),
        # Spreadsheets skip leading control and zero-width characters: LibreOffice runs these.
        ("\x00=1+1", "'\x00=1+1"),
        ("\x00\x01\x1b+1", "'\x00\x01\x1b+1"),
        ("\u200b=1+1", "'\u200b=1+1"),
        ("\ufeff@SUM(1)", "'\ufeff@SUM(1)"),
        ("\x85-1", "'\x85-1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # a full-width "="
        ("\x00plain", "\x00plain"),
    ],
)
def test_formula_injection_is_defused_and_quotes_and_newlines_kept(tmp_path, answer, cell):
    out = tmp_path / "r.csv"
    export_csv([request(1, {"question": answer})], FIELDS, out, NY)
    assert read_back(out)[1][7] == cell
    assert safe_cell(answer) == cell


def test_the_header_and_every_other_column_are_defused_too(tmp_path):
    fields = (
        FormField(key="a", type="text", label="=cmd|' /C calc'!A0"),
        FormField(key="b", type="text", label="-minus"),
    )
    out = tmp_path / "r.csv"
    export_csv(
        [request(1, {"a": "@x", "b": "ok"}, content_version="+v", kiosk_id="=k")],
        fields,
        out,
        NY,
    )
    header, row = read_back(out)
    assert header[4:6] == ["'=cmd|' /C calc'!A0", "'-minus"]
    assert row[4:] == ["'@x", "ok", "'+v", "'=k", ""]


def test_answers_not_in_the_form_are_left_out(tmp_path):
    out = tmp_path / "r.csv"
    export_csv([request(1, {"name": "Zoë", "old_field": "gone"})], FIELDS[:1], out, NY)
    assert read_back(out)[1] == [
        "1",
        "2026-11-27T09:15:02-05:00",
        "new",
        "",
        "Zoë",
        "2026-11-27",
        "lobby",
        "",
    ]


def test_no_requests_is_a_header_only_file(tmp_path):
    out = tmp_path / "r.csv"
    assert export_csv([], FIELDS, out, NY) == 0
    assert read_back(out) == [HEADER]


def test_the_file_is_private_from_its_creation(tmp_path, monkeypatch):
    old = os.umask(0o000)  # a careless umask must not make it readable by others
    made: list[int] = []
    real_open = os.open

    def watching_open(path, flags, mode_arg=0o777, *args, **kwargs):
        if flags & os.O_CREAT:
            made.append(mode_arg)
        return real_open(path, flags, mode_arg, *args, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    try:
        out = tmp_path / "r.csv"
        export_csv([request(1, {"name": "Zoë"})], FIELDS, out, NY)
    finally:
        os.umask(old)
    assert made == [0o600]
    assert oct(mode(out)) == oct(0o600)


def test_the_file_is_0600_even_with_a_restrictive_umask(tmp_path):
    old = os.umask(0o277)
    try:
        out = tmp_path / "r.csv"
        export_csv([request(1, {"name": "Zoë"})], FIELDS, out, NY)
    finally:
        os.umask(old)
    assert oct(mode(out)) == oct(0o600)


def test_an_existing_file_is_refused_without_force(tmp_path):
    out = tmp_path / "r.csv"
    out.write_bytes(b"the old export")
    out.chmod(0o644)
    with pytest.raises(FileExistsError) as caught:
        export_csv([request(1, {"name": "Zoë"})], FIELDS, out, NY)
    assert caught.value.filename == str(out)
    assert "already exists" in str(caught.value)
    assert out.read_bytes() == b"the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_force_overwrites_and_makes_it_private(tmp_path):
    out = tmp_path / "r.csv"
    out.write_bytes(b"the old export")
    out.chmod(0o644)
    assert export_csv([request(1, {"name": "Zoë"})], FIELDS, out, NY, force=True) == 1
    assert read_back(out)[1][4] == "Zoë"
    assert oct(mode(out)) == oct(0o600)
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_counts_as_existing_and_force_replaces_the_link(tmp_path):
    elsewhere = tmp_path / "elsewhere.csv"
    out = tmp_path / "r.csv"
    out.symlink_to(elsewhere)
    with pytest.raises(FileExistsError):
        export_csv([], FIELDS, out, NY)
    export_csv([], FIELDS, out, NY, force=True)
    assert not out.is_symlink()
    assert not elsewhere.exists()


def failing_rows(after: int) -> Iterator[StoredRequest]:
    for n in range(after):
        yield request(n + 1, {"name": f"Zoë {n}"})
    raise RuntimeError("the database went away")


@pytest.mark.parametrize("force", [False, True])
def test_a_failure_part_way_leaves_no_temp_file_and_the_old_file_alone(tmp_path, force):
    out = tmp_path / "r.csv"
    if force:
        out.write_bytes(b"the old export")
    with pytest.raises(RuntimeError, match="went away"):
        export_csv(failing_rows(1000), FIELDS, out, NY, force=force)
    assert leftovers(tmp_path) == []
    if force:
        assert out.read_bytes() == b"the old export"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]
    else:
        assert list(tmp_path.iterdir()) == []


def test_a_failing_fsync_leaves_nothing_behind(tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    out.write_bytes(b"the old export")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        export_csv([request(1, {"name": "Zoë"})], FIELDS, out, NY, force=True)
    assert out.read_bytes() == b"the old export"
    assert leftovers(tmp_path) == []


def test_the_rename_is_the_last_step_and_the_folder_is_fsynced(tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        calls.append(f"fsync {kind}")
        real_fsync(fd)

    def replace(src, dst) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    export_csv([request(1, {"name": "Zoë"})], FIELDS, out, NY)
    assert calls == ["fsync file", "replace", "fsync folder"]


def test_a_missing_folder_or_a_folder_as_path_fail_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        export_csv([], FIELDS, tmp_path / "missing" / "r.csv", NY)
    with pytest.raises(IsADirectoryError):
        export_csv([], FIELDS, tmp_path, NY, force=True)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_time_zone_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="time zone"):
        export_csv([], FIELDS, tmp_path / "r.csv", "Mars/Olympus_Mons")
    assert list(tmp_path.iterdir()) == []
