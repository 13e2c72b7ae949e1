"""RequestStore: what is saved comes back exactly, durably, privately; every failure is named.

Failure paths that need another user (a read-only file when tests run as root) or a file-size
limit run in a forked child process, so the limit or the dropped privileges never reach pytest.
All data is fake.
"""

from __future__ import annotations

import io
import json
import logging
import os
import pwd
import resource
import signal
import sqlite3
import stat
import tempfile
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage.records import MAX_ANSWERS_CHARS, MAX_LABEL_CHARS
from kiosk.storage.schema import SCHEMA_VERSION
from kiosk.storage.store import RequestStore, SaveError, StoredRequest

NOW = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
NOW_TEXT = "2025-01-02T03:04:05.678901Z"
MOVED_NAME = "requests.db.corrupt-20250102T030405Z"
CANARY = "CANARY-7f3a"

ARABIC_NAME = (
    "\u0633\u0627\u0631\u0627 \u0645\u062b\u0627\u0644"  # "Sara Example", escaped for ruff
)
HEBREW_NAME = "שרה דוגמה"  # "Sara Example"

ANSWERS: dict[str, str | bool] = {
    "name": "Zoë Example",
    "phone": "+12025550100",
    "email": "zoe.example@example.com",
    "contact_method": "Phone call",
    "question": f"Première ligne ✓ 😀\n{ARABIC_NAME}\n{HEBREW_NAME}\n\n  indented last line ",
    "consent": True,
    "newsletter": False,
}


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[RequestStore]:
    made = RequestStore(data_dir, clock=fixed_clock)
    yield made
    made.close()


def plain_count(path: Path) -> int:
    """Rows in the file, read by an independent connection."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM requests").fetchone()[0])
    finally:
        conn.close()


def plain_query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def save_three(data_dir: Path) -> None:
    """Three requests saved and the store closed (so no -wal or -shm is left)."""
    first = RequestStore(data_dir, clock=fixed_clock)
    for n in range(3):
        first.save({**ANSWERS, "name": f"Zoë Example {n}"}, "v1", "kiosk-1")
    first.close()
    assert sorted(p.name for p in data_dir.iterdir()) == ["requests.db"]


def big_answers(total: int) -> dict[str, str | bool]:
    """Answers (with the canary) whose JSON encoding is exactly ``total`` characters."""
    answers: dict[str, str | bool] = {"name": CANARY, "question": ""}
    overhead = len(json.dumps(answers, ensure_ascii=False, separators=(",", ":")))
    answers["question"] = "é" * (total - overhead)
    return answers


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- round trip ----------------------------------------------------------------------------------


def test_constructing_the_store_touches_no_disk(tmp_path):
    store = RequestStore(tmp_path / "a" / "data")
    assert store.path == tmp_path / "a" / "data" / "requests.db"
    assert RequestStore.DB_NAME == "requests.db"
    assert not (tmp_path / "a").exists()
    store.close()
    assert not (tmp_path / "a").exists()


def test_what_is_saved_comes_back_exactly(store):
    request_id = store.save(ANSWERS, "content-2025-01", "kiosk-lobby")

    got = store.get(request_id)
    assert got == StoredRequest(
        id=request_id,
        created_at=NOW,
        status="new",
        answers=ANSWERS,
        content_version="content-2025-01",
        kiosk_id="kiosk-lobby",
    )
    assert list(got.answers) == list(ANSWERS)  # the fields' order too
    assert got.answers["consent"] is True
    assert got.answers["newsletter"] is False
    assert got.created_at.tzinfo is not None
    assert got.created_at.utcoffset() == timedelta(0)


def test_ids_count_up(store):
    assert [store.save({"name": f"Zoë {n}"}, "v1", "k") for n in range(3)] == [1, 2, 3]


def test_created_at_is_stored_in_utc_whatever_the_clock_zone(data_dir):
    eastern = timezone(timedelta(hours=-5))
    store = RequestStore(data_dir, clock=lambda: datetime(2025, 1, 1, 22, 30, tzinfo=eastern))
    request_id = store.save(ANSWERS, "v1", "k")
    got = store.get(request_id)
    store.close()
    assert got is not None
    assert got.created_at == datetime(2025, 1, 2, 3, 30, tzinfo=UTC)
    assert got.created_at.utcoffset() == timedelta(0)
    assert plain_query(store.path, "SELECT created_at FROM requests") == [
        ("2025-01-02T03:30:00.000000Z",)
    ]


def test_a_clock_without_timezone_is_a_programming_error(data_dir):
    store = RequestStore(data_dir, clock=lambda: datetime(2025, 1, 2, 3, 4, 5))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.save(ANSWERS, "v1", "k")
    assert not data_dir.exists()


def test_the_commit_is_visible_to_an_independent_connection_at_once(store):
    request_id = store.save(ANSWERS, "v1", "kiosk-1")
    # The store's connection stays open: this is a second, independent reader.
    rows = plain_query(store.path, "SELECT id, created_at, status, answers FROM requests")
    assert len(rows) == 1
    row_id, created_at, status, answers = rows[0]
    assert (row_id, created_at, status) == (request_id, NOW_TEXT, "new")
    assert json.loads(answers) == ANSWERS
    assert "Zoë Example" in answers  # stored as UTF-8 text, not \u escapes


# -- pragmas, schema, files ----------------------------------------------------------------------


def test_pragmas_on_the_store_connection(data_dir):
    store = RequestStore(data_dir, clock=fixed_clock, busy_timeout_ms=1234)
    store.save(ANSWERS, "v1", "k")
    conn = store._connect()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    assert conn.isolation_level is None
    assert not conn.in_transaction
    store.close()
    assert SCHEMA_VERSION == 4
    assert plain_query(store.path, "PRAGMA user_version") == [(4,)]
    assert plain_query(store.path, "PRAGMA journal_mode") == [("wal",)]  # kept in the file


def test_the_schema_has_the_table_and_index(store):
    store.save(ANSWERS, "v1", "k")
    columns = plain_query(store.path, "PRAGMA table_info(requests)")
    assert [(c[1], c[2], c[3]) for c in columns] == [
        ("id", "INTEGER", 0),
        ("created_at", "TEXT", 1),
        ("status", "TEXT", 1),
        ("answers", "TEXT", 1),
        ("content_version", "TEXT", 1),
        ("kiosk_id", "TEXT", 1),
        ("contacted_at", "TEXT", 0),
        ("uuid", "TEXT", 0),
        ("forwarded_at", "TEXT", 0),
        ("language", "TEXT", 1),
    ]
    indexes = plain_query(
        store.path,
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'requests'"
        " AND name NOT IN ('requests_uuid', 'requests_unsent')",
    )
    assert len(indexes) == 1
    assert [c[2] for c in plain_query(store.path, f"PRAGMA index_info({indexes[0][0]})")] == [
        "status",
        "created_at",
    ]


def test_the_connection_is_kept_and_reused(store):
    store.save(ANSWERS, "v1", "k")
    conn = store._connect()
    store.save(ANSWERS, "v1", "k")
    assert store.count() == 2
    assert store._connect() is conn
    store.close()
    assert store._conn is None
    assert store.save(ANSWERS, "v1", "k") == 3  # opens again after close()
    assert store._connect() is not conn


def test_files_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        data_dir = tmp_path / "parent" / "data"
        store = RequestStore(data_dir, clock=fixed_clock)
        store.save(ANSWERS, "v1", "k")
        assert os.umask(0o022) == 0o022  # the store put the process umask back
        names = sorted(p.name for p in data_dir.iterdir())
        assert names == ["requests.db", "requests.db-shm", "requests.db-wal"]
        assert {name: oct(mode(data_dir / name)) for name in names} == {
            name: oct(0o600) for name in names
        }
        assert oct(mode(data_dir)) == oct(0o700)
        store.close()
    finally:
        os.umask(old)


def test_loose_permissions_on_an_existing_database_are_tightened(data_dir):
    save_three(data_dir)
    db = data_dir / "requests.db"
    db.chmod(0o644)
    store = RequestStore(data_dir, clock=fixed_clock)
    assert store.count() == 3
    assert oct(mode(db)) == oct(0o600)
    assert oct(mode(data_dir / "requests.db-wal")) == oct(0o600)
    store.close()


# -- listing ---------------------------------------------------------------------------------------


def test_list_is_newest_first_with_filter_count_limit_and_offset(data_dir):
    times = iter(NOW + timedelta(minutes=m) for m in (0, 10, 20, 30, -5))
    store = RequestStore(data_dir, clock=lambda: next(times))
    ids = [store.save({"name": f"Zoë Example {n}"}, "v1", "k") for n in range(5)]
    assert ids == [1, 2, 3, 4, 5]
    plain_query(store.path, "UPDATE requests SET status = 'contacted' WHERE id IN (2, 4)")

    # id 5 was saved last but is the oldest (its clock said 5 minutes before the first).
    assert [r.id for r in store.newest_first()] == [4, 3, 2, 1, 5]
    assert [r.id for r in store.newest_first(status="new")] == [3, 1, 5]
    assert [r.id for r in store.newest_first(status="contacted")] == [4, 2]
    assert {r.status for r in store.newest_first(status="contacted")} == {"contacted"}
    assert [r.id for r in store.newest_first(limit=2)] == [4, 3]
    assert [r.id for r in store.newest_first(limit=2, offset=2)] == [2, 1]
    assert [r.id for r in store.newest_first(limit=10, offset=4)] == [5]
    assert store.newest_first(offset=5) == []
    assert store.newest_first(limit=0) == []
    assert (store.count(), store.count("new"), store.count("contacted")) == (5, 3, 2)
    assert store.newest_first()[0].created_at == NOW + timedelta(minutes=30)
    store.close()


def test_get_of_an_unknown_id_is_none(store):
    assert store.get(1) is None
    request_id = store.save(ANSWERS, "v1", "k")
    assert store.get(request_id + 1) is None
    assert store.get(request_id) is not None


def test_an_empty_store_lists_nothing(store):
    assert store.newest_first() == []
    assert store.count() == 0


@pytest.mark.parametrize("call", ["newest_first", "count"])
def test_an_unknown_status_is_a_programming_error(store, call):
    with pytest.raises(ValueError, match="status"):
        getattr(store, call)("done")


def test_negative_limit_or_offset_is_a_programming_error(store):
    with pytest.raises(ValueError, match="negative"):
        store.newest_first(limit=-1)
    with pytest.raises(ValueError, match="negative"):
        store.newest_first(offset=-1)


# -- what may be saved -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "too_long"),
    [
        ("answers", "x" * (MAX_ANSWERS_CHARS + 1)),
        ("content_version", "v" * (MAX_LABEL_CHARS + 1)),
        ("kiosk_id", "k" * (MAX_LABEL_CHARS + 1)),
        ("status", "done"),
    ],
)
def test_the_database_itself_refuses_oversized_or_unknown_values(store, column, too_long):
    store.count()  # creates the schema
    values = {
        "created_at": NOW_TEXT,
        "status": "new",
        "answers": "{}",
        "content_version": "v1",
        "kiosk_id": "k",
    }
    conn = sqlite3.connect(store.path, isolation_level=None)
    try:
        insert = "INSERT INTO requests (created_at, status, answers, content_version, kiosk_id)"
        sql = f"{insert} VALUES (:created_at, :status, :answers, :content_version, :kiosk_id)"
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(sql, {**values, column: too_long})
        conn.execute(sql, values)  # the same row with an allowed value goes in
        if column != "status":
            conn.execute(sql, {**values, column: too_long[:-1]})  # the limit itself is allowed
            assert conn.execute(f"SELECT max(length({column})) FROM requests").fetchone() == (
                len(too_long) - 1,
            )
    finally:
        conn.close()


def test_the_largest_allowed_answers_are_saved(store):
    answers = big_answers(MAX_ANSWERS_CHARS)
    request_id = store.save(answers, "v" * MAX_LABEL_CHARS, "k" * MAX_LABEL_CHARS)
    got = store.get(request_id)
    assert got is not None
    assert got.answers == answers
    assert plain_query(store.path, "SELECT length(answers) FROM requests") == [(MAX_ANSWERS_CHARS,)]


@pytest.mark.parametrize(
    ("answers", "content_version", "kiosk_id", "message"),
    [
        (big_answers(MAX_ANSWERS_CHARS + 1), "v1", "k", "at most 20000"),
        (ANSWERS, "v" * (MAX_LABEL_CHARS + 1), "k", "content_version .* at most 200"),
        (ANSWERS, "v1", "k" * (MAX_LABEL_CHARS + 1), "kiosk_id .* at most 200"),
        (ANSWERS, 1, "k", "content_version must be a str"),
    ],
)
def test_too_long_data_is_refused_before_touching_the_database(
    data_dir, answers, content_version, kiosk_id, message
):
    store = RequestStore(data_dir, clock=fixed_clock)
    with pytest.raises(ValueError, match=message) as caught:
        store.save(answers, content_version, kiosk_id)
    assert CANARY not in str(caught.value)
    assert not data_dir.exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"name": CANARY, "age": 42}, "answer 'age' must be a str or a bool, got int"),
        ({"name": CANARY, "note": None}, "must be a str or a bool, got NoneType"),
        ({"name": CANARY, "tags": [CANARY]}, "must be a str or a bool, got list"),
        ({"name": CANARY, "full name": "x"}, "form field key"),
        ({"name": CANARY, "": "x"}, "form field key"),
        ({"name": CANARY, "1st": "x"}, "form field key"),
        ({"name": CANARY, "k" * 65: "x"}, "form field key"),
        ({"name": CANARY, 7: "x"}, "form field key"),
        ({"name": CANARY, f"{CANARY}": "x"}, "form field key"),
        ({"name": CANARY + "\ud800"}, "not valid Unicode"),
        ([("name", CANARY)], "must be a mapping"),
    ],
)
def test_answers_that_are_not_field_keys_to_str_or_bool_are_refused(store, answers, message):
    with pytest.raises(ValueError, match=message) as caught:
        store.save(answers, "v1", "k")
    assert CANARY not in str(caught.value)
    assert store.count() == 0


# -- failures -----------------------------------------------------------------------------------


def run_in_child(body: Callable[[], dict[str, Any]], *, uid: int | None = None) -> dict[str, Any]:
    """Run ``body`` in a forked child (as ``uid``, if given); its result and its log text.

    The child reports through a pipe (RLIMIT_FSIZE does not apply to pipes) and never returns
    into pytest.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_fd)
            log = io.StringIO()
            root = logging.getLogger()
            for handler in root.handlers[:]:
                root.removeHandler(handler)
            handler = logging.StreamHandler(log)
            handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
            root.addHandler(handler)
            root.setLevel(logging.DEBUG)
            try:
                if uid is not None:
                    gid = pwd.getpwuid(uid).pw_gid
                    os.setgroups([])
                    os.setgid(gid)
                    os.setuid(uid)
                result = body()
                result["log"] = log.getvalue()
            except BaseException:
                result = {"error": traceback.format_exc(), "log": log.getvalue()}
            os.write(write_fd, json.dumps(result).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status)
    assert os.WEXITSTATUS(status) == 0
    result: dict[str, Any] = json.loads(data)
    assert "error" not in result, result["error"]
    return result


def error_result(error: SaveError) -> dict[str, Any]:
    return {"kind": error.kind, "message": str(error), "cause": str(error.__cause__)}


@pytest.fixture
def unprivileged_uid() -> int | None:
    """A uid to drop to so file permissions really apply, or None when already unprivileged."""
    if os.geteuid() != 0:
        return None
    try:
        uid = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("running as root and there is no 'nobody' user to drop privileges to")
    try:
        run_in_child(lambda: {"uid": os.getuid()}, uid=uid)
    except AssertionError as exc:
        pytest.skip(f"running as root and cannot drop privileges to 'nobody' here: {exc}")
    return uid


@pytest.fixture
def shared_tmp(unprivileged_uid: int | None) -> Iterator[Path]:
    """A temporary folder the unprivileged user owns (pytest's tmp_path is root-only)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-store-") as name:
        root = Path(name)
        if unprivileged_uid is not None:
            os.chown(root, unprivileged_uid, pwd.getpwuid(unprivileged_uid).pw_gid)
        yield root


def chown_tree(path: Path, uid: int | None) -> None:
    if uid is None:
        return
    gid = pwd.getpwuid(uid).pw_gid
    os.chown(path, uid, gid)
    for child in path.rglob("*"):
        os.chown(child, uid, gid)


def test_a_read_only_database_file(shared_tmp, unprivileged_uid):
    data_dir = shared_tmp / "data"
    save_three(data_dir)
    db = data_dir / "requests.db"
    chown_tree(data_dir, unprivileged_uid)
    db.chmod(0o400)
    before = db.read_bytes()

    def body() -> dict[str, Any]:
        store = RequestStore(data_dir, clock=fixed_clock)
        try:
            store.save({**ANSWERS, "question": CANARY}, "v1", "k")
        except SaveError as error:
            result = error_result(error)
        else:
            return {"saved": True}
        result["dropped"] = store._conn is None
        result["count"] = store.count()  # reading still works
        return result

    result = run_in_child(body, uid=unprivileged_uid)
    assert result.get("saved") is None
    assert result["kind"] == "read_only"
    assert result["message"] == f"the database file is read-only: {db}"
    assert result["dropped"] is True
    assert result["count"] == 3
    assert db.read_bytes() == before
    assert plain_count(db) == 3
    assert CANARY not in json.dumps(result)
    assert "read_only" in result["log"]


def test_a_data_folder_that_cannot_be_written(shared_tmp, unprivileged_uid):
    locked_dir = shared_tmp / "locked"
    locked_dir.mkdir(mode=0o555)
    locked_dir.chmod(0o555)
    chown_tree(locked_dir, unprivileged_uid)

    def body() -> dict[str, Any]:
        results = {}
        for name, folder in (("missing", locked_dir / "data"), ("existing", locked_dir)):
            store = RequestStore(folder, clock=fixed_clock)
            try:
                store.save({"name": CANARY}, "v1", "k")
            except SaveError as error:
                results[name] = error_result(error)
        return results

    result = run_in_child(body, uid=unprivileged_uid)
    assert result["missing"]["kind"] == "read_only"
    assert result["existing"]["kind"] == "read_only"
    assert result["existing"]["message"] == f"the data folder is not writable: {locked_dir}"
    assert list(locked_dir.iterdir()) == []
    assert CANARY not in json.dumps(result)


def test_a_full_disk_during_commit_keeps_earlier_rows(data_dir):
    save_three(data_dir)
    db = data_dir / "requests.db"

    def body() -> dict[str, Any]:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        store = RequestStore(data_dir, clock=fixed_clock)
        assert store.count() == 3  # opened: -wal and -shm exist before the limit
        wal_size = Path(f"{db}-wal").stat().st_size
        _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        # The request needs several 4 KiB pages in the -wal; the second one crosses the limit.
        resource.setrlimit(resource.RLIMIT_FSIZE, (wal_size + 6000, hard))
        try:
            store.save(big_answers(MAX_ANSWERS_CHARS - 1000), "v1", "k")
        except SaveError as error:
            result = error_result(error)
        else:
            return {"saved": True}
        result["in_transaction"] = store._connect().in_transaction
        result["count"] = store.count()
        store.close()
        return result

    result = run_in_child(body)
    assert result.get("saved") is None
    assert result["kind"] == "disk_full"
    assert result["message"] == f"the disk is full: could not write to {data_dir}"
    assert result["in_transaction"] is False
    assert result["count"] == 3
    assert CANARY not in json.dumps(result)
    assert "disk_full" in result["log"]

    assert plain_count(db) == 3
    assert plain_query(db, "PRAGMA integrity_check") == [("ok",)]
    store = RequestStore(data_dir, clock=fixed_clock)
    assert store.save(ANSWERS, "v1", "k") == 4  # with room again, saving works
    store.close()


def test_sqlite_full_is_a_full_disk_and_the_connection_recovers(store):
    for _ in range(3):
        store.save(ANSWERS, "v1", "k")
    conn = store._connect()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(SaveError) as caught:
        store.save(big_answers(MAX_ANSWERS_CHARS), "v1", "k")
    assert caught.value.kind == "disk_full"
    assert str(caught.value) == f"the disk is full: could not write to {store.path.parent}"
    assert "database or disk is full" in str(caught.value.__cause__)
    assert store._conn is conn  # kept: nothing is wrong with it
    assert not conn.in_transaction
    assert plain_count(store.path) == 3

    conn.execute(f"PRAGMA max_page_count = {pages + 100}")
    assert store.save(big_answers(MAX_ANSWERS_CHARS), "v1", "k") == 4


@pytest.mark.parametrize("lock", ["IMMEDIATE", "EXCLUSIVE"])
@pytest.mark.parametrize("opened_before", [True, False])
def test_a_database_locked_by_another_connection(data_dir, lock, opened_before):
    save_three(data_dir)
    db = data_dir / "requests.db"
    store = RequestStore(data_dir, clock=fixed_clock, busy_timeout_ms=10)
    if opened_before:
        assert store.count() == 3
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute(f"BEGIN {lock}")
        other.execute("INSERT INTO requests SELECT * FROM requests WHERE id = 1 AND 0")
        with pytest.raises(SaveError) as caught:
            store.save({"name": CANARY}, "v1", "k")
        assert caught.value.kind == "locked"
        assert str(caught.value) == (
            f"the database is in use by another program (still locked after 10 ms): {db}"
        )
        assert CANARY not in str(caught.value)
        assert plain_count(db) == 3
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.save(ANSWERS, "v1", "k") == 4
    assert plain_count(db) == 4
    store.close()


def test_a_failing_insert_leaves_no_transaction_open(store):
    store.save(ANSWERS, "v1", "k")
    plain_query(
        store.path,
        "CREATE TRIGGER refuse BEFORE INSERT ON requests WHEN NEW.kiosk_id = 'refused'"
        " BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END",
    )
    with pytest.raises(SaveError) as caught:
        store.save({"name": CANARY}, "v1", "refused")
    assert caught.value.kind == "other"
    assert str(caught.value) == (
        f"the database could not be used (SQLITE_CONSTRAINT_TRIGGER): {store.path}"
    )
    # Another writer gets in at once: the failed transaction was rolled back, not left open.
    other = sqlite3.connect(store.path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert plain_count(store.path) == 1
    assert store.save(ANSWERS, "v1", "k") == 2


def corrupt_index(db: Path) -> None:
    """Make a valid SQLite file whose integrity check fails: the index no longer matches."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_schema SET sql = 'CREATE INDEX requests_status_created"
            " ON requests (created_at, status)'"
            " WHERE type = 'index' AND name = 'requests_status_created'"
        )
    finally:
        conn.close()
    assert plain_query(db, "PRAGMA integrity_check") != [("ok",)]
    assert plain_count(db) == 3  # the file still opens and reads


GARBAGE = b"this is not an SQLite database\n" * 300


@pytest.mark.parametrize(
    "damage",
    ["garbage", "header", "page_size", "garbage_with_wal", "integrity"],
)
def test_a_corrupt_database_is_moved_aside_and_a_new_one_started(data_dir, damage):
    save_three(data_dir)
    db = data_dir / "requests.db"
    if damage == "garbage":
        db.write_bytes(GARBAGE)
    elif damage == "header":
        with db.open("r+b") as f:
            f.write(b"\xde\xad\xbe\xef" * 25)  # the 100-byte header
    elif damage == "page_size":
        with db.open("r+b") as f:
            f.seek(16)
            f.write(b"\x00\x03")  # the magic string is intact, the page size impossible
    elif damage == "garbage_with_wal":
        db.write_bytes(GARBAGE)
        Path(f"{db}-wal").write_bytes(b"wal bytes of the damaged file")
        Path(f"{db}-shm").write_bytes(b"shm bytes of the damaged file")
    else:
        corrupt_index(db)
    originals = {
        suffix: Path(f"{db}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{db}{suffix}").exists()
    }

    store = RequestStore(data_dir, clock=fixed_clock)
    with pytest.raises(SaveError) as caught:
        store.save({"name": CANARY}, "v1", "k")
    moved = data_dir / MOVED_NAME
    assert caught.value.kind == "corrupt"
    assert str(caught.value) == (
        f"the database file was damaged; it was moved aside to {moved} "
        "and a new one will be started"
    )
    assert store._conn is None
    # Everything was moved as one set (sqlite may have added an empty -wal and its -shm when
    # it looked at the file: they go along), nothing deleted, the original bytes unchanged.
    names = {p.name for p in data_dir.iterdir()}
    assert {f"{MOVED_NAME}{suffix}" for suffix in originals} <= names
    assert names <= {f"{MOVED_NAME}{suffix}" for suffix in ("", "-wal", "-shm")}
    for suffix, content in originals.items():
        assert Path(f"{moved}{suffix}").read_bytes() == content
    if "-wal" not in originals and Path(f"{moved}-wal").exists():
        assert Path(f"{moved}-wal").stat().st_size == 0
    if damage == "integrity":
        assert plain_count(moved) == 3  # the earlier rows are all still in the moved file

    assert store.save(ANSWERS, "v1", "k") == 1  # a fresh database
    assert store.count() == 1
    assert plain_count(db) == 1
    assert oct(mode(db)) == oct(0o600)
    for suffix, content in originals.items():
        assert Path(f"{moved}{suffix}").read_bytes() == content
    store.close()


def test_a_damaged_database_keeps_its_unsaved_wal_when_moved_aside(data_dir, tmp_path):
    # A crash left committed rows in the -wal, and the database's index is damaged.
    save_three(data_dir)
    db = data_dir / "requests.db"
    corrupt_index(db)
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute(
            "INSERT INTO requests (created_at, status, answers, content_version, kiosk_id)"
            " VALUES (?, 'new', '{}', 'v1', 'k')",
            (NOW_TEXT,),
        )
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        for suffix in ("", "-wal", "-shm"):  # the files as a power cut would leave them
            Path(f"{crashed / 'requests.db'}{suffix}").write_bytes(
                Path(f"{db}{suffix}").read_bytes()
            )
    finally:
        writer.close()
    crashed_db = crashed / "requests.db"
    db_bytes, wal_bytes = crashed_db.read_bytes(), Path(f"{crashed_db}-wal").read_bytes()
    assert len(wal_bytes) > 0

    store = RequestStore(crashed, clock=fixed_clock)
    with pytest.raises(SaveError) as caught:
        store.save(ANSWERS, "v1", "k")
    assert caught.value.kind == "corrupt"
    moved = crashed / MOVED_NAME
    assert moved.read_bytes() == db_bytes
    assert Path(f"{moved}-wal").read_bytes() == wal_bytes  # never checkpointed, never deleted
    assert Path(f"{moved}-shm").exists()  # (an index sqlite rebuilds from the -wal)
    assert not crashed_db.exists()
    assert plain_count(moved) == 4  # the three earlier rows and the one only in the -wal
    store.close()


def test_a_second_corruption_in_the_same_second_keeps_both_files(data_dir):
    data_dir.mkdir(mode=0o700)
    store = RequestStore(data_dir, clock=fixed_clock)
    (data_dir / "requests.db").write_bytes(b"first damaged file" * 10)
    with pytest.raises(SaveError, match="moved aside"):
        store.count()
    (data_dir / "requests.db").write_bytes(b"second damaged file" * 10)
    with pytest.raises(SaveError, match="moved aside") as caught:
        store.save(ANSWERS, "v1", "k")
    assert caught.value.kind == "corrupt"
    assert (data_dir / MOVED_NAME).read_bytes() == b"first damaged file" * 10
    assert (data_dir / f"{MOVED_NAME}.1").read_bytes() == b"second damaged file" * 10
    assert store.save(ANSWERS, "v1", "k") == 1
    store.close()


def test_a_wal_without_its_database_is_kept_not_deleted(data_dir):
    save_three(data_dir)
    db = data_dir / "requests.db"
    wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
    wal.write_bytes(b"frames of a database that is gone")
    shm.write_bytes(b"its index")
    db.unlink()

    store = RequestStore(data_dir, clock=fixed_clock)
    assert store.save(ANSWERS, "v1", "k") == 1
    orphan = data_dir / "requests.db.orphaned-20250102T030405Z"
    assert Path(f"{orphan}-wal").read_bytes() == b"frames of a database that is gone"
    assert Path(f"{orphan}-shm").read_bytes() == b"its index"
    assert not orphan.exists()
    assert plain_count(db) == 1
    store.close()


def test_a_database_from_a_newer_version_is_left_untouched(data_dir):
    data_dir.mkdir(mode=0o700)
    db = data_dir / "requests.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE requests (id INTEGER PRIMARY KEY, anything TEXT)")
    conn.execute("INSERT INTO requests (anything) VALUES ('from the future')")
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    before = db.read_bytes()

    store = RequestStore(data_dir, clock=fixed_clock)
    for _ in range(2):  # the connection is dropped and the next call checks again
        with pytest.raises(SaveError) as caught:
            store.save({"name": CANARY}, "v1", "k")
        assert caught.value.kind == "other"
        assert str(caught.value) == (
            f"the database {db} was made by a newer version of the kiosk (schema version 5; "
            "this version knows up to 4); it has been left untouched"
        )
        assert store._conn is None
    with pytest.raises(SaveError, match="newer version"):
        store.newest_first()
    assert sorted(p.name for p in data_dir.iterdir()) == ["requests.db"]
    assert db.read_bytes() == before
    assert plain_query(db, "PRAGMA user_version") == [(5,)]
    assert plain_count(db) == 1


def test_no_answer_ever_reaches_the_log(data_dir, caplog):
    caplog.set_level(logging.DEBUG)
    secret = {**ANSWERS, "name": f"Zoë {CANARY}", "question": f"{CANARY}\n{ARABIC_NAME}"}
    errors: list[SaveError] = []

    def expect_failure(store: RequestStore, kind: str) -> None:
        with pytest.raises(SaveError) as caught:
            store.save(secret, "v1", "k")
        assert caught.value.kind == kind
        errors.append(caught.value)

    store = RequestStore(data_dir, clock=fixed_clock, busy_timeout_ms=10)
    store.save(secret, "v1", "k")  # success is logged too (by id)

    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    expect_failure(store, "locked")
    other.execute("ROLLBACK")
    other.close()

    conn = store._connect()
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(SaveError, match="disk is full") as caught:
        store.save(big_answers(MAX_ANSWERS_CHARS), "v1", "k")
    errors.append(caught.value)
    store.close()

    store.path.write_bytes(GARBAGE)
    expect_failure(store, "corrupt")
    store.save(secret, "v1", "k")
    store.close()
    plain_query(store.path, "PRAGMA user_version = 7")
    expect_failure(store, "other")

    with pytest.raises(ValueError, match="must be a str or a bool") as refused:
        store.save({**secret, "age": 42}, "v1", "k")

    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    for kind in ("locked", "disk_full", "corrupt", "other"):
        assert f"save failed: {kind}" in logged
    assert "saved request 1" in logged
    assert CANARY not in logged
    assert "Zoë" not in logged
    for error in errors:
        assert CANARY not in str(error)
        assert CANARY not in str(error.__cause__)
    assert CANARY not in str(refused.value)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_a_symlink_in_place_of_the_database_is_refused_and_not_followed(tmp_path, suffix):
    """The database, its -wal and -shm are opened only as plain files: a link is refused with
    a message naming it, and what it points at is neither written nor chmodded."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    victim = tmp_path / "victim"
    victim.write_bytes(b"")
    victim.chmod(0o644)
    link = data / f"requests.db{suffix}"
    link.symlink_to(victim)
    store = RequestStore(data)
    with pytest.raises(SaveError) as caught:
        store.save({"name": "Zoë Example"}, "v1", "kiosk-1")
    assert f"{link} is a symbolic link" in str(caught.value)
    assert victim.read_bytes() == b""
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    store.close()
