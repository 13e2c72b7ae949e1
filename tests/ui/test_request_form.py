"""The request form, driven as a visitor would: tap, type, submit; and what is left afterwards."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from kiosk.app import Kiosk
from kiosk.storage.store import RequestStore, SaveError
from kiosk.ui.request_form import SAVE_FAILED, RequestFormScreen

NAME = "Zoë Example"
PHONE = "202-555-0100"
EMAIL = "zoe@example.com"
CANARY = "CANARY-7f3a"


@pytest.fixture
def make_form(qtbot, shipped_content, timers, store):
    def make(save=None):
        content = shipped_content

        def save_to_store(values):
            return store.save(values, content.content_version, "test-kiosk")

        form = RequestFormScreen(
            content.form, content.notices, content.timing, save or save_to_store, timers
        )
        qtbot.addWidget(form)
        form.resize(1280, 800)
        form.show()
        qtbot.waitExposed(form)
        return form

    return make


@pytest.fixture
def kiosk(qtbot, shipped_content, timers, clock, store):
    kiosk = Kiosk(shipped_content, store, "test-kiosk", timers, clock, load_keyboard=False)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1280, 800)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    return kiosk


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as key presses (QTest's keyClicks only knows ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def type_into(qtbot, widget: QWidget, text: str) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    type_text(widget, text)


def tap(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def fill(qtbot, form: RequestFormScreen, name=NAME, phone=PHONE, email="", consent=True):
    fields = form.fields
    if name:
        type_into(qtbot, fields["name"].line, name)
    if phone:
        type_into(qtbot, fields["phone"].line, phone)
    if email:
        type_into(qtbot, fields["email"].line, email)
    if consent:
        form.scroll_area.ensureWidgetVisible(fields["consent"].box)
        tap(qtbot, fields["consent"].box)


def submit(qtbot, form: RequestFormScreen) -> None:
    tap(qtbot, form.submit_button)


def rows(store: RequestStore):
    with closing(sqlite3.connect(store.path)) as db:
        return db.execute("SELECT id, answers FROM requests ORDER BY id").fetchall()


def test_every_field_type_takes_input(qtbot, make_form):
    form = make_form()
    fill(qtbot, form, email=EMAIL)
    chips = form.fields["contact_method"].chips
    tap(qtbot, chips[1])
    tap(qtbot, chips[2])
    assert [c.isChecked() for c in chips] == [False, False, True]
    tap(qtbot, chips[2])  # tapping the chosen one again un-chooses it
    assert [c.isChecked() for c in chips] == [False, False, False]
    tap(qtbot, form.fields["best_time"].chips[0])
    type_into(qtbot, form.fields["question"].text, "Is it covered?")
    assert form.answers() == {
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "contact_method": "",
        "best_time": "Morning",
        "question": "Is it covered?",
        "consent": True,
    }


def test_consent_wording_can_be_tapped_too(qtbot, make_form):
    form = make_form()
    view = form.fields["consent"]
    words = next(w for w in view.findChildren(QLabel) if w.text() == view.spec.label)
    form.scroll_area.ensureWidgetVisible(words)
    tap(qtbot, words)
    assert view.box.isChecked()


def test_multiline_is_cut_at_its_limit(qtbot, make_form):
    form = make_form()
    box = form.fields["question"].text
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(box, "a" * 520)
    assert len(box.toPlainText()) == form.fields["question"].spec.max_length == 500


def test_an_invalid_form_shows_messages_and_never_saves(qtbot, make_form, store):
    form = make_form()
    type_into(qtbot, form.fields["phone"].line, "12")
    with qtbot.assertNotEmitted(form.request_saved):
        submit(qtbot, form)
    errors = {key: view.error.text() for key, view in form.fields.items() if view.error.isVisible()}
    assert errors == {
        "name": "Please fill this in.",
        "phone": (
            "This doesn't look like a phone number. Please include the area code, "
            "for example 202-555-0100."
        ),
        "consent": "Please tick this box so the clinic may contact you.",
    }
    assert form.focusWidget() is form.fields["name"].line, "the first invalid field gets focus"
    assert form.error_summary.isVisible()
    assert form.error_summary.text() == "Please check the 3 answers marked in red above."
    assert not store.path.exists() or rows(store) == []


def test_phone_or_email_is_required(qtbot, make_form):
    form = make_form()
    fill(qtbot, form, phone="")
    with qtbot.assertNotEmitted(form.request_saved):
        submit(qtbot, form)
    assert form.fields["phone"].error.text() == (
        "Please give a phone number or an email address so we can reach you."
    )
    assert form.focusWidget() is form.fields["phone"].line


@pytest.mark.parametrize(
    "name",
    ["Zoë Example", "Ñandú O\u2019Example 😀", "שרה Example", "مريم Example", "José\u0301 Example"],
)
def test_submit_saves_exactly_what_was_typed(qtbot, make_form, store, name):
    form = make_form()
    fill(qtbot, form, name=name, email="Zoe@Example.COM")
    with qtbot.waitSignal(form.request_saved) as saved:
        submit(qtbot, form)
    request_id, title = saved.args
    stored = store.get(request_id)
    assert stored is not None
    import unicodedata

    assert stored.answers["name"] == unicodedata.normalize("NFC", name)
    assert stored.answers["phone"] == "+12025550100"
    assert stored.answers["email"] == "Zoe@example.com"
    assert stored.answers["consent"] is True
    assert title == f"Thank you, {unicodedata.normalize('NFC', name).split()[0]}."


def test_the_request_is_committed_before_thanks(qtbot, make_form, store):
    form = make_form()
    fill(qtbot, form)
    seen = []

    def on_saved(request_id: int, title: str) -> None:
        # An independent connection sees the row: COMMIT has returned.
        with closing(sqlite3.connect(store.path)) as other:
            seen.append(other.execute("SELECT count(*) FROM requests").fetchone()[0])

    form.request_saved.connect(on_saved)
    submit(qtbot, form)
    assert seen == [1]


@pytest.mark.parametrize("kind", ["disk_full", "read_only", "locked", "corrupt", "other"])
def test_a_failed_save_says_so_and_keeps_the_answers(qtbot, make_form, kind, caplog):
    def failing_save(values):
        raise SaveError(kind, "the disk is full")

    form = make_form(save=failing_save)
    fill(qtbot, form, name=f"{CANARY} Example")
    with qtbot.assertNotEmitted(form.request_saved):
        submit(qtbot, form)
    assert form.save_error.isVisible()
    assert form.save_error.text() == SAVE_FAILED
    assert form.answers()["name"] == f"{CANARY} Example"
    assert form.answers()["phone"] == PHONE
    assert kind in caplog.text
    assert CANARY not in caplog.text


def test_a_locked_database_shows_the_message_and_keeps_earlier_rows(qtbot, make_form, store):
    store.save({"name": "Earlier Example"}, "v", "k")
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        quick = RequestStore(store.path.parent, busy_timeout_ms=0)
        form = make_form(save=lambda values: quick.save(values, "v", "k"))
        fill(qtbot, form)
        with qtbot.assertNotEmitted(form.request_saved):
            submit(qtbot, form)
        assert form.save_error.isVisible()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [r[0] for r in rows(store)] == [1]
    # Once the lock is gone, the same visitor can send it.
    with qtbot.waitSignal(form.request_saved):
        submit(qtbot, form)
    quick.close()


def test_a_corrupt_database_is_moved_aside_and_the_next_save_works(qtbot, make_form, tmp_path):
    data = tmp_path / "corrupt"
    data.mkdir()
    (data / "requests.db").write_bytes(b"this is not a database" * 100)
    broken = RequestStore(data)
    form = make_form(save=lambda values: broken.save(values, "v", "k"))
    fill(qtbot, form)
    with qtbot.assertNotEmitted(form.request_saved):
        submit(qtbot, form)
    assert form.save_error.isVisible()
    aside = list(data.glob("requests.db.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == b"this is not a database" * 100
    with qtbot.waitSignal(form.request_saved):
        submit(qtbot, form)
    assert not form.save_error.isVisible()
    broken.close()


def test_fields_offer_no_copy_paste_menu_or_predictions(make_form):
    form = make_form()
    for widget in form.findChildren(QLineEdit) + form.findChildren(QPlainTextEdit):
        assert widget.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
        hints = widget.inputMethodHints()
        assert hints & Qt.InputMethodHint.ImhNoPredictiveText
        assert hints & Qt.InputMethodHint.ImhSensitiveData
    assert form.fields["phone"].line.inputMethodHints() & (
        Qt.InputMethodHint.ImhDialableCharactersOnly
    )
    assert form.fields["email"].line.inputMethodHints() & Qt.InputMethodHint.ImhEmailCharactersOnly


def test_the_form_says_it_is_not_for_emergencies(make_form, shipped_content):
    form = make_form()
    texts = [label.text() for label in form.findChildren(QLabel) if label.isVisible()]
    assert shipped_content.form.emergency_notice in texts
    assert shipped_content.notices.crisis_line in texts


def test_idle_asks_are_you_still_there_then_closes(qtbot, make_form, timers):
    form = make_form()
    type_into(qtbot, form.fields["name"].line, NAME)
    idle = timers.named("idle")
    assert idle.interval == 60_000
    idle.fire()
    assert form.overlay.isVisible()
    assert "20 seconds" in form.overlay.countdown.text()  # WCAG 2.2.1: at least 20
    countdown = timers.named("countdown")
    for _ in range(19):
        countdown.fire()
    assert "1 second." in form.overlay.countdown.text()
    with qtbot.waitSignal(form.closed) as closed:
        countdown.fire()
    assert closed.args == ["idle"]


def test_yes_continue_keeps_the_form(qtbot, make_form, timers):
    form = make_form()
    type_into(qtbot, form.fields["name"].line, NAME)
    timers.named("idle").fire()
    with qtbot.assertNotEmitted(form.closed):
        tap(qtbot, form.overlay.button)
    assert not form.overlay.isVisible()
    assert not timers.named("countdown").isActive()
    assert timers.named("idle").isActive()
    assert form.answers()["name"] == NAME


def test_touching_the_form_restarts_the_idle_wait(qtbot, make_form, timers):
    form = make_form()
    idle = timers.named("idle")
    idle.stop()
    qtbot.mouseClick(form.fields["name"].line, Qt.MouseButton.LeftButton)
    assert idle.isActive()


# -- the whole visit, through the kiosk ---------------------------------------------------


def open_form(qtbot, kiosk: Kiosk) -> RequestFormScreen:
    button = kiosk.slideshow.findChild(QAbstractButton, "request-info")
    assert button.isVisible()
    assert button.height() >= min(kiosk.window.width(), kiosk.window.height()) / 10
    tap(qtbot, button)
    assert kiosk.form is not None
    assert kiosk.window.current_screen() is kiosk.form
    return kiosk.form


def test_a_visit_from_slide_to_thanks_and_back(qtbot, kiosk, store, timers):
    form = open_form(qtbot, kiosk)
    assert not timers.named("advance").isActive(), "the slideshow waits while the form is open"
    fill(qtbot, form)
    submit(qtbot, form)
    assert kiosk.window.current_screen() is kiosk.thanks
    assert kiosk.thanks.title.text() == "Thank you, Zoë."
    assert kiosk.thanks.body.text() == kiosk.content.form.thanks.body
    assert len(rows(store)) == 1
    timers.named("thanks").fire()
    assert kiosk.window.current_screen() is kiosk.slideshow
    assert kiosk.thanks.title.text() == ""
    assert timers.named("advance").isActive()


def test_tapping_the_thanks_screen_goes_back(qtbot, kiosk):
    form = open_form(qtbot, kiosk)
    fill(qtbot, form)
    submit(qtbot, form)
    tap(qtbot, kiosk.thanks)
    assert kiosk.window.current_screen() is kiosk.slideshow


def _leave_by_submit(qtbot, kiosk, form, timers):
    submit(qtbot, form)
    timers.named("thanks").fire()


def _leave_by_cancel(qtbot, kiosk, form, timers):
    tap(qtbot, form.cancel_button)


def _leave_by_idle(qtbot, kiosk, form, timers):
    [idle] = [t for t in timers.made if t.parent() is form.idle_watcher]
    idle.fire()
    [countdown] = [t for t in timers.made if t.objectName() == "countdown" and t.parent() is form]
    for _ in range(20):
        countdown.fire()


@pytest.mark.parametrize("leave", [_leave_by_submit, _leave_by_cancel, _leave_by_idle])
def test_nothing_of_a_visitor_remains(qtbot, kiosk, timers, leave):
    form = open_form(qtbot, kiosk)
    fill(qtbot, form, name=f"{CANARY} Example", email=f"{CANARY.lower()}@example.com")
    type_into(qtbot, form.fields["question"].text, f"About {CANARY}")
    QGuiApplication.clipboard().setText(CANARY)
    name_field = form.fields["name"].line
    leave(qtbot, kiosk, form, timers)
    assert kiosk.window.current_screen() is kiosk.slideshow
    assert kiosk.form is None
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # The widgets themselves are gone, and with them any undo history.
    assert not shiboken6.isValid(form)
    assert not shiboken6.isValid(name_field)
    assert CANARY not in QGuiApplication.clipboard().text()
    for widget in QApplication.allWidgets():
        for text in _texts(widget):
            assert CANARY.lower() not in text.lower(), widget
    # The next visitor gets an empty form.
    again = open_form(qtbot, kiosk)
    assert again is not form
    assert set(again.answers().values()) <= {"", False}


def test_every_control_has_an_accessible_name(qtbot, kiosk):
    form = open_form(qtbot, kiosk)
    controls = [
        w
        for w in kiosk.window.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QLineEdit | QPlainTextEdit)
    ]
    assert len(controls) > 10
    assert [w.objectName() for w in controls if not w.accessibleName()] == []
    assert form.overlay.button.accessibleName() == "Yes, continue"


def _texts(widget: QWidget) -> list[str]:
    texts = [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
    if isinstance(widget, QLineEdit | QLabel | QAbstractButton):
        texts.append(widget.text())
    if isinstance(widget, QPlainTextEdit):
        texts.append(widget.toPlainText())
    return texts


def test_visits_leave_no_objects_behind(qtbot, kiosk):
    """A long-running kiosk must not grow: each visitor's form goes away without a trace."""
    import collections
    import gc

    def visit() -> None:
        open_form(qtbot, kiosk)
        tap(qtbot, kiosk.form.cancel_button)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def census() -> collections.Counter[str]:
        gc.collect()
        return collections.Counter(type(o).__name__ for o in gc.get_objects())

    for _ in range(10):
        visit()
    before = census()
    for _ in range(100):
        visit()
    grown = {name: n - before[name] for name, n in census().items() if n - before[name] > 50}
    grown.pop("FakeTimer", None)  # the test's own timer factory keeps every timer it made
    assert grown == {}


@pytest.mark.parametrize(
    "size", [(1024, 600), (1280, 800), (1920, 1080), (3840, 2160), (1080, 1920)]
)
def test_the_thanks_screen_has_the_clinic_header_and_crisis_line_and_cuts_nothing(
    qtbot, kiosk, size
):
    from kiosk.ui.page_view import PageLayout

    kiosk.window.resize(*size)
    kiosk.thanks.show_thanks("Thank you, Zoë.")
    kiosk.window.show_screen(kiosk.thanks)
    thanks = kiosk.thanks

    def laid_out() -> None:
        assert thanks.size() == kiosk.window.size()

    qtbot.waitUntil(laid_out)
    page = PageLayout(kiosk.content, thanks.size())
    image = thanks.grab().toImage()
    colors = kiosk.content.clinic.colors
    assert image.pixelColor(thanks.width() // 2, 2) == QColor(colors.header_background)
    assert image.pixelColor(thanks.width() // 2, thanks.height() - 2) == QColor(
        colors.footer_background
    )
    # At the slides' sizes: the body as the slides' body, the title larger.
    assert thanks.body.font().pixelSize() == page.body_px
    assert thanks.title.font().pixelSize() > page.body_px
    for label in (thanks.title, thanks.body, thanks.hint):
        assert label.height() >= label.heightForWidth(label.width()), label.text()
        top = label.mapTo(thanks, label.rect().topLeft()).y()
        assert top >= page.header_rect.bottom()
        assert top + label.height() <= page.footer_rect.top()
