"""Writing the kiosk's own small files so that a power cut never leaves half of one, and
saying in a few words why a file could not be used. One place for what the PIN vault, the
systemd units, the login session and the CSV export all need."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path


def write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` with ``mode`` so that a crash leaves the old file or the new
    one, never a mix: a temporary file in the same folder (``mode`` from before its first
    byte), fsync, rename over ``path``, fsync the folder. The folder must exist. On failure the
    temporary file is removed and the error raised; ``path`` is as it was."""
    import tempfile  # not at import: start-up reads files but does not write them

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            with contextlib.suppress(OSError):  # FAT cannot chmod; a umask may have taken bits
                os.fchmod(stream.fileno(), mode)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable. A file system that cannot fsync a folder
    is no failure (the data itself is on disk by then)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def os_reason(error: OSError) -> str:
    """What the system said went wrong ("No space left on device"), without the path."""
    return error.strerror or str(error)


Signature = tuple[int, int, int, int] | None
"""(device, inode, size, modification time in ns) of a file; None when it is missing."""


def signature(path: str | os.PathLike[str]) -> Signature:
    """What tells one version of a file from the next (a save in place or a rename over it)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
