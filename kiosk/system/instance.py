"""One kiosk per data folder: a :class:`QLockFile` at ``<data_dir>/kiosk.lock``.

Two kiosks on one database would each think they own the screen's requests, the PIN lockout and
the retention clean-up; the second one to start is refused with :class:`AlreadyRunning`.

A lock left behind by a kiosk that died (``kill -9``, a crash, a power cut) is taken over by
the next start: ``QLockFile`` writes its process id, program name, host and boot id into the
file and treats the lock as stale when that process no longer runs, is another program, or
belongs to an earlier boot. The lock's age never counts (``setStaleLockTime(0)``): a kiosk runs
for months.

:class:`QLockFile` needs no ``QCoreApplication``: take the lock before building the window, so a
second kiosk says why it stops at once. Keep the returned :class:`SingleInstance` for as long as
the kiosk runs; the lock is released by :meth:`SingleInstance.release` or when the process ends.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLockFile

LOCK_NAME = "kiosk.lock"


class AlreadyRunning(Exception):  # noqa: N818 - the name says what is the matter
    """Another live kiosk holds the lock. ``pid`` is its process id (0 if unknown);
    ``str(error)`` is one sentence for people."""

    def __init__(self, path: Path, pid: int) -> None:
        self.path = path
        self.pid = pid
        who = f"process {pid}" if pid > 0 else "process unknown"
        super().__init__(
            f"another kiosk is already running ({who}); it uses the data folder {path.parent}. "
            "Stop it first (systemctl --user stop clinic-kiosk.service, or the staff screen's "
            "Exit kiosk), or start this one with another --data-dir"
        )


class LockError(Exception):
    """The lock file could not be created (folder not writable, disk full...)."""


class SingleInstance:
    """The held lock of one data folder."""

    def __init__(self, lock: QLockFile, path: Path) -> None:
        self._lock = lock
        self.path = path

    @property
    def held(self) -> bool:
        return self._lock.isLocked()

    def release(self) -> None:
        """Give up the lock (also done when the process ends)."""
        if self._lock.isLocked():
            self._lock.unlock()

    def __enter__(self) -> SingleInstance:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _owner_pid(lock: QLockFile) -> int:
    info = lock.getLockInfo()
    # PySide6 returns (pid, hostname, appname), or an empty tuple when there is no info.
    if isinstance(info, tuple) and info and isinstance(info[0], int):
        return info[0]
    return 0


def acquire_single_instance(data_dir: Path) -> SingleInstance:
    """Take the lock of ``data_dir`` (made ``0700`` if missing).

    Raises :class:`AlreadyRunning` when another live kiosk holds it, :class:`LockError` when
    the lock file cannot be written.
    """
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise LockError(f"cannot create the data folder {data_dir}: {error}") from None
    path = data_dir / LOCK_NAME
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
        return SingleInstance(lock, path)
    if lock.error() == QLockFile.LockError.LockFailedError:
        raise AlreadyRunning(path, _owner_pid(lock))
    raise LockError(f"cannot create the lock file {path} ({lock.error().name})")


def running_kiosk(data_dir: Path) -> int | None:
    """For command-line tools: the process id of a live kiosk using ``data_dir``, or None.

    Takes the lock for a moment when it is free (and releases it at once); a stale lock is
    cleaned up on the way. Returns 0 for a live kiosk whose id cannot be read.
    """
    path = Path(data_dir) / LOCK_NAME
    if not path.parent.is_dir():
        return None
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        lock.unlock()
        return None
    if lock.error() == QLockFile.LockError.LockFailedError:
        return _owner_pid(lock)
    return None
