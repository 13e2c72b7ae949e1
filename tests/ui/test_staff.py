"""The staff side: the hidden long press, the PIN pad, and the requests screen."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from kiosk.app import Kiosk
from kiosk.core.pin import PinVault
from kiosk.storage.store import RequestStore
from kiosk.ui.pin_pad import NOT_SET
from kiosk.ui.request_models import PAGE_SIZE
from kiosk.ui.staff import ExportPlace
from tests.helpers.clock import WALL_START
from tests.helpers.fakes import FakeClock

PIN = "2468"


@pytest.fixture
def wall():
    """A wall clock for the PIN lockout that moves only when told."""
    return FakeClock(WALL_START)


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(data):
    clock_times = iter(
        datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(minutes=i) for i in range(10**6)
    )
    store = RequestStore(data, clock=lambda: next(clock_times))
    yield store
    store.close()


@pytest.fixture
def vault(data, wall):
    return PinVault(data, clock=wall, scrypt_n=2**10)  # a cheap hash: these tests sign in often


@pytest.fixture
def exports(tmp_path):
    return tmp_path / "exports"


@pytest.fixture
def kiosk(qtbot, shipped_content, timers, store, vault, exports):
    kiosk = Kiosk(
        shipped_content,
        store,
        "test-kiosk",
        timers,
        FakeClock(),
        load_keyboard=False,
        export_places=lambda: [ExportPlace(exports, "This PC's export folder")],
        vault=vault,
    )
    exports.mkdir()
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1280, 800)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    return kiosk


def save(store, name="Zoë Example", phone="+12025550100"):
    answers = {"name": name, "phone": phone, "email": "", "consent": True}
    return store.save(answers, "2026-11-27", "test-kiosk")


def logo_point(kiosk) -> QPoint:
    return kiosk.slideshow.page_layout.logo_rect().center()


def long_press_logo(qtbot, kiosk, timers) -> None:
    qtbot.mousePress(kiosk.slideshow, Qt.MouseButton.LeftButton, pos=logo_point(kiosk))
    timers.named("long-press").fire()
    qtbot.mouseRelease(kiosk.slideshow, Qt.MouseButton.LeftButton, pos=logo_point(kiosk))


def enter_pin(qtbot, kiosk, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(kiosk.pin_pad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.pin_pad.keys["OK"], Qt.MouseButton.LeftButton)


def sign_in(qtbot, kiosk, timers, vault) -> None:
    vault.set_pin(PIN)
    long_press_logo(qtbot, kiosk, timers)
    enter_pin(qtbot, kiosk, PIN)
    assert kiosk.window.current_screen() is kiosk.staff


def test_a_long_press_on_the_logo_opens_the_pin_pad(qtbot, kiosk, timers):
    long_press = timers.named("long-press")
    with qtbot.waitSignal(kiosk.slideshow.staff_requested):
        qtbot.mousePress(kiosk.slideshow, Qt.MouseButton.LeftButton, pos=logo_point(kiosk))
        assert long_press.interval == 3000
        long_press.fire()
    qtbot.mouseRelease(kiosk.slideshow, Qt.MouseButton.LeftButton, pos=logo_point(kiosk))
    assert kiosk.window.current_screen() is kiosk.pin_pad


def test_an_ordinary_tap_on_the_logo_never_reveals_it(qtbot, kiosk, timers):
    long_press = timers.named("long-press")
    with qtbot.assertNotEmitted(kiosk.slideshow.staff_requested):
        qtbot.mouseClick(kiosk.slideshow, Qt.MouseButton.LeftButton, pos=logo_point(kiosk))
    assert not long_press.isActive()
    # Sliding off the logo cancels a long press too.
    qtbot.mousePress(kiosk.slideshow, Qt.MouseButton.LeftButton, pos=logo_point(kiosk))
    qtbot.mouseMove(kiosk.slideshow, QPoint(640, 400))
    assert not long_press.isActive()
    assert kiosk.window.current_screen() is kiosk.slideshow


def test_without_a_pin_the_pad_says_how_to_set_one(qtbot, kiosk, timers):
    long_press_logo(qtbot, kiosk, timers)
    assert kiosk.pin_pad.message.text() == NOT_SET
    assert not kiosk.pin_pad.keys["1"].isEnabled()


def test_the_right_pin_opens_the_staff_screen_and_is_audited(qtbot, kiosk, timers, vault, store):
    sign_in(qtbot, kiosk, timers, vault)
    assert [e.event for e in store.audit_log(5)] == ["login"]


def test_wrong_pins_say_so_then_lock_the_pad(qtbot, kiosk, timers, vault, store, wall):
    vault.set_pin(PIN)
    long_press_logo(qtbot, kiosk, timers)
    enter_pin(qtbot, kiosk, "1111")
    assert kiosk.pin_pad.message.text() == "That PIN is not right. 4 tries left."
    assert kiosk.pin_pad.dots.filled == 0
    for _ in range(4):
        enter_pin(qtbot, kiosk, "1111")
    assert kiosk.pin_pad.message.text() == "Too many wrong PINs. Try again in 1:00."
    assert not kiosk.pin_pad.keys["OK"].isEnabled()
    wall.advance(30)
    timers.named("pin-lock-tick").fire()
    assert kiosk.pin_pad.message.text() == "Too many wrong PINs. Try again in 0:30."
    wall.advance(31)
    timers.named("pin-lock-tick").fire()
    assert kiosk.pin_pad.keys["OK"].isEnabled()
    enter_pin(qtbot, kiosk, PIN)
    assert kiosk.window.current_screen() is kiosk.staff
    events = [e.event for e in store.audit_log(20)]
    assert events.count("failed_pin") == 5
    assert "locked" in events
    assert events[0] == "login"


def test_a_full_disk_makes_sign_in_unavailable_not_unlimited(
    qtbot, kiosk, timers, vault, monkeypatch, caplog
):
    """Fail closed: while wrong PINs cannot be counted, not even the right PIN opens the staff
    screen, the pad says why and takes no more digits, and the log says so without digits."""
    import logging
    import os

    from kiosk.core import pin as pin_module

    vault.set_pin(PIN)
    long_press_logo(qtbot, kiosk, timers)
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith(PinVault.LOCK_FILE_NAME):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(pin_module.os, "replace", full)
    caplog.set_level(logging.INFO)
    with qtbot.assertNotEmitted(kiosk.pin_pad.unlocked):
        enter_pin(qtbot, kiosk, PIN)
    assert kiosk.window.current_screen() is kiosk.pin_pad
    message = kiosk.pin_pad.message.text()
    assert message.startswith("Staff sign-in is unavailable: ")
    assert "No space left on device" in message
    assert not any(key.isEnabled() for key in kiosk.pin_pad.keys.values())
    enter_pin(qtbot, kiosk, PIN)  # taps on disabled keys do nothing
    assert kiosk.window.current_screen() is kiosk.pin_pad
    assert "staff sign-in unavailable" in caplog.text
    assert PIN not in caplog.text


def test_a_sign_in_the_audit_log_cannot_record_is_refused(
    qtbot, kiosk, timers, vault, store, monkeypatch
):
    from kiosk.storage.store import SaveError

    def broken(*args, **kwargs):
        raise SaveError("disk_full", "the disk is full: could not write to the data folder")

    vault.set_pin(PIN)
    long_press_logo(qtbot, kiosk, timers)
    monkeypatch.setattr(store, "audit", broken)
    with qtbot.assertNotEmitted(kiosk.pin_pad.unlocked):
        enter_pin(qtbot, kiosk, PIN)
    assert kiosk.window.current_screen() is kiosk.pin_pad
    assert "audit log cannot be written" in kiosk.pin_pad.message.text()


def test_the_staff_list_shows_requests_newest_first_with_counts(qtbot, kiosk, timers, vault, store):
    first = save(store, "Ann Example")
    second = save(store, "Bo Example")
    save(store, "Cy Example")
    store.mark([second], "contacted")
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff
    assert staff.filters["New"].text() == "New (2)"
    assert staff.filters["Contacted"].text() == "Contacted (1)"
    assert staff.filters["All"].text() == "All (3)"
    model = staff.model
    assert [model.index(r, 2).data() for r in range(model.rowCount())] == [
        "Cy Example",
        "Ann Example",
    ]
    qtbot.mouseClick(staff.filters["All"], Qt.MouseButton.LeftButton)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["3", "2", str(first)]


def choose_place(qtbot, staff, index: int) -> None:
    """Tap one of the export's places, and wait for the export (run on its own thread)."""
    with qtbot.waitSignal(staff.export_finished, timeout=30_000):
        qtbot.mouseClick(staff.place_buttons[index], Qt.MouseButton.LeftButton)


def tap_row(qtbot, staff, row: int) -> None:
    rect = staff.table.visualRect(staff.model.index(row, 1))
    qtbot.mouseClick(staff.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_tap_a_row_to_see_every_answer_then_mark_and_delete(qtbot, kiosk, timers, vault, store):
    request_id = save(store)
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff
    tap_row(qtbot, staff, 0)
    assert "Status: new" in staff.answers.text()
    rows = dict(staff.answer_rows())
    # Questions and answers in two columns, the label never run into its answer.
    assert rows["Your name"] == "Zoë Example"
    assert rows["Phone number"] == "+12025550100"
    consent = next(q for q in rows if q.startswith("I agree that the clinic may contact me"))
    assert rows[consent] == "Yes"

    qtbot.mouseClick(staff.mark_button, Qt.MouseButton.LeftButton)
    assert store.get(request_id).status == "contacted"
    assert staff.filters["Contacted"].text() == "Contacted (1)"
    assert staff.message.text() == f"Request {request_id} marked contacted."

    qtbot.mouseClick(staff.filters["Contacted"], Qt.MouseButton.LeftButton)
    tap_row(qtbot, staff, 0)
    assert staff.mark_button.text() == "Mark as new"
    qtbot.mouseClick(staff.delete_button, Qt.MouseButton.LeftButton)
    assert staff.confirm.isVisible()
    qtbot.mouseClick(staff.confirm_no, Qt.MouseButton.LeftButton)
    assert store.get(request_id) is not None
    qtbot.mouseClick(staff.delete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(staff.confirm_yes, Qt.MouseButton.LeftButton)
    assert store.get(request_id) is None
    events = [e.event for e in store.audit_log(10)]
    assert events[:2] == ["delete", "mark"]
    assert "Latest activity" in staff.audit.text()


def test_export_writes_a_csv_that_reads_back(qtbot, kiosk, timers, vault, store, exports):
    save(store, '=HYPERLINK("http://example.com","x") Example')
    save(store, "Zoë Example")
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff
    qtbot.mouseClick(staff.export_button, Qt.MouseButton.LeftButton)
    assert not list(exports.iterdir())  # nothing is written before staff choose where
    [place] = staff.place_buttons
    assert place.text() == "This PC's export folder"
    with qtbot.waitSignal(staff.export_finished, timeout=30_000):
        qtbot.mouseClick(place, Qt.MouseButton.LeftButton)
    [written] = list(exports.glob("clinic-requests-*.csv"))
    assert str(written) in staff.message.text().replace("\u200b", "")
    with written.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    header, *body = rows
    assert "Your name" in header
    names = [row[header.index("Your name")] for row in body]
    assert sorted(names) == sorted(
        ['\'=HYPERLINK("http://example.com","x") Example', "Zoë Example"]
    )
    assert store.audit_log(1)[0].event == "export"
    assert store.audit_log(1)[0].count == 2


def test_the_list_pages_from_sqlite(qtbot, kiosk, timers, vault, store):
    for index in range(PAGE_SIZE * 2 + 50):
        save(store, f"Person{index} Example")
    sign_in(qtbot, kiosk, timers, vault)
    model = kiosk.staff.model
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 50
    assert not model.canFetchMore()


def test_the_staff_screen_locks_itself_and_forgets_what_it_showed(
    qtbot, kiosk, timers, vault, store
):
    save(store, "Canary Example")
    sign_in(qtbot, kiosk, timers, vault)
    tap_row(qtbot, kiosk.staff, 0)
    idle = next(t for t in timers.made if t.parent() is kiosk.staff.idle_watcher)
    assert idle.interval == 60_000
    idle.fire()
    assert kiosk.window.current_screen() is kiosk.slideshow
    for widget in kiosk.window.findChildren(QWidget):
        texts = [widget.accessibleDescription()]
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        assert not any("Canary" in t for t in texts), widget
    assert kiosk.staff.model.rowCount() == 0


def test_lock_and_exit_buttons(qtbot, kiosk, timers, vault, monkeypatch):
    from PySide6.QtWidgets import QApplication

    exits: list[int] = []
    # The real exit would leave the test's own event loop flagged to quit: every later wait
    # in this process would return at once.
    monkeypatch.setattr(QApplication, "exit", lambda app, code=0: exits.append(code))
    sign_in(qtbot, kiosk, timers, vault)
    qtbot.mouseClick(kiosk.staff.lock_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_screen() is kiosk.slideshow
    long_press_logo(qtbot, kiosk, timers)
    enter_pin(qtbot, kiosk, PIN)
    with qtbot.waitSignal(kiosk.staff.exit_requested):
        qtbot.mouseClick(kiosk.staff.exit_button, Qt.MouseButton.LeftButton)
    assert exits == [4]  # EXIT_STAFF_EXIT: the unit does not restart it


def test_staff_controls_have_accessible_names(qtbot, kiosk, timers, vault):
    sign_in(qtbot, kiosk, timers, vault)
    buttons = kiosk.pin_pad.findChildren(QAbstractButton) + kiosk.staff.findChildren(
        QAbstractButton
    )
    assert [b.objectName() for b in buttons if not b.accessibleName()] == []


def test_the_keyboard_never_makes_the_window_grow(qtbot, kiosk):
    """Every screen shares the room the keyboard leaves; the window keeps the screen's size."""
    from PySide6.QtWidgets import QFrame

    stand_in = QFrame()  # a keyboard 45% of the window high, as the real one is
    stand_in.setFixedHeight(round(kiosk.window.height() * 0.45))
    kiosk.window.dock_keyboard(stand_in)
    for screen in (kiosk.slideshow, kiosk.pin_pad, kiosk.staff, kiosk.thanks):
        kiosk.window.show_screen(screen)
        qtbot.wait(0)
        assert kiosk.window.size().height() == 800, screen.objectName()
        assert kiosk.window.size().width() == 1280


class FakeVolume:
    def __init__(
        self,
        root: str,
        read_only: bool = False,
        ready: bool = True,
        name: str = "CLINIC-USB",
        size: int = 16_000_000_000,
    ) -> None:
        self._root, self._read_only, self._ready = root, read_only, ready
        self._name, self._size = name, size

    def rootPath(self) -> str:
        return self._root

    def isValid(self) -> bool:
        return True

    def isReady(self) -> bool:
        return self._ready

    def isReadOnly(self) -> bool:
        return self._read_only

    def displayName(self) -> str:
        return self._name

    def bytesTotal(self) -> int:
        return self._size


def test_export_places_list_each_writable_drive_by_label_and_size_and_always_this_pc(
    monkeypatch, tmp_path
):
    from PySide6.QtCore import QStorageInfo

    from kiosk.ui import staff as staff_module

    fallback = tmp_path / "exports"
    places = staff_module.usb_drives_and_folder(fallback)
    volumes = [FakeVolume("/"), FakeVolume("/media/kiosk/OLD", read_only=True)]
    monkeypatch.setattr(QStorageInfo, "mountedVolumes", staticmethod(lambda: volumes))
    assert places() == [ExportPlace(fallback, f"This PC's export folder\n{fallback}")]
    assert not fallback.exists()  # made only when an export goes there
    volumes.append(FakeVolume("/media/kiosk/CLINIC-USB"))
    volumes.append(FakeVolume("/run/media/kiosk/STICK", name="STICK", size=2_000_000_000))
    assert places() == [
        ExportPlace(Path("/media/kiosk/CLINIC-USB"), "USB drive “CLINIC-USB” (16.0 GB)", True),
        ExportPlace(Path("/run/media/kiosk/STICK"), "USB drive “STICK” (2.0 GB)", True),
        ExportPlace(fallback, f"This PC's export folder\n{fallback}"),
    ]


def test_a_plugged_in_drive_never_receives_an_export_unless_staff_choose_it(
    qtbot, kiosk, timers, vault, store, tmp_path, exports
):
    """A USB stick a visitor left in the port: staff see its label and size and choose; with
    several drives, they choose which; this PC's folder is always offered."""
    save(store)
    left_behind, clinics = tmp_path / "VISITOR", tmp_path / "CLINIC"
    left_behind.mkdir()
    clinics.mkdir()
    kiosk._staff = None
    kiosk._export_places = lambda: [
        ExportPlace(left_behind, "USB drive “VISITOR” (8.0 GB)", True),
        ExportPlace(clinics, "USB drive “CLINIC” (16.0 GB)", True),
        ExportPlace(exports, "This PC's export folder"),
    ]
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff
    qtbot.mouseClick(staff.export_button, Qt.MouseButton.LeftButton)
    assert staff.export_choices.isVisible()
    assert "Only choose a USB drive you know is the clinic's" in staff.export_question.text()
    assert [b.text() for b in staff.place_buttons] == [
        "USB drive “VISITOR” (8.0 GB)",
        "USB drive “CLINIC” (16.0 GB)",
        "This PC's export folder",
    ]
    qtbot.mouseClick(staff.export_cancel, Qt.MouseButton.LeftButton)
    assert not staff.export_choices.isVisible()
    qtbot.mouseClick(staff.export_button, Qt.MouseButton.LeftButton)
    choose_place(qtbot, staff, 1)
    assert list(left_behind.iterdir()) == []
    [written] = list(clinics.glob("clinic-requests-*.csv"))
    assert "USB drive “CLINIC”" in staff.message.text()
    assert str(written) in staff.message.text().replace("\u200b", "")
    assert list(exports.iterdir()) == []


def test_an_export_folder_that_cannot_be_made_is_said_and_staff_stay(
    qtbot, kiosk, timers, vault, store, tmp_path
):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder", encoding="utf-8")
    kiosk._export_places = lambda: [ExportPlace(in_the_way / "exports", "This PC's folder")]
    save(store)
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff
    qtbot.mouseClick(staff.export_button, Qt.MouseButton.LeftButton)
    choose_place(qtbot, staff, 0)
    assert kiosk.window.current_screen() is staff
    text = staff.message.text()
    assert text.startswith(f"The export failed: the export folder {in_the_way / 'exports'} ")
    assert "Not a directory" in text
    assert text.endswith("Nothing was written.")


def test_an_export_never_goes_into_the_data_folder(qtbot, kiosk, timers, vault, store):
    kiosk._export_places = lambda: [ExportPlace(store.path.parent, "This PC's folder")]
    save(store)
    sign_in(qtbot, kiosk, timers, vault)
    before = store.path.read_bytes()
    qtbot.mouseClick(kiosk.staff.export_button, Qt.MouseButton.LeftButton)
    choose_place(qtbot, kiosk.staff, 0)
    assert "inside the kiosk's data folder" in kiosk.staff.message.text()
    assert list(store.path.parent.glob("*.csv")) == []
    assert store.path.read_bytes() == before


def test_a_damaged_request_is_listed_by_id_and_hides_none(qtbot, kiosk, timers, vault, store):
    import sqlite3

    save(store, "Ann Example")
    bad = save(store, "Bo Example")
    save(store, "Cy Example")
    conn = sqlite3.connect(store.path, isolation_level=None)
    conn.execute(
        "UPDATE requests SET answers = CAST(x'7b226e223a22ff227d' AS TEXT) WHERE id = ?", (bad,)
    )
    conn.close()
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff
    model = staff.model
    assert [model.index(r, 2).data() for r in range(3)] == ["Cy Example", "", "Ann Example"]
    assert model.index(1, 4).data() == "Damaged"
    tap_row(qtbot, staff, 1)
    assert "damaged in the database and cannot be read" in staff.answers.text()
    assert not staff.mark_button.isEnabled()
    qtbot.mouseClick(staff.export_button, Qt.MouseButton.LeftButton)
    choose_place(qtbot, staff, 0)
    assert "Exported 2 requests" in staff.message.text()
    assert f"Not exported (damaged in the database, cannot be read): request {bad}." in (
        staff.message.text()
    )


def test_no_visitor_answer_reaches_the_logs(qtbot, kiosk, timers, vault, store, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    canary = "CANARY-51c2"
    request_id = save(store, f"{canary} Example")
    sign_in(qtbot, kiosk, timers, vault)
    tap_row(qtbot, kiosk.staff, 0)
    qtbot.mouseClick(kiosk.staff.mark_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.staff.export_button, Qt.MouseButton.LeftButton)
    choose_place(qtbot, kiosk.staff, 0)
    kiosk.staff.model.set_status(None)
    store.delete([request_id])
    assert caplog.records, "nothing was logged at all"
    assert canary not in caplog.text


def test_staff_are_told_of_a_damaged_database_set_aside_and_when_it_goes(
    qtbot, kiosk, timers, vault, store, data
):
    save(store)
    (data / "requests.db.corrupt-20261120T150000Z").write_bytes(b"damaged")
    sign_in(qtbot, kiosk, timers, vault)
    notice = kiosk.staff.set_aside_notice
    assert notice.isVisible()
    text = notice.text().replace("\u200b", "")
    assert "requests.db.corrupt-20261120T150000Z" in text
    assert "set aside on 2026-11-20 10:00" in text  # New York time
    assert "It will be deleted on 2027-02-18 (kept 90 days" in text
    assert "ask IT" in text


def test_no_set_aside_notice_without_one(qtbot, kiosk, timers, vault):
    sign_in(qtbot, kiosk, timers, vault)
    assert not kiosk.staff.set_aside_notice.isVisible()


def test_the_pin_slots_fill_as_digits_are_typed(qtbot, kiosk, vault):
    vault.set_pin(PIN)
    pad = kiosk.pin_pad
    kiosk.window.show_screen(pad)
    assert pad.dots.filled == 0
    assert pad.dots.slots == 4
    empty = pad.dots.grab().toImage()
    for digit, count in zip("135792", range(1, 7), strict=True):
        qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
        assert pad.dots.filled == count
        assert pad.dots.slots == max(4, count)
    assert pad.dots.grab().toImage() != empty
    qtbot.mouseClick(pad.keys["Clear"], Qt.MouseButton.LeftButton)
    assert pad.dots.filled == 0
    # Cancel keeps clear of the corner.
    corner = pad.cancel_button.mapTo(kiosk.window, pad.cancel_button.rect().topRight())
    assert kiosk.window.width() - corner.x() >= 24
    assert corner.y() >= 24


@pytest.mark.parametrize("size", [(1024, 600), (1280, 800), (1920, 1080), (1080, 1920)])
def test_the_staff_screen_shows_whole_names_and_numbers_in_one_toolbar_row(
    qtbot, kiosk, timers, vault, store, size
):
    save(store, name="Bartholomew Example", phone="+12025550199")
    save(store)
    save(store, name="Maximiliana Bartholomew-Featherstonehaugh Example")
    kiosk.window.resize(*size)
    sign_in(qtbot, kiosk, timers, vault)
    staff = kiosk.staff

    def laid_out() -> None:
        assert staff.table.width() > 0

    qtbot.waitUntil(laid_out)
    tap_row(qtbot, staff, 0)
    table = staff.table
    metrics = table.fontMetrics()
    for row in (1, 2):  # a long name and a usual one
        for column in (1, 2, 3):  # received, name, contact: never cut
            text = staff.model.data(staff.model.index(row, column))
            assert metrics.horizontalAdvance(text) < table.columnWidth(column), (size, text)
    # Rows a finger can hit: at least 9 mm on a 21.5-inch 1920x1080 screen (0.248 mm a pixel).
    assert table.rowHeight(0) >= 44
    if size == (1920, 1080):
        assert table.rowHeight(0) * 0.248 >= 9
    # One toolbar row, inside the screen.
    bar = [staff.export_button, staff.lock_button, staff.exit_button, *staff.filters.values()]

    def buttons_whole() -> None:
        for button in bar:
            assert button.width() >= button.sizeHint().width(), button.text()

    qtbot.waitUntil(buttons_whole)
    tops = {button.mapTo(staff, button.rect().topLeft()).y() for button in bar}
    assert len(tops) == 1
    for button in bar:
        right = button.mapTo(staff, button.rect().topRight()).x()
        assert right <= staff.width()
        assert button.width() >= button.sizeHint().width(), button.text()
    # Every answer is there, question and answer apart; the pane scrolls rather than cuts.
    # A name too long for any list is shortened there, and shown whole beside it.
    rows = dict(staff.answer_rows())
    assert rows["Your name"] == "Maximiliana Bartholomew-Featherstonehaugh Example"
    assert "Maximiliana Bartholomew-Featherstonehaugh Example" in staff.answer_table.text()
    scroller = staff.answer_table.parentWidget().parentWidget().parentWidget()
    page = staff.answer_table.parentWidget()
    assert page.height() >= page.sizeHint().height() or scroller.verticalScrollBar().maximum() > 0
