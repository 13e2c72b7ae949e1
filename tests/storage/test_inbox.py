"""Several kiosks, one inbox: a real PostgreSQL server (tests/helpers/postgres.py), no mocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from kiosk.storage import inbox as inbox_module
from kiosk.storage.forwarder import FIRST_BACKOFF_S, Forwarder
from kiosk.storage.inbox import (
    InboxError,
    InboxListener,
    InboxStore,
    KioskStatus,
    connect,
    init_inbox,
    send_heartbeat,
    send_requests,
)
from kiosk.storage.store import RequestStore, SaveError, UnknownRequest
from tests.helpers.clock import FakeClock
from tests.helpers.postgres import KIOSK_ROLE, STAFF_ROLE

REPO = Path(__file__).resolve().parents[2]
CANARY = "Zoë Canary-Example"


def answers(n: int) -> dict[str, str | bool]:
    return {"name": f"{CANARY} {n}", "phone": f"+1202555{n:04d}", "consent": True}


_opened: list[RequestStore | Forwarder] = []


@pytest.fixture(autouse=True)
def _closed_after_each_test() -> Iterator[None]:
    """The stores and forwarders a test opened are closed when it ends, even when it fails:
    Python 3.13 warns about an SQLite connection left to the garbage collector, and that
    warning would fail whichever test happened to be running then."""
    yield
    while _opened:
        _opened.pop().close()


def open_store(data_dir: Path) -> RequestStore:
    """The kiosk's request store in ``data_dir``, closed after the test."""
    store = RequestStore(data_dir)
    _opened.append(store)
    return store


def make_forwarder(data_dir: Path, service: str = "kiosk", **kwargs) -> Forwarder:
    """A forwarder of the requests in ``data_dir``, closed after the test."""
    kwargs.setdefault("clock", FakeClock())
    forwarder = Forwarder(
        lambda: RequestStore(data_dir), service, "waiting-room-1", lambda: "v1", **kwargs
    )
    _opened.append(forwarder)
    return forwarder


def forward_all(data_dir: Path) -> None:
    forwarder = make_forwarder(data_dir)
    try:
        assert forwarder.step() > 0
        assert forwarder.status().error == ""
    finally:
        forwarder.close()


def stored_uuids(inbox_db) -> list[str]:
    return [str(row[0]) for row in inbox_db.sql("SELECT uuid FROM inbox.requests ORDER BY id")]


def local_uuids(data_dir: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(data_dir / "requests.db")
    try:
        return [r[0] for r in conn.execute("SELECT uuid FROM requests ORDER BY id")]
    finally:
        conn.close()


def raw_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("requests.db*")))


# -- init, roles, least privilege --------------------------------------------------------------


def test_init_makes_the_schema_once_and_says_what_it_did(inbox_db):
    with psycopg.connect(inbox_db.server.conninfo(inbox_db.dbname)) as conn:
        again = init_inbox(conn, kiosks=[KIOSK_ROLE])
    assert again[0] == "inbox schema: already at version 2"
    assert f"{KIOSK_ROLE} is a member of clinic_kiosk" in again
    assert inbox_db.sql("SELECT version FROM inbox.schema_version") == [(2,)]


def test_init_refuses_a_role_name_it_would_have_to_quote(inbox_db):
    with (
        psycopg.connect(inbox_db.server.conninfo(inbox_db.dbname)) as conn,
        pytest.raises(ValueError, match="not a role name"),
    ):
        init_inbox(conn, kiosks=["Robert'); DROP TABLE x;--"])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM inbox.requests",
        "SELECT count(*) FROM inbox.requests WHERE kiosk_id = 'waiting-room-1'",
        "SELECT uuid FROM inbox.requests",
        "UPDATE inbox.requests SET status = 'contacted'",
        "DELETE FROM inbox.requests",
        "SELECT * FROM inbox.heartbeats",
        "SELECT * FROM inbox.audit",
        "INSERT INTO inbox.audit (event, actor) VALUES ('login', 'x')",
        "COPY inbox.requests TO STDOUT",
    ],
)
def test_the_kiosk_role_cannot_read_or_change_requests(inbox_db, tmp_path, query):
    store = open_store(tmp_path / "data")
    store.save(answers(1), "v1", "waiting-room-1")
    forward_all(tmp_path / "data")
    assert len(stored_uuids(inbox_db)) == 1  # its own request is there...
    with connect("kiosk") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(query)  # ...and still it may not read it
    assert "permission denied" in str(caught.value)
    assert inbox_module.describe(caught.value, "kiosk") == (
        "the inbox (service 'kiosk') does not allow this role to do that (least privilege)"
    )


def test_the_staff_role_cannot_rewrite_the_audit(inbox_db):
    desk = InboxStore("desk")
    desk.audit("export", "test", 1, "/tmp/x.csv")
    conn = desk.connection()
    for query in ("DELETE FROM inbox.audit", "UPDATE inbox.audit SET count = 0"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(query)
        conn.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO inbox.requests (uuid, created_at, answers, content_version,"
                     " kiosk_id) VALUES (gen_random_uuid(), now(), '{}', 'v', 'k')")  # fmt: skip
    conn.rollback()
    desk.close()


# -- store and forward -------------------------------------------------------------------------


def test_requests_are_forwarded_in_order_and_erased_here(inbox_db, tmp_path):
    data = tmp_path / "data"
    store = open_store(data)
    languages = ["en", "es", "zh", "ar", ""]
    ids = [store.save(answers(n), "v1", "waiting-room-1", languages[n]) for n in range(5)]
    saved = local_uuids(data)
    forwarder = make_forwarder(data)

    forwarder.step()

    assert stored_uuids(inbox_db) == saved  # in the order saved, each once
    rows = inbox_db.sql("SELECT answers, kiosk_id, content_version FROM inbox.requests")
    assert rows[0] == (answers(0), "waiting-room-1", "v1")
    # The language the visitor used goes to the front desk too.
    assert inbox_db.sql("SELECT language FROM inbox.requests ORDER BY id") == [
        (language,) for language in languages
    ]
    for request_id in ids:
        kept = store.get(request_id)
        assert kept is not None
        assert kept.answers == {}  # erased here; id, UUID and times stay
    assert local_uuids(data) == saved
    assert store.unsent_count() == 0
    # Gone from the files already, while both connections are still open: the erased text
    # was overwritten (secure_delete) and the -wal checkpointed and truncated.
    assert CANARY.encode() not in raw_bytes(data)
    assert "Zoë".encode() not in raw_bytes(data)
    forwarder.close()
    store.close()
    assert CANARY.encode() not in raw_bytes(data)
    assert forwarder.status().sent == 5


def test_a_request_sent_twice_is_stored_once(inbox_db, tmp_path):
    store = open_store(tmp_path / "data")
    store.save(answers(1), "v1", "k")
    batch = store.unsent()
    with connect("kiosk") as conn:
        send_requests(conn, batch)
        send_requests(conn, batch)
    assert len(stored_uuids(inbox_db)) == 1


def test_the_server_stopped_the_kiosk_keeps_saving_and_all_arrive_once(inbox_db, tmp_path):
    data = tmp_path / "data"
    store = open_store(data)
    ticks = FakeClock()
    forwarder = make_forwarder(data, clock=ticks)
    store.save(answers(0), "v1", "k")
    forwarder.step()
    inbox_db.server.stop()

    # Visitors still get their thank-you: the local save returns an id.
    later = [store.save(answers(n), "v1", "k") for n in range(1, 4)]
    assert all(isinstance(i, int) for i in later)
    delays = []
    for _ in range(4):
        delays.append(forwarder.step())
        ticks.advance(delays[-1])
    assert delays == [FIRST_BACKOFF_S, 2 * FIRST_BACKOFF_S, 4 * FIRST_BACKOFF_S, 8.0]
    status = forwarder.status()
    assert status.waiting == 3
    assert status.error == (
        "the inbox (service 'kiosk') cannot be reached: the server may be stopped or the "
        "network down"
    )
    assert all(store.get(i).answers for i in later)  # nothing erased while it waits

    inbox_db.server.start()
    ticks.advance(60)
    forwarder.step()
    assert sorted(stored_uuids(inbox_db)) == sorted(local_uuids(data))
    assert len(stored_uuids(inbox_db)) == 4
    assert forwarder.status() == type(status)(0, "", 4)
    forwarder.close()


def test_requests_saved_during_a_backoff_are_counted_as_waiting_at_once(inbox_db, tmp_path):
    """The staff screen's "N waiting to be sent" stays right during an outage: each save
    nudges the forwarder, which, backing off, counts what waits (it kept the count of its
    last failure: 0 here, where only the heartbeat had failed)."""
    data = tmp_path / "data"
    store = open_store(data)
    forwarder = make_forwarder(data)
    inbox_db.server.stop()
    try:
        assert forwarder.step() == FIRST_BACKOFF_S  # the first heartbeat fails
        assert forwarder.status().waiting == 0
        assert forwarder.status().error.startswith("the inbox (service 'kiosk') cannot be")
        for n in (1, 2):
            store.save(answers(n), "v1", "k")
            assert forwarder.step() == FIRST_BACKOFF_S  # still backing off: no try
            assert forwarder.status().waiting == n
        assert forwarder.status().error.startswith("the inbox (service 'kiosk') cannot be")
    finally:
        inbox_db.server.start()
    forwarder.close()


def test_the_server_restarts_during_a_forward_nothing_lost_or_doubled(inbox_db, tmp_path):
    data = tmp_path / "data"
    store = open_store(data)
    for n in range(25):
        store.save(answers(n), "v1", "k")
    calls = []

    def send_then_restart(conn, batch):
        calls.append(len(batch))
        if len(calls) == 2:
            # Half-way: the rows are inserted but not committed when the server goes down.
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO inbox.requests (uuid, created_at, answers, content_version,"
                " kiosk_id) SELECT * FROM unnest(%s::uuid[], %s::timestamptz[], %s::jsonb[],"
                " %s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                (
                    [r.uuid for r in batch],
                    [r.created_at for r in batch],
                    [r.answers for r in batch],
                    [r.content_version for r in batch],
                    [r.kiosk_id for r in batch],
                ),
            )
            inbox_db.server.restart()
            conn.execute("COMMIT")
        send_requests(conn, batch)

    ticks = FakeClock()
    forwarder = make_forwarder(data, clock=ticks, send=send_then_restart, batch=10)
    assert forwarder.step() == FIRST_BACKOFF_S
    assert len(stored_uuids(inbox_db)) == 10  # the first batch only
    assert store.unsent_count() == 15
    ticks.advance(1)
    forwarder.step()
    assert sorted(stored_uuids(inbox_db)) == sorted(local_uuids(data))
    assert len(set(stored_uuids(inbox_db))) == 25
    forwarder.close()


def test_stored_there_but_not_erased_here_is_sent_again_and_stored_once(
    inbox_db, tmp_path, monkeypatch
):
    data = tmp_path / "data"
    store = open_store(data)
    for n in range(3):
        store.save(answers(n), "v1", "k")
    ticks = FakeClock()
    forwarder = make_forwarder(data, clock=ticks)
    forwarder.step()  # opens its own store...
    for n in range(3, 6):
        store.save(answers(n), "v1", "k")

    def disk_fails(self, ids):
        raise SaveError("disk_full", "the disk is full: could not write to the data folder")

    monkeypatch.setattr(RequestStore, "confirm_forwarded", disk_fails)
    assert forwarder.step() == FIRST_BACKOFF_S
    assert len(stored_uuids(inbox_db)) == 6  # stored centrally...
    assert store.unsent_count() == 3  # ...but still here with its answers
    assert forwarder.status().error.startswith("the disk is full")
    monkeypatch.undo()
    ticks.advance(1)
    forwarder.step()
    assert len(stored_uuids(inbox_db)) == 6
    assert store.unsent_count() == 0
    forwarder.close()


FORWARD_SCRIPT = """
import sys
from pathlib import Path
from kiosk.storage.forwarder import Forwarder
from kiosk.storage.store import RequestStore
data = Path(sys.argv[1])
forwarder = Forwarder(lambda: RequestStore(data), "kiosk", "waiting-room-1", lambda: "v1",
                      batch=int(sys.argv[2]))
print("forwarding", flush=True)
while True:
    forwarder.step()
    if forwarder.status().waiting == 0:
        break
forwarder.close()
print("done", flush=True)
"""


def test_a_kiosk_killed_during_a_forward_loses_and_doubles_nothing(inbox_db, tmp_path):
    data = tmp_path / "data"
    store = open_store(data)
    for n in range(3000):
        store.save(answers(n), "v1", "k")
    store.close()
    env = {**os.environ, **inbox_db.env()}
    with subprocess.Popen(
        [sys.executable, "-c", FORWARD_SCRIPT, str(data), "10"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "forwarding\n"
            while not inbox_db.sql("SELECT 1 FROM inbox.requests LIMIT 1"):
                assert child.poll() is None, "the forwarder ended before it was killed"
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    arrived = len(stored_uuids(inbox_db))
    assert 0 < arrived < 3000  # killed part-way

    done = subprocess.run(
        [sys.executable, "-c", FORWARD_SCRIPT, str(data), "200"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.stdout.endswith("done\n"), done.stderr
    got = stored_uuids(inbox_db)
    assert len(got) == 3000
    assert sorted(got) == sorted(local_uuids(data))
    again = open_store(data)
    assert again.unsent_count() == 0
    again.close()


# -- connecting the libpq way: clear sentences, nothing erased --------------------------------


def test_a_wrong_password_says_so_and_the_requests_wait(inbox_db, tmp_path, caplog):
    inbox_db.write_pgpass("not-the-password", "not-the-password")
    data = tmp_path / "data"
    store = open_store(data)
    request_id = store.save(answers(1), "v1", "k")
    forwarder = make_forwarder(data)
    forwarder.step()
    message = (
        "the inbox (service 'kiosk') refused the password: check the line for it in ~/.pgpass "
        "(mode 0600) or the systemd credential inbox-pgpass"
    )
    assert forwarder.status().error == message
    assert f"inbox: {message}; requests wait here and are retried" in caplog.messages
    assert store.get(request_id).answers == answers(1)
    assert stored_uuids(inbox_db) == []
    assert "not-the-password" not in caplog.text


def test_no_password_at_all_says_where_to_put_it(inbox_db, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(inbox_db.folder / "none"))
    with pytest.raises(InboxError) as caught:
        connect("kiosk")
    assert "asks for a password and none was found" in str(caught.value)


def test_the_systemd_credential_is_the_password_file(inbox_db, tmp_path, monkeypatch):
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "inbox-pgpass").write_bytes(inbox_db.pgpass.read_bytes())
    os.chmod(credentials / "inbox-pgpass", 0o600)
    monkeypatch.delenv("PGPASSFILE")
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.pgpass
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    with connect("kiosk") as conn:
        assert conn.execute("SELECT current_user").fetchone() == (KIOSK_ROLE,)


def test_tls_with_the_clinics_ca_connects(inbox_db):
    with connect("desk-tls") as conn:
        row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert row.fetchone() == (True,)


def test_a_refused_certificate_says_so_and_the_requests_wait(inbox_db, tmp_path):
    text = inbox_db.service_file.read_text()
    other = inbox_db.server.tls_dir / "other-ca.crt"
    inbox_db.service_file.write_text(
        text.replace(str(inbox_db.server.tls_dir / "ca.crt"), str(other))
    )
    data = tmp_path / "data"
    store = open_store(data)
    request_id = store.save(answers(1), "v1", "k")
    forwarder = make_forwarder(data, service="kiosk-tls")
    forwarder.step()
    assert forwarder.status().error == (
        "the inbox (service 'kiosk-tls') presented a certificate that was refused: check "
        "sslmode and sslrootcert (the clinic's CA) in pg_service.conf"
    )
    assert store.get(request_id).answers == answers(1)
    assert stored_uuids(inbox_db) == []


def test_an_unknown_service_and_an_unknown_host_are_one_sentence(inbox_db):
    with pytest.raises(InboxError) as caught:
        connect("no-such-service")
    assert str(caught.value).startswith("there is no service 'no-such-service' in pg_service.conf")
    with inbox_db.service_file.open("a") as f:
        f.write("[nowhere]\nhost=no-such-host.invalid\ndbname=x\nuser=x\n")
    with pytest.raises(InboxError) as caught:
        connect("nowhere")
    assert str(caught.value) == (
        "the inbox server's host name in service 'nowhere' is unknown (check DNS)"
    )


def test_a_password_on_the_command_line_is_not_a_service_name():
    with pytest.raises(InboxError) as caught:
        InboxStore("host=x password=secret")
    assert "secret" not in str(caught.value)
    assert "a connection string is not accepted here" in str(caught.value)


# -- heartbeats --------------------------------------------------------------------------------


def test_heartbeats_show_each_kiosk_and_flag_silence_and_a_growing_backlog(inbox_db):
    with connect("kiosk") as conn:
        send_heartbeat(conn, "waiting-room-1", "v1", 0, "")
        send_heartbeat(conn, "waiting-room-2", "v2", 1, "")
        send_heartbeat(conn, "waiting-room-2", "v2", 4, "the disk is full")
    inbox_db.sql(
        "UPDATE inbox.heartbeats SET at = now() - interval '6 minutes'"
        " WHERE kiosk_id = 'waiting-room-1'"
    )
    desk = InboxStore("desk")
    now, kiosks = desk.kiosks()
    one, two = kiosks
    assert (one.kiosk_id, one.silent(now), one.backlog_growing) == ("waiting-room-1", True, False)
    assert (two.kiosk_id, two.silent(now), two.backlog_growing) == ("waiting-room-2", False, True)
    assert (two.content_version, two.backlog, two.last_error) == ("v2", 4, "the disk is full")
    desk.close()


def test_silence_is_more_than_five_minutes():
    at = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    status = KioskStatus("k", at, "v1", 0, 0, "")
    assert not status.silent(at + timedelta(minutes=5))
    assert status.silent(at + timedelta(minutes=5, seconds=1))


def test_the_forwarder_reports_its_heartbeat_every_minute(inbox_db, tmp_path):
    ticks = FakeClock()
    forwarder = make_forwarder(tmp_path / "data", clock=ticks)
    assert forwarder.step() == 60
    assert inbox_db.sql("SELECT kiosk_id, backlog FROM inbox.heartbeats") == [("waiting-room-1", 0)]
    ticks.advance(30)
    assert forwarder.step() == 30  # not due yet
    forwarder.close()


# -- the front desk's operations ---------------------------------------------------------------


def forwarded(inbox_db, tmp_path, count: int) -> InboxStore:
    store = open_store(tmp_path / "data")
    for n in range(count):
        store.save(answers(n), "v1", "waiting-room-1")
    forward_all(tmp_path / "data")
    return InboxStore("desk")


def test_staff_list_mark_delete_and_every_action_is_audited(inbox_db, tmp_path):
    desk = forwarded(inbox_db, tmp_path, 3)
    listed = desk.newest_first()
    assert [r.answers["name"] for r in listed] == [f"{CANARY} {n}" for n in (2, 1, 0)]
    assert desk.count() == 3
    assert desk.mark([listed[0].id], "contacted", actor="test") == 1
    assert desk.count("contacted") == 1
    assert desk.get(listed[0].id).contacted_at is not None
    with pytest.raises(UnknownRequest):
        desk.delete([listed[1].id, 999999], actor="test")
    assert desk.count() == 3  # nothing deleted
    assert desk.delete([listed[1].id], actor="test") == 1
    log = desk.audit_log()
    assert [(e.event, e.count, e.detail) for e in log] == [
        ("delete", 1, ""),
        ("mark", 1, "contacted"),
    ]
    assert log[0].actor == f"test ({STAFF_ROLE})"
    assert CANARY not in str(inbox_db.sql("SELECT * FROM inbox.audit"))
    assert [r.id for r in desk.iter_requests()] == sorted(r.id for r in desk.newest_first())
    assert desk.stats()["total"] == 2
    desk.close()


def test_retention_on_the_server_deletes_old_contacted_requests(inbox_db, tmp_path):
    desk = forwarded(inbox_db, tmp_path, 3)
    first, second, third = desk.newest_first()
    desk.mark([first.id, second.id], "contacted")
    inbox_db.sql(f"UPDATE inbox.requests SET contacted_at = now() - interval '91 days'"
                 f" WHERE id = {first.id}")  # fmt: skip
    assert desk.apply_retention(90) == 1
    assert sorted(r.id for r in desk.newest_first()) == sorted([second.id, third.id])
    assert [(e.event, e.count, e.actor) for e in desk.audit_log(1)] == [
        ("retention", 1, f"inbox ({STAFF_ROLE})")
    ]
    assert desk.apply_retention(90) == 0
    desk.close()


def test_an_audit_row_that_cannot_be_written_refuses_the_action(inbox_db, tmp_path):
    desk = forwarded(inbox_db, tmp_path, 1)
    (request,) = desk.newest_first()
    inbox_db.sql("REVOKE INSERT ON inbox.audit FROM clinic_staff")
    with pytest.raises(InboxError, match="does not allow this role"):
        desk.delete([request.id], actor="test")
    assert desk.count() == 1
    desk.close()


def test_the_listener_hears_new_requests_and_heartbeats(inbox_db, tmp_path):
    listener = InboxListener("desk")
    store = open_store(tmp_path / "data")
    store.save(answers(1), "v1", "k")
    store.save(answers(2), "v1", "k")
    forward_all(tmp_path / "data")
    import select

    ids: list[int] = []
    kiosks: list[str] = []
    while not kiosks:
        ready, _, _ = select.select([listener.fileno()], [], [], 10)
        assert ready, "no notification within 10 s"
        got_ids, got_kiosks = listener.drain()
        ids += got_ids
        kiosks += got_kiosks
    assert ids == sorted(r[0] for r in inbox_db.sql("SELECT id FROM inbox.requests"))
    assert kiosks == ["waiting-room-1"]
    inbox_db.server.restart()
    # The socket becomes readable (the server's goodbye, then its end): a drain says so.
    with pytest.raises(InboxError, match="cannot be reached"):  # noqa: PT012
        for _ in range(3):
            ready, _, _ = select.select([listener.fileno()], [], [], 10)
            assert ready
            assert listener.drain() == ([], [])
    listener.close()


def test_a_desk_store_reconnects_after_the_server_restarts(inbox_db, tmp_path):
    desk = forwarded(inbox_db, tmp_path, 1)
    assert desk.count() == 1
    inbox_db.server.restart()
    with pytest.raises(InboxError, match="cannot be reached"):
        desk.count()
    assert desk.count() == 1
    desk.close()


@pytest.mark.parametrize(
    ("libpq_says", "sentence"),
    [
        ("consuming input failed: SSL SYSCALL error: EOF detected", "cannot be reached"),
        ("SSL connection has been closed unexpectedly", "cannot be reached"),
        ("server closed the connection unexpectedly", "cannot be reached"),
        ("SSL error: certificate verify failed", "presented a certificate that was refused"),
        ('server certificate for "db" does not match host name "x"', "certificate that was"),
        ("server does not support SSL, but SSL was required", "does not offer TLS"),
    ],
)
def test_libpq_messages_become_the_right_sentence(libpq_says, sentence):
    described = inbox_module.describe(psycopg.OperationalError(libpq_says), "clinic")
    assert sentence in described
    assert libpq_says not in described
