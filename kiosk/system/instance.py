"""One kiosk per data folder: an exclusive ``flock`` on ``<data_dir>/kiosk.lock``.

Two kiosks on one database would each think they own the screen's requests, the PIN lockout and
the retention clean-up; the second one to start is refused with :class:`AlreadyRunning`.

Only a live kiosk holds the lock: the kernel releases a process's ``flock`` when it ends, however
it ends (``kill -9``, a crash, a power cut). So whatever a dead kiosk left behind (a file naming
its process id, an empty one after a power cut, garbage, a dangling symlink, a folder) never
keeps the next kiosk from starting: it is taken over, and :attr:`SingleInstance.notes` says what
was found (the kiosk logs them once its log is set up).
The file holds the holder's process id, for people and for :class:`AlreadyRunning`'s message; it
is never what decides.

Keep the returned :class:`SingleInstance` for as long as the kiosk runs; the lock is released by
:meth:`SingleInstance.release` or when the process ends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import weakref
from pathlib import Path
from types import TracebackType

LOCK_NAME = "kiosk.lock"

_ATTEMPTS = 5
"""How often to try again when the lock file is replaced between opening and locking it."""


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

    def __init__(self, fd: int, path: Path, notes: list[str] | None = None) -> None:
        self.path = path
        self.notes: list[str] = notes or []
        """What was taken over on the way (a dead kiosk's lock, a damaged file...), a sentence
        each, for the log."""
        # Released on release(), when this object goes, or at a normal exit of the process.
        self._release = weakref.finalize(self, _release, fd, path)

    @property
    def held(self) -> bool:
        return self._release.alive

    def release(self) -> None:
        """Give up the lock and remove its file (also done when the process exits)."""
        self._release()

    def __enter__(self) -> SingleInstance:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def acquire_single_instance(data_dir: Path) -> SingleInstance:
    """Take the lock of ``data_dir`` (made ``0700`` if missing).

    Raises :class:`AlreadyRunning` when another live kiosk holds it, :class:`LockError` when
    the lock file cannot be made.
    """
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise LockError(f"cannot create the data folder {data_dir}: {error}") from None
    path = data_dir / LOCK_NAME
    notes: list[str] = []
    for _ in range(_ATTEMPTS):
        existed = os.path.lexists(path)
        fd = _open_lock_file(path, notes)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise AlreadyRunning(path, _pid_in(path)) from None
            raise LockError(f"cannot lock {path}: {os.strerror(error.errno or 0)}") from None
        if not _same_file(fd, path):  # released and removed by its holder meanwhile
            os.close(fd)
            continue
        try:
            _take_over(fd, path, notes, existed)
        except OSError as error:
            os.close(fd)
            raise LockError(f"cannot write the lock file {path}: {error.strerror}") from None
        return SingleInstance(fd, path, notes)
    raise LockError(f"cannot lock {path}: it keeps being replaced")


def running_kiosk(data_dir: Path) -> int | None:
    """For command-line tools: the process id of a live kiosk using ``data_dir``, or None.

    Returns 0 for a live kiosk whose id cannot be read. Changes nothing.
    """
    path = Path(data_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None  # no lock file (or not one a kiosk could hold): no kiosk
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _pid_in(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _release(fd: int, path: Path) -> None:
    try:
        # Removed while still locked, so nobody can take a file that is about to vanish (and
        # whoever opened it meanwhile finds it unlinked once locked, and opens a new one).
        with contextlib.suppress(OSError):
            if _same_file(fd, path):
                os.unlink(path)
    finally:
        os.close(fd)


def _open_lock_file(path: Path, notes: list[str]) -> int:
    """The lock file, opened for writing without following a symlink; whatever else stands at
    ``path`` (a symlink, a folder, a FIFO) is moved out of the way first, and said so."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    for _ in range(_ATTEMPTS):
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as error:
            if error.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise LockError(f"cannot create the lock file {path}: {error.strerror}") from None
            _remove_odd_thing(path, notes)
            continue
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
        os.close(fd)
        _remove_odd_thing(path, notes)
    raise LockError(f"cannot create the lock file {path}: something keeps replacing it")


def _remove_odd_thing(path: Path, notes: list[str]) -> None:
    kind = _kind(path)
    notes.append(f"{path} was {kind}, not a lock file: removed it and took the lock")
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as error:
        raise LockError(f"cannot remove {kind} at {path}: {error.strerror}") from None


def _kind(path: Path) -> str:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "gone"
    if stat.S_ISLNK(mode):
        target = os.readlink(path)
        return f"a symlink to {target}" + ("" if path.exists() else " (dangling)")
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "not a regular file"


def _take_over(fd: int, path: Path, notes: list[str], existed: bool) -> None:
    """Now that the lock is ours: note what a dead holder left, and write our process id."""
    left = os.pread(fd, 200, 0)
    first = left.split(b"\n", 1)[0].strip()
    if first.isdigit():
        notes.append(f"took over the lock {path} left by process {first.decode()}, which has ended")
    elif left:
        notes.append(f"took over the lock {path}: it held no process id (damaged or left over)")
    elif existed and not notes:
        notes.append(f"took over the lock {path}: it was empty (left by a power cut?)")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    with contextlib.suppress(OSError):
        os.fchmod(fd, 0o600)


def _same_file(fd: int, path: Path) -> bool:
    try:
        ours, there = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (ours.st_dev, ours.st_ino) == (there.st_dev, there.st_ino)


def _pid_in(path: Path) -> int:
    """The process id written in the lock file, or 0 if it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return 0
    try:
        first = os.read(fd, 200).split(b"\n", 1)[0].strip()
    except OSError:
        return 0
    finally:
        os.close(fd)
    return int(first) if first.isdigit() and len(first) < 10 else 0
