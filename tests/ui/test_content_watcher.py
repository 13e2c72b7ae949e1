"""Hot reload: ContentWatcher reads content.yaml again after it is saved.

Files are really written, replaced and renamed in tmp_path, and the real QFileSystemWatcher
reports it (waited for with qtbot.waitSignal); the debounce timer is a FakeTimer fired by hand.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.core.content import Content, load_content
from kiosk.core.files import signature
from kiosk.ui.content_watcher import DEBOUNCE_MS, ContentWatcher
from tests.conftest import REPO
from tests.helpers.fakes import FakeTimer, FakeTimers

VERSION_LINE = re.compile(r'^content_version: "[^"]*"$', re.MULTILINE)
WAIT_MS = 5000


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder with a copy of the shipped content.yaml and its logo; gives the file's path."""
    (tmp_path / "resources").mkdir()
    shutil.copy(REPO / "resources" / "logo.svg", tmp_path / "resources" / "logo.svg")
    shutil.copytree(REPO / "resources" / "languages", tmp_path / "resources" / "languages")
    path = tmp_path / "content.yaml"
    shutil.copy(REPO / "content.yaml", path)
    return path


class CountingLoader:
    """load_content, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: Path) -> Content:
        self.calls += 1
        return load_content(path)


@pytest.fixture
def loader() -> CountingLoader:
    return CountingLoader()


@pytest.fixture
def watcher(
    qtbot: QtBot, site: Path, timers: FakeTimers, loader: CountingLoader
) -> Iterator[ContentWatcher]:
    watcher = ContentWatcher(site, load_content(site), timers, loader)
    yield watcher
    watcher.deleteLater()


def with_version(path: Path, version: str) -> str:
    """The text of ``path`` with its content_version changed to ``version``."""
    text, count = VERSION_LINE.subn(f'content_version: "{version}"', path.read_text("utf-8"))
    assert count == 1
    return text


def write_in_place(qtbot: QtBot, watcher: ContentWatcher, text: str) -> None:
    """Save as most editors do by default: truncate and write the same file."""
    with (
        qtbot.waitSignal(watcher.watcher.fileChanged, timeout=WAIT_MS),
        open(watcher.path, "w", encoding="utf-8") as stream,
    ):
        stream.write(text)


def replace_by_rename(qtbot: QtBot, watcher: ContentWatcher, text: str) -> None:
    """Save as some editors do: write a new file beside it and rename it over the old one."""
    temporary = watcher.path.with_name(".content.yaml.new")
    temporary.write_text(text, encoding="utf-8")
    with qtbot.waitSignal(watcher.watcher.fileChanged, timeout=WAIT_MS):
        os.replace(temporary, watcher.path)


def debounce(timers: FakeTimers) -> FakeTimer:
    return timers.named("content-debounce")


def test_the_file_and_its_folder_are_watched(
    watcher: ContentWatcher, site: Path, timers: FakeTimers
) -> None:
    assert watcher.watcher.files() == [str(site)]
    assert watcher.watcher.directories() == [str(site.parent)]
    assert debounce(timers).single_shot
    assert not debounce(timers).isActive()
    assert watcher.content == load_content(site)


def test_a_save_is_read_after_the_debounce_and_reported(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers, loader: CountingLoader
) -> None:
    write_in_place(qtbot, watcher, with_version(watcher.path, "2026-12-01"))
    timer = debounce(timers)
    assert timer.isActive()
    assert timer.interval == DEBOUNCE_MS
    assert loader.calls == 0  # nothing is read until the file has been quiet for a while

    with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS) as changed:
        timer.fire()

    (content,) = changed.args
    assert isinstance(content, Content)
    assert content.content_version == "2026-12-01"
    assert content.source == str(watcher.path)
    assert watcher.content is content
    assert loader.calls == 1


def test_a_save_in_several_writes_is_read_once(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers, loader: CountingLoader
) -> None:
    text = with_version(watcher.path, "2026-12-02")
    half = len(text) // 2
    with (
        qtbot.waitSignal(watcher.watcher.fileChanged, timeout=WAIT_MS),
        open(watcher.path, "w", encoding="utf-8") as stream,
    ):
        stream.write(text[:half])
        stream.flush()
    with (
        qtbot.waitSignal(watcher.watcher.fileChanged, timeout=WAIT_MS),
        open(watcher.path, "a", encoding="utf-8") as stream,
    ):
        stream.write(text[half:])
    assert loader.calls == 0

    with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS):
        debounce(timers).fire()
    assert loader.calls == 1
    assert watcher.content.content_version == "2026-12-02"


def test_a_file_replaced_by_rename_is_read_and_still_watched(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers
) -> None:
    replace_by_rename(qtbot, watcher, with_version(watcher.path, "2026-12-03"))

    def watched() -> None:
        assert watcher.watcher.files() == [str(watcher.path)]

    qtbot.waitUntil(watched, timeout=WAIT_MS)
    with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS):
        debounce(timers).fire()
    assert watcher.content.content_version == "2026-12-03"

    # The new file is watched: the next save, in place, is seen too.
    write_in_place(qtbot, watcher, with_version(watcher.path, "2026-12-04"))
    with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS):
        debounce(timers).fire()
    assert watcher.content.content_version == "2026-12-04"


def test_a_file_moved_away_and_back_is_watched_again(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers
) -> None:
    aside = watcher.path.with_name("content.yaml.bak")
    good = watcher.content
    with qtbot.waitSignal(watcher.watcher.fileChanged, timeout=WAIT_MS):
        os.rename(watcher.path, aside)
    with qtbot.waitSignal(watcher.content_invalid, timeout=WAIT_MS) as invalid:
        debounce(timers).fire()
    (lines,) = invalid.args
    assert lines == [f"{watcher.path}: cannot read the file: No such file or directory"]
    assert watcher.content is good

    with qtbot.waitSignal(watcher.watcher.directoryChanged, timeout=WAIT_MS):
        aside.write_text(with_version(aside, "2026-12-05"), encoding="utf-8")
        os.rename(aside, watcher.path)

    def debouncing() -> None:
        assert debounce(timers).isActive()

    qtbot.waitUntil(debouncing, timeout=WAIT_MS)
    assert watcher.watcher.files() == [str(watcher.path)]
    with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS):
        debounce(timers).fire()
    assert watcher.content.content_version == "2026-12-05"


def test_a_bad_save_reports_every_problem_and_keeps_the_last_good_content(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers, caplog: pytest.LogCaptureFixture
) -> None:
    good = watcher.content
    text = with_version(watcher.path, "2026-12-06")
    text = text.replace("  words_per_minute: 200\n", "  words_per_minute: fast\n")
    text = text.replace("  fade_ms: 600\n", "  fade_ms: 99999\n")
    write_in_place(qtbot, watcher, text)
    caplog.set_level(logging.WARNING, logger="kiosk.ui.content_watcher")

    with (
        qtbot.assertNotEmitted(watcher.content_changed),
        qtbot.waitSignal(watcher.content_invalid, timeout=WAIT_MS) as invalid,
    ):
        debounce(timers).fire()

    (lines,) = invalid.args
    path = watcher.path
    words = text.split("\n").index("  words_per_minute: fast") + 1
    fade = text.split("\n").index("  fade_ms: 99999") + 1
    assert lines == [
        f"{path}:{words}: timing.words_per_minute: must be a number of words per minute, "
        "got 'fast'",
        f"{path}:{fade}: timing.fade_ms: must be between 0 and 5000 milliseconds, got 99999",
    ]
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert logged[0] == (
        f"{path} has 2 problem(s); the content in force stays as it was (version 2026-11-27)"
    )
    assert logged[1:] == lines
    assert watcher.content is good


def test_a_bad_save_then_a_good_one(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers
) -> None:
    write_in_place(qtbot, watcher, "clinic: [\n")
    with qtbot.waitSignal(watcher.content_invalid, timeout=WAIT_MS):
        debounce(timers).fire()
    write_in_place(qtbot, watcher, with_version(REPO / "content.yaml", "2026-12-07"))
    with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS) as changed:
        debounce(timers).fire()
    assert changed.args[0].content_version == "2026-12-07"


def test_saving_the_same_content_again_reports_nothing(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers, loader: CountingLoader
) -> None:
    text = watcher.path.read_text(encoding="utf-8")
    write_in_place(qtbot, watcher, text.replace("\n# content.yaml:", "\n# content.yaml (ours):"))
    with (
        qtbot.assertNotEmitted(watcher.content_changed),
        qtbot.assertNotEmitted(watcher.content_invalid),
    ):
        debounce(timers).fire()
    assert loader.calls == 1  # it was read, and found the same


def test_a_bad_save_undone_reports_nothing_new(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers
) -> None:
    good = watcher.path.read_text(encoding="utf-8")
    write_in_place(qtbot, watcher, "clinic: [\n")
    with qtbot.waitSignal(watcher.content_invalid, timeout=WAIT_MS):
        debounce(timers).fire()
    write_in_place(qtbot, watcher, good)
    with qtbot.assertNotEmitted(watcher.content_changed):
        debounce(timers).fire()


def test_other_files_in_the_folder_are_ignored(
    qtbot: QtBot, watcher: ContentWatcher, timers: FakeTimers
) -> None:
    with qtbot.waitSignal(watcher.watcher.directoryChanged, timeout=WAIT_MS):
        watcher.path.with_name(".content.yaml.swp").write_bytes(b"editor state")
    assert not debounce(timers).isActive()
    with qtbot.waitSignal(watcher.watcher.directoryChanged, timeout=WAIT_MS):
        watcher.path.with_name(".content.yaml.swp").unlink()
    assert not debounce(timers).isActive()


def test_reload_reads_the_file_at_once(watcher: ContentWatcher, timers: FakeTimers) -> None:
    watcher.path.write_text(with_version(watcher.path, "2026-12-08"), encoding="utf-8")
    watcher.reload()
    assert watcher.content.content_version == "2026-12-08"
    assert not debounce(timers).isActive()


def test_a_save_between_reading_the_file_and_watching_it_is_taken_in(
    qtbot: QtBot, site: Path, timers: FakeTimers, loader: CountingLoader
) -> None:
    """The kiosk reads content.yaml, paints its first page, then watches the file: a save in
    between is not lost (the watcher is told how the file was when it was read)."""
    read_as = signature(site)
    content = load_content(site)
    site.write_text(with_version(site, "2026-12-01"), encoding="utf-8")
    os.utime(site, ns=(time.time_ns(), time.time_ns() + 1_000_000))  # a coarse clock
    watcher = ContentWatcher(site, content, timers, loader, read_as=read_as)
    try:
        assert debounce(timers).isActive()
        with qtbot.waitSignal(watcher.content_changed, timeout=WAIT_MS) as changed:
            debounce(timers).fire()
        assert changed.args[0].content_version == "2026-12-01"
    finally:
        watcher.deleteLater()
    quiet = FakeTimers()  # read as it is now: nothing to read again
    unchanged = ContentWatcher(site, load_content(site), quiet, loader, read_as=signature(site))
    assert not debounce(quiet).isActive()
    unchanged.deleteLater()
