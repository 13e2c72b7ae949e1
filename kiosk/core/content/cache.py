"""The checked content, kept in the kiosk's data folder so that a kiosk starts without parsing
and checking content.yaml and its language files again when none of them has changed.

Parsing and checking (PyYAML, the schema, the language files) is most of what a start does
before Qt; with the cache a start reads one small file instead (benchmarks/startup.py).

It fails closed: the cache is used only when everything the check depended on is as it was
when it was written, and otherwise the content is read and checked in full, as without it.
What is compared:

- the bytes, and the file status, of content.yaml and of every language file it names;
- the status of every other file it names (the logo, the section images): device, inode,
  size, and change and modification times (the export folder is only a path to the check:
  it need not exist);
- the path given, the working folder, the home folder and ``/etc/passwd`` (relative paths,
  ``~`` and ``~user``);
- the program: its version, Python's, and the size and time of every module under
  ``kiosk/core`` (what parses and checks) and of PyYAML's (what reads the files);
- and every time zone the content names (listed in the key) must still load, as the check
  requires.

The files and time zones a start looks at are the ones the cache's key lists: the key is
written in the same file as the content it describes, so walking the content again at every
start would only find the same names.

A cache is written only after a full read, only when every one of those files is a regular
file, and only when none of them changed since two seconds before that read began (a save
during the read would otherwise be cached with what was read before it; the next start
writes it; content.yaml and the program must also be as they were when the read began).
Files are read as the check reads them: never waiting on a FIFO. The cache is a
pickle that may build only the content's own records and paths: anything else in it is
refused, and then the content is read in full. The data folder is the kiosk's own (0700, like
its database) and the file is 0600.
"""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
import stat
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path, PosixPath
from typing import Any

import kiosk
from kiosk.core.content.file_checks import MAX_FILE_BYTES, NotRegularError, open_regular
from kiosk.core.content.model import Content
from kiosk.core.files import os_reason, write_atomically
from kiosk.core.record import Record, fields
from kiosk.core.words import Words, words_for

FILE_NAME = "content.cache"
"""The cache's name in the data folder."""
FORMAT = 2
"""Raised when what the cache holds changes shape; an older cache is then not used."""
QUIET_SECONDS = 2.0
"""A file changed less than this long before the full read began is not cached (the margin
covers file systems that keep times to the second, or to two on FAT)."""

_CODE = Path(__file__).resolve().parent.parent  # kiosk/core: what parses and checks
_CONTENT_MODULES = frozenset(
    {
        "kiosk.core.content.model",
        "kiosk.core.form",
        "kiosk.core.hours",
        "kiosk.core.words",
    }
)
"""Where the content's records live: the only classes a cache may build (and paths)."""

Stamp = tuple[Any, ...]


class ContentCache:
    """Reads the content for a kiosk (:meth:`load`), from the cache in ``data_dir`` when it
    may, and afterwards writes the cache (:meth:`save`) if the content was read in full.

    ``now`` (seconds since the epoch) is injected by tests.
    """

    def __init__(self, data_dir: Path, now: Callable[[], float] = time.time) -> None:
        self.path = data_dir / FILE_NAME
        self._now = now
        self._pending: tuple[Path, Content, float, tuple[Stamp, Any]] | None = None
        self.from_cache = False

    def load(self, path: Path) -> Content:
        """The content of ``path`` in every language it has, as
        :func:`kiosk.core.i18n.load_localized` returns it. Raises ContentError."""
        cached = self._read(path)
        if cached is not None:
            self.from_cache = True
            return cached
        from kiosk.core.i18n import load_localized

        started = self._now()
        before = (_stamp(path), _program())
        content = load_localized(path)
        self._pending = (path, content, started, before)
        return content

    def save(self) -> str:
        """Write the cache if :meth:`load` read the content in full; a sentence for the log."""
        if self.from_cache:
            return f"content read from its cache ({self.path})"
        if self._pending is None:
            return "no content read"
        path, content, started, (stamp_before, program_before) = self._pending
        self._pending = None
        try:
            key = _key(path, *_depends_on(content))
        except OSError as error:
            return f"content cache not written: {error.filename}: {os_reason(error)}"
        odd = _not_regular(key)
        if odd is not None:
            return f"content cache not written: {odd} is not a regular file"
        if key["program"] != program_before:
            return "content cache not written: the program changed while the content was read"
        if key["texts"][0][1] != stamp_before:
            return (
                f"content cache not written: {path} changed while it was read; "
                "the next start writes it"
            )
        changed = _changed_since(key, started - QUIET_SECONDS)
        if changed is not None:
            return (
                f"content cache not written: {changed} changed while it was read; "
                "the next start writes it"
            )
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((key, content))
        try:
            write_atomically(self.path, buffer.getvalue(), 0o600)
        except OSError as error:
            return f"content cache not written to {self.path}: {os_reason(error)}"
        return f"content cache written ({self.path})"

    def _read(self, path: Path) -> Content | None:
        try:
            with open_regular(self.path) as stream:  # a FIFO there must not hold the start
                key, content = _Unpickler(stream).load()
            # The key names what the content depended on when both were written together:
            # those files as they are now, not a walk of the content, tell whether it holds.
            if not isinstance(content, Content) or key != _key(path, *_named_in(key)):
                return None
            for zone in key["zones"]:
                zoneinfo.ZoneInfo.no_cache(zone)  # gone from the zone data now: read in full
        except Exception:  # missing, unreadable, damaged, refused, stale: read in full
            return None
        return content


# --------------------------------------------------------------------------------------------
# What the content depended on


def _depends_on(content: Content) -> tuple[list[Path], set[str], set[str]]:
    """The language files, the other files and the time zones the checked ``content`` names."""
    files: set[str] = set()
    zones: set[str] = set()
    for name, value in _fields(content, "", set()):  # one walk for both
        if isinstance(value, Path) and name not in _ONLY_A_PATH:
            files.add(str(value))
        elif name == "time_zone" and isinstance(value, str):
            zones.add(value)
    return [t.path for t in content.languages.translations], files, zones


def _named_in(key: dict[str, Any]) -> tuple[list[Path], set[str], set[str]]:
    """What a cache's ``key`` says its content depended on, as :func:`_depends_on` gave it."""
    translations = [Path(name) for name, _, _ in key["texts"][1:]]
    return translations, {name for name, _ in key["files"]}, set(key["zones"])


def _key(path: Path, translations: list[Path], files: set[str], zones: set[str]) -> dict[str, Any]:
    """Everything the checked content of ``path`` depended on (its ``translations``, the other
    ``files`` and the time ``zones`` it names), as it is now."""
    texts = [Path(path), *translations]
    named = sorted(files - {str(p) for p in texts})
    return {
        "format": FORMAT,
        "program": _program(),
        "where": (
            str(path),
            os.getcwd(),
            os.path.expanduser("~"),
            _stamp(Path("/etc/passwd")),
        ),
        "texts": [(str(p), _stamp(p), _bytes(p)) for p in texts],
        "files": [(name, _stamp(Path(name))) for name in named],
        "zones": sorted(zones),  # each must still load (the read checks them)
    }


def _program() -> tuple[Any, ...]:
    """The version, Python's, and the size and time of what parses and checks (kiosk/core)
    and of what reads YAML (PyYAML's package, found without importing it)."""
    modules = []
    for folder, _, names in os.walk(_CODE):
        for name in names:
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                modules.append((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
    yaml = importlib.util.find_spec("yaml")
    if yaml is not None and yaml.origin is not None:
        with os.scandir(os.path.dirname(yaml.origin)) as entries:
            for entry in entries:
                if entry.is_file():
                    info = entry.stat()
                    modules.append((entry.path, info.st_size, info.st_mtime_ns))
    return (kiosk.__version__, sys.version, sorted(modules))


def _stamp(path: Path) -> Stamp:
    """A regular file's device, inode, size, change and modification times; for anything
    else only what it is."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return ("missing",)
    if stat.S_ISREG(info.st_mode):
        return ("file", info.st_dev, info.st_ino, info.st_size, info.st_ctime_ns, info.st_mtime_ns)
    return ("folder",) if stat.S_ISDIR(info.st_mode) else ("other", stat.S_IFMT(info.st_mode))


def _bytes(path: Path) -> bytes | None:
    """A regular file's bytes (at most one more than the check accepts), opened without
    waiting on a FIFO; None for anything else."""
    try:
        with open_regular(path) as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except (OSError, NotRegularError):
        return None


def _not_regular(key: dict[str, Any]) -> str | None:
    """The first file in ``key`` that is not a regular file (gone since the check), or None."""
    for name, stamp in _stamped(key):
        if stamp[0] != "file":
            return name
    return None


def _stamped(key: dict[str, Any]) -> list[tuple[str, Stamp]]:
    stamped: list[tuple[str, Stamp]] = [(name, stamp) for name, stamp, _ in key["texts"]]
    stamped.extend(key["files"])
    return stamped


def _changed_since(key: dict[str, Any], moment: float) -> str | None:
    """The first file in ``key`` changed at or after ``moment``, or None."""
    limit = int(moment * 1e9)
    for name, stamp in _stamped(key):
        if stamp[0] == "file" and max(stamp[4], stamp[5]) >= limit:
            return name
    return None


_ONLY_A_PATH = frozenset({"export_folder"})
"""Fields whose path the check resolves but never opens (a folder that need not exist)."""


def _fields(value: object, name: str, seen: set[int]) -> Iterator[tuple[str, object]]:
    """(field name, value) of every leaf in the content's records, tuples and dicts, each
    object once (content that shares one object many times cannot make this walk long)."""
    if id(value) in seen:
        return
    if isinstance(value, Record) and not isinstance(value, Words):
        seen.add(id(value))
        for field in fields(value):
            yield from _fields(getattr(value, field.name), field.name, seen)
    elif isinstance(value, tuple | list):
        seen.add(id(value))
        for item in value:
            yield from _fields(item, name, seen)
    elif isinstance(value, dict):
        seen.add(id(value))
        for item in value.values():
            yield from _fields(item, name, seen)
    else:
        yield name, value


# --------------------------------------------------------------------------------------------
# The file


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        # The program's words are read from its catalogue again (gettext's are not pickled).
        return ("words", obj.code) if isinstance(obj, Words) else None


_PATH_CLASS = (PosixPath.__module__, PosixPath.__qualname__)
"""How pickle names a path: ("pathlib", "PosixPath") up to Python 3.12, ("pathlib._local",
"PosixPath") from 3.13. A cache another Python wrote is refused (its key names that Python)
and written again."""


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "words":
            return words_for(str(pid[1]))
        raise pickle.UnpicklingError("not part of the content")

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == _PATH_CLASS:
            return PosixPath
        if module in _CONTENT_MODULES:
            found = getattr(sys.modules.get(module), name, None)
            if (
                isinstance(found, type)
                and issubclass(found, Record)
                and found is not Record
                and found.__module__ == module
            ):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the content")
