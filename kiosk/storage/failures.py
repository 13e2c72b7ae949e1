"""What went wrong with the request store's files, and moving a damaged database aside.

:class:`DatabaseFiles` knows the database file and its ``-wal`` and ``-shm``: it tells a failure
of SQLite or of the disk apart (the kind staff are told, and the sentence), moves a damaged
database aside instead of deleting it (``requests.db.corrupt-YYYYmmddTHHMMSSZ``, with its
``-wal`` and ``-shm``), keeps a ``-wal`` found without its database, refuses symbolic links and
takes group and other permissions off the files. Nothing here names a visitor's answer.

:class:`SaveError` (what every failure becomes for callers) is defined here and imported from
:mod:`kiosk.storage.store`, its public home.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.storage.records import SaveErrorKind

_log = logging.getLogger(__name__)

FILE_SUFFIXES = ("-wal", "-shm", "")
"""SQLite's files for one database, in the order they are moved aside (the database last, so a
crash half-way never leaves an old ``-wal`` beside a new database)."""

_LOW_SPACE_BYTES = 1 << 20
"""After an I/O error, less free space than this (or a file-size limit this close) means the
disk is full: SQLite says SQLITE_FULL only for ENOSPC, and a plain I/O error for EFBIG."""

# SQLite's primary result codes (an extended code keeps its primary one in its low byte).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_SET_ASIDE = re.compile(r"requests\.db\.(corrupt|orphaned)-(\d{8}T\d{6}Z)(\.\d{1,6})?(-wal|-shm)?")


class SaveError(Exception):
    """A request could not be saved (or the store could not be read).

    ``kind`` is one of ``"disk_full"``, ``"read_only"``, ``"locked"``, ``"corrupt"``,
    ``"other"``. ``str(error)`` is a short description for staff that names what failed and
    where, and never contains a visitor's answers.
    """

    def __init__(self, kind: SaveErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: SaveErrorKind = kind


SaveError.__module__ = "kiosk.storage.store"
"""Its public home, where every caller imports it from: tracebacks and logs name it so."""


class StoreError(Exception):
    """Raised inside the store; becomes a :class:`SaveError` with this kind and message."""

    def __init__(self, kind: SaveErrorKind, message: str, reason: str) -> None:
        super().__init__(message)
        self.kind: SaveErrorKind = kind
        self.reason = reason
        """A few words for the log (no visitor data)."""


def error_name(exc: BaseException) -> str:
    """A few words for the log about ``exc``: SQLite's error name, or the OS error's."""
    if isinstance(exc, StoreError):
        return exc.reason
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None)
        return str(name) if name else type(exc).__name__
    if isinstance(exc, OSError) and exc.errno is not None:
        return os.strerror(exc.errno)
    return type(exc).__name__


def classify_os_error(exc: OSError) -> SaveErrorKind:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "disk_full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "read_only"
    return "other"


@dataclass(frozen=True)
class SetAside:
    """A damaged database (or a -wal found without its database) moved aside: it may still
    hold visitors' answers, so retention removes it too, ``retention_days`` after it was moved."""

    name: str
    """``requests.db.corrupt-20261127T141502Z`` (its -wal and -shm, if any, go with it)."""
    moved_at: datetime
    """When it was moved aside, timezone-aware UTC (from its name)."""
    paths: tuple[Path, ...]
    """Its files on disk."""


class DatabaseFiles:
    """The database file ``path`` with its ``-wal`` and ``-shm``, in their folder."""

    def __init__(self, path: Path, clock: Callable[[], datetime]) -> None:
        self.path = path
        self.folder = path.parent
        self._clock = clock

    # -- telling failures apart ----------------------------------------------------------------

    def classify(self, exc: sqlite3.Error | OSError) -> SaveErrorKind:
        """What kind of failure ``exc`` is, for staff."""
        if isinstance(exc, OSError):
            return classify_os_error(exc)
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None:
            return "other"
        primary = int(code) & 0xFF
        if primary == _SQLITE_FULL:
            return "disk_full"
        if primary in (_SQLITE_READONLY, _SQLITE_PERM):
            return "read_only"
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "locked"
        if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return "corrupt"
        if primary == _SQLITE_IOERR and self._out_of_space():
            return "disk_full"
        if primary == _SQLITE_CANTOPEN and self.not_writable():
            return "read_only"
        return "other"

    def describe(self, kind: SaveErrorKind, exc: BaseException, busy_timeout_ms: int) -> str:
        """The sentence for staff about a failure of this ``kind``: what failed and where."""
        if kind == "disk_full":
            return f"the disk is full: could not write to {self.folder}"
        if kind == "read_only":
            if not self.path.exists() and not os.access(self.folder, os.W_OK):
                return f"the data folder is not writable: {self.folder}"
            return f"the database file is read-only: {self.path}"
        if kind == "locked":
            return (
                "the database is in use by another program "
                f"(still locked after {busy_timeout_ms} ms): {self.path}"
            )
        if kind == "corrupt":
            return f"the database file is damaged: {self.path}"
        return f"the database could not be used ({error_name(exc)}): {self.path}"

    def _out_of_space(self) -> bool:
        """After an I/O error: is the disk (nearly) full, or a file at the file-size limit?"""
        try:
            stats = os.statvfs(self.folder)
        except OSError:
            return False
        if stats.f_bavail * stats.f_frsize < _LOW_SPACE_BYTES:
            return True
        try:
            import resource  # Unix only, like the kiosk
        except ImportError:  # pragma: no cover
            return False
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft == resource.RLIM_INFINITY:
            return False
        for suffix in FILE_SUFFIXES:
            with contextlib.suppress(OSError):
                if os.stat(f"{self.path}{suffix}").st_size + _LOW_SPACE_BYTES >= soft:
                    return True
        return False

    def not_writable(self) -> bool:
        """Whether the database (or, while there is none, its folder) cannot be written."""
        if self.path.exists():
            return not os.access(self.path, os.R_OK | os.W_OK)
        return not os.access(self.folder, os.W_OK | os.X_OK)

    # -- moving aside ----------------------------------------------------------------------------

    def set_aside_damaged(self) -> str:
        """Move the damaged database and its -wal/-shm aside (closed first); the staff message."""
        try:
            target = self._move_aside("corrupt")
        except OSError as exc:
            _log.error(
                "request store: could not move the damaged database %s aside (%s)",
                self.path,
                error_name(exc),
            )
            return (
                f"the database file is damaged and could not be moved aside "
                f"({error_name(exc)}): {self.path}"
            )
        _log.error("request store: moved the damaged database aside to %s", target)
        return (
            f"the database file was damaged; it was moved aside to {target} "
            "and a new one will be started"
        )

    def set_aside_orphaned_wal(self) -> None:
        """A -wal without its database: SQLite would delete it; keep it for whoever looks."""
        wal = Path(f"{self.path}-wal")
        if self.path.exists() or not wal.exists() or wal.stat().st_size == 0:
            return
        target = self._move_aside("orphaned")
        _log.warning(
            "request store: %s had a -wal but no database; moved it aside to %s-wal",
            self.path,
            target,
        )

    def _move_aside(self, label: str) -> Path:
        """Rename the database's files to ``requests.db.<label>-<UTC time>[.n]``; that path.

        Never overwrites: a name any of whose files exists gets the next ``.n``.
        """
        now = self._clock().astimezone(UTC)
        base = f"{self.path.name}.{label}-{now:%Y%m%dT%H%M%SZ}"
        name, n = base, 0
        while any((self.folder / f"{name}{s}").exists() for s in FILE_SUFFIXES):
            n += 1
            name = f"{base}.{n}"
        target = self.folder / name
        for suffix in FILE_SUFFIXES:
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.rename(source, f"{target}{suffix}")
        return target

    def set_aside(self) -> list[SetAside]:
        """The databases moved aside in the folder, oldest first; OSError if it cannot be
        listed (none when there is no folder yet)."""
        found: dict[str, list[Path]] = {}
        moved: dict[str, datetime] = {}
        try:
            names = sorted(os.listdir(self.folder))
        except FileNotFoundError:
            return []
        for name in names:
            match = _SET_ASIDE.fullmatch(name)
            if match is None:
                continue
            stem = name.removesuffix(match.group(4) or "")
            found.setdefault(stem, []).append(self.folder / name)
            moved[stem] = datetime.strptime(match.group(2), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return sorted(
            (SetAside(stem, moved[stem], tuple(paths)) for stem, paths in found.items()),
            key=lambda aside: (aside.moved_at, aside.name),
        )

    # -- keeping the files the kiosk's own ---------------------------------------------------

    def refuse_links(self) -> None:
        """The database and its -wal and -shm are the kiosk's own files: never reached through
        a symbolic link (which could send visitors' answers, or a chmod, anywhere)."""
        for suffix in FILE_SUFFIXES:
            path = Path(f"{self.path}{suffix}")
            if path.is_symlink():
                raise StoreError(
                    "other",
                    f"{path} is a symbolic link (to {os.readlink(path)}); the kiosk does not "
                    "follow links for its own files: remove the link, and put the real file "
                    "there if it is the clinic's database",
                    "symlink",
                )

    def restrict_modes(self) -> None:
        """Take group and other permissions off the database files (never adds any)."""
        for suffix in FILE_SUFFIXES:
            path = f"{self.path}{suffix}"
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode):
                    continue  # never chmod through a link (opening refuses them anyway)
                mode = info.st_mode & 0o777
                if mode & 0o077:
                    os.chmod(path, mode & 0o700)
            except FileNotFoundError:
                continue
            except OSError as exc:
                _log.warning(
                    "request store: could not restrict the permissions of %s (%s)",
                    path,
                    error_name(exc),
                )
