"""setup_logging: private files, rotation, crash tracebacks; and no visitor data in any log."""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.storage.store import RequestStore, SaveError
from kiosk.system import logs
from kiosk.system.errors import install_exception_hook
from kiosk.system.logs import setup_logging, shutdown_logging

CANARY = "Zyzzogeton Canary-7741"
"""A fake visitor's answer that must never reach a log."""


@pytest.fixture
def start_logging() -> Iterator[Callable[..., Path]]:
    """setup_logging, undone after the test (pytest's fault handler put back)."""
    root = logging.getLogger()
    level = root.level
    had_faulthandler = faulthandler.is_enabled()
    yield setup_logging
    shutdown_logging()
    root.setLevel(level)
    if had_faulthandler:
        faulthandler.enable(file=sys.__stderr__)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _everything_logged(data_dir: Path) -> str:
    folder = data_dir / logs.LOG_FOLDER
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


def test_files_and_modes(tmp_path, start_logging):
    data = tmp_path / "data"
    path = start_logging(data, False)
    logging.getLogger("kiosk.test").info("hello from the kiosk")

    assert path == data / "logs" / "kiosk.log"
    assert _mode(data) == 0o700
    assert _mode(data / "logs") == 0o700
    assert _mode(path) == 0o600
    assert _mode(data / "logs" / "crash.log") == 0o600
    assert "kiosk INFO kiosk.test: hello from the kiosk" in path.read_text()
    assert f"kiosk process {os.getpid()} started" in (data / "logs" / "crash.log").read_text()
    assert faulthandler.is_enabled()


@pytest.mark.parametrize("name", ["kiosk.log", "crash.log", "logs-folder"])
def test_a_symlink_in_place_of_a_log_is_refused_and_not_followed(tmp_path, start_logging, name):
    """A link where the kiosk's own log is would send its lines (and a chmod 600) elsewhere."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    victim.chmod(0o644)
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    link = data / "logs" if name == "logs-folder" else data / "logs" / name
    if name == "logs-folder":
        (data / "logs").rmdir()
    link.symlink_to(victim)
    with pytest.raises(OSError, match="is a symbolic link") as caught:
        start_logging(data, False)
    assert str(link) in str(caught.value)
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert _mode(victim) == 0o644


def test_a_held_log_file_gets_every_line_once_opened(tmp_path, start_logging, capsys):
    """The kiosk holds its log file until the first page is up: standard error has each line
    at once, the file (made private at once) has them all, in order, from open_held_log on."""
    data = tmp_path / "data"
    path = start_logging(data, False, hold=True)
    logging.getLogger("kiosk.test").info("before the first page")
    logging.getLogger("kiosk.test").debug("not at INFO")
    assert _mode(path) == 0o600
    assert path.read_text() == ""
    assert "before the first page" in capsys.readouterr().err
    logs.open_held_log()
    logging.getLogger("kiosk.test").warning("after it")
    logs.open_held_log()  # again: nothing twice
    lines = path.read_text().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["before the first page", "after it"]
    assert " kiosk INFO kiosk.test: " in lines[0]


def test_a_held_log_is_written_when_logging_stops_before_it_was_opened(tmp_path, start_logging):
    path = start_logging(tmp_path, False, hold=True)
    logging.getLogger("kiosk.test").info("stopped before the first page")
    shutdown_logging()
    assert "stopped before the first page" in path.read_text()


def test_a_held_log_is_written_when_the_process_ends_on_an_error(tmp_path):
    """An error while the kiosk is built, before its first page: the lines logged before it
    still reach the file."""
    code = textwrap.dedent(
        f"""
        import logging
        from pathlib import Path
        from kiosk.system.logs import setup_logging
        setup_logging(Path({str(tmp_path)!r}), False, hold=True)
        logging.getLogger("kiosk.test").info("starting, then failing")
        raise RuntimeError("the window could not be built")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "RuntimeError" in result.stderr
    assert "starting, then failing" in (tmp_path / "logs" / "kiosk.log").read_text()


@pytest.mark.parametrize("hold", [False, True])
def test_a_log_file_that_cannot_be_written_is_refused_at_once(tmp_path, start_logging, hold):
    data = tmp_path / "data"
    (data / "logs" / "kiosk.log").mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(IsADirectoryError):
        start_logging(data, False, hold=hold)


def test_the_data_folder_itself_may_be_a_symlink(tmp_path, start_logging):
    real = tmp_path / "srv-kiosk"
    real.mkdir()
    (tmp_path / "data").symlink_to(real)
    path = start_logging(tmp_path / "data", False)
    logging.getLogger("kiosk.test").info("hello")
    assert (real / "logs" / "kiosk.log").is_file()
    assert path == tmp_path / "data" / "logs" / "kiosk.log"


def test_verbose_logs_debug(tmp_path, start_logging):
    path = start_logging(tmp_path, True)
    logging.getLogger("kiosk.test").debug("some detail")
    assert "DEBUG kiosk.test: some detail" in path.read_text()


def test_not_verbose_leaves_debug_out(tmp_path, start_logging):
    path = start_logging(tmp_path, False)
    logging.getLogger("kiosk.test").debug("some detail")
    assert "some detail" not in path.read_text()


def test_existing_files_and_folder_are_made_private(tmp_path, start_logging):
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    (folder / "kiosk.log").write_text("old line\n")
    os.chmod(folder / "kiosk.log", 0o644)
    path = start_logging(tmp_path, False)
    logging.getLogger("kiosk.test").info("new line")
    assert _mode(folder) == 0o700
    assert _mode(path) == 0o600
    assert path.read_text().startswith("old line\n")


def test_calling_it_again_replaces_the_handlers(tmp_path, start_logging):
    root = logging.getLogger()
    before = len(root.handlers)
    start_logging(tmp_path / "one", False)
    after_first = len(root.handlers)
    second = start_logging(tmp_path / "two", False)
    assert len(root.handlers) == after_first > before
    logging.getLogger("kiosk.test").info("only in two")
    assert "only in two" in second.read_text()
    assert "only in two" not in (tmp_path / "one" / "logs" / "kiosk.log").read_text()


def test_an_existing_stderr_handler_is_reused(tmp_path, start_logging, monkeypatch):
    root = logging.getLogger()
    stderr_handler = logging.StreamHandler(sys.stderr)
    root.addHandler(stderr_handler)
    try:
        start_logging(tmp_path, False)
        stderr_handlers = [h for h in root.handlers if type(h) is logging.StreamHandler]
        assert stderr_handlers == [stderr_handler]
    finally:
        root.removeHandler(stderr_handler)


def test_rotation_keeps_five_private_files_of_at_most_1_mib(tmp_path, start_logging):
    path = start_logging(tmp_path, False)
    log = logging.getLogger("kiosk.test")
    line = "x" * 1000
    for number in range(8 * 1024):  # about 8 MiB
        log.info("%05d %s", number, line)
    folder = path.parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["crash.log", "kiosk.log"] + [f"kiosk.log.{n}" for n in range(1, 6)]
    for name in names:
        assert _mode(folder / name) == 0o600, name
        assert (folder / name).stat().st_size <= logs.MAX_BYTES
    assert (folder / "kiosk.log.1").stat().st_size > logs.MAX_BYTES - 2000
    assert "08191 " in path.read_text()


def test_a_failed_save_logs_no_answer(tmp_path, start_logging, capsys):
    """The canary: a visitor's answer saved, failing to save, and in an unhandled exception,
    at DEBUG level, never appears in kiosk.log, crash.log or on standard error."""
    data = tmp_path / "data"
    start_logging(data, True)
    answers: dict[str, str | bool] = {"name": CANARY, "email": "canary@example.org"}

    store = RequestStore(data)
    saved = store.save(answers, "v1", "kiosk-1")
    store.close()

    (data / "requests.db").rename(data / "aside.db")
    (data / "requests.db").mkdir()  # the database cannot be opened any more
    store = RequestStore(data)
    with pytest.raises(SaveError) as caught:
        store.save(answers, "v1", "kiosk-1")
    store.close()
    logging.getLogger("kiosk.app").error("could not save a request (%s)", caught.value.kind)

    errors: list[str] = []
    hook = install_exception_hook(lambda: errors.append("back to the slideshow"))
    try:
        try:
            raise ValueError(f"bad phone number {CANARY!r}")
        except ValueError as error:
            hook(type(error), error, error.__traceback__)
    finally:
        hook.uninstall()

    logged = _everything_logged(data)
    err = capsys.readouterr().err
    assert f"saved request {saved}" in logged
    assert "save failed: other" in logged
    assert "unhandled ValueError" in logged
    assert errors == ["back to the slideshow"]
    for text in (logged, err, str(caught.value)):
        assert CANARY not in text
        assert "canary@example.org" not in text


CRASH = """
import signal, sys
from pathlib import Path
from kiosk.system.logs import setup_logging

def frozen_in_a_slot():
    print("ready", flush=True)
    while True:
        signal.pause()

setup_logging(Path(sys.argv[1]), False)
frozen_in_a_slot()
"""


def test_crash_tracebacks_go_to_crash_log(tmp_path):
    """SIGUSR1 dumps every thread's traceback and carries on; SIGABRT (systemd's watchdog)
    dumps them and ends the process."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CRASH), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGUSR1)
        crash_log = tmp_path / "logs" / "crash.log"
        deadline = time.monotonic() + 30
        while "in frozen_in_a_slot" not in crash_log.read_text():
            assert time.monotonic() < deadline, "no traceback after SIGUSR1"
            time.sleep(0.01)
        assert process.poll() is None
        process.send_signal(signal.SIGABRT)
        assert process.wait(timeout=30) == -signal.SIGABRT
    finally:
        if process.poll() is None:
            process.kill()
        _out, _err = process.communicate(timeout=10)
    crash = (tmp_path / "logs" / "crash.log").read_text()
    assert f"--- kiosk process {process.pid} started" in crash
    assert "Fatal Python error: Aborted" in crash
    assert crash.count("in frozen_in_a_slot") == 2, crash
