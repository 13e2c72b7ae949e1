"""``kiosk inbox``: the front-desk window, on a real PostgreSQL server, driven as staff would."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.core.pin import PinVault
from kiosk.storage.forwarder import Forwarder
from kiosk.storage.inbox import InboxListener, InboxStore, connect, send_heartbeat
from kiosk.storage.store import RequestStore
from kiosk.ui.inbox import FLAG_COLOR, InboxWindow
from tests.helpers.clock import WALL_START, FakeClock
from tests.helpers.postgres import STAFF_ROLE

PIN = "2468"


class Spy:
    """Records what the window hands to its injected helpers."""

    def __init__(self, answer=None) -> None:
        self.calls: list[tuple] = []
        self.answer = answer

    def __call__(self, *args):
        self.calls.append(args)
        return self.answer


def kiosk_sends(data: Path, count: int, kiosk: str = "waiting-room-1", start: int = 0) -> None:
    store = RequestStore(data)
    for n in range(start, start + count):
        store.save(
            {"name": f"Zoë Example {n}", "phone": f"+1202555{n:04d}", "consent": True}, "v1", kiosk
        )
    store.close()
    forwarder = Forwarder(
        lambda: RequestStore(data), "kiosk", kiosk, lambda: "v1", clock=FakeClock()
    )
    forwarder.step()
    assert forwarder.status().error == ""
    forwarder.close()


@pytest.fixture
def vault(tmp_path):
    made = PinVault(tmp_path / "desk", clock=FakeClock(WALL_START))
    made.set_pin(PIN)
    return made


@pytest.fixture
def helpers():
    return {"notify": Spy(), "confirm": Spy(answer=True), "choose_path": Spy()}


@pytest.fixture
def window(qtbot, inbox_db, shipped_content, timers, vault, helpers):
    store = InboxStore("desk")
    made = InboxWindow(
        shipped_content,
        store,
        lambda: InboxListener("desk"),
        vault,
        timer_factory=timers,
        **helpers,
    )
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    made.start()
    yield made
    made.close()


def unlock(qtbot, window, pin: str = PIN) -> None:
    qtbot.keyClicks(window.pin_field, pin)
    qtbot.mouseClick(window.unlock_button, Qt.MouseButton.LeftButton)


def audit_log(limit: int = 50):
    desk = InboxStore("desk")
    try:
        return desk.audit_log(limit)
    finally:
        desk.close()


def names(window) -> list[str]:
    return [window.model.request(r).answers["name"] for r in range(window.model.rowCount())]


def test_it_starts_locked_and_the_pin_opens_it(qtbot, window, inbox_db, tmp_path):
    kiosk_sends(tmp_path / "k1", 2)
    assert window.is_locked
    assert window.stack.currentWidget() is window.lock_page
    assert window.model.rowCount() == 0
    unlock(qtbot, window, "1111")
    assert window.is_locked
    assert window.pin_message.text() == "Wrong PIN. 4 tries left."
    unlock(qtbot, window)
    assert not window.is_locked
    assert names(window) == ["Zoë Example 1", "Zoë Example 0"]  # newest first
    model = window.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Received",
        "Kiosk",
        "Status",
    ]
    assert model.data(model.index(0, 1)) == "waiting-room-1"
    assert model.data(model.index(0, 2)) == "New"
    assert window.filter_buttons["New"].text() == "New (2)"
    events = [(e.event, e.actor) for e in audit_log()]
    assert events == [("login", f"inbox ({STAFF_ROLE})"), ("failed_pin", f"inbox ({STAFF_ROLE})")]


def test_without_a_pin_it_says_how_to_set_one(qtbot, inbox_db, shipped_content, timers, tmp_path):
    window = InboxWindow(
        shipped_content,
        InboxStore("desk"),
        lambda: InboxListener("desk"),
        PinVault(tmp_path / "no-pin"),
        timer_factory=timers,
    )
    qtbot.addWidget(window)
    assert "No staff PIN is set on this computer" in window.lock_text.text()
    assert not window.unlock_button.isEnabled()
    window.close()


def test_a_new_request_appears_by_itself_with_a_notification(
    qtbot, window, inbox_db, tmp_path, helpers
):
    unlock(qtbot, window)
    assert window.model.rowCount() == 0
    with qtbot.waitSignal(window.requests_arrived, timeout=10_000) as arrived:
        kiosk_sends(tmp_path / "k2", 1, kiosk="waiting-room-2")
    assert len(arrived.args[0]) == 1
    assert names(window) == ["Zoë Example 0"]
    (title, body), *_ = helpers["notify"].calls
    assert title == "New request"
    assert body == "1 new request from waiting-room-2 in the front-desk inbox."
    assert "Zoë" not in title + body  # a notification never shows a visitor's answers
    assert window.filter_buttons["New"].text() == "New (1)"


def test_mark_contacted_then_new_is_saved_and_audited(qtbot, window, inbox_db, tmp_path):
    kiosk_sends(tmp_path / "k1", 2)
    unlock(qtbot, window)
    window.set_filter("All")
    window.table.selectRow(0)
    assert ("Your name", "Zoë Example 1") in window.detail_answers
    assert ("Phone number", "+12025550001") in window.detail_answers
    qtbot.mouseClick(window.mark_contacted_button, Qt.MouseButton.LeftButton)
    assert window.message.text() == "Marked 1 request contacted."
    assert window.model.data(window.model.index(0, 2)) == "Contacted"
    assert inbox_db.sql("SELECT count(*) FROM inbox.requests WHERE status = 'contacted'") == [(1,)]
    window.set_filter("New")
    assert names(window) == ["Zoë Example 0"]
    audit = audit_log(1)[0]
    assert (audit.event, audit.count, audit.detail) == ("mark", 1, "contacted")


def test_delete_asks_first(qtbot, window, inbox_db, tmp_path, helpers):
    kiosk_sends(tmp_path / "k1", 2)
    unlock(qtbot, window)
    window.table.selectRow(0)
    helpers["confirm"].answer = False
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    assert window.message.text() == "Nothing was deleted."
    assert window.model.rowCount() == 2
    helpers["confirm"].answer = True
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    assert "Delete 1 request from the inbox for good?" in helpers["confirm"].calls[-1][1]
    assert window.message.text() == "Deleted 1 request."
    assert names(window) == ["Zoë Example 0"]
    assert inbox_db.sql("SELECT count(*) FROM inbox.requests") == [(1,)]


def test_export_writes_the_csv_and_audits_it(
    qtbot, window, inbox_db, tmp_path, helpers, export_threads
):
    kiosk_sends(tmp_path / "k1", 3)
    unlock(qtbot, window)
    target = tmp_path / "out" / "inbox.csv"
    target.parent.mkdir()
    helpers["choose_path"].answer = target
    with qtbot.waitSignal(window.export_finished, timeout=60_000) as finished:
        qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    assert export_threads == ["csv-export"]  # not the GUI thread: the window answers meanwhile
    assert finished.args == [f"Exported 3 requests to {target}."]
    assert window.message.text() == f"Exported 3 requests to {target}."
    assert window.export_button.isEnabled()
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Kiosk"] for r in rows] == ["waiting-room-1"] * 3
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    audit = audit_log(1)[0]
    assert (audit.event, audit.count, audit.detail) == ("export", 3, str(target))


def test_an_export_that_cannot_write_says_why_and_can_be_tried_again(
    qtbot, window, inbox_db, tmp_path, helpers
):
    kiosk_sends(tmp_path / "k1", 1)
    unlock(qtbot, window)
    target = tmp_path / "missing" / "inbox.csv"
    helpers["choose_path"].answer = target
    with qtbot.waitSignal(window.export_finished, timeout=60_000) as finished:
        qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    (text,) = finished.args
    assert text == f"Nothing was exported: No such file or directory ({target})"
    assert window.message.text() == text
    assert window.export_button.isEnabled()
    assert [e.event for e in audit_log(5)].count("export") == 0


def test_the_audit_view_lists_what_staff_did(qtbot, window, inbox_db, tmp_path):
    kiosk_sends(tmp_path / "k1", 1)
    unlock(qtbot, window)
    window.table.selectRow(0)
    qtbot.mouseClick(window.mark_contacted_button, Qt.MouseButton.LeftButton)
    dialog = window.show_audit()
    assert dialog is not None
    table = dialog.findChild(type(window.kiosks_table), "audit-table")
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["mark", "login"]


def test_it_locks_after_idle_and_forgets_what_it_showed(qtbot, window, inbox_db, tmp_path, timers):
    kiosk_sends(tmp_path / "k1", 1)
    unlock(qtbot, window)
    window.table.selectRow(0)
    with qtbot.waitSignal(window.locked_changed) as locked:
        timers.named("idle").fire()
    assert locked.args == [True]
    assert window.is_locked
    assert window.model.rowCount() == 0
    assert window.detail_answers == []
    assert window.detail_form.count() == 1  # only the stretch is left


def test_a_silent_kiosk_and_a_growing_backlog_are_flagged(qtbot, window, inbox_db, timers):
    with connect("kiosk") as conn:
        send_heartbeat(conn, "waiting-room-1", "v1", 0, "")
        send_heartbeat(conn, "waiting-room-2", "v1", 0, "")
        send_heartbeat(conn, "waiting-room-3", "v1", 2, "")
        send_heartbeat(conn, "waiting-room-3", "v1", 5, "the disk is full")
    inbox_db.sql(
        "UPDATE inbox.heartbeats SET at = now() - interval '7 minutes'"
        " WHERE kiosk_id = 'waiting-room-2'"
    )
    timers.named("kiosks").fire()
    table = window.kiosks_table
    rows = [(table.item(r, 1).text(), table.item(r, 0).text()) for r in range(table.rowCount())]
    assert rows == [  # those that need a look first
        ("waiting-room-2", "SILENT for 7 min"),
        ("waiting-room-3", "BACKLOG GROWING"),
        ("waiting-room-1", "OK"),
    ]
    assert window.kiosks_summary.text() == "2 of 3 kiosks need a look: see the State column."
    assert table.item(1, 5).text() == "the disk is full"
    assert table.item(0, 0).foreground().color() == FLAG_COLOR
    assert table.item(2, 0).foreground().color() != FLAG_COLOR


def test_a_lost_connection_is_said_and_retried(qtbot, window, inbox_db, tmp_path, timers):
    unlock(qtbot, window)
    inbox_db.server.restart()

    def not_connected() -> None:
        assert window.connection_label.text().startswith("Not connected")

    qtbot.waitUntil(not_connected, timeout=10_000)
    assert "cannot be reached" in window.connection_label.text()
    kiosk_sends(tmp_path / "k1", 1)  # arrives while the desk is not listening
    timers.named("reconnect").fire()
    assert window.connection_label.text().startswith("Connected to the inbox")
    assert names(window) == ["Zoë Example 0"]


def test_the_model_keeps_newest_first_whatever_order_requests_arrive_in(shipped_content):
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from kiosk.storage.store import StoredRequest
    from kiosk.ui.inbox import InboxRequestsModel

    base = datetime(2026, 11, 27, 9, tzinfo=UTC)

    def request(i: int, minutes: int, status: str = "new") -> StoredRequest:
        return StoredRequest(
            i, base + timedelta(minutes=minutes), status, {"name": f"N{i}"}, "v", "k"
        )

    model = InboxRequestsModel(shipped_content.form.fields, ZoneInfo("UTC"))
    model.status = None
    assert model.merge([request(1, 0), request(3, 5)]) == [request(1, 0), request(3, 5)]
    assert model.merge([request(2, 2)]) == [request(2, 2)]  # saved earlier, committed later
    assert [model.request(r).id for r in range(model.rowCount())] == [3, 2, 1]
    assert model.merge([request(2, 2, "contacted")]) == []  # an update, not a new one
    assert model.data(model.index(1, 2)) == "Contacted"
    model.status = "new"
    model.merge([request(2, 2, "contacted")])  # no longer matches the filter: it leaves
    assert [model.request(r).id for r in range(model.rowCount())] == [3, 1]
    model.remove([3])
    assert model.row_of(1) == 0
    assert model.row_of(3) is None


def test_the_desktop_notification_goes_through_notify_send(qtbot, tmp_path, monkeypatch):
    from kiosk.ui.inbox import desktop_notify

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    said = tmp_path / "said"
    fake = bin_dir / "notify-send"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{said}.tmp" && mv "{said}.tmp" "{said}"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    desktop_notify("New request", "1 new request from waiting-room-2 in the front-desk inbox.")

    def notified() -> None:
        assert said.exists(), f"notify-send has not written {said}"

    qtbot.waitUntil(notified, timeout=10_000)
    assert said.read_text().splitlines() == [
        "--app-name=Clinic kiosk inbox",
        "New request",
        "1 new request from waiting-room-2 in the front-desk inbox.",
    ]
