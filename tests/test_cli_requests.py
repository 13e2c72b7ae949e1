"""``kiosk requests ...`` run as the IT person runs it, reading its output, its errors and its
exit code: in-process (``kiosk.cli.main``), and in a real process where only one will do (on a
terminal, without the right to write). The store is filled through RequestStore.save; all data
is fake."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.storage.store import RequestStore
from tests.helpers.cli import Cli, Ran, run_kiosk
from tests.helpers.clock import FakeClock
from tests.helpers.terminal import Terminal

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content.yaml"  # staff.time_zone: America/New_York
CANARY = "CANARY-cli-93b2"

# 2026-11-27 04:00 UTC is 23:00 on the 26th in New York; 06:00 UTC is 01:00 on the 27th.
LATE_26TH = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)
EARLY_27TH = datetime(2026, 11, 27, 6, 0, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 27, 14, 15, 2, tzinfo=UTC)  # 09:15:02 in New York

ZOE: dict[str, str | bool] = {
    "name": "Zoë Example",
    "phone": "+12025550100",
    "email": "zoe@example.com",
    "contact_method": "Phone call",
    "question": 'Is "Tuesday" ok?\nThanks',
    "consent": True,
}
SARA: dict[str, str | bool] = {
    "name": "\u0633\u0627\u0631\u0627 \u0645\u062b\u0627\u0644",  # "Sara Example" in Arabic
    "email": "sara@example.com",
    "consent": True,
}
SECRET: dict[str, str | bool] = {
    "name": f"Ana {CANARY}",
    "phone": "+12025550199",
    "email": f"{CANARY.lower()}@example.com",
    "question": f'=HYPERLINK("http://example.com","{CANARY}")',
    "consent": True,
}


Kiosk = Callable[..., Ran]
UNSET = ("KIOSK_DATA_DIR", "KIOSK_CONTENT")
"""The command line says which files: the environment must not."""


def options(data_dir: Path, content: Path = CONTENT) -> tuple[str, ...]:
    return ("--content", str(content), "--data-dir", str(data_dir))


@pytest.fixture
def kiosk(cli: Cli) -> Kiosk:
    """``kiosk --content CONTENT --data-dir DATA_DIR ARGS``, in-process, in ``cwd``."""

    def run(data_dir: Path, *args: str, cwd: Path | None = None, content: Path = CONTENT) -> Ran:
        return cli(*options(data_dir, content), *args, cwd=cwd or REPO, unset=UNSET)

    return run


def one_error_line(result: Ran | subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def filled(data_dir: Path) -> Path:
    """Three requests: 1 Zoë (late on the 26th, New York time), 2 Sara (early on the 27th),
    3 a canary (later on the 27th)."""
    clock = FakeClock(LATE_26TH)
    store = RequestStore(data_dir, clock=clock)
    store.save(ZOE, "2026-11-27", "kiosk-lobby", language="en")
    clock.set(EARLY_27TH)
    store.save(SARA, "2026-11-27", "kiosk-lobby", language="es")
    clock.set(LATER)
    store.save(SECRET, "2026-11-27", "kiosk-lobby")
    store.close()
    return data_dir


def read_store(data_dir: Path) -> RequestStore:
    return RequestStore(data_dir)


def stored_count(data_dir: Path) -> int:
    """How many requests the store in ``data_dir`` holds (its connection closed again)."""
    store = RequestStore(data_dir)
    try:
        return store.count()
    finally:
        store.close()


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


# -- list -----------------------------------------------------------------------------------------


def test_list_shows_a_table_in_the_clinic_time_zone(kiosk: Kiosk, filled):
    result = kiosk(filled, "requests", "list")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "Received", "Status", "Language", "Name", "Phone", "Email"]
    assert lines[1].split() == [
        "1",
        "2026-11-26",
        "23:00",
        "new",
        "en",
        "Zoë",
        "Example",
        "+12025550100",
        "zoe@example.com",
    ]
    assert lines[2].split()[:5] == ["2", "2026-11-27", "01:00", "new", "es"]
    assert SARA["name"] in lines[2]
    assert lines[3].split()[:4] == ["3", "2026-11-27", "09:15", "new"]
    assert lines[-1] == "3 requests; times in America/New_York."
    assert all(len(line) <= 100 for line in lines)


def test_list_cuts_long_answers_and_never_prints_control_characters(kiosk: Kiosk, data_dir):
    store = RequestStore(data_dir)
    store.save(
        {
            "name": "Zoë \x1b[31mRed\x1b[0m " + "Example" * 20,
            "phone": "+12025550100",
            "email": "a" * 90 + "@example.com",
        },
        "v1",
        "k",
    )
    store.close()
    result = kiosk(data_dir, "requests", "list")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    row = result.stdout.splitlines()[1]
    assert len(row) <= 100
    assert "Zoë  [31mRed" in row
    assert row.count("…") == 2


def test_list_json_has_every_answer(kiosk: Kiosk, filled):
    result = kiosk(filled, "requests", "list", "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [1, 2, 3]
    assert records[0] == {
        "id": 1,
        "received": "2026-11-26T23:00:00-05:00",
        "status": "new",
        "contacted": None,
        "answers": ZOE,
        "content_version": "2026-11-27",
        "kiosk": "kiosk-lobby",
        "language": "en",
    }
    assert records[1]["answers"] == SARA
    assert records[1]["language"] == "es"


def test_list_filters_by_status_and_since(kiosk: Kiosk, filled):
    store = read_store(filled)
    store.mark([2], "contacted")
    store.close()
    contacted = kiosk(filled, "requests", "list", "--status", "contacted", "--json")
    assert [json.loads(line)["id"] for line in contacted.stdout.splitlines()] == [2]
    # "Since the 27th" is midnight in New York: Zoë's request (23:00 on the 26th) is left out.
    since = kiosk(filled, "requests", "list", "--since", "2026-11-27", "--json")
    assert [json.loads(line)["id"] for line in since.stdout.splitlines()] == [2, 3]
    both = kiosk(filled, "requests", "list", "--status", "new", "--since", "2026-11-27")
    assert [line.split()[0] for line in both.stdout.splitlines()[1:-1]] == ["3"]


def test_list_of_nothing_says_so(kiosk: Kiosk, filled):
    result = kiosk(filled, "requests", "list", "--since", "2030-01-01")
    assert (result.returncode, result.stdout, result.stderr) == (0, "No requests.\n", "")
    as_json = kiosk(filled, "requests", "list", "--since", "2030-01-01", "--json")
    assert (as_json.returncode, as_json.stdout, as_json.stderr) == (0, "", "No requests.\n")


# -- export ---------------------------------------------------------------------------------------


def test_export_then_read_back(kiosk: Kiosk, filled, tmp_path):
    result = kiosk(filled, "requests", "export", "out.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Exported 3 requests to out.csv\n"
    out = tmp_path / "out.csv"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)
    rows = read_csv(out)
    assert rows[0][:7] == [
        "ID",
        "Received",
        "Status",
        "Contacted",
        "Your name",
        "Phone number",
        "Email address",
    ]
    assert rows[0][-3:] == ["Content version", "Kiosk", "Language"]
    header = rows[0]
    zoe = dict(zip(header, rows[1], strict=True))
    assert zoe["ID"] == "1"
    assert zoe["Received"] == "2026-11-26T23:00:00-05:00"
    assert zoe["Your name"] == "Zoë Example"
    assert zoe["Phone number"] == "'+12025550100"
    assert zoe["Your question (optional)"] == 'Is "Tuesday" ok?\nThanks'
    assert zoe["Contacted"] == ""
    assert zoe["Kiosk"] == "kiosk-lobby"
    secret = dict(zip(header, rows[3], strict=True))
    assert secret["Your question (optional)"].startswith("'=HYPERLINK(")
    # Exporting changes nothing in the database.
    store = read_store(filled)
    assert store.count(status="new") == 3
    assert [(e.event, e.actor, e.count) for e in store.audit_log()] == [("export", "cli", 3)]
    assert store.audit_log()[0].detail == str(out)
    store.close()


def test_export_with_mark_contacted_marks_exactly_the_exported(kiosk: Kiosk, filled, tmp_path):
    out = tmp_path / "new.csv"
    result = kiosk(
        filled, "requests", "export", str(out), "--since", "2026-11-27", "--mark-contacted"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Exported 2 requests to {out}",
        "Marked 2 requests as contacted.",
    ]
    assert [row[0] for row in read_csv(out)[1:]] == ["2", "3"]
    store = read_store(filled)
    statuses = {r.id: r.status for r in store.newest_first()}
    assert statuses == {1: "new", 2: "contacted", 3: "contacted"}
    assert [(e.event, e.count, e.detail) for e in store.audit_log()] == [
        ("mark", 2, "contacted"),
        ("export", 2, str(out)),
    ]
    store.close()


def test_export_refuses_an_existing_file_without_force(kiosk: Kiosk, filled, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("the old export", encoding="utf-8")
    result = kiosk(filled, "requests", "export", "out.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert one_error_line(result) == (
        "kiosk requests export: out.csv exists; add --force to overwrite it"
    )
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == "the old export"
    forced = kiosk(filled, "requests", "export", "out.csv", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert len(read_csv(out)) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.csv"]


@pytest.mark.parametrize(
    "target",
    ["requests.db", "requests.db-wal", "exports.csv", "link/requests.db"],
    ids=["the-database", "its-wal", "a-new-file", "through-a-symlink"],
)
def test_export_never_writes_into_the_data_folder_even_with_force(
    kiosk: Kiosk, filled, tmp_path, target
):
    """``export DATA/requests.db --force`` used to replace the database with CSV: the next start
    then moved it aside as damaged and the audit log was gone."""
    (tmp_path / "link").symlink_to(filled)
    before = (filled / "requests.db").read_bytes()
    path = filled / target if not target.startswith("link/") else tmp_path / target
    for extra in ((), ("--force",)):
        result = kiosk(filled, "requests", "export", str(path), *extra)
        assert result.returncode == 1
        line = one_error_line(result)
        assert line.startswith(f"kiosk requests export: {path} is inside the kiosk's data folder")
        assert "Choose a file outside it" in line
    assert (filled / "requests.db").read_bytes() == before
    assert not (filled / "exports.csv").exists()
    assert stored_count(filled) == 3


def damage(data_dir: Path, request_id: int, how: str) -> None:
    """Spoil one row's answers as a bad disk or a hostile edit could."""
    conn = sqlite3.connect(data_dir / "requests.db", isolation_level=None)
    try:
        if how == "not-utf8":
            sql = "UPDATE requests SET answers = CAST(x'7b226e616d65223a22ff227d' AS TEXT)"
        else:
            sql = "UPDATE requests SET answers = '{\"name\": '"
        conn.execute(f"{sql} WHERE id = ?", (request_id,))
    finally:
        conn.close()


@pytest.mark.parametrize("how", ["not-utf8", "not-json"])
def test_one_damaged_row_is_named_and_hides_none_of_the_others(kiosk: Kiosk, filled, tmp_path, how):
    damage(filled, 2, how)
    expected = (
        "request 2 is damaged in the database and could not be read, so it was left out; "
        "every other request was "
    )

    listing = kiosk(filled, "requests", "list", "--status", "all")
    assert listing.returncode == 1
    assert one_error_line(listing) == f"kiosk requests list: {expected}listed"
    assert "Zoë Example" in listing.stdout
    assert "Ana CANARY" in listing.stdout
    assert "2 requests; times in America/New_York." in listing.stdout

    as_json = kiosk(filled, "requests", "list", "--status", "all", "--json")
    assert as_json.returncode == 1
    assert one_error_line(as_json) == f"kiosk requests list: {expected}listed"
    assert [json.loads(line)["id"] for line in as_json.stdout.splitlines()] == [1, 3]

    out = tmp_path / "out.csv"
    export = kiosk(filled, "requests", "export", str(out), "--mark-contacted")
    assert export.returncode == 1
    assert one_error_line(export) == f"kiosk requests export: {expected}exported"
    assert "Exported 2 requests" in export.stdout
    rows = read_csv(out)
    assert [row[0] for row in rows[1:]] == ["1", "3"]
    store = read_store(filled)
    assert [r.status for r in store.newest_first(limit=10)] == ["contacted", "new", "contacted"]
    assert store.newest_first(limit=10)[1].damaged
    store.close()


def test_export_into_a_missing_folder_or_onto_a_folder(kiosk: Kiosk, filled, tmp_path):
    missing = kiosk(filled, "requests", "export", str(tmp_path / "nope" / "out.csv"))
    assert missing.returncode == 1
    assert one_error_line(missing) == (
        f"kiosk requests export: the folder {tmp_path / 'nope'} does not exist; "
        f"{tmp_path / 'nope' / 'out.csv'} was not written"
    )
    folder = kiosk(filled, "requests", "export", str(tmp_path))
    assert folder.returncode == 1
    assert "is a folder; give a file name" in one_error_line(folder)


def without_write_permission() -> tuple[str, ...]:
    """A command prefix under which a 0555 folder really is unwritable (root ignores modes)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder unwritable")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}")


def test_export_to_an_unwritable_folder(filled, tmp_path):
    locked = tmp_path / "readonly"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        # A real process: as root, only one with fewer capabilities meets the folder's mode.
        result = run_kiosk(
            *options(filled),
            "requests",
            "export",
            str(locked / "out.csv"),
            unset=UNSET,
            program=(*without_write_permission(), sys.executable, "-m", "kiosk"),
        )
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1
    assert one_error_line(result) == (
        f"kiosk requests export: cannot write to {locked}: permission denied"
    )
    assert CANARY not in result.stderr
    assert list(locked.iterdir()) == []
    store = read_store(filled)
    assert store.audit_log() == []
    store.close()


# -- mark, delete, purge --------------------------------------------------------------------------


def test_mark_contacted_and_back(kiosk: Kiosk, filled):
    result = kiosk(filled, "requests", "mark", "1", "3", "--contacted")
    assert (result.returncode, result.stdout) == (0, "Marked 2 requests as contacted.\n")
    again = kiosk(filled, "requests", "mark", "1", "2", "--contacted")
    assert again.stdout == "Marked 1 request as contacted. (1 request already was)\n"
    back = kiosk(filled, "requests", "mark", "1", "--new")
    assert back.stdout == "Marked 1 request as new.\n"
    store = read_store(filled)
    assert {r.id: r.status for r in store.newest_first()} == {
        1: "new",
        2: "contacted",
        3: "contacted",
    }
    assert [(e.event, e.actor, e.count, e.detail) for e in store.audit_log()] == [
        ("mark", "cli", 1, "new"),
        ("mark", "cli", 1, "contacted"),
        ("mark", "cli", 2, "contacted"),
    ]
    store.close()


def test_mark_or_delete_an_unknown_id_changes_nothing(kiosk: Kiosk, filled):
    for args in (("mark", "1", "42", "--contacted"), ("delete", "42", "2", "--yes")):
        result = kiosk(filled, "requests", *args)
        assert result.returncode == 1
        verb = "changed" if args[0] == "mark" else "deleted"
        assert one_error_line(result) == (
            f"kiosk requests {args[0]}: no request with id 42; nothing was {verb}"
        )
    store = read_store(filled)
    assert store.count(status="new") == 3
    assert store.audit_log() == []
    store.close()


def test_delete(kiosk: Kiosk, filled):
    result = kiosk(filled, "requests", "delete", "1", "3", "--yes")
    assert (result.returncode, result.stdout, result.stderr) == (0, "Deleted 2 requests.\n", "")
    store = read_store(filled)
    assert [r.id for r in store.newest_first()] == [2]
    assert [(e.event, e.count) for e in store.audit_log()] == [("delete", 2)]
    store.close()


def test_purge_deletes_only_contacted_older_than_days(kiosk: Kiosk, data_dir):
    long_ago = datetime.now(UTC) - timedelta(days=40)
    clock = FakeClock(long_ago)
    store = RequestStore(data_dir, clock=clock)
    old_contacted = store.save(ZOE, "v1", "k")
    old_new = store.save(SARA, "v1", "k")
    store.mark([old_contacted], "contacted")
    clock.set(datetime.now(UTC))
    recent = store.save(SECRET, "v1", "k")
    store.mark([recent], "contacted")
    store.close()

    result = kiosk(data_dir, "requests", "purge", "--older-than", "30", "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Deleted 1 contacted request marked more than 30 days ago.\n"
    store = read_store(data_dir)
    assert sorted(r.id for r in store.newest_first()) == [old_new, recent]
    assert [(e.event, e.actor, e.count) for e in store.audit_log()] == [("purge", "cli", 1)]
    store.close()


def test_delete_and_purge_without_a_terminal_need_yes(kiosk: Kiosk, filled):
    store = read_store(filled)
    store.mark([1], "contacted")
    store.close()
    for args in (("delete", "1", "3"), ("purge", "--older-than", "0")):
        result = kiosk(filled, "requests", *args)
        assert result.returncode == 2
        assert one_error_line(result) == (
            f"kiosk requests {args[0]}: nothing was deleted: add --yes to delete without a "
            "terminal to ask on"
        )
    store = read_store(filled)
    assert store.count() == 3
    assert store.audit_log() == []
    store.close()


@pytest.mark.parametrize("answer", ["yes", "no", ""])
def test_on_a_terminal_delete_asks_first_showing_how_many(filled, answer):
    term = Terminal(
        ["--content", str(CONTENT), "--data-dir", str(filled), "requests", "delete", "1", "3"]
    )
    try:
        term.expect(
            "Delete 2 requests (1, 3) for good? This cannot be undone. Type yes to delete: "
        )
        term.type(answer)
        code = term.finish()
    finally:
        if term.process.poll() is None:
            term.process.kill()
    store = read_store(filled)
    if answer == "yes":
        assert code == 0
        assert "Deleted 2 requests." in term.text
        assert [r.id for r in store.newest_first()] == [2]
    else:
        assert code == 1
        assert "Nothing was deleted." in term.text
        assert store.count() == 3
    store.close()


def test_on_a_terminal_purge_asks_first_showing_how_many(filled):
    store = read_store(filled)
    store.mark([1, 2], "contacted")
    store.close()
    term = Terminal(
        [
            "--content",
            str(CONTENT),
            "--data-dir",
            str(filled),
            "requests",
            "purge",
            "--older-than",
            "0",
        ]
    )
    try:
        term.expect(
            "Delete 2 requests marked contacted more than 0 days ago? This cannot be undone."
        )
        term.type("yes")
        assert term.finish() == 0
    finally:
        if term.process.poll() is None:
            term.process.kill()
    assert "Deleted 2 contacted requests" in term.text
    assert stored_count(filled) == 1


# -- stats, audit ---------------------------------------------------------------------------------


def test_stats(kiosk: Kiosk, filled):
    store = read_store(filled)
    store.mark([1], "contacted")
    store.close()
    result = kiosk(filled, "requests", "stats")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Requests: 3 (2 new, 1 contacted)",
        "Oldest new request: 2026-11-27 01:00 (EST)",
        "Latest request:     2026-11-27 09:15 (EST)",
        "Contacted requests are deleted 90 days after they were marked.",
        f"Database: {filled / 'requests.db'}",
    ]


def test_audit_lists_newest_first(kiosk: Kiosk, filled, tmp_path):
    kiosk(filled, "requests", "mark", "1", "--contacted")
    kiosk(filled, "requests", "export", str(tmp_path / "a.csv"))
    result = kiosk(filled, "requests", "audit")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["When", "Event", "Actor", "Count", "Detail"]
    assert lines[1].split()[2:] == ["export", "cli", "3", str(tmp_path / "a.csv")]
    assert lines[2].split()[2:] == ["mark", "cli", "1", "contacted"]
    assert lines[3] == "Times in America/New_York."
    limited = kiosk(filled, "requests", "audit", "--limit", "1")
    assert len(limited.stdout.splitlines()) == 3
    assert CANARY not in result.stdout
    empty = kiosk(filled, "requests", "audit", "--limit", "0")
    assert empty.stdout == "No audit entries.\n"


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--json"),
        ("export", "out.csv"),
        ("mark", "1", "--contacted"),
        ("delete", "1"),
        ("purge", "--older-than", "30"),
        ("stats",),
        ("audit",),
    ],
)
def test_a_missing_database_is_named_and_not_created(kiosk: Kiosk, tmp_path, args):
    data_dir = tmp_path / "nowhere"
    result = kiosk(data_dir, "requests", *args, cwd=tmp_path)
    assert result.returncode == 1
    assert one_error_line(result) == (
        f"kiosk requests {args[0]}: no requests database in {data_dir} "
        "(nothing has been saved yet, or the --data-dir is wrong)"
    )
    assert not data_dir.exists()
    assert not (tmp_path / "out.csv").exists()


@pytest.fixture
def lock(filled: Path) -> Iterator[sqlite3.Connection]:
    """Another program holds the database's write lock."""
    other = sqlite3.connect(filled / "requests.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield other
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.parametrize(
    ("args", "after"),
    [
        (("mark", "1", "--contacted"), "nothing was changed"),
        (("delete", "1", "--yes"), "nothing was deleted"),
        (("purge", "--older-than", "0", "--yes"), "nothing was deleted"),
    ],
)
def test_a_locked_database_is_said_to_be_in_use(kiosk: Kiosk, filled, lock, args, after):
    result = kiosk(filled, "requests", *args)
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith(f"kiosk requests {args[0]}: the database is in use by another program")
    assert "locked" in line
    assert line.endswith(f"{filled / 'requests.db'}; {after}")
    assert CANARY not in result.stdout + result.stderr


def test_while_locked_reading_works_and_an_export_says_what_was_not_recorded(
    kiosk: Kiosk, filled, lock, tmp_path
):
    listed = kiosk(filled, "requests", "list", "--json")  # WAL: readers are never blocked
    assert listed.returncode == 0
    assert len(listed.stdout.splitlines()) == 3
    out = tmp_path / "out.csv"
    result = kiosk(filled, "requests", "export", str(out), "--mark-contacted")
    assert result.returncode == 1
    assert result.stdout == f"Exported 3 requests to {out}\n"
    line = one_error_line(result)
    assert line.startswith(
        "kiosk requests export: the file was written, but recording the export failed: "
        "the database is in use by another program"
    )
    assert len(read_csv(out)) == 4
    lock.execute("ROLLBACK")
    store = read_store(filled)
    assert store.count(status="new") == 3  # not marked
    store.close()
    lock.execute("BEGIN")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--since", "yesterday"), "--since must be a date like 2026-11-27, got 'yes"),
        (("list", "--since", "2026-02-30"), "--since must be a date like 2026-11-27, got '2026-"),
        (("mark", "abc", "--new"), "'abc' is not a request ID (a whole number like 42)"),
        (("delete", "-5"), "'-5' is not a request ID (a whole number like 42)"),
        (("purge", "--older-than", "soon"), "--older-than must be a number of days"),
        (("audit", "--limit", "many"), "--limit must be a whole number, got 'many'"),
        (("mark", "1"), "one of the arguments --contacted --new is required"),
        (("list", "--status", "done"), "argument --status: invalid choice: 'done'"),
        ((), "choose a command: list, export, mark, delete, purge, stats, audit"),
        (("bogus",), "argument COMMAND: invalid choice: 'bogus'"),
    ],
)
def test_usage_mistakes_exit_2_with_one_line(kiosk: Kiosk, filled, args, message):
    result = kiosk(filled, "requests", *args)
    assert result.returncode == 2
    assert message in one_error_line(result)
    assert result.stdout == ""


def test_a_broken_content_file_lists_its_problems(kiosk: Kiosk, filled, tmp_path):
    text = CONTENT.read_text(encoding="utf-8").replace("  fade_ms: 600", "  fade_ms: fast")
    broken = tmp_path / "content.yaml"
    broken.write_text(text, encoding="utf-8")
    (tmp_path / "resources").mkdir()
    shutil.copy(REPO / "resources" / "logo.svg", tmp_path / "resources" / "logo.svg")
    shutil.copytree(REPO / "resources" / "languages", tmp_path / "resources" / "languages")
    fade_line = next(i for i, line in enumerate(text.splitlines(), 1) if "fade_ms: fast" in line)

    for args in (("list",), ("export", str(tmp_path / "out.csv")), ("stats",)):
        result = kiosk(filled, "requests", *args, content=broken)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert lines[0] == (
            f"kiosk requests: the content file {broken} has 1 problem "
            "(run 'kiosk check' after fixing them):"
        )
        assert lines[1].startswith(f"  {broken}:{fade_line}: timing.fade_ms:")
        assert lines[-1] == f"kiosk requests {args[0]}: nothing was done"
        assert result.stdout == ""
    assert not (tmp_path / "out.csv").exists()


def test_a_corrupt_database_is_one_line_too(kiosk: Kiosk, data_dir):
    data_dir.mkdir(mode=0o700)
    (data_dir / "requests.db").write_bytes(b"this is not a database " * 100)
    result = kiosk(data_dir, "requests", "stats")
    assert result.returncode == 1
    assert "the database file was damaged; it was moved aside" in one_error_line(result)


def test_no_answer_appears_in_the_errors_of_failing_commands(kiosk: Kiosk, filled, tmp_path):
    (tmp_path / "exists.csv").write_text("x", encoding="utf-8")
    failing = [
        ("mark", "3", "99", "--contacted"),
        ("delete", "99", "--yes"),
        ("export", str(tmp_path / "exists.csv")),
        ("export", str(tmp_path / "missing" / "x.csv")),
        ("list", "--since", CANARY),
        ("mark", CANARY, "--new"),
    ]
    for args in failing:
        result = kiosk(filled, "requests", *args)
        assert result.returncode != 0
        assert result.stdout == ""
        if CANARY in args:
            continue  # the user's own typing is echoed back, and only that
        assert CANARY not in result.stderr
        assert CANARY.lower() not in result.stderr
        assert "Zoë" not in result.stderr
    store = read_store(filled)
    assert CANARY not in repr(store.audit_log())
    store.close()
