"""A kiosk with a front-desk inbox: visitors fill in the real form; a real forwarding thread
sends their requests to a real PostgreSQL server, which is stopped part of the time."""

from __future__ import annotations

import pytest

from kiosk.app import Kiosk
from kiosk.storage.forwarder import Forwarder, ForwarderThread
from kiosk.storage.store import RequestStore
from tests.helpers.fakes import FakeClock
from tests.ui.test_request_form import fill, submit


@pytest.fixture
def data(tmp_path):
    return tmp_path / "kiosk-data"


@pytest.fixture
def kiosk(qtbot, shipped_content, timers, data):
    store = RequestStore(data)
    made = Kiosk(shipped_content, store, "waiting-room-1", timers, FakeClock(), load_keyboard=False)
    qtbot.addWidget(made.window)
    made.window.resize(1280, 800)
    made.window.show()
    yield made
    store.close()


@pytest.fixture
def forwarder(kiosk, data):
    thread = ForwarderThread(
        Forwarder(lambda: RequestStore(data), "kiosk", kiosk.kiosk_id, lambda: "v1")
    )
    kiosk.attach_forwarder(thread)
    thread.start()
    yield thread
    thread.stop()


def visitor_sends(qtbot, kiosk, name: str) -> None:
    kiosk.open_form()
    form = kiosk.form
    assert form is not None
    fill(qtbot, form, name=name)
    submit(qtbot, form)
    assert kiosk.window.current_screen() is kiosk.thanks  # saved locally: thank you


def names_in_inbox(inbox_db) -> list[str]:
    rows = inbox_db.sql("SELECT answers->>'name' FROM inbox.requests ORDER BY id")
    return [str(r[0]) for r in rows]


def test_visitors_get_their_thanks_while_the_server_is_away_and_all_arrive_once(
    qtbot, kiosk, forwarder, inbox_db, timers
):
    status_timer = timers.named("inbox-status")  # before forms come and go with their timers
    visitor_sends(qtbot, kiosk, "Zoë Example")

    def first_arrived() -> None:
        assert names_in_inbox(inbox_db) == ["Zoë Example"]

    qtbot.waitUntil(first_arrived, timeout=10_000)

    def erased_here() -> None:  # once stored centrally (the erase follows the server's COMMIT)
        assert [r.answers for r in kiosk.store.newest_first()] == [{}]

    qtbot.waitUntil(erased_here, timeout=10_000)

    inbox_db.server.stop()
    for name in ("Sam Example", "Ana Example"):
        kiosk.thanks.finished.emit()
        visitor_sends(qtbot, kiosk, name)

    def failing() -> None:
        assert forwarder.status().error != ""

    qtbot.waitUntil(failing, timeout=10_000)
    status_timer.fire()
    notice = kiosk.staff.notice.text()
    assert notice.startswith("Front-desk inbox: the inbox (service 'kiosk') cannot be reached")
    assert [r.answers.get("name") for r in kiosk.store.newest_first()] == [
        "Ana Example",
        "Sam Example",
        None,
    ]

    inbox_db.server.start()
    forwarder.nudge()  # a backoff of at most a few seconds is left: wait it out

    def all_arrived_once() -> None:
        assert names_in_inbox(inbox_db) == ["Zoë Example", "Sam Example", "Ana Example"]

    qtbot.waitUntil(all_arrived_once, timeout=30_000)

    def none_waiting() -> None:
        assert forwarder.status().waiting == 0

    qtbot.waitUntil(none_waiting, timeout=10_000)
    status_timer.fire()
    assert kiosk.staff.notice.text() == (
        "Front-desk inbox: connected; 0 waiting to be sent. Requests it has are listed here "
        "without their answers."
    )
