"""Reading YAML as a node tree with line numbers: no anchors, no aliases, no exotic tags.

:func:`compose` turns a file's text into nodes (libyaml's parser when PyYAML has it, Python's
to explain a broken file); a :class:`Context` gathers the problems and turns a scalar node into
its value. Nothing here knows the keys of content.yaml.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.core.content.model import Problem
from kiosk.core.content.text import quote


class _Invalid:
    """The type of :data:`INVALID`."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()
"""Returned by a checker whose value had a problem (already reported)."""


CONSTRUCT_ERRORS = (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OverflowError)
"""What building a scalar can raise for a bad value, e.g. `!!int x` or the date 2026-13-45."""


class Context:
    """What every checker needs: where messages go, how to resolve paths (from ``base_dir``)
    and the loader that builds a scalar's value (set by :func:`compose`)."""

    __slots__ = ("base_dir", "loader", "problems", "source")

    def __init__(self, source: str, base_dir: Path) -> None:
        self.source = source
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self.loader: yaml.constructor.SafeConstructor | None = None

    def report(self, line: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, key, message))

    def report_got(self, node: Node, path: str, message: str, hint: str = "") -> Any:
        """Report ``message`` about ``node``, saying what it holds ("..., got a list"), then
        ``hint``; gives INVALID."""
        self.report(line_of(node), path, f"{message}, got {describe(self, node)}{hint}")
        return INVALID

    def scalar(self, node: ScalarNode, path: str) -> Any:
        """The Python value YAML gives ``node`` (int, float, bool, None, str...), or INVALID."""
        if self.loader is None:  # pragma: no cover - compose always sets it
            return node.value
        try:
            return self.loader.construct_object(node)
        except CONSTRUCT_ERRORS as e:
            reason = e.problem if isinstance(e, yaml.MarkedYAMLError) and e.problem else str(e)
            self.report(
                line_of(node),
                path,
                f"cannot read the value {quote(str(node.value))} ({reason}); "
                "if it is meant as text, put it in quotes",
            )
            return INVALID


def line_of(node: Node) -> int:
    """The line ``node`` starts on, counting from 1."""
    return mark_line(node.start_mark)


def mark_line(mark: yaml.Mark | None) -> int:
    return mark.line + 1 if mark is not None else 0


def join(path: str, name: str) -> str:
    """The key path of ``name`` under ``path`` (``form`` and ``title``: ``form.title``)."""
    return f"{path}.{name}" if path else name


def mapping_value(node: Node, key: str) -> Node | None:
    """The value node under ``key`` if ``node`` is a mapping that has it."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def describe(ctx: Context, node: Node) -> str:
    """Name what ``node`` holds, for "got ..." in a message."""
    if isinstance(node, MappingNode):
        return "a mapping of 'key: value' lines"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        try:
            value = ctx.loader.construct_object(node) if ctx.loader is not None else node.value
        except CONSTRUCT_ERRORS:
            value = str(node.value)
        return describe_value(node, value)
    return "something else"  # pragma: no cover - yaml only makes these three kinds


def describe_value(node: Node, value: Any) -> str:
    """Name a scalar's value, quoting what was written."""
    raw = str(node.value)
    if value is None:
        return "nothing" if raw == "" else f"{quote(raw)}, which YAML reads as nothing"
    if isinstance(value, bool):
        return f"the yes/no value {quote(raw)}"
    if isinstance(value, (int, float)):
        return f"the number {raw}"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, datetime.date):
        return f"the date {raw}"
    return quote(raw)


# --------------------------------------------------------------------------------------------
# Composing the node tree

_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in (
        "str", "int", "float", "bool", "null", "seq", "map",
        "binary", "timestamp", "omap", "pairs", "set",
    )
)  # fmt: skip
"""The YAML 1.1 tags the safe loader builds; written out so nothing registered later widens it."""

_ALIAS_MESSAGE = "anchors and aliases (& and *) are not allowed; write the value out in full"


class Refused(ScalarNode):
    """Stands in for a node that was refused while composing (reported once, then skipped)."""

    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__("tag:yaml.org,2002:null", "", mark, mark)


class _Refusing(yaml.composer.Composer):
    """Composing that refuses anchors, aliases and non-standard tags (a mix-in for a loader).

    Aliases are never resolved, so an alias bomb ("billion laughs") costs nothing. Each refusal
    is recorded with the node it concerns; a refused alias or tagged value is replaced by a
    :class:`Refused` node, so the checkers skip it without a second message.
    """

    refusals: list[tuple[Node, str]]

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        parser = cast("yaml.parser.Parser", self)  # Python's or libyaml's, mixed in beside
        if parser.check_event(yaml.AliasEvent):
            event: Any = parser.get_event()  # type: ignore[no-untyped-call]
            refused = Refused(event.start_mark)
            self.refusals.append((refused, _ALIAS_MESSAGE))
            return refused
        event = parser.peek_event()  # type: ignore[no-untyped-call]
        anchor_at = None
        if getattr(event, "anchor", None) is not None:
            event.anchor = None  # never registered, so nothing can refer to it
            anchor_at = len(self.refusals)  # keep the anchor before what it contains
            self.refusals.append((Refused(event.start_mark), _ALIAS_MESSAGE))
        tag = getattr(event, "tag", None)
        start_mark = event.start_mark
        node = super().compose_node(parent, index)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            node = Refused(start_mark)
            self.refusals.append((node, _tag_message(tag)))
        if anchor_at is not None and node is not None:
            self.refusals[anchor_at] = (node, _ALIAS_MESSAGE)
        return node


class Loader(_Refusing, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader, refusing as :class:`_Refusing` says. It gives the
    messages a broken file is explained with."""

    def __init__(self, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)
        self.refusals = []


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class FastLoader(
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

    FAST: type[FastLoader] | None = FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    FAST = None


def _tag_message(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    shown = "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag
    return (
        f"the YAML tag {shown!r} is not allowed; write plain values without a tag "
        "(nothing starting with !)"
    )


def compose(ctx: Context, text: str) -> Node | None:
    """Compose ``text`` into a node tree, reporting syntax errors and refusals to ``ctx``.

    Returns the root node, None for an empty document, or a :class:`Refused` when the text
    could not be composed at all. libyaml's parser reads it when it can; a file it finds
    broken is read again by Python's, whose messages and lines the problems are told with.
    """
    if FAST is not None:
        try:
            fast = FAST(text)
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
    loader: Loader | None = None
    root = Refused(None)
    try:
        loader = Loader(text)
        ctx.loader = loader
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        ctx.report(mark_line(exc.problem_mark), "", _yaml_error_message(exc))
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


def _report_refusals(ctx: Context, loader: _Refusing, root: Node | None) -> None:
    if not loader.refusals:
        return
    paths = _node_paths(root) if root is not None and not isinstance(root, Refused) else {}
    reported: set[tuple[int, str]] = set()
    for node, message in loader.refusals:
        node_line = line_of(node)
        if (node_line, message) not in reported:  # one per line is enough
            reported.add((node_line, message))
            ctx.report(node_line, paths.get(id(node), ""), message)


def _node_paths(root: Node) -> dict[int, str]:
    """The key path of every node in the tree, by ``id(node)``; keys get their own path."""
    paths: dict[int, str] = {}
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:  # iterative: the tree may be deep
        node, path = stack.pop()
        paths[id(node)] = path
        if isinstance(node, MappingNode):
            for key, value in node.value:
                named = isinstance(key, ScalarNode) and not isinstance(key, Refused)
                child = join(path, str(key.value)) if named else path
                stack.append((key, child))
                stack.append((value, child))
        elif isinstance(node, SequenceNode):
            for index, value in enumerate(node.value):
                stack.append((value, f"{path}[{index}]"))
    return paths


def _yaml_error_message(exc: yaml.MarkedYAMLError) -> str:
    """Say what PyYAML found wrong, with its context ("while parsing ...") where it helps."""
    problem = exc.problem or exc.context or "unknown problem"
    context_line = mark_line(exc.context_mark)
    on_line = f" on line {context_line}" if context_line else ""
    if exc.problem and exc.context and exc.problem.startswith("but "):
        # e.g. "expected a single document in the stream" + "but found another document"
        return f"this is not valid YAML: {exc.context}{on_line}, {exc.problem}"
    message = f"this is not valid YAML: {problem}"
    if exc.problem and exc.context:
        if context_line == mark_line(exc.problem_mark):
            on_line = ""
        message += f" ({exc.context}{on_line})"
    return message
