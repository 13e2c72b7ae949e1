"""One kiosk per data folder: a second one is refused with the first one's process id, and a
lock left by a killed kiosk is taken over."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.system.instance import (
    LOCK_NAME,
    AlreadyRunning,
    LockError,
    acquire_single_instance,
    running_kiosk,
)
from tests.helpers.processes import start_kiosk, stop, wait_for_line

HOLD_LOCK = """
import sys
from pathlib import Path
from kiosk.system.instance import acquire_single_instance
held = acquire_single_instance(Path(sys.argv[1]))
print("locked", flush=True)
sys.stdin.read()
"""

TRY_LOCK = """
import sys
from pathlib import Path
from kiosk.places import EXIT_ALREADY_RUNNING
from kiosk.system.instance import AlreadyRunning, acquire_single_instance
try:
    acquire_single_instance(Path(sys.argv[1]))
except AlreadyRunning as error:
    print(error)
    sys.exit(EXIT_ALREADY_RUNNING)
print("locked")
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the lock of tmp_path/data until its stdin is closed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "data")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "locked\n"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def test_first_acquire_takes_the_lock(tmp_path):
    data = tmp_path / "data"
    with acquire_single_instance(data) as instance:
        assert instance.held
        assert instance.path == data / LOCK_NAME
        assert instance.path.exists()
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE(instance.path.stat().st_mode) == 0o600
        assert instance.path.read_text().splitlines()[0] == str(os.getpid())
    assert not instance.held
    assert not instance.path.exists()


def test_second_acquire_in_the_same_process_is_refused(tmp_path):
    first = acquire_single_instance(tmp_path)
    try:
        with pytest.raises(AlreadyRunning) as caught:
            acquire_single_instance(tmp_path)
        assert caught.value.pid == os.getpid()
        assert str(caught.value).startswith(
            f"another kiosk is already running (process {os.getpid()}); "
        )
    finally:
        first.release()
    acquire_single_instance(tmp_path).release()


def test_a_lock_held_by_another_process_is_refused_with_its_pid(tmp_path, holder):
    with pytest.raises(AlreadyRunning) as caught:
        acquire_single_instance(tmp_path / "data")
    assert caught.value.pid == holder.pid
    message = str(caught.value)
    assert f"another kiosk is already running (process {holder.pid}); " in message
    assert "--data-dir" in message
    assert running_kiosk(tmp_path / "data") == holder.pid


def test_a_second_process_is_refused_while_this_one_holds_it(tmp_path):
    with acquire_single_instance(tmp_path):
        result = subprocess.run(
            [sys.executable, "-c", TRY_LOCK, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith(f"another kiosk is already running (process {os.getpid()}); ")


def test_the_lock_of_a_killed_kiosk_is_taken_over(tmp_path, holder):
    lock = tmp_path / "data" / LOCK_NAME
    holder.send_signal(signal.SIGKILL)
    assert holder.wait(timeout=10) == -signal.SIGKILL
    assert lock.exists()  # left behind: nobody removed it
    assert lock.read_text().splitlines()[0] == str(holder.pid)

    assert running_kiosk(tmp_path / "data") is None
    with acquire_single_instance(tmp_path / "data") as instance:
        assert instance.held
        assert lock.read_text().splitlines()[0] == str(os.getpid())


def test_a_lock_released_by_a_clean_exit_is_free(tmp_path, holder):
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(timeout=10) == 0
    assert not (tmp_path / "data" / LOCK_NAME).exists()
    acquire_single_instance(tmp_path / "data").release()


def test_a_lock_naming_a_live_process_that_does_not_hold_it_is_taken_over(tmp_path, caplog):
    """After a power cut the lock file's process id may belong to another program by now: only
    a process holding the lock counts, never the number written in the file."""
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        lock = tmp_path / LOCK_NAME
        lock.write_text(f"{sleeper.pid}\nsleep\n")
        os.utime(lock, (1_000_000_000, 1_000_000_000))
        assert running_kiosk(tmp_path) is None
        with acquire_single_instance(tmp_path) as instance:
            assert instance.held
            assert lock.read_text() == f"{os.getpid()}\n"
            assert instance.notes == [
                f"took over the lock {lock} left by process {sleeper.pid}, which has ended"
            ]
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)


@pytest.mark.parametrize(
    ("leftover", "note"),
    [
        (lambda lock: lock.write_bytes(b""), "it was empty"),
        (lambda lock: lock.write_bytes(b"\x00\xff garbage \x1b[2J"), "it held no process id"),
        (lambda lock: lock.write_text("not a pid\n"), "it held no process id"),
        (lambda lock: lock.symlink_to(lock.parent / "gone" / "nowhere"), "(dangling)"),
        (lambda lock: lock.mkdir(), "was a folder, not a lock file"),
        (lambda lock: os.mkfifo(lock), "was a FIFO, not a lock file"),
    ],
    ids=["empty", "garbage", "text", "dangling-symlink", "folder", "fifo"],
)
def test_whatever_a_dead_kiosk_left_is_taken_over_and_said(tmp_path, leftover, note):
    """Only a live kiosk holds the lock: an empty or damaged file, a dangling symlink or anything
    else in its place never keeps the kiosk down (it used to exit 3 for good)."""
    lock = tmp_path / LOCK_NAME
    leftover(lock)
    assert running_kiosk(tmp_path) is None
    with acquire_single_instance(tmp_path) as instance:
        assert instance.held
        assert not lock.is_symlink()
        assert lock.read_text() == f"{os.getpid()}\n"
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
        assert any(note in line for line in instance.notes), instance.notes
        assert running_kiosk(tmp_path) == os.getpid()
    assert not lock.exists()


def test_a_symlink_in_place_of_the_lock_is_never_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / LOCK_NAME).symlink_to(victim)
    with acquire_single_instance(tmp_path / "data") as instance:
        assert "a symlink to" in instance.notes[0]
    assert victim.read_text() == "keep me\n"


@pytest.mark.slow
def test_the_kiosk_starts_over_a_leftover_empty_lock_and_logs_it(tmp_path):
    """The whole program: an empty kiosk.lock (a power cut mid-write) no longer means exit 3."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / LOCK_NAME).write_bytes(b"")
    process = start_kiosk("--data-dir", str(data), "--windowed", "1024x600", platform="offscreen")
    try:
        line = wait_for_line(process, "took over the lock")
        assert "it was empty" in line
        wait_for_line(process, "first page shown")
    finally:
        stop(process)
    assert process.returncode == 0


def test_running_kiosk_is_none_when_nothing_runs(tmp_path):
    assert running_kiosk(tmp_path / "missing") is None
    assert running_kiosk(tmp_path) is None
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_data_folder_that_cannot_be_made_is_a_lock_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LockError, match="cannot create the data folder"):
        acquire_single_instance(blocker / "data")
