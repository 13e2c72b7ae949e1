"""The kiosk as a whole when content.yaml changes on disk, and outside opening hours."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.app import Kiosk
from kiosk.core.hours import OpeningHours, parse_day
from kiosk.core.pin import PinVault
from kiosk.core.record import replace
from kiosk.storage.store import RequestStore
from tests.helpers.fakes import FakeClock
from tests.helpers.processes import start_kiosk, stop, wait_for_line

REPO = Path(__file__).resolve().parents[2]


def build(qtbot, content, store, timers, wall_clock=None):
    extra = {"wall_clock": wall_clock} if wall_clock else {}
    kiosk = Kiosk(content, store, "k", timers, FakeClock(), load_keyboard=False, **extra)
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1280, 800)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    return kiosk


def test_new_content_shows_at_the_next_page_and_a_form_in_progress_keeps_its_own(
    qtbot, shipped_content, store, timers
):
    kiosk = build(qtbot, shipped_content, store, timers)
    kiosk.open_form()
    form = kiosk.form
    form.fields["name"].line.setText("Zoë Example")
    form.fields["phone"].line.setText("202-555-0100")
    form.fields["consent"].box.setChecked(True)

    new_form = replace(shipped_content.form, title="A new title")
    newer = replace(
        shipped_content,
        content_version="2026-12-01",
        form=new_form,
        article=replace(shipped_content.article, title="A new article"),
    )
    kiosk.on_content_changed(newer)
    assert kiosk.form is form, "the visitor's form was interrupted"
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    [saved] = store.newest_first()
    assert saved.content_version == shipped_content.content_version

    timers.named("thanks").fire()
    assert kiosk.slideshow.pages[0].heading == shipped_content.article.title  # not yet
    timers.named("advance").fire()
    assert kiosk.slideshow.pages[0].heading == "A new article"
    assert kiosk.slideshow.current_index == 0
    kiosk.open_form()
    assert kiosk.form is not None
    assert "A new title" in [label.text() for label in kiosk.form.findChildren(QLabel)]


def test_a_broken_content_file_is_reported_to_staff(qtbot, shipped_content, store, timers):
    kiosk = build(qtbot, shipped_content, store, timers)
    problems = ["content.yaml:12: clinic.name: must be text, got the number 5"]
    kiosk.on_content_invalid(problems)
    PinVault(store.path.parent).set_pin("2468")
    kiosk.window.show_screen(kiosk.pin_pad)
    for key in "2468":
        qtbot.mouseClick(kiosk.pin_pad.keys[key], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.pin_pad.keys["OK"], Qt.MouseButton.LeftButton)
    notice = kiosk.staff.notice
    assert notice.isVisible()
    assert problems[0] in notice.text()
    assert "keeps showing the last good version" in notice.text()
    kiosk.on_content_changed(shipped_content)
    assert not notice.isVisible()


def test_outside_opening_hours_the_kiosk_sleeps_and_a_touch_wakes_it(
    qtbot, shipped_content, store, timers
):
    weekdays = parse_day("08:00-18:00")
    hours = OpeningHours(
        days=(weekdays,) * 5 + ((), ()), time_zone="America/New_York", wake_minutes=5
    )
    content = replace(shipped_content, opening_hours=hours)
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # 18:00 in New York, Sunday
    kiosk = build(qtbot, content, store, timers, wall_clock=lambda: sunday_night)
    kiosk.start()
    assert kiosk.window.current_screen() is kiosk.sleep_screen
    assert not timers.named("advance").isActive(), "nothing runs while asleep"
    qtbot.mouseClick(kiosk.sleep_screen, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_screen() is kiosk.slideshow


@pytest.mark.slow
def test_the_running_kiosk_reloads_content_yaml_when_it_changes(tmp_path):
    """The real kiosk (offscreen, real timers): a valid edit is taken, a broken one is not."""
    content = tmp_path / "content.yaml"
    text = (REPO / "content.yaml").read_text(encoding="utf-8")
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "logo.svg").write_bytes((REPO / "resources/logo.svg").read_bytes())
    shutil.copytree(REPO / "resources" / "languages", tmp_path / "resources" / "languages")
    content.write_text(text, encoding="utf-8")
    process = start_kiosk(
        "--content",
        str(content),
        "--data-dir",
        str(tmp_path / "d"),
        "--windowed",
        "1280x800",
        platform="offscreen",
    )
    try:
        wait_for_line(process, "first page shown")
        wait_for_line(process, "watching the content file for changes")
        content.write_text(text.replace('"2026-11-27"', '"2026-12-01"'), encoding="utf-8")
        wait_for_line(process, "now showing content 2026-12-01")
        content.write_text(text.replace("fade_ms: 600", "fade_ms: slow"), encoding="utf-8")
        line = wait_for_line(process, "timing.fade_ms")
        assert str(content) in line
        assert process.poll() is None
    finally:
        stop(process)
    assert process.returncode == 0


def test_retention_runs_after_start_not_before_the_first_page_then_daily(
    qtbot, shipped_content, timers, tmp_path
):
    """Opening and checking the database must not hold up the first page: the first clean-up
    comes a moment after start, then once a day."""
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    store = RequestStore(tmp_path / "data", clock=lambda: now)
    old = store.save({"name": "Old Example"}, "v1", "k")
    store.mark([old], "contacted")
    now += timedelta(days=120)
    store.close()
    kiosk = Kiosk(shipped_content, store, "k", timers, FakeClock(), load_keyboard=False)
    qtbot.addWidget(kiosk.window)
    opened = []
    real_connect = store._connect
    store._connect = lambda: opened.append(1) or real_connect()
    kiosk.start()
    assert opened == []  # start() itself leaves the database alone
    retention = timers.named("retention")
    assert retention.interval == 5000
    retention.fire()
    assert store.get(old) is None
    assert retention.interval == 24 * 60 * 60 * 1000
    assert retention.isActive()
    store.close()
