"""RequestStore for staff: migration 2, filtering by date, streaming, marking, deleting,
purging, retention, stats and the audit log; deleted answers do not linger in the file.

Time is a clock the tests move by hand. All data is fake.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.storage import rows as rows_module
from kiosk.storage import schema as schema_module
from kiosk.storage.connection import sqlite_connect
from kiosk.storage.records import AUDIT_EVENTS, MAX_AUDIT_DETAIL_CHARS, AuditEntry
from kiosk.storage.schema import SCHEMA_VERSION
from kiosk.storage.store import RequestStore, SaveError, StoredRequest, UnknownRequest
from tests.helpers.clock import FakeClock

START = datetime(2026, 11, 27, 14, 15, 2, tzinfo=UTC)
CANARY = "CANARY-staff-5e1d"


@pytest.fixture
def clock() -> FakeClock[datetime]:
    """A clock that stays where a test puts it."""
    return FakeClock(START)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, clock: FakeClock) -> Iterator[RequestStore]:
    made = RequestStore(data_dir, clock=clock, busy_timeout_ms=50)
    yield made
    made.close()


def answers(n: int, secret: str = "") -> dict[str, str | bool]:
    return {
        "name": f"Zoë Example {n}{secret}",
        "phone": "+12025550100",
        "email": f"zoe{n}@example.com",
        "consent": True,
    }


def fill(store: RequestStore, clock: FakeClock, count: int, minutes: float = 10) -> list[int]:
    """``count`` requests, ``minutes`` apart."""
    ids = []
    for n in range(count):
        ids.append(store.save(answers(n), "v1", "kiosk-1"))
        clock.advance(minutes=minutes)
    return ids


def plain_query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def statuses(store: RequestStore) -> dict[int, tuple[str, datetime | None]]:
    return {r.id: (r.status, r.contacted_at) for r in store.newest_first(limit=1000)}


# -- migration ----------------------------------------------------------------------------------


def make_v1_database(data_dir: Path) -> Path:
    """A version-1 database as the first release made it, with a new and a contacted request."""
    data_dir.mkdir(mode=0o700, parents=True)
    db = data_dir / "requests.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    schema_module.MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.executemany(
        "INSERT INTO requests (created_at, status, answers, content_version, kiosk_id)"
        " VALUES (?, ?, ?, 'v1', 'kiosk-1')",
        [
            ("2026-01-02T03:04:05.000000Z", "new", '{"name":"Zoë Example","consent":true}'),
            ("2026-01-03T03:04:05.000000Z", "contacted", '{"name":"Ana Example"}'),
        ],
    )
    conn.execute("COMMIT")
    conn.close()
    return db


def test_a_version_1_database_is_migrated_keeping_its_rows(data_dir, clock):
    db = make_v1_database(data_dir)
    assert plain_query(db, "PRAGMA user_version") == [(1,)]

    store = RequestStore(data_dir, clock=clock)
    got = sorted(store.newest_first(), key=lambda r: r.id)
    store.close()

    assert SCHEMA_VERSION == 4
    assert plain_query(db, "PRAGMA user_version") == [(4,)]
    assert [(r.id, r.status, r.answers, r.language) for r in got] == [
        (1, "new", {"name": "Zoë Example", "consent": True}, ""),
        (2, "contacted", {"name": "Ana Example"}, ""),
    ]
    assert got[0].contacted_at is None
    # Contacted before version 2 knew when: counted from when it came, so retention applies.
    assert got[1].contacted_at == datetime(2026, 1, 3, 3, 4, 5, tzinfo=UTC)
    columns = [c[1] for c in plain_query(db, "PRAGMA table_info(audit)")]
    assert columns == ["id", "at", "event", "actor", "count", "detail"]


def test_a_failed_migration_leaves_version_1_as_it_was(data_dir, clock, monkeypatch):
    db = make_v1_database(data_dir)

    def broken_step(conn: sqlite3.Connection) -> None:
        schema_module._add_contacted_at_and_audit(conn)
        raise sqlite3.OperationalError("simulated failure half-way")

    monkeypatch.setattr(schema_module, "MIGRATIONS", (schema_module.MIGRATIONS[0], broken_step))
    store = RequestStore(data_dir, clock=clock)
    with pytest.raises(SaveError):
        store.count()
    store.close()
    assert plain_query(db, "PRAGMA user_version") == [(1,)]
    assert [c[1] for c in plain_query(db, "PRAGMA table_info(requests)")][-1] == "kiosk_id"
    assert plain_query(db, "SELECT name FROM sqlite_schema WHERE name = 'audit'") == []
    assert plain_query(db, "SELECT count(*) FROM requests") == [(2,)]


def test_the_database_refuses_unknown_audit_events_and_long_details(store):
    store.count()
    with pytest.raises(sqlite3.IntegrityError):
        plain_query(store.path, "INSERT INTO audit (at, event, actor) VALUES ('t', 'hack', 'x')")
    with pytest.raises(sqlite3.IntegrityError):
        plain_query(
            store.path,
            "INSERT INTO audit (at, event, actor, detail) VALUES ('t', 'export', 'x', ?)",
            ("d" * (MAX_AUDIT_DETAIL_CHARS + 1),),
        )
    plain_query(
        store.path,
        "INSERT INTO audit (at, event, actor, detail) VALUES ('t', 'export', 'x', ?)",
        ("d" * MAX_AUDIT_DETAIL_CHARS,),
    )


# -- since, iter_requests -----------------------------------------------------------------------


def test_list_and_count_since(store, clock):
    ids = fill(store, clock, 5)  # START, +10, +20, +30, +40 minutes
    since = START + timedelta(minutes=20)
    assert [r.id for r in store.newest_first(since=since)] == [ids[4], ids[3], ids[2]]
    assert store.count(since=since) == 3
    store.mark([ids[3]], "contacted")
    assert [r.id for r in store.newest_first(status="new", since=since)] == [ids[4], ids[2]]
    assert store.count(status="contacted", since=since) == 1
    # An aware time in another zone means the same instant.
    eastern = since.astimezone(ZoneInfo("America/New_York"))
    assert store.count(since=eastern) == 3
    assert store.count(since=START + timedelta(days=1)) == 0
    with pytest.raises(ValueError, match="timezone-aware"):
        store.count(since=datetime(2026, 11, 27))


def test_iter_requests_is_oldest_first_with_filters(store, clock):
    ids = fill(store, clock, 4)
    store.mark([ids[1]], "contacted")
    got = list(store.iter_requests())
    assert [r.id for r in got] == ids
    assert all(isinstance(r, StoredRequest) for r in got)
    assert got[1].contacted_at == clock.now
    assert [r.id for r in store.iter_requests(status="new")] == [ids[0], ids[2], ids[3]]
    since = START + timedelta(minutes=10)
    assert [r.id for r in store.iter_requests(status="new", since=since)] == [ids[2], ids[3]]
    with pytest.raises(ValueError, match="status"):
        store.iter_requests(status="done")


def test_iter_requests_streams_in_batches_beside_saving(store, clock, monkeypatch):
    monkeypatch.setattr(rows_module, "BATCH_ROWS", 7)
    ids = fill(store, clock, 30, minutes=1)
    stream = store.iter_requests()
    first = [next(stream).id for _ in range(10)]
    # The store keeps working while an export reads: a save and a mark commit meanwhile.
    late = store.save(answers(99), "v1", "kiosk-1")
    assert store.mark([ids[0]], "contacted") == 1
    rest = [r.id for r in stream]
    # One snapshot: what was committed after the export began is not in it.
    assert first + rest == ids
    assert late not in rest
    assert store.count() == 31


def test_an_abandoned_stream_releases_its_snapshot(store, clock):
    fill(store, clock, 3)
    stream = store.iter_requests()
    next(stream)
    stream.close()
    store.save(answers(9), "v1", "kiosk-1")
    assert store.count() == 4
    conn = store._connect()
    # Nothing holds the WAL back: a full checkpoint completes.
    busy, _log_frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0


def test_iter_requests_on_a_locked_database_is_a_save_error(store, clock, tmp_path):
    fill(store, clock, 2)
    store.close()
    # A rollback-journal database locked exclusively cannot be read at all.
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("PRAGMA journal_mode = DELETE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SaveError) as caught:
            list(store.iter_requests())
        assert caught.value.kind == "locked"
    finally:
        other.execute("ROLLBACK")
        other.close()


# -- mark, delete ----------------------------------------------------------------------------------


def test_mark_contacted_and_back_to_new(store, clock):
    ids = fill(store, clock, 3)
    marked_at = clock.now
    assert store.mark([ids[0], ids[2]], "contacted") == 2
    assert statuses(store) == {
        ids[0]: ("contacted", marked_at),
        ids[1]: ("new", None),
        ids[2]: ("contacted", marked_at),
    }
    clock.advance(days=3)
    # Already contacted: keeps the first time (the retention clock is not restarted).
    assert store.mark([ids[0], ids[1]], "contacted") == 1
    assert statuses(store)[ids[0]] == ("contacted", marked_at)
    assert statuses(store)[ids[1]] == ("contacted", clock.now)
    assert store.mark([ids[0]], "new") == 1
    assert statuses(store)[ids[0]] == ("new", None)
    assert store.mark([ids[0], ids[0]], "new") == 0  # duplicates and no-ops are fine
    assert store.mark([], "contacted") == 0


def test_mark_with_an_unknown_id_changes_nothing(store, clock):
    ids = fill(store, clock, 2)
    before = statuses(store)
    with pytest.raises(UnknownRequest) as caught:
        store.mark([ids[0], 9, ids[1], 7], "contacted")
    assert isinstance(caught.value, LookupError)
    assert str(caught.value) == "no request with id 7, 9"
    assert caught.value.ids == (7, 9)
    assert statuses(store) == before
    assert store.audit_log() == []
    assert not store._connect().in_transaction


def test_mark_many_ids_in_batches(store, clock, monkeypatch):
    monkeypatch.setattr(rows_module, "BATCH_ROWS", 4)
    ids = fill(store, clock, 11, minutes=1)
    assert store.mark(ids, "contacted", actor="cli") == 11
    assert store.count(status="contacted") == 11
    with pytest.raises(UnknownRequest, match=r"no request with id 100$"):
        store.mark([*ids, 100], "new")
    assert store.count(status="contacted") == 11


def test_mark_refuses_what_can_never_be_stored(store):
    with pytest.raises(ValueError, match="status"):
        store.mark([1], "done")
    with pytest.raises(ValueError, match="int"):
        store.mark(["1"], "new")
    with pytest.raises(ValueError, match="int"):
        store.mark([True], "new")
    with pytest.raises(ValueError, match="sequence"):
        store.mark(1, "new")


def test_delete_and_unknown_ids(store, clock):
    ids = fill(store, clock, 3)
    with pytest.raises(UnknownRequest, match=r"^no request with id 42$"):
        store.delete([ids[0], 42])
    assert store.count() == 3
    assert store.delete([ids[0], ids[2]]) == 2
    assert [r.id for r in store.newest_first()] == [ids[1]]
    assert store.delete([]) == 0
    with pytest.raises(UnknownRequest):
        store.delete([ids[0]])


def test_mark_and_delete_with_an_actor_audit_in_the_same_transaction(store, clock):
    ids = fill(store, clock, 3)
    store.mark(ids[:2], "contacted", actor="staff")
    store.mark(ids[:1], "new", actor="cli")
    store.delete(ids[2:], actor="cli")
    log = store.audit_log()
    assert [(e.event, e.actor, e.count, e.detail) for e in log] == [
        ("delete", "cli", 1, ""),
        ("mark", "cli", 1, "new"),
        ("mark", "staff", 2, "contacted"),
    ]
    assert all(e.at == clock.now for e in log)


def test_a_locked_database_is_a_save_error_for_mark(store, clock):
    ids = fill(store, clock, 1)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SaveError) as caught:
            store.mark(ids, "contacted")
        assert caught.value.kind == "locked"
        assert "in use by another program" in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.mark(ids, "contacted") == 1


# -- purge, retention ------------------------------------------------------------------------------


def test_purge_deletes_only_contacted_older_than_the_days(store, clock):
    ids = fill(store, clock, 4)  # ids[0..3]
    store.mark([ids[0]], "contacted")  # contacted at t0
    clock.advance(days=5)
    store.mark([ids[1]], "contacted")  # contacted at t0 + 5 days
    clock.advance(days=6)  # ids[0]: 11 days ago; ids[1]: 6 days ago; ids[2], ids[3]: new

    assert store.purge_contacted(30) == 0
    assert store.purge_contacted(10) == 1
    assert sorted(r.id for r in store.newest_first()) == ids[1:]
    assert store.purge_contacted(6.5) == 0
    assert store.purge_contacted(5.9) == 1
    assert store.purge_contacted(0) == 0
    clock.advance(days=10_000)
    assert store.purge_contacted(0) == 0  # new ones never, however old
    assert sorted(r.id for r in store.newest_first()) == ids[2:]


def test_purge_boundary_is_strictly_older(store, clock):
    (request_id,) = fill(store, clock, 1, minutes=0)
    store.mark([request_id], "contacted")
    clock.advance(days=7)
    assert store.purge_contacted(7) == 0  # exactly 7 days: kept
    clock.advance(microseconds=1)
    assert store.purge_contacted(7) == 1


@pytest.mark.parametrize("days", [-1, float("nan"), float("inf"), "7", True])
def test_purge_refuses_nonsense_days(store, days):
    with pytest.raises(ValueError, match="days"):
        store.purge_contacted(days)


def test_purge_with_an_actor_is_audited_even_when_nothing_went(store, clock):
    ids = fill(store, clock, 2)
    store.mark(ids, "contacted")
    assert store.purge_contacted(1, actor="cli") == 0
    clock.advance(days=2)
    assert store.purge_contacted(1, actor="cli") == 2
    assert [(e.event, e.actor, e.count, e.detail) for e in store.audit_log()] == [
        ("purge", "cli", 2, "older than 1 day"),
        ("purge", "cli", 0, "older than 1 day"),
    ]


def test_retention_deletes_contacted_older_than_n_days_and_audits(store, clock):
    ids = fill(store, clock, 3)
    store.mark(ids[:2], "contacted")
    clock.advance(days=45)
    store.mark([ids[0]], "new")  # back to new: never purged
    store.mark([ids[2]], "contacted")  # contacted 45 days after the others
    clock.advance(days=46)  # ids[1]: 91 days ago; ids[2]: 46 days ago

    assert store.apply_retention(90) == 1
    assert sorted(r.id for r in store.newest_first()) == [ids[0], ids[2]]
    (entry,) = store.audit_log()
    assert (entry.event, entry.actor, entry.count) == ("retention", "kiosk", 1)
    assert entry.at == clock.now

    assert store.apply_retention(90) == 0  # nothing deleted: no audit row
    assert len(store.audit_log()) == 1
    clock.advance(days=45)
    assert store.apply_retention(90) == 1
    assert [r.id for r in store.newest_first()] == [ids[0]]
    assert [e.count for e in store.audit_log()] == [1, 1]


# -- stats, audit ----------------------------------------------------------------------------------


def test_stats(store, clock):
    assert store.stats() == {
        "total": 0,
        "new": 0,
        "contacted": 0,
        "oldest_new": None,
        "newest": None,
    }
    ids = fill(store, clock, 3)
    store.mark([ids[0]], "contacted")
    assert store.stats() == {
        "total": 3,
        "new": 2,
        "contacted": 1,
        "oldest_new": (START + timedelta(minutes=10)).isoformat(),
        "newest": (START + timedelta(minutes=20)).isoformat(),
    }
    assert store.stats()["newest"] == "2026-11-27T14:35:02+00:00"


def test_audit_log_is_newest_first_with_a_limit(store, clock):
    for n, event in enumerate(AUDIT_EVENTS):
        store.audit(event, "staff", n, f"detail {n}")
        clock.advance(seconds=1)
    log = store.audit_log()
    assert [e.event for e in log] == list(reversed(AUDIT_EVENTS))
    assert log[-1] == AuditEntry(1, START, "login", "staff", 0, "detail 0")
    assert [e.id for e in store.audit_log(limit=2)] == [8, 7]
    assert store.audit_log(limit=0) == []
    store.audit("export", "cli", detail="d" * MAX_AUDIT_DETAIL_CHARS)


def test_audit_refuses_what_the_table_would(store):
    with pytest.raises(ValueError, match="event"):
        store.audit("hack", "cli")
    with pytest.raises(ValueError, match="detail"):
        store.audit("export", "cli", detail="d" * (MAX_AUDIT_DETAIL_CHARS + 1))
    with pytest.raises(ValueError, match="count"):
        store.audit("export", "cli", count=-1)
    with pytest.raises(ValueError, match="actor"):
        store.audit("export", "a" * 201)
    with pytest.raises(ValueError, match="negative"):
        store.audit_log(limit=-1)
    assert store.audit_log() == []


def test_audit_rows_hold_no_answers(store, clock):
    ids = [store.save(answers(n, CANARY), "v1", "kiosk-1") for n in range(4)]
    store.audit("login", "staff")
    store.mark(ids[:3], "contacted", actor="staff")
    store.mark(ids[2:3], "new", actor="staff")
    store.delete(ids[3:], actor="cli")
    clock.advance(days=100)
    store.purge_contacted(200, actor="cli")
    store.apply_retention(90)
    store.close()
    rows = plain_query(store.path, "SELECT * FROM audit")
    assert [row[2] for row in rows] == ["login", "mark", "mark", "delete", "purge", "retention"]
    text = repr(rows)
    assert CANARY not in text
    assert "Zoë" not in text
    assert "example.com" not in text


# -- secure delete ---------------------------------------------------------------------------------


def checkpointed_bytes(path: Path) -> bytes:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        busy, _frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        conn.close()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    return path.read_bytes()


def test_every_connection_uses_secure_delete(store, clock):
    fill(store, clock, 1)
    assert store._connect().execute("PRAGMA secure_delete").fetchone()[0] == 1
    reader = sqlite_connect(str(store.path), 1000, uri=False)
    try:
        assert reader.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        reader.close()


@pytest.mark.parametrize("how", ["delete", "purge"])
def test_a_deleted_answer_does_not_linger_in_the_file(store, clock, how):
    keep = store.save(answers(1), "v1", "kiosk-1")
    gone = store.save({"name": CANARY, "question": CANARY * 20}, "v1", "kiosk-1")
    store.save(answers(2), "v1", "kiosk-1")
    assert CANARY.encode() in checkpointed_bytes(store.path)  # the check can see it

    if how == "delete":
        assert store.delete([gone]) == 1
    else:
        store.mark([gone], "contacted")
        clock.advance(days=2)
        assert store.purge_contacted(1) == 1
    store.close()
    data = checkpointed_bytes(store.path)
    assert CANARY.encode() not in data
    assert "Zoë Example 1".encode() in data
    reopened = RequestStore(store.path.parent)
    assert reopened.get(keep) is not None
    reopened.close()


HOLD_OPEN = """
import sys
from pathlib import Path
from kiosk.storage.store import RequestStore
store = RequestStore(Path(sys.argv[1]))
for line in sys.stdin:
    if line.strip() == "save":
        store.save({"name": "Held Example"}, "v1", "kiosk-1")
    print("ok", flush=True)
"""


def all_files_bytes(path: Path) -> bytes:
    """What is in the database and its -wal and -shm right now, read as they are."""
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )


@pytest.mark.parametrize("how", ["delete", "purge", "retention"])
def test_a_deleted_answer_is_in_no_file_while_the_kiosk_holds_the_store_open(store, clock, how):
    """A CLI delete with the kiosk running: the deleted answer is gone from the database, its
    -wal and its -shm at once, not some saves after the next automatic checkpoint."""
    import subprocess
    import sys

    gone = store.save({"name": CANARY, "question": CANARY * 20}, "v1", "kiosk-1")
    kiosk = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(store.path.parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert kiosk.stdin is not None
        assert kiosk.stdout is not None
        for _ in range(3):  # the kiosk saves more requests: its connection stays open
            kiosk.stdin.write("save\n")
            kiosk.stdin.flush()
            assert kiosk.stdout.readline() == "ok\n"
        assert CANARY.encode() in all_files_bytes(store.path)  # the check can see it
        if how == "delete":
            assert store.delete([gone], actor="cli") == 1
        else:
            store.mark([gone], "contacted")
            clock.advance(days=200)
            removed = store.purge_contacted(1) if how == "purge" else store.apply_retention(90)
            assert removed == 1
        assert CANARY.encode() not in all_files_bytes(store.path)
        assert Path(f"{store.path}-wal").stat().st_size == 0
        kiosk.stdin.write("save\n")  # and the kiosk goes on saving
        kiosk.stdin.flush()
        assert kiosk.stdout.readline() == "ok\n"
    finally:
        if kiosk.stdin is not None:
            kiosk.stdin.close()
        kiosk.wait(timeout=30)
        if kiosk.stdout is not None:
            kiosk.stdout.close()
    assert store.count() == 4
    assert CANARY.encode() not in all_files_bytes(store.path)


def test_a_checkpoint_a_reader_holds_up_is_logged_and_the_delete_stands(store, caplog):
    gone = store.save(answers(1), "v1", "kiosk-1")
    store.save(answers(2), "v1", "kiosk-1")
    reader = sqlite3.connect(store.path, isolation_level=None, timeout=0)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM requests").fetchone()  # a snapshot held open
        store._busy_timeout_ms = 0
        store.close()
        assert store.delete([gone]) == 1
    finally:
        reader.close()
    assert store.get(gone) is None
    assert "could not be emptied yet" in caplog.text


def test_without_secure_delete_the_canary_would_linger(tmp_path):
    """The control: the test above would fail if secure_delete were off."""
    db = tmp_path / "plain.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA secure_delete = OFF")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("keep",), (CANARY * 20,), ("keep too",)])
    conn.execute("DELETE FROM t WHERE x != 'keep'")
    conn.close()
    assert CANARY.encode() in db.read_bytes()


# -- damaged databases moved aside -------------------------------------------------------------


def test_a_database_moved_aside_is_removed_by_retention_like_contacted_requests(
    data_dir, clock, caplog
):
    """A `requests.db.corrupt-*` file keeps visitors' answers: retention removes it (with its
    -wal and -shm) `retention_days` after it was moved aside, and the audit log says so."""
    store = RequestStore(data_dir, clock=clock)
    store.save(answers(1, CANARY), "v1", "kiosk-1")
    store.close()
    with open(store.path, "r+b") as database:  # a damaged header: the next open moves it aside
        database.write(b"not an SQLite file")
    with pytest.raises(SaveError):
        store.save(answers(2), "v1", "kiosk-1")
    [aside] = store.set_aside_files()
    assert aside.name == "requests.db.corrupt-20261127T141502Z"
    assert aside.moved_at == START
    assert all(path.exists() for path in aside.paths)
    orphan = data_dir / "requests.db.orphaned-20261201T000000Z-wal"
    orphan.write_bytes(b"answers")
    store.save(answers(3), "v1", "kiosk-1")

    clock.advance(days=89)
    store.apply_retention(90)
    assert [a.name for a in store.set_aside_files()] == [
        aside.name,
        "requests.db.orphaned-20261201T000000Z",
    ]
    clock.advance(days=2)
    store.apply_retention(90)
    assert [a.name for a in store.set_aside_files()] == ["requests.db.orphaned-20261201T000000Z"]
    assert not any(path.exists() for path in aside.paths)
    assert orphan.exists()
    entry = store.audit_log(1)[0]
    assert (entry.event, entry.actor, entry.detail) == (
        "retention",
        "kiosk",
        f"removed {aside.name}",
    )
    assert store.count() == 1  # the new database's request stays
    store.close()


def test_a_set_aside_database_stays_when_its_removal_cannot_be_audited(
    data_dir, clock, monkeypatch
):
    store = RequestStore(data_dir, clock=clock)
    store.save(answers(1), "v1", "kiosk-1")
    moved = data_dir / "requests.db.corrupt-20250101T000000Z"
    moved.write_bytes(b"old answers")

    def broken(*args, **kwargs):
        raise SaveError("disk_full", "the disk is full")

    monkeypatch.setattr(store, "audit", broken)
    with pytest.raises(SaveError):
        store.apply_retention(90)
    assert moved.exists()
    store.close()
