"""Files named in a content file: opening one without hanging on a FIFO, and checking that an
image is a readable PNG, JPEG or SVG and that a folder path can be used."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from kiosk.core.content.text import TextError, quote
from kiosk.core.files import os_reason

MAX_FILE_BYTES = 1024 * 1024
"""A content file (or a language file) larger than this is refused before it is parsed."""


class NotRegularError(Exception):
    """A path that is not a regular file (a FIFO, a device, a socket, a folder)."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; :class:`NotRegularError` at once
    otherwise. Opening does not wait: a FIFO would make a plain ``open`` (and ``kiosk
    check``) hang until something writes to it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
            raise NotRegularError(f"it is {kind}, not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_SNIFF_BYTES = 4096
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_SVG_PROLOGUE = (("<?xml", "?>"), ("<!--", "-->"), ("<!doctype", ">"))
"""What may come before the <svg> root element: (opening, closing)."""


def _is_svg(text: str) -> bool:
    """Whether ``text`` starts with an <svg> element after an optional XML declaration,
    comments and doctype. Linear in the length of ``text``: no backtracking regex."""
    rest = text.lstrip("\ufeff").lstrip()
    while True:
        folded = rest[:9].lower()
        for opening, closing in _SVG_PROLOGUE:
            if folded.startswith(opening):
                if opening == "<!doctype" and "[" in rest.split(">", 1)[0]:
                    closing = "]>"  # a doctype with an internal subset: <!DOCTYPE svg [ ... ]>
                end = rest.find(closing, len(opening))
                if end < 0:
                    return False
                rest = rest[end + len(closing) :].lstrip()
                break
        else:
            return rest[:4].lower() == "<svg" and rest[4:5] in ("", " ", "\t", "\r", "\n", ">", "/")


def _image_kind(head: bytes) -> str | None:
    """Judge a file by its first bytes: "png", "jpeg", "svg", or None for anything else."""
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    if head.startswith(_JPEG_SIGNATURE):
        return "jpeg"
    if _is_svg(head.decode("utf-8", errors="replace")):
        return "svg"
    return None


def image_file(base_dir: Path, raw: str) -> Path:
    """``raw`` resolved from ``base_dir``, as an absolute path, if it is a readable image file;
    :class:`~.text.TextError` otherwise."""
    try:
        full = Path(os.path.abspath(base_dir / raw))
        info = full.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise TextError(
            f"file not found: {raw} (looked for {_abspath_text(base_dir, raw)})"
        ) from None
    except OSError as exc:
        raise TextError(f"cannot read the file: {raw} ({os_reason(exc)})") from None
    except ValueError:
        raise TextError(f"is not a usable file path: {quote(raw)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise TextError(f"is a folder, not an image file: {raw} ({full})")
    if not stat.S_ISREG(info.st_mode):
        raise TextError(f"is not a regular file: {raw} ({full})")
    try:
        with open_regular(full) as stream:
            head = stream.read(_SNIFF_BYTES)
    except NotRegularError:
        raise TextError(f"is not a regular file: {raw} ({full})") from None
    except OSError as exc:
        raise TextError(f"cannot read the file: {raw} ({os_reason(exc)})") from None
    if not head:
        raise TextError(f"the image file is empty: {raw} ({full})")
    if _image_kind(head) is None:
        raise TextError(
            f"is not a PNG, JPEG or SVG image: {raw} ({full}); "
            "its first bytes are not those of any of these formats"
        )
    return full


def folder(base_dir: Path, raw: str) -> Path:
    """``raw`` with ``~`` expanded, resolved from ``base_dir``, as an absolute path (the folder
    need not exist yet); :class:`~.text.TextError` if it cannot be used."""
    if "\0" in raw:
        raise TextError(f"is not a usable folder path: {quote(raw)}")
    expanded = os.path.expanduser(raw)  # unlike Path.expanduser, never raises
    if expanded.startswith("~"):
        user = raw[1:].split("/", 1)[0]
        whose = f"the user {user!r}" if user else "the user the kiosk runs as"
        raise TextError(
            f"starts with ~, but the home folder of {whose} is not known here: {quote(raw)}; "
            "write a full path instead"
        )
    return Path(os.path.abspath(base_dir / expanded))


def _abspath_text(base_dir: Path, raw: str) -> str:
    try:
        return os.path.abspath(base_dir / raw)
    except (OSError, ValueError):  # pragma: no cover - abspath only fails without a cwd
        return raw
