"""The kiosk's logs: standard error (the journal, under systemd) and a rotating file in the data
folder, plus Python's fault handler writing crash tracebacks to ``crash.log``.

``<data_dir>/logs/`` is made ``0700`` and every file in it ``0600``: ``kiosk.log`` (1 MiB, then
rotated; five old files ``kiosk.log.1`` .. ``kiosk.log.5`` are kept, so at most 6 MiB) and
``crash.log`` (appended to; a segfault, an abort or systemd's watchdog ``SIGABRT`` writes every
thread's Python traceback there; ``kill -USR1 <pid>`` writes them without stopping the kiosk).

**Visitor data is never logged.** The kiosk's code logs request ids, counts, error kinds, file
paths and the names of exception types, never a visitor's answers (nor a PIN): answers are never
passed to a logger, :class:`~kiosk.storage.store.SaveError` messages hold no answers, and
unhandled exceptions are logged without their message (see :mod:`kiosk.system.errors`). Python
tracebacks show source lines, not values. ``tests/system/test_logs.py`` checks this with a
canary answer.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import faulthandler
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import IO, Any

LOG_FOLDER = "logs"
LOG_NAME = "kiosk.log"
CRASH_NAME = "crash.log"
MAX_BYTES = 1 << 20
"""``kiosk.log`` is rotated when it would grow past this."""
BACKUP_COUNT = 5
"""Rotated files kept: ``kiosk.log.1`` (newest) .. ``kiosk.log.5``."""
FORMAT = "%(asctime)s kiosk %(levelname)s %(name)s: %(message)s"
"""The same line format as the command line's (``kiosk.cli.main``)."""

_crash_file: IO[str] | None = None
_handlers: list[logging.Handler] = []


class _Held(logging.Handler):
    """Keeps the records logged before the log file is opened, for it (see ``hold``)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _file_handler(path: Path) -> logging.Handler:
    """``kiosk.log``, rotated, with every file it opens ``0600``."""
    import logging.handlers  # with the socket module: about 10 ms, not before the first page

    class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        def _open(self) -> Any:
            return _open_private(Path(self.baseFilename), self.mode, self.encoding)

    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


def _open_private(path: Path, mode: str, encoding: str | None = "utf-8") -> IO[str]:
    """Open one of the kiosk's own log files, never through a symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _link_refused(path) from None
        raise
    try:
        os.fchmod(fd, 0o600)  # in case it already existed with a wider mode
        return os.fdopen(fd, "a" if "a" in mode else "w", encoding=encoding or "utf-8")
    except BaseException:
        os.close(fd)
        raise


def _link_refused(path: Path) -> OSError:
    return OSError(
        errno.ELOOP,
        f"{path} is a symbolic link (to {os.readlink(path)}); the kiosk does not write its "
        "logs through links: remove the link",
    )


def _private_folder(folder: Path, *, own: bool = True) -> None:
    """Make ``folder`` (0700); one of the kiosk's ``own`` folders is never a symbolic link (the
    data folder may be one: where IT keeps it is theirs to choose)."""
    if own and folder.is_symlink():
        raise _link_refused(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)


def setup_logging(data_dir: Path, verbose: bool, *, hold: bool = False) -> Path:
    """Log to standard error and to ``<data_dir>/logs/kiosk.log``; returns that file's path.

    Level INFO, or DEBUG when ``verbose``. Also sends crash tracebacks to ``crash.log`` (kept
    open for the life of the process). Calling it again replaces what the last call set up.
    Raises ``OSError`` if the folder or the files cannot be made.

    With ``hold`` the log file is checked (made, or opened for appending) but written only
    from :func:`open_held_log` on, with everything logged before: the kiosk opens it once its
    first page is up (and at exit, if it never came). Standard error has every line at once.
    """
    folder = Path(data_dir) / LOG_FOLDER
    _private_folder(Path(data_dir), own=False)
    _private_folder(folder)
    log_path = folder / LOG_NAME
    shutdown_logging()

    if hold:
        _open_private(log_path, "a").close()  # fails now, as the handler would, if it cannot
        file_handler: logging.Handler = _Held(log_path)
        # However the process ends before open_held_log (an error while the kiosk is built,
        # sys.exit), what was logged still reaches the file.
        atexit.register(open_held_log)
    else:
        file_handler = _file_handler(log_path)
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.addHandler(file_handler)
    _handlers.append(file_handler)
    if not any(_is_stderr_handler(h) for h in root.handlers):
        stderr_handler = logging.StreamHandler(sys.stderr)
        stderr_handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stderr_handler)
        _handlers.append(stderr_handler)

    _enable_crash_log(folder / CRASH_NAME)
    return log_path


def open_held_log() -> None:
    """Start writing the log file :func:`setup_logging` held, beginning with what was logged
    before. Does nothing if it is open already. Never raises: a file that can no longer be
    opened is said on standard error, which still has every line."""
    root = logging.getLogger()
    for index, held in enumerate(_handlers):
        if not isinstance(held, _Held):
            continue
        try:
            handler = _file_handler(held.path)
        except OSError as error:
            root.removeHandler(held)
            del _handlers[index]
            logging.getLogger(__name__).error("cannot open the log file %s: %s", held.path, error)
            return
        for record in held.records:
            if record.levelno >= root.level:
                handler.handle(record)
        root.removeHandler(held)
        root.addHandler(handler)
        _handlers[index] = handler
        return


def _is_stderr_handler(handler: logging.Handler) -> bool:
    return type(handler) is logging.StreamHandler and handler.stream in (
        sys.stderr,
        sys.__stderr__,
    )


def _enable_crash_log(path: Path) -> None:
    global _crash_file
    crash = _open_private(path, "a")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    crash.write(f"--- kiosk process {os.getpid()} started {stamp}\n")
    crash.flush()
    _crash_file = crash
    faulthandler.enable(file=crash, all_threads=True)
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, file=crash, all_threads=True, chain=False)


def shutdown_logging() -> None:
    """Undo :func:`setup_logging`: remove its handlers, stop the fault handler, close files (a
    held log file is written first)."""
    global _crash_file
    open_held_log()
    root = logging.getLogger()
    for handler in _handlers:
        root.removeHandler(handler)
        handler.close()
    _handlers.clear()
    if _crash_file is not None:
        if hasattr(signal, "SIGUSR1"):
            faulthandler.unregister(signal.SIGUSR1)
        faulthandler.disable()
        _crash_file.close()
        _crash_file = None
