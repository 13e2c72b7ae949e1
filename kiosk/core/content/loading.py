"""Reading a content file: :func:`load_content` (a file) and :func:`parse_content` (its text)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from kiosk.core.content.file_checks import MAX_FILE_BYTES, NotRegularError, open_regular
from kiosk.core.content.model import Content, ContentError, Problem, language_named
from kiosk.core.content.schema import CONTENT
from kiosk.core.content.yaml_nodes import (
    INVALID,
    Context,
    Refused,
    compose,
    line_of,
    mapping_value,
)
from kiosk.core.files import os_reason
from kiosk.core.record import replace


def load_content(path: Path) -> Content:
    """Read ``path`` as UTF-8 text and parse it with :func:`parse_content`.

    Relative paths in the file (logo, images) are resolved from the file's folder. A file that
    cannot be read, is not UTF-8 or is larger than ``MAX_FILE_BYTES`` raises ContentError with
    one problem on line 0.
    """
    source = str(path)
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(MAX_FILE_BYTES + 1)
    except NotRegularError as exc:
        raise _single(source, f"cannot read the file: {exc}") from exc
    except OSError as exc:
        raise _single(source, f"cannot read the file: {os_reason(exc)}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise _single(source, _too_large(max(size, len(data))))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _single(
            source,
            f"cannot read the file: it is not UTF-8 text (line {line} has the byte "
            f"0x{data[exc.start]:02X}); save it with the UTF-8 encoding",
        ) from exc
    return parse_content(text, source, path.parent)


def parse_content(text: str, source: str = "content.yaml", base_dir: Path | None = None) -> Content:
    """Parse and validate the text of a content file.

    ``source`` names the file in messages; ``base_dir`` is where relative paths are resolved
    (the current directory by default). Returns a frozen :class:`Content`, or raises one
    :class:`ContentError` listing every problem found, in line order. List indexes in key
    paths count from 0 (``article.sections[0]`` is the first section).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise _single(source, _too_large(size))
    ctx = Context(source, Path.cwd() if base_dir is None else base_dir)
    root = compose(ctx, text)
    values: Any = INVALID
    if root is None:
        if not ctx.problems:
            ctx.report(
                0, "", f"the file is empty; it must be a mapping with the keys {CONTENT.allowed}"
            )
    elif not isinstance(root, Refused):
        values = CONTENT(ctx, root, "", line_of(root))
    if ctx.problems or values is INVALID:
        raise ContentError(sorted(ctx.problems, key=lambda p: p.line))
    assert root is not None
    values = _with_hours_zone(root, values)
    return Content(source=source, language=language_named(values["languages"].default), **values)


def _with_hours_zone(root: Node, values: dict[str, Any]) -> dict[str, Any]:
    """Opening hours without a time_zone of their own are in staff.time_zone when the file
    gives one, and otherwise in the machine's local time (time_zone None)."""
    hours = values.get("opening_hours")
    if hours is None or hours.time_zone is not None:
        return values
    staff = mapping_value(root, "staff")
    if staff is None or mapping_value(staff, "time_zone") is None:
        return values
    zone = values["staff"].time_zone
    return {**values, "opening_hours": replace(hours, time_zone=zone)}


def _single(source: str, message: str) -> ContentError:
    return ContentError([Problem(source, 0, "", message)])


def _too_large(size: int) -> str:
    return (
        f"the file is too large ({size} bytes); a content file must be at most "
        f"{MAX_FILE_BYTES} bytes ({MAX_FILE_BYTES // 1024} KiB)"
    )
