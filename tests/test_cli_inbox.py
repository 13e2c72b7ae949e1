"""``kiosk inbox init`` and ``kiosk requests ... --inbox SERVICE`` against a real PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kiosk.storage.forwarder import Forwarder
from kiosk.storage.store import RequestStore
from tests.helpers.cli import Cli
from tests.helpers.clock import FakeClock

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content.yaml"


def send(data: Path, *names: str) -> None:
    store = RequestStore(data)
    for name in names:
        store.save({"name": name, "phone": "+12025550100", "consent": True}, "v1", "room-1")
    store.close()
    forwarder = Forwarder(
        lambda: RequestStore(data), "kiosk", "room-1", lambda: "v1", clock=FakeClock()
    )
    forwarder.step()
    forwarder.close()


def run(cli: Cli, *argv: str) -> tuple[int, str, str]:
    """``kiosk --content CONTENT ARGV`` in-process (tests/helpers/cli.py, which also undoes the
    commands' quietening of kiosk.storage's logger)."""
    ran = cli("--content", str(CONTENT), *argv)
    return ran.returncode, ran.stdout, ran.stderr


def test_init_as_the_owner_makes_roles_and_says_what_it_did(inbox_db, cli):
    code, out, err = run(
        cli, "inbox", "init", "--service", "admin", "--kiosk", "kiosk_two", "--staff", "desk_two"
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "inbox schema: already at version 2"  # the fixture made it
    assert "kiosk_two is a member of clinic_kiosk" in lines
    assert "desk_two is a member of clinic_staff" in lines
    assert lines[-1] == "The inbox of service admin is ready."
    assert inbox_db.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'kiosk_two'") == [(1,)]


def test_init_on_a_new_database_creates_the_schema(inbox_db, cli):
    inbox_db.server.create_database(f"{inbox_db.dbname}_new")
    with inbox_db.service_file.open("a") as f:
        f.write(f"[fresh]\nhost={inbox_db.server.socket_dir}\nport={inbox_db.server.port}\n")
        f.write(f"dbname={inbox_db.dbname}_new\nuser=admin\n")
    code, out, _ = run(cli, "inbox", "init", "--service", "fresh")
    assert code == 0
    assert "inbox schema: version 0 -> 2" in out.splitlines()


def test_init_by_a_role_that_may_not_says_so(inbox_db, cli):
    code, out, err = run(cli, "inbox", "init", "--service", "kiosk", "--kiosk", "x_y")
    assert (code, out) == (1, "")
    assert err.startswith("kiosk inbox init: the role of service 'kiosk' may not create")


def test_init_needs_a_service(cli, monkeypatch):
    monkeypatch.delenv("KIOSK_INBOX", raising=False)
    code, _, err = run(cli, "inbox", "init")
    assert code == 2
    assert "Give --service NAME" in err


def test_requests_commands_work_on_the_inbox(inbox_db, cli, tmp_path):
    send(tmp_path / "k", "Zoë Example", "Sam Example")
    code, out, _ = run(cli, "requests", "list", "--inbox", "desk", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["answers"]["name"] for r in rows] == ["Zoë Example", "Sam Example"]
    first = str(rows[0]["id"])

    code, out, _ = run(cli, "requests", "mark", first, "--contacted", "--inbox", "desk")
    assert (code, out) == (0, "Marked 1 request as contacted.\n")
    target = tmp_path / "inbox.csv"
    code, out, _ = run(cli, "requests", "export", str(target), "--inbox", "desk")
    assert code == 0
    with target.open(encoding="utf-8-sig", newline="") as f:
        assert [r["Status"] for r in csv.DictReader(f)] == ["contacted", "new"]
    code, out, _ = run(cli, "requests", "delete", first, "--yes", "--inbox", "desk")
    assert (code, out) == (0, "Deleted 1 request.\n")
    code, out, _ = run(cli, "requests", "stats", "--inbox", "desk")
    assert "Requests: 1 (1 new, 0 contacted)" in out
    assert "Database: service desk" in out
    code, out, _ = run(cli, "requests", "audit", "--inbox", "desk")
    events = [line.split()[2] for line in out.splitlines()[1:-1]]
    assert events == ["delete", "export", "mark"]
    code, out, _ = run(cli, "requests", "purge", "--older-than", "0", "--yes", "--inbox", "desk")
    assert code == 0


def test_the_kiosk_role_cannot_list_requests_from_the_command_line(inbox_db, cli, tmp_path):
    send(tmp_path / "k", "Zoë Example")
    code, out, err = run(cli, "requests", "list", "--inbox", "kiosk")
    assert (code, out) == (1, "")
    assert err == (
        "kiosk requests list: the inbox (service 'kiosk') does not allow this role to do that "
        "(least privilege)\n"
    )


def test_a_connection_string_is_refused_and_never_repeated(cli):
    code, _, err = run(cli, "requests", "list", "--inbox", "host=db password=secret")
    assert code == 1
    assert err == (
        "kiosk requests list: a connection string is not accepted here: give a service name "
        "from pg_service.conf (its password goes in ~/.pgpass)\n"
    )
    code, _, err = run(cli, "requests", "list", "--inbox", "a b")
    assert err == "kiosk requests list: 'a b' is not a service name from pg_service.conf\n"


def test_the_kiosk_refuses_an_inbox_that_is_not_a_service_name(cli):
    code, _, err = run(cli, "--inbox", "host=db", "check")
    assert code == 0  # check does not use it
    code, _, err = run(cli, "--windowed", "--inbox", "host=db")
    assert code == 2
    assert err.startswith("kiosk: --inbox: a connection string is not accepted here")


@pytest.mark.parametrize("value", ["nan", "-1", "soon", "0"])
def test_lock_after_must_be_a_sensible_number_of_seconds(cli: Cli, value):
    ran = cli("inbox", "--service", "desk", "--lock-after", value)
    assert ran.returncode == 2
    assert "is not a number of seconds from 5 to 86400" in ran.stderr
