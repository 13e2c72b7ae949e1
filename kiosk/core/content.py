"""The clinic's content: parsed and validated from ``content.yaml``.

``parse_content(text, source, base_dir)`` is a pure function: it turns the file's text into a
frozen :class:`Content` or raises one :class:`ContentError` that lists every problem found,
each as ``FILE:LINE: key.path: what is wrong and what is expected``.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import errno
import os
import re
import stat
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.core.colors import (
    WCAG_AA_LARGE_TEXT,
    WCAG_AA_NORMAL_TEXT,
    contrast_ratio,
    parse_hex_color,
)
from kiosk.core.files import os_reason
from kiosk.core.form import (
    DEFAULT_MAX_LENGTH,
    FIELD_TYPES,
    FIRST_NAME_PLACEHOLDER,
    MAX_CHOICES,
    MAX_FIELD_LENGTH,
    MULTILINE_LIMIT,
    AtLeastOneOf,
    FieldType,
    FormField,
    FormSpec,
    Thanks,
)
from kiosk.core.hours import (
    CLOSED,
    CLOSED_DISPLAYS,
    DAY_NAMES,
    DEFAULT_WAKE_MINUTES,
    RANGE_EXAMPLE,
    DayError,
    OpeningHours,
    parse_day,
)
from kiosk.core.regions import PHONE_REGIONS
from kiosk.core.words import ENGLISH, KNOWN_LANGUAGES, RIGHT_TO_LEFT_CODES, Language, Words

__all__ = [
    "Article",
    "Branding",
    "Colors",
    "Content",
    "ContentError",
    "Notices",
    "OpeningHours",
    "Problem",
    "Section",
    "Staff",
    "Timing",
    "load_content",
    "parse_content",
]

MAX_FILE_BYTES = 1024 * 1024
"""A content file larger than this is refused before it is parsed."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    source: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:" if self.line > 0 else f"{self.source}:"
        key = f" {self.key}:" if self.key else ""
        return f"{where}{key} {self.message}"


class ContentError(Exception):
    """Every problem found in one content file, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Colors:
    background: str
    text: str
    heading: str
    header_background: str
    header_text: str
    footer_background: str
    footer_text: str
    accent: str


@dataclass(frozen=True)
class Branding:
    name: str
    logo: Path
    colors: Colors


@dataclass(frozen=True)
class Notices:
    crisis_line: str
    disclaimer: str


@dataclass(frozen=True)
class Timing:
    words_per_minute: float = 200.0
    extra_seconds: float = 4.0
    min_seconds: float = 8.0
    max_seconds: float = 60.0
    fade_ms: int = 600
    idle_resume_seconds: float = 45.0
    form_idle_seconds: float = 60.0
    still_there_seconds: float = 20.0
    thanks_seconds: float = 12.0


@dataclass(frozen=True)
class Section:
    heading: str | None
    paragraphs: tuple[str, ...]
    image: Path | None = None
    image_description: str | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class Article:
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Staff:
    """How the staff side behaves (all optional in content.yaml)."""

    long_press_seconds: float = 3.0
    lock_after_seconds: float = 60.0
    retention_days: int = 90
    time_zone: str = "UTC"
    export_folder: Path = Path("~/clinic-kiosk-exports")


@dataclass(frozen=True)
class TranslationFile:
    """A file with the clinic's text in another language (``languages.translations``)."""

    code: str
    path: Path
    line: int
    """The line of content.yaml that names it."""


@dataclass(frozen=True)
class LanguageSettings:
    """``languages:``: the language content.yaml is written in, and the other languages' files."""

    default: str = "en"
    translations: tuple[TranslationFile, ...] = ()


@dataclass(frozen=True)
class Content:
    source: str
    content_version: str
    clinic: Branding
    notices: Notices
    timing: Timing
    article: Article
    form: FormSpec
    staff: Staff = Staff()
    opening_hours: OpeningHours | None = None
    """When the kiosk is awake; None (no ``opening_hours:`` in the file) is always."""
    languages: LanguageSettings = LanguageSettings()
    language: Language = field(default_factory=Language)
    """The language this content is in (content.yaml's own: ``languages.default``)."""
    words: Words = ENGLISH
    """The program's own words in :attr:`language` (set by :mod:`kiosk.core.i18n`)."""
    language_names: tuple[tuple[str, str], ...] = ()
    """Every language a visitor can choose, as (code, name in its own script), the default
    first (set by :mod:`kiosk.core.i18n`; empty: no language buttons)."""
    translations: tuple[Content, ...] = ()
    """The same content in each other language, filled in by
    :func:`kiosk.core.i18n.load_localized` (the default's text where a translation lacks it)."""


# --------------------------------------------------------------------------------------------
# Public entry points


def load_content(path: Path) -> Content:
    """Read ``path`` as UTF-8 text and parse it with :func:`parse_content`.

    Relative paths in the file (logo, images) are resolved from the file's folder. A file that
    cannot be read, is not UTF-8 or is larger than ``MAX_FILE_BYTES`` raises ContentError with
    one problem on line 0.
    """
    source = str(path)
    try:
        with _open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(MAX_FILE_BYTES + 1)
    except _NotRegularError as exc:
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


class _NotRegularError(Exception):
    """A path that is not a regular file (a FIFO, a device, a socket, a folder)."""


def _open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; :class:`_NotRegularError` at once
    otherwise. Opening does not wait: a FIFO would make a plain ``open`` (and ``kiosk
    check``) hang until something writes to it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or socket"
            raise _NotRegularError(f"it is {kind}, not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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
    ctx = _Context(source, Path.cwd() if base_dir is None else base_dir)
    root = _compose(ctx, text)
    values: Any = _INVALID
    if root is None:
        if not ctx.problems:
            ctx.report(
                0, "", f"the file is empty; it must be a mapping with the keys {_CONTENT.allowed}"
            )
    elif not isinstance(root, _Refused):
        values = _CONTENT(ctx, root, "", _line(root))
    if ctx.problems or values is _INVALID:
        raise ContentError(sorted(ctx.problems, key=lambda p: p.line))
    assert root is not None
    values = _with_hours_zone(root, values)
    return Content(source=source, language=language_named(values["languages"].default), **values)


def language_named(code: str) -> Language:
    """The kiosk's knowledge of language ``code`` (its name in its own script, direction and
    keyboard), or a plain entry named by its code."""
    known = KNOWN_LANGUAGES.get(code)
    if known is not None:
        return known
    base = code.split("_")[0]
    return Language(code, code, base in RIGHT_TO_LEFT_CODES, code if "_" in code else "en_US")


def _with_hours_zone(root: Node, values: dict[str, Any]) -> dict[str, Any]:
    """Opening hours without a time_zone of their own are in staff.time_zone when the file
    gives one, and otherwise in the machine's local time (time_zone None)."""
    hours = values.get("opening_hours")
    if hours is None or hours.time_zone is not None:
        return values
    staff = _mapping_value(root, "staff")
    if staff is None or _mapping_value(staff, "time_zone") is None:
        return values
    zone = values["staff"].time_zone
    return {**values, "opening_hours": dataclasses.replace(hours, time_zone=zone)}


def _mapping_value(node: Node, key: str) -> Node | None:
    """The value node under ``key`` if ``node`` is a mapping that has it."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


# --------------------------------------------------------------------------------------------
# Composing the YAML node tree (no anchors, no aliases, no exotic tags)

_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in (
        "str", "int", "float", "bool", "null", "seq", "map",
        "binary", "timestamp", "omap", "pairs", "set",
    )
)  # fmt: skip
"""The YAML 1.1 tags the safe loader builds; written out so nothing registered later widens it."""

_ALIAS_MESSAGE = "anchors and aliases (& and *) are not allowed; write the value out in full"


class _Refused(ScalarNode):
    """Stands in for a node that was refused while composing (reported once, then skipped)."""

    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__("tag:yaml.org,2002:null", "", mark, mark)


class _Refusing(yaml.composer.Composer):
    """Composing that refuses anchors, aliases and non-standard tags (a mix-in for a loader).

    Aliases are never resolved, so an alias bomb ("billion laughs") costs nothing. Each refusal
    is recorded with the node it concerns; a refused alias or tagged value is replaced by a
    :class:`_Refused` node, so the checkers skip it without a second message.
    """

    refusals: list[tuple[Node, str]]

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        parser = cast("yaml.parser.Parser", self)  # Python's or libyaml's, mixed in beside
        if parser.check_event(yaml.AliasEvent):
            event: Any = parser.get_event()  # type: ignore[no-untyped-call]
            refused = _Refused(event.start_mark)
            self.refusals.append((refused, _ALIAS_MESSAGE))
            return refused
        event = parser.peek_event()  # type: ignore[no-untyped-call]
        anchor_at = None
        if getattr(event, "anchor", None) is not None:
            event.anchor = None  # never registered, so nothing can refer to it
            anchor_at = len(self.refusals)  # keep the anchor before what it contains
            self.refusals.append((_Refused(event.start_mark), _ALIAS_MESSAGE))
        tag = getattr(event, "tag", None)
        start_mark = event.start_mark
        node = super().compose_node(parent, index)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            node = _Refused(start_mark)
            self.refusals.append((node, _tag_message(tag)))
        if anchor_at is not None and node is not None:
            self.refusals[anchor_at] = (node, _ALIAS_MESSAGE)
        return node


class _Loader(_Refusing, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader, refusing as :class:`_Refusing` says. It gives the
    messages a broken file is explained with."""

    def __init__(self, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)
        self.refusals = []


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(
        _Refusing,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """The same composing on libyaml's parser (about ten times quicker: start-up reads
        content.yaml before the first page). Python's composer comes first in the MRO, so the
        refusals above still see every event; libyaml only scans and parses."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.refusals = []

    _FAST: type[_FastLoader] | None = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _FAST = None


def _tag_message(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    shown = "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag
    return (
        f"the YAML tag {shown!r} is not allowed; write plain values without a tag "
        "(nothing starting with !)"
    )


def _compose(ctx: _Context, text: str) -> Node | None:
    """Compose ``text`` into a node tree, reporting syntax errors and refusals to ``ctx``.

    Returns the root node, None for an empty document, or a :class:`_Refused` when the text
    could not be composed at all. libyaml's parser reads it when it can; a file it finds
    broken is read again by Python's, whose messages and lines the problems are told with.
    """
    if _FAST is not None:
        try:
            fast = _FAST(text)
        except ValueError:  # text libyaml cannot take (lone surrogates): Python's explains
            fast = None
        if fast is not None:
            try:
                root = fast.get_single_node()
            except (yaml.YAMLError, RecursionError, ValueError):
                pass  # Python's loader says what is wrong, below
            else:
                ctx.loader = fast
                _report_refusals(ctx, fast, root)
                return root
            finally:
                fast.dispose()
    loader: _Loader | None = None
    root = _Refused(None)
    try:
        loader = _Loader(text)
        ctx.loader = loader
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        ctx.report(_mark_line(exc.problem_mark), "", _yaml_error_message(exc))
    except yaml.reader.ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        char = exc.character if isinstance(exc.character, int) else 0
        ctx.report(
            text[:position].count("\n") + 1,
            "",
            f"this is not valid YAML: it contains the character U+{char:04X}, "
            "which YAML does not allow",
        )
    except yaml.YAMLError as exc:
        ctx.report(0, "", f"this is not valid YAML: {exc}")
    except RecursionError:
        ctx.report(0, "", "the file is nested too deeply to read (too many levels of indentation)")
    finally:
        if loader is not None:
            loader.dispose()
    if loader is not None:
        _report_refusals(ctx, loader, root)
    return root


def _report_refusals(ctx: _Context, loader: _Refusing, root: Node | None) -> None:
    if not loader.refusals:
        return
    paths = _node_paths(root) if root is not None and not isinstance(root, _Refused) else {}
    reported: set[tuple[int, str]] = set()
    for node, message in loader.refusals:
        line = _line(node)
        if (line, message) not in reported:  # one per line is enough
            reported.add((line, message))
            ctx.report(line, paths.get(id(node), ""), message)


def _node_paths(root: Node) -> dict[int, str]:
    """The key path of every node in the tree, by ``id(node)``; keys get their own path."""
    paths: dict[int, str] = {}
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:  # iterative: the tree may be deep
        node, path = stack.pop()
        paths[id(node)] = path
        if isinstance(node, MappingNode):
            for key, value in node.value:
                named = isinstance(key, ScalarNode) and not isinstance(key, _Refused)
                child = _join(path, str(key.value)) if named else path
                stack.append((key, child))
                stack.append((value, child))
        elif isinstance(node, SequenceNode):
            for index, value in enumerate(node.value):
                stack.append((value, f"{path}[{index}]"))
    return paths


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _yaml_error_message(exc: yaml.MarkedYAMLError) -> str:
    """Say what PyYAML found wrong, with its context ("while parsing ...") where it helps."""
    problem = exc.problem or exc.context or "unknown problem"
    context_line = _mark_line(exc.context_mark)
    on_line = f" on line {context_line}" if context_line else ""
    if exc.problem and exc.context and exc.problem.startswith("but "):
        # e.g. "expected a single document in the stream" + "but found another document"
        return f"this is not valid YAML: {exc.context}{on_line}, {exc.problem}"
    message = f"this is not valid YAML: {problem}"
    if exc.problem and exc.context:
        if context_line == _mark_line(exc.problem_mark):
            on_line = ""
        message += f" ({exc.context}{on_line})"
    return message


# --------------------------------------------------------------------------------------------
# The validation machinery: a small table-driven schema


class _Invalid:
    """The type of :data:`_INVALID`."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Any = _Invalid()
"""Returned by a checker whose value had a problem (already reported)."""


_CONSTRUCT_ERRORS = (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OverflowError)
"""What building a scalar can raise for a bad value, e.g. `!!int x` or the date 2026-13-45."""


@dataclass
class _Context:
    """What every checker needs: where messages go and how to resolve paths."""

    source: str
    base_dir: Path
    problems: list[Problem] = field(default_factory=list)
    loader: yaml.constructor.SafeConstructor | None = None

    def report(self, line: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, key, message))

    def scalar(self, node: ScalarNode, path: str) -> Any:
        """The Python value YAML gives ``node`` (int, float, bool, None, str...), or _INVALID."""
        if self.loader is None:  # pragma: no cover - parse_content always sets it
            return node.value
        try:
            return self.loader.construct_object(node)
        except _CONSTRUCT_ERRORS as e:
            reason = e.problem if isinstance(e, yaml.MarkedYAMLError) and e.problem else str(e)
            self.report(
                _line(node),
                path,
                f"cannot read the value {_quote(str(node.value))} ({reason}); "
                "if it is meant as text, put it in quotes",
            )
            return _INVALID


class _Checker(Protocol):
    """Checks one value node; returns the converted value or _INVALID (after reporting)."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any: ...


@dataclass(frozen=True)
class _Field:
    """One key of a mapping: how to check its value, and whether it must be there."""

    check: _Checker
    required: bool = True
    default: Callable[[], Any] | None = None


_CrossCheck = Callable[[_Context, str, Mapping[str, "_Got"]], None]


@dataclass(frozen=True)
class _Got:
    """A checked value and the line of the key it was found under."""

    value: Any
    line: int


@dataclass(frozen=True)
class _MappingOf:
    """A mapping with a fixed set of keys, each checked by its :class:`_Field`.

    ``build`` turns the checked values (only keys present, or with a default) into the result;
    ``cross_checks`` see every key present (value or _INVALID, and line), for rules that join
    several keys.
    """

    fields: Mapping[str, _Field]
    build: Callable[[dict[str, Any]], Any]
    cross_checks: tuple[_CrossCheck, ...] = ()

    @property
    def allowed(self) -> str:
        return ", ".join(self.fields)

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        if not isinstance(node, MappingNode):
            ctx.report(
                _line(node),
                path,
                f"{'' if path else 'the top level '}"
                f"must be a mapping of 'key: value' lines (allowed keys: {self.allowed}), "
                f"got {_describe(ctx, node)}",
            )
            return _INVALID
        got: dict[str, _Got] = {}
        seen: dict[str, int] = {}
        ok = True
        for key_node, value_node in node.value:
            if isinstance(key_node, _Refused):
                ok = False
                continue
            key_line = _line(key_node)
            if not isinstance(key_node, ScalarNode):
                ctx.report(
                    key_line,
                    path,
                    f"a key must be a single word, got {_describe(ctx, key_node)}",
                )
                ok = False
                continue
            name = str(key_node.value)
            key_path = _join(path, name)
            if name in seen:
                ctx.report(
                    key_line,
                    key_path,
                    f"appears more than once (first on line {seen[name]}); keep only one",
                )
                ok = False
                continue
            seen[name] = key_line
            spec = self.fields.get(name)
            if spec is None:
                ctx.report(key_line, key_path, self._unknown_key_message(name))
                ok = False
                continue
            if isinstance(value_node, _Refused):
                value = _INVALID
            else:
                value = spec.check(ctx, value_node, key_path, key_line)
            got[name] = _Got(value, key_line)
            ok = ok and value is not _INVALID
        for name, spec in self.fields.items():
            if name in seen:
                continue
            if spec.required:
                where = f"under '{path}'" if path else "at the top level"
                ctx.report(
                    line,
                    _join(path, name),
                    f"is required but missing; add '{name}:' {where}",
                )
                ok = False
            elif spec.default is not None:
                got[name] = _Got(spec.default(), line)
        for cross_check in self.cross_checks:
            cross_check(ctx, path, got)
        if not ok:
            return _INVALID
        return self.build({name: g.value for name, g in got.items()})

    def _unknown_key_message(self, name: str) -> str:
        message = "is not a known key"
        close = difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        return f"{message} (allowed here: {self.allowed})"


_ListCheck = Callable[[_Context, str, Sequence["_Got"]], None]


@dataclass(frozen=True)
class _ListOf:
    """A list of ``least`` to ``most`` items, each checked by ``item``; gives a tuple.

    ``cross_checks`` see every item (value or _INVALID, and the line it starts on), for rules
    that join several items, such as "no two alike".
    """

    item: _Checker
    what: str
    least: int = 1
    most: int | None = None
    cross_checks: tuple[_ListCheck, ...] = ()

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        if not isinstance(node, SequenceNode):
            ctx.report(
                _line(node),
                path,
                f"must be a list of {self.what}, each starting with '- ', "
                f"got {_describe(ctx, node)}",
            )
            return _INVALID
        count = len(node.value)
        if count == 0 and self.least > 0:
            at_least = "one of the" if self.least == 1 else str(self.least)
            ctx.report(_line(node), path, f"must list at least {at_least} {self.what}, got none")
            return _INVALID
        if count < self.least or (self.most is not None and count > self.most):
            limit = f"at least {self.least}" if count < self.least else f"at most {self.most}"
            ctx.report(_line(node), path, f"must list {limit} {self.what}, got {count}")
            return _INVALID
        items = []
        for index, child in enumerate(node.value):
            if isinstance(child, _Refused):
                items.append(_Got(_INVALID, _line(child)))
            else:
                value = self.item(ctx, child, f"{path}[{index}]", _line(child))
                items.append(_Got(value, _line(child)))
        for cross_check in self.cross_checks:
            cross_check(ctx, path, items)
        if any(item.value is _INVALID for item in items):
            return _INVALID
        return tuple(item.value for item in items)


@dataclass(frozen=True)
class _Text:
    """Non-empty text; ``convert`` turns the (unstripped) string into the result."""

    convert: Callable[[str], Any] = str.strip

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        value = _text_value(ctx, node, path, "text")
        if value is _INVALID:
            return _INVALID
        return self.convert(value)


def _text_value(ctx: _Context, node: Node, path: str, what: str) -> Any:
    """The string in ``node`` if it is non-empty text; otherwise report and give _INVALID."""
    if not isinstance(node, ScalarNode):
        ctx.report(_line(node), path, f"must be {what}, got {_describe(ctx, node)}")
        return _INVALID
    value = ctx.scalar(node, path)
    if value is _INVALID:
        return _INVALID
    if value is None or (isinstance(value, str) and not value.strip()):
        ctx.report(
            _line(node),
            path,
            f"must not be empty; expected {what}, got {_describe_value(node, value)}",
        )
        return _INVALID
    if not isinstance(value, str):
        ctx.report(
            _line(node),
            path,
            f"must be {what}, got {_describe_value(node, value)}; "
            "put it in quotes if it is meant as text",
        )
        return _INVALID
    return value


@dataclass(frozen=True)
class _Color:
    """A colour written as "#RRGGBB" or "#RGB"; gives "#RRGGBB" in upper case."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        expected = 'a colour written as "#RRGGBB" or "#RGB" in quotes, like "#1B1B1B"'
        if isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.value == "":
            ctx.report(
                _line(node),
                path,
                f"must be {expected}, got nothing (a # outside quotes starts a comment, "
                "so put the colour in quotes)",
            )
            return _INVALID
        if not isinstance(node, ScalarNode):
            ctx.report(_line(node), path, f"must be {expected}, got {_describe(ctx, node)}")
            return _INVALID
        value = ctx.scalar(node, path)
        if value is _INVALID:
            return _INVALID
        text = value.strip() if isinstance(value, str) else None
        try:
            rgb = parse_hex_color(text) if text is not None else None
        except ValueError:
            rgb = None
        if rgb is None:
            ctx.report(_line(node), path, f"must be {expected}, got {_describe_value(node, value)}")
            return _INVALID
        return "#{:02X}{:02X}{:02X}".format(*rgb)


@dataclass(frozen=True)
class _ImageFile:
    """The path of an existing, readable PNG, JPEG or SVG file; gives an absolute Path."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        raw = _text_value(ctx, node, path, "the path of an image file")
        if raw is _INVALID:
            return _INVALID
        raw = raw.strip()
        problem, full = _check_image_file(ctx.base_dir, raw)
        if problem:
            ctx.report(_line(node), path, problem)
            return _INVALID
        return full


@dataclass(frozen=True)
class _Number:
    """A number (int or float, not a yes/no value) from ``low`` to ``high`` inclusive."""

    low: float
    high: float
    unit: str
    integer: bool = False

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        kind = "a whole number" if self.integer else "a number"
        if not isinstance(node, ScalarNode):
            ctx.report(
                _line(node),
                path,
                f"must be {kind} of {self.unit}, got {_describe(ctx, node)}",
            )
            return _INVALID
        value = ctx.scalar(node, path)
        if value is _INVALID:
            return _INVALID
        wanted = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            hint = ""
            if isinstance(value, str) and node.style and _looks_like_number(value):
                hint = "; write the number without quotes"
            ctx.report(
                _line(node),
                path,
                f"must be {kind} of {self.unit}, got {_describe_value(node, value)}{hint}",
            )
            return _INVALID
        if not self.low <= value <= self.high:
            ctx.report(
                _line(node),
                path,
                f"must be between {_num(self.low)} and {_num(self.high)} {self.unit}, "
                f"got {node.value}",
            )
            return _INVALID
        return int(value) if self.integer else float(value)


_YES_NO = frozenset({"true", "false", "yes", "no", "on", "off"})


@dataclass(frozen=True)
class _Bool:
    """true or false (YAML reads yes/no and on/off as these too); gives a bool."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        if not isinstance(node, ScalarNode):
            ctx.report(_line(node), path, f"must be true or false, got {_describe(ctx, node)}")
            return _INVALID
        value = ctx.scalar(node, path)
        if value is _INVALID:
            return _INVALID
        if not isinstance(value, bool):
            hint = ""
            if isinstance(value, str) and node.style and value.strip().lower() in _YES_NO:
                hint = "; write it without quotes"
            ctx.report(
                _line(node),
                path,
                f"must be true or false, got {_describe_value(node, value)}{hint}",
            )
            return _INVALID
        return value


@dataclass(frozen=True)
class _OneOf:
    """One of a fixed set of words, such as a field type; gives the word."""

    options: tuple[str, ...]
    what: str

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        value = _text_value(ctx, node, path, f"one of the {self.what}")
        if value is _INVALID:
            return _INVALID
        word = value.strip()
        if word not in self.options:
            message = (
                f"must be one of the {self.what} ({', '.join(self.options)}), got {_quote(word)}"
            )
            close = difflib.get_close_matches(word.lower(), self.options, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
            ctx.report(_line(node), path, message)
            return _INVALID
        return word


_FIELD_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class _FieldKey:
    """The key of a form field: a short name used in the database and in exports."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        value = _text_value(ctx, node, path, "a field key")
        if value is _INVALID:
            return _INVALID
        key = value.strip()
        if not _FIELD_KEY.fullmatch(key):
            ctx.report(
                _line(node),
                path,
                "must be a short name of lower-case letters, digits and _, starting with a "
                f"letter, at most 40 characters (like best_time), got {_quote(key)}",
            )
            return _INVALID
        return key


@dataclass(frozen=True)
class _Region:
    """A two-letter country code that the phone number library knows; gives it in upper case."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        expected = 'a two-letter country code, like "US", "CA" or "GB"'
        value = _text_value(ctx, node, path, expected)
        if value is _INVALID:
            return _INVALID
        code = value.strip()
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            ctx.report(_line(node), path, f"must be {expected}, got {_quote(code)}")
            return _INVALID
        if code.upper() not in PHONE_REGIONS:
            ctx.report(
                _line(node),
                path,
                "must be a two-letter country code that the phone number check knows, "
                f'like "US", "CA" or "GB", got {_quote(code)}',
            )
            return _INVALID
        return code.upper()


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class _ThanksTitle:
    """Text that may contain {first_name}, and no other {...} placeholder."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        value = _text_value(ctx, node, path, "text")
        if value is _INVALID:
            return _INVALID
        title = value.strip()
        others = [p for p in _PLACEHOLDER.findall(title) if p != FIRST_NAME_PLACEHOLDER]
        if others:
            ctx.report(
                _line(node),
                path,
                f"may only contain the placeholder {FIRST_NAME_PLACEHOLDER} (the visitor's "
                f"first name), got {', '.join(others)} in {_quote(title)}",
            )
            return _INVALID
        return title


@dataclass(frozen=True)
class _Located:
    """Checks a value with ``check``; gives a _Got of the value and the line it is on, so a
    rule that joins keys further up can point at it."""

    check: _Checker

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        value = self.check(ctx, node, path, line)
        return _INVALID if value is _INVALID else _Got(value, line)


@dataclass(frozen=True)
class _TimeZone:
    """An IANA time zone name that :class:`zoneinfo.ZoneInfo` can load; gives the name."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        expected = "a time zone name like America/New_York"
        value = _text_value(ctx, node, path, expected)
        if value is _INVALID:
            return _INVALID
        name = value.strip()
        try:
            zoneinfo.ZoneInfo(name)
        except Exception:  # ZoneInfoNotFoundError (a KeyError), ValueError, OSError...
            ctx.report(_line(node), path, f"must be {expected}, got {_quote(name)}")
            return _INVALID
        return name


@dataclass(frozen=True)
class _Folder:
    """The path of a folder, which need not exist yet; ``~`` is the home folder and a relative
    path is resolved from the content file's folder. Gives an absolute Path."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        raw = _text_value(ctx, node, path, "the path of a folder")
        if raw is _INVALID:
            return _INVALID
        raw = raw.strip()
        problem, full = _folder_path(ctx.base_dir, raw)
        if problem:
            ctx.report(_line(node), path, problem)
            return _INVALID
        return full


@dataclass(frozen=True)
class _Day:
    """One day of opening_hours: "closed" or ranges like "08:00-12:30, 13:30-18:00"; gives a
    tuple of :class:`~kiosk.core.hours.Span` (empty when closed)."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        expected = f"{CLOSED} or opening times in quotes, like {RANGE_EXAMPLE}"
        if not isinstance(node, ScalarNode):
            hint = ""
            if isinstance(node, SequenceNode):
                hint = "; write all of a day's ranges on one line, separated by commas"
            ctx.report(_line(node), path, f"must be {expected}, got {_describe(ctx, node)}{hint}")
            return _INVALID
        value = ctx.scalar(node, path)
        if value is _INVALID:
            return _INVALID
        if value is None or (isinstance(value, str) and not value.strip()):
            ctx.report(
                _line(node),
                path,
                f"must not be empty; expected {expected}, got {_describe_value(node, value)} "
                f"(leave the day out or write {CLOSED} for a closed day)",
            )
            return _INVALID
        if not isinstance(value, str):
            hint = f"; write {CLOSED} for a closed day" if isinstance(value, bool) else ""
            ctx.report(
                _line(node), path, f"must be {expected}, got {_describe_value(node, value)}{hint}"
            )
            return _INVALID
        try:
            return parse_day(value)
        except DayError as error:
            for message in dict.fromkeys(error.messages):  # each once, in order
                ctx.report(_line(node), path, message)
            return _INVALID


@dataclass(frozen=True)
class _Hours:
    """The opening_hours mapping, which must open on at least one day."""

    mapping: _MappingOf

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        hours = self.mapping(ctx, node, path, line)
        if hours is not _INVALID and hours.never_open:
            ctx.report(
                line,
                path,
                "gives no opening times, so the kiosk would always sleep; add the hours of at "
                'least one day, like monday: "08:00-18:00", or remove opening_hours to keep '
                "the kiosk awake all the time",
            )
            return _INVALID
        return hours


# --------------------------------------------------------------------------------------------
# Small helpers


def _line(node: Node) -> int:
    return _mark_line(node.start_mark)


def _mark_line(mark: yaml.Mark | None) -> int:
    return mark.line + 1 if mark is not None else 0


def _single(source: str, message: str) -> ContentError:
    return ContentError([Problem(source, 0, "", message)])


def _too_large(size: int) -> str:
    return (
        f"the file is too large ({size} bytes); a content file must be at most "
        f"{MAX_FILE_BYTES} bytes ({MAX_FILE_BYTES // 1024} KiB)"
    )


def _quote(text: str, limit: int = 60) -> str:
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_NUMBER_TEXT = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")


def _looks_like_number(text: str) -> bool:
    return _NUMBER_TEXT.fullmatch(text) is not None


def _describe(ctx: _Context, node: Node) -> str:
    """Name what ``node`` holds, for "got ..." in a message."""
    if isinstance(node, MappingNode):
        return "a mapping of 'key: value' lines"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        try:
            value = ctx.loader.construct_object(node) if ctx.loader is not None else node.value
        except _CONSTRUCT_ERRORS:
            value = str(node.value)
        return _describe_value(node, value)
    return "something else"  # pragma: no cover - yaml only makes these three kinds


def _describe_value(node: Node, value: Any) -> str:
    """Name a scalar's value, quoting what was written."""
    raw = str(node.value)
    if value is None:
        return "nothing" if raw == "" else f"{_quote(raw)}, which YAML reads as nothing"
    if isinstance(value, bool):
        return f"the yes/no value {_quote(raw)}"
    if isinstance(value, (int, float)):
        return f"the number {raw}"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, datetime.date):
        return f"the date {raw}"
    return _quote(raw)


# --------------------------------------------------------------------------------------------
# Text


_BLANK_LINES = re.compile(r"\n[ \t\r]*\n")
_LINE_SPACE = re.compile(r"[ \t\r\n]+")


def _paragraphs(body: str) -> tuple[str, ...]:
    """Split ``body`` into paragraphs at blank lines, folding line breaks and runs of spaces."""
    folded = (_LINE_SPACE.sub(" ", chunk).strip(" ") for chunk in _BLANK_LINES.split(body))
    return tuple(p for p in folded if p)


# --------------------------------------------------------------------------------------------
# Image files


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


def _check_image_file(base_dir: Path, raw: str) -> tuple[str | None, Path | None]:
    """Resolve ``raw`` from ``base_dir`` and check it is a readable image file.

    Returns (problem message, None) or (None, absolute path).
    """
    try:
        full = Path(os.path.abspath(base_dir / raw))
        info = full.stat()
    except (FileNotFoundError, NotADirectoryError):
        return f"file not found: {raw} (looked for {_abspath_text(base_dir, raw)})", None
    except OSError as exc:
        return f"cannot read the file: {raw} ({os_reason(exc)})", None
    except ValueError:
        return f"is not a usable file path: {_quote(raw)}", None
    if stat.S_ISDIR(info.st_mode):
        return f"is a folder, not an image file: {raw} ({full})", None
    if not stat.S_ISREG(info.st_mode):
        return f"is not a regular file: {raw} ({full})", None
    try:
        with _open_regular(full) as stream:
            head = stream.read(_SNIFF_BYTES)
    except _NotRegularError:
        return f"is not a regular file: {raw} ({full})", None
    except OSError as exc:
        return f"cannot read the file: {raw} ({os_reason(exc)})", None
    if not head:
        return f"the image file is empty: {raw} ({full})", None
    if _image_kind(head) is None:
        return (
            f"is not a PNG, JPEG or SVG image: {raw} ({full}); "
            "its first bytes are not those of any of these formats",
            None,
        )
    return None, full


def _folder_path(base_dir: Path, raw: str) -> tuple[str | None, Path | None]:
    """Expand ``~`` in ``raw`` and resolve it from ``base_dir``.

    Returns (problem message, None) or (None, absolute path).
    """
    if "\0" in raw:
        return f"is not a usable folder path: {_quote(raw)}", None
    expanded = os.path.expanduser(raw)  # unlike Path.expanduser, never raises
    if expanded.startswith("~"):
        user = raw[1:].split("/", 1)[0]
        whose = f"the user {user!r}" if user else "the user the kiosk runs as"
        return (
            f"starts with ~, but the home folder of {whose} is not known here: {_quote(raw)}; "
            "write a full path instead",
            None,
        )
    return None, Path(os.path.abspath(base_dir / expanded))


def _abspath_text(base_dir: Path, raw: str) -> str:
    try:
        return os.path.abspath(base_dir / raw)
    except (OSError, ValueError):  # pragma: no cover - abspath only fails without a cwd
        return raw


# --------------------------------------------------------------------------------------------
# Cross-key rules


_CONTRAST_PAIRS = (
    ("text", "background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    ("heading", "background", WCAG_AA_LARGE_TEXT, "for large text"),
    ("accent", "background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    ("header_text", "header_background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    ("footer_text", "footer_background", WCAG_AA_NORMAL_TEXT, "so the text can be read"),
    # Control edges (WCAG 1.4.11): Cancel, filled in the background colour, on the header band.
    ("background", "header_background", WCAG_AA_LARGE_TEXT, "so a button's edge can be seen"),
)
"""(colour, the colour it is drawn on, the least contrast, why)."""


def _format_ratio(ratio: float) -> str:
    """The ratio cut (not rounded) to two decimals, so 4.48 never shows as 4.5."""
    text = f"{int(ratio * 100) / 100:.2f}".rstrip("0").rstrip(".")
    return text


def _valid(got: Mapping[str, _Got], *names: str) -> bool:
    """Whether every one of ``names`` was given and passed its own check."""
    return all(name in got and got[name].value is not _INVALID for name in names)


def _check_contrast(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    for fore, back, least, why in _CONTRAST_PAIRS:
        if not _valid(got, fore, back):
            continue
        ratio = contrast_ratio(parse_hex_color(got[fore].value), parse_hex_color(got[back].value))
        if ratio < least:
            ctx.report(
                got[fore].line,
                f"{path}.{fore}",
                f"contrast with {path}.{back} is {_format_ratio(ratio)}:1; it must be at least "
                f"{_num(least)}:1 (WCAG AA) {why}",
            )


def _check_timing_limits(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    if not _valid(got, "max_seconds"):
        return
    maximum = got["max_seconds"].value
    if "min_seconds" in got:
        if not _valid(got, "min_seconds"):
            return
        minimum, origin = got["min_seconds"].value, ""
    else:
        minimum, origin = Timing.min_seconds, ", the default"
    if maximum < minimum:
        ctx.report(
            got["max_seconds"].line,
            f"{path}.max_seconds",
            f"must be at least min_seconds ({_num(minimum)}{origin}), got {_num(maximum)}",
        )


def _check_image_description(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    if "image" in got and "image_description" not in got:
        ctx.report(
            got["image"].line,
            f"{path}.image_description",
            "is required when a section has an image; describe what the image shows "
            "for people who cannot see it",
        )


@dataclass(frozen=True)
class _Distinct:
    """A list check: no two items alike (compared by ``name``; ignoring case if ``fold``);
    each repeat is reported at its own line, with ``advice``."""

    advice: str
    name: Callable[[Any], str] = str
    suffix: str = ""
    """Added to the item's key path in the message, e.g. ".key"."""
    fold: bool = False

    def __call__(self, ctx: _Context, path: str, items: Sequence[_Got]) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.value is _INVALID:
                continue
            name = self.name(item.value)
            first = seen.setdefault(name.casefold() if self.fold else name, index)
            if first == index:
                continue
            where = f"{path}[{first}]"
            if items[first].line != item.line:
                where += f" (line {items[first].line})"
            ctx.report(
                item.line,
                f"{path}[{index}]{self.suffix}",
                f"repeats {_quote(name)} from {where}; {self.advice}",
            )


def _a(word: str) -> str:
    """``word`` with "a" or "an" before it."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _check_field_options(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    """choices only on a choice field (and required there); max_length only where it limits."""
    if not _valid(got, "type"):
        return
    kind = got["type"].value
    if kind == "choice" and "choices" not in got:
        ctx.report(
            got["type"].line,
            f"{path}.choices",
            "is required for a choice field but missing; add 'choices:' with the answers to "
            'pick from, like ["Morning", "Afternoon"]',
        )
    if kind != "choice" and "choices" in got:
        ctx.report(
            got["choices"].line,
            f"{path}.choices",
            f"is only allowed on a choice field, and this is {_a(kind)} field; remove it "
            "or change the type to choice",
        )
    if "max_length" not in got:
        return
    if kind in ("choice", "consent"):
        ctx.report(
            got["max_length"].line,
            f"{path}.max_length",
            f"is not allowed on {_a(kind)} field (the visitor types nothing there); remove it",
        )
    elif kind == "multiline" and _valid(got, "max_length"):
        length = got["max_length"].value
        if length > MULTILINE_LIMIT:
            ctx.report(
                got["max_length"].line,
                f"{path}.max_length",
                f"must be at most {MULTILINE_LIMIT} characters for a multiline field, got {length}",
            )


def _unknown_field_message(name: str, keys: Sequence[str], listed: str) -> str:
    message = f"{_quote(name)} is not the key of any field"
    close = difflib.get_close_matches(name, list(keys), n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]!r}?"
    shown = ", ".join(keys) if keys else "none"
    return f"{message} ({listed}: {shown})"


_REACHABLE_TYPES: tuple[FieldType, ...] = ("text", "phone", "email")
"""The field types an at_least_one_of rule may name."""


def _check_rule_fields(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    """Each rule names fields that exist and that a visitor types into."""
    if not _valid(got, "fields", "rules"):
        return
    fields: dict[str, FormField] = {}
    for form_field in got["fields"].value:
        fields.setdefault(form_field.key, form_field)
    for index, rule in enumerate(got["rules"].value):
        where = f"{path}.rules[{index}].at_least_one_of"
        for name in rule.value.fields:
            form_field = fields.get(name)
            if form_field is None:
                ctx.report(
                    rule.line, where, _unknown_field_message(name, list(fields), "field keys")
                )
            elif form_field.type not in _REACHABLE_TYPES:
                ctx.report(
                    rule.line,
                    where,
                    f"may only name text, phone and email fields, got {_quote(name)}, "
                    f"which is {_a(form_field.type)} field",
                )


def _check_name_field(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    """thanks.name_field names a text field."""
    if not _valid(got, "fields", "thanks") or "name_field" not in got["thanks"].value:
        return
    located: _Got = got["thanks"].value["name_field"]
    name = located.value
    fields = {f.key: f for f in reversed(got["fields"].value)}  # the first of a repeated key
    text_keys = [f.key for f in got["fields"].value if f.type == "text"]
    where = f"{path}.thanks.name_field"
    if name not in fields:
        ctx.report(located.line, where, _unknown_field_message(name, text_keys, "text fields"))
    elif fields[name].type != "text":
        shown = ", ".join(text_keys) if text_keys else "none"
        ctx.report(
            located.line,
            where,
            f"must name a text field, got {_quote(name)}, which is "
            f"{_a(fields[name].type)} field (text fields: {shown})",
        )


# --------------------------------------------------------------------------------------------
# The schema of content.yaml. To add a top-level section, add a key here and a field to Content.


def _build_section(values: dict[str, Any]) -> Section:
    return Section(
        heading=values.get("heading"),
        paragraphs=values["body"],
        image=values.get("image"),
        image_description=values.get("image_description"),
        seconds=values.get("seconds"),
    )


_COLORS = _MappingOf(
    fields={
        name: _Field(_Color())
        for name in (
            "background",
            "text",
            "heading",
            "header_background",
            "header_text",
            "footer_background",
            "footer_text",
            "accent",
        )
    },
    build=lambda values: Colors(**values),
    cross_checks=(_check_contrast,),
)

_CLINIC = _MappingOf(
    fields={
        "name": _Field(_Text()),
        "logo": _Field(_ImageFile()),
        "colors": _Field(_COLORS),
    },
    build=lambda values: Branding(**values),
)

_NOTICES = _MappingOf(
    fields={
        "crisis_line": _Field(_Text()),
        "disclaimer": _Field(_Text()),
    },
    build=lambda values: Notices(**values),
)

_TIMING = _MappingOf(
    fields={
        "words_per_minute": _Field(_Number(50, 1000, "words per minute"), required=False),
        "extra_seconds": _Field(_Number(0, 120, "seconds"), required=False),
        "min_seconds": _Field(_Number(1, 600, "seconds"), required=False),
        "max_seconds": _Field(_Number(1, 3600, "seconds"), required=False),
        "fade_ms": _Field(_Number(0, 5000, "milliseconds", integer=True), required=False),
        "idle_resume_seconds": _Field(_Number(1, 3600, "seconds"), required=False),
        "form_idle_seconds": _Field(_Number(10, 3600, "seconds"), required=False),
        # WCAG 2.2.1: at least 20 seconds to answer a time-out warning.
        "still_there_seconds": _Field(_Number(20, 300, "seconds"), required=False),
        "thanks_seconds": _Field(_Number(3, 120, "seconds"), required=False),
    },
    build=lambda values: Timing(**values),
    cross_checks=(_check_timing_limits,),
)

_SECTION = _MappingOf(
    fields={
        "heading": _Field(_Text(), required=False),
        "body": _Field(_Text(_paragraphs)),
        "image": _Field(_ImageFile(), required=False),
        "image_description": _Field(_Text(), required=False),
        "seconds": _Field(_Number(1, 3600, "seconds"), required=False),
    },
    build=_build_section,
    cross_checks=(_check_image_description,),
)

_ARTICLE = _MappingOf(
    fields={
        "title": _Field(_Text()),
        "sections": _Field(_ListOf(_SECTION, "sections")),
    },
    build=lambda values: Article(**values),
)


def _build_form_field(values: dict[str, Any]) -> FormField:
    kind: FieldType = values["type"]
    return FormField(
        key=values["key"],
        type=kind,
        label=values["label"],
        required=values.get("required", False),
        hint=values.get("hint"),
        choices=values.get("choices", ()),
        max_length=values.get("max_length", DEFAULT_MAX_LENGTH[kind]),
    )


def _build_form(values: dict[str, Any]) -> FormSpec:
    thanks = values["thanks"]
    name_field = thanks.get("name_field")
    return FormSpec(
        button_label=values["button_label"],
        title=values["title"],
        intro=values["intro"],
        emergency_notice=values["emergency_notice"],
        submit_label=values["submit_label"],
        cancel_label=values["cancel_label"],
        phone_region=values["phone_region"],
        fields=values["fields"],
        rules=tuple(rule.value for rule in values["rules"]),
        thanks=Thanks(
            title=thanks["title"],
            body=thanks["body"],
            name_field=None if name_field is None else name_field.value,
        ),
    )


_FORM_FIELD = _MappingOf(
    fields={
        "key": _Field(_FieldKey()),
        "type": _Field(_OneOf(FIELD_TYPES, "field types")),
        "label": _Field(_Text()),
        "required": _Field(_Bool(), required=False),
        "hint": _Field(_Text(), required=False),
        "choices": _Field(
            _ListOf(
                _Text(),
                "choices",
                most=MAX_CHOICES,
                cross_checks=(_Distinct("each choice must be different", fold=True),),
            ),
            required=False,
        ),
        "max_length": _Field(
            _Number(1, MAX_FIELD_LENGTH, "characters", integer=True), required=False
        ),
    },
    build=_build_form_field,
    cross_checks=(_check_field_options,),
)

_RULE = _MappingOf(
    fields={
        "at_least_one_of": _Field(
            _ListOf(
                _Text(),
                "field keys",
                least=2,
                cross_checks=(_Distinct("name each field once"),),
            )
        ),
        "message": _Field(_Text()),
    },
    build=lambda values: AtLeastOneOf(fields=values["at_least_one_of"], message=values["message"]),
)

_THANKS = _MappingOf(
    fields={
        "title": _Field(_ThanksTitle()),
        "body": _Field(_Text()),
        "name_field": _Field(_Located(_Text()), required=False),
    },
    build=dict,  # made into Thanks by _build_form, once name_field has been checked
)

_FORM = _MappingOf(
    fields={
        "button_label": _Field(_Text()),
        "title": _Field(_Text()),
        "intro": _Field(_Text()),
        "emergency_notice": _Field(_Text()),
        "submit_label": _Field(_Text()),
        "cancel_label": _Field(_Text()),
        "phone_region": _Field(_Region()),
        "fields": _Field(
            _ListOf(
                _FORM_FIELD,
                "fields",
                cross_checks=(
                    _Distinct("each field needs its own key", lambda f: f.key, suffix=".key"),
                ),
            )
        ),
        "rules": _Field(_ListOf(_Located(_RULE), "rules", least=0), required=False, default=tuple),
        "thanks": _Field(_THANKS),
    },
    build=_build_form,
    cross_checks=(_check_rule_fields, _check_name_field),
)


def _build_staff(values: dict[str, Any]) -> Staff:
    """A Staff from the keys given; export_folder is always absolute, even the default."""
    folder = values.get("export_folder")
    if folder is None:
        folder = Path(os.path.abspath(os.path.expanduser(Staff.export_folder)))
    return Staff(**{**values, "export_folder": folder})


_STAFF = _MappingOf(
    fields={
        "long_press_seconds": _Field(_Number(1, 30, "seconds"), required=False),
        "lock_after_seconds": _Field(_Number(10, 3600, "seconds"), required=False),
        "retention_days": _Field(_Number(1, 3650, "days", integer=True), required=False),
        "time_zone": _Field(_TimeZone(), required=False),
        "export_folder": _Field(_Folder(), required=False),
    },
    build=_build_staff,
)


def _build_opening_hours(values: dict[str, Any]) -> OpeningHours:
    return OpeningHours(
        days=tuple(values.get(name, ()) for name in DAY_NAMES),  # a day left out is closed
        time_zone=values.get("time_zone"),  # None: staff.time_zone or local (_with_hours_zone)
        wake_minutes=values.get("wake_minutes", DEFAULT_WAKE_MINUTES),
        closed_display=values.get("closed_display", "dim"),
    )


_OPENING_HOURS = _Hours(
    _MappingOf(
        fields={
            **{name: _Field(_Day(), required=False) for name in DAY_NAMES},
            "time_zone": _Field(_TimeZone(), required=False),
            "wake_minutes": _Field(_Number(1, 120, "minutes", integer=True), required=False),
            "closed_display": _Field(_OneOf(CLOSED_DISPLAYS, "choices"), required=False),
        },
        build=_build_opening_hours,
    )
)

_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?")
LANGUAGE_CODE_EXAMPLE = 'a language code like "en", "es", "zh" or "pt_BR"'


@dataclass(frozen=True)
class _LanguageCode:
    """A language code: two or three lower-case letters, optionally _ and a region or script."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        value = _text_value(ctx, node, path, LANGUAGE_CODE_EXAMPLE)
        if value is _INVALID:
            return _INVALID
        code = value.strip()
        if not _LANGUAGE_CODE.fullmatch(code):
            ctx.report(_line(node), path, f"must be {LANGUAGE_CODE_EXAMPLE}, got {_quote(code)}")
            return _INVALID
        return code


@dataclass(frozen=True)
class _TranslationFiles:
    """``code: path`` lines: each language's file, which must be there; gives a tuple of
    :class:`TranslationFile`."""

    def __call__(self, ctx: _Context, node: Node, path: str, line: int) -> Any:
        if not isinstance(node, MappingNode):
            ctx.report(
                _line(node),
                path,
                "must be a mapping of 'code: file' lines, like es: resources/languages/es.yaml, "
                f"got {_describe(ctx, node)}",
            )
            return _INVALID
        files: list[TranslationFile] = []
        seen: set[str] = set()
        ok = True
        for key_node, value_node in node.value:
            if isinstance(key_node, _Refused) or isinstance(value_node, _Refused):
                ok = False
                continue
            code = _LanguageCode()(ctx, key_node, path, _line(key_node))
            key_path = _join(path, str(getattr(key_node, "value", "")))
            raw = _text_value(ctx, value_node, key_path, "the path of a language file")
            if code is _INVALID or raw is _INVALID:
                ok = False
                continue
            if code in seen:
                ctx.report(_line(key_node), key_path, "appears more than once; keep only one")
                ok = False
                continue
            seen.add(code)
            full = ctx.base_dir / os.path.expanduser(raw.strip())
            if not full.is_file():
                ctx.report(
                    _line(value_node),
                    key_path,
                    f"the file {_quote(raw.strip())} is not there (looked for {full}); "
                    "check the path (relative to this file's folder)",
                )
                ok = False
                continue
            files.append(TranslationFile(code, full, _line(key_node)))
        return tuple(files) if ok else _INVALID


def _check_default_not_translated(ctx: _Context, path: str, got: Mapping[str, _Got]) -> None:
    if not _valid(got, "default", "translations"):
        return
    default = got["default"].value
    for file in got["translations"].value:
        if file.code == default:
            ctx.report(
                file.line,
                f"{path}.translations.{file.code}",
                f"is the default language ({default}), which is this file's own text; remove it",
            )


_LANGUAGES = _MappingOf(
    fields={
        "default": _Field(_LanguageCode(), required=False),
        "translations": _Field(_TranslationFiles(), required=False),
    },
    build=lambda values: LanguageSettings(**values),
    cross_checks=(_check_default_not_translated,),
)

_CONTENT = _MappingOf(
    fields={
        "content_version": _Field(_Text()),
        "clinic": _Field(_CLINIC),
        "notices": _Field(_NOTICES),
        "timing": _Field(_TIMING, required=False, default=Timing),
        "form": _Field(_FORM),
        "staff": _Field(_STAFF, required=False, default=lambda: _build_staff({})),
        "article": _Field(_ARTICLE),
        "opening_hours": _Field(_OPENING_HOURS, required=False),
        "languages": _Field(_LANGUAGES, required=False, default=LanguageSettings),
    },
    build=dict,
)
