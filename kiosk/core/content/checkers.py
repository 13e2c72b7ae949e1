"""The validation machinery: a small table-driven schema.

A checker is called with a value node and its key path; it gives the value it found, or
reports what is wrong to the :class:`~.yaml_nodes.Context` and gives ``INVALID``. A
:class:`MappingOf` checks each key of a mapping with its :class:`Field` and builds the model
from the values; a :class:`ListOf` checks each item of a list; :class:`Text` checks a text
and hands it to a parser that knows what it must be.

These are plain classes rather than dataclasses: making a dataclass costs about a millisecond
at import, and this module is imported before the kiosk paints its first page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.core.content.text import TextError, did_you_mean
from kiosk.core.content.yaml_nodes import INVALID, Context, Refused, describe_value, join, line_of


class Checker(Protocol):
    """Checks one value node; returns the converted value or INVALID (after reporting)."""

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any: ...


class Field:
    """One key of a mapping: how to check its value, and whether it must be there. A key that
    is left out gets ``default()`` if there is one, or else the model's own default.

    ``attribute`` is the model's name for the key when it is not the key itself (``body`` is
    a Section's ``paragraphs``). ``translated`` marks a text visitors read, which a language
    file may give in its language (:mod:`kiosk.core.i18n` finds them here).
    """

    __slots__ = ("attribute", "check", "default", "required", "translated")

    def __init__(
        self,
        check: Checker,
        required: bool = True,
        default: Callable[[], Any] | None = None,
        *,
        attribute: str | None = None,
        translated: bool = False,
    ) -> None:
        self.check = check
        self.required = required
        self.default = default
        self.attribute = attribute
        self.translated = translated


class Got:
    """A checked value and the line of the key it was found under."""

    __slots__ = ("line", "value")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


CrossCheck = Callable[[Context, str, Mapping[str, Got]], None]
"""A rule that joins several keys of one mapping: (ctx, the mapping's path, what was found)."""
ListCheck = Callable[[Context, str, Sequence[Got]], None]
"""A rule that joins several items of one list: (ctx, the list's path, its items)."""


def valid(got: Mapping[str, Got], *names: str) -> bool:
    """Whether every one of ``names`` was given and passed its own check."""
    return all(name in got and got[name].value is not INVALID for name in names)


class MappingOf:
    """A mapping with a fixed set of keys, each checked by its :class:`Field`.

    ``build`` turns the checked values (only keys present, or with a default), given as
    keyword arguments, into the result: the model's record, or a function where a key is not
    the field's name. ``cross_checks`` see every key present (value or INVALID, and line), for
    rules that join several keys.
    """

    __slots__ = ("build", "cross_checks", "fields")

    def __init__(
        self,
        fields: Mapping[str, Field],
        build: Callable[..., Any],
        cross_checks: tuple[CrossCheck, ...] = (),
    ) -> None:
        self.fields = fields
        self.build = build
        self.cross_checks = cross_checks

    @property
    def allowed(self) -> str:
        return ", ".join(self.fields)

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any:
        if not isinstance(node, MappingNode):
            return ctx.report_got(
                node,
                path,
                f"{'' if path else 'the top level '}"
                f"must be a mapping of 'key: value' lines (allowed keys: {self.allowed})",
            )
        got: dict[str, Got] = {}
        seen: dict[str, int] = {}
        ok = True
        for key_node, value_node in node.value:
            if isinstance(key_node, Refused):
                ok = False
                continue
            key_line = line_of(key_node)
            if not isinstance(key_node, ScalarNode):
                ctx.report_got(key_node, path, "a key must be a single word")
                ok = False
                continue
            name = str(key_node.value)
            key_path = join(path, name)
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
                message = f"is not a known key{did_you_mean(name, list(self.fields))}"
                ctx.report(key_line, key_path, f"{message} (allowed here: {self.allowed})")
                ok = False
                continue
            if isinstance(value_node, Refused):
                value = INVALID
            else:
                value = spec.check(ctx, value_node, key_path, key_line)
            got[name] = Got(value, key_line)
            ok = ok and value is not INVALID
        for name, spec in self.fields.items():
            if name in seen:
                continue
            if spec.required:
                where = f"under '{path}'" if path else "at the top level"
                ctx.report(
                    line,
                    join(path, name),
                    f"is required but missing; add '{name}:' {where}",
                )
                ok = False
            elif spec.default is not None:
                got[name] = Got(spec.default(), line)
        for cross_check in self.cross_checks:
            cross_check(ctx, path, got)
        if not ok:
            return INVALID
        return self.build(**{self.attribute(name): g.value for name, g in got.items()})

    def attribute(self, name: str) -> str:
        """The model's name for key ``name``."""
        return self.fields[name].attribute or name


class ListOf:
    """A list of ``least`` to ``most`` items, each checked by ``item``; gives a tuple.

    ``cross_checks`` see every item (value or INVALID, and the line it starts on), for rules
    that join several items, such as "no two alike". A language file names an item by its
    index (``article.sections[0]``), or by its ``keyed_by`` attribute (``form.fields.name``).
    """

    __slots__ = ("cross_checks", "item", "keyed_by", "least", "most", "what")

    def __init__(
        self,
        item: Checker,
        what: str,
        least: int = 1,
        most: int | None = None,
        cross_checks: tuple[ListCheck, ...] = (),
        keyed_by: str | None = None,
    ) -> None:
        self.item = item
        self.what = what
        self.least = least
        self.most = most
        self.cross_checks = cross_checks
        self.keyed_by = keyed_by

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any:
        if not isinstance(node, SequenceNode):
            return ctx.report_got(
                node, path, f"must be a list of {self.what}, each starting with '- '"
            )
        count = len(node.value)
        if count == 0 and self.least > 0:
            at_least = "one of the" if self.least == 1 else str(self.least)
            ctx.report(line_of(node), path, f"must list at least {at_least} {self.what}, got none")
            return INVALID
        if count < self.least or (self.most is not None and count > self.most):
            limit = f"at least {self.least}" if count < self.least else f"at most {self.most}"
            ctx.report(line_of(node), path, f"must list {limit} {self.what}, got {count}")
            return INVALID
        items = []
        for index, child in enumerate(node.value):
            if isinstance(child, Refused):
                items.append(Got(INVALID, line_of(child)))
            else:
                value = self.item(ctx, child, f"{path}[{index}]", line_of(child))
                items.append(Got(value, line_of(child)))
        for cross_check in self.cross_checks:
            cross_check(ctx, path, items)
        if any(item.value is INVALID for item in items):
            return INVALID
        return tuple(item.value for item in items)


class Located:
    """Checks a value with ``check``; gives a :class:`Got` of the value and the line it is on,
    so a rule that joins keys further up can point at it."""

    __slots__ = ("check",)

    def __init__(self, check: Checker) -> None:
        self.check = check

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any:
        value = self.check(ctx, node, path, line)
        return INVALID if value is INVALID else Got(value, line)


def scalar_value(ctx: Context, node: Node, path: str, what: str, list_hint: str = "") -> Any:
    """The value YAML reads in ``node`` if it holds a single value (text, a number, yes/no...);
    for a mapping or a list (then followed by ``list_hint``), report "must be {what}, got ..."
    and give INVALID, as for a value YAML cannot read."""
    if not isinstance(node, ScalarNode):
        hint = list_hint if isinstance(node, SequenceNode) else ""
        return ctx.report_got(node, path, f"must be {what}", hint)
    return ctx.scalar(node, path)


def _quote_it(value: Any) -> str:
    return "; put it in quotes if it is meant as text"


def text_value(
    ctx: Context,
    node: Node,
    path: str,
    what: str,
    *,
    list_hint: str = "",
    empty_hint: str = "",
    other_hint: Callable[[Any], str] = _quote_it,
) -> Any:
    """The string in ``node`` if it is non-empty text; otherwise report and give INVALID.

    The hints follow the message about a list, an empty value, and another value (a number, a
    date, yes/no: ``other_hint`` gets the value)."""
    value = scalar_value(ctx, node, path, what, list_hint)
    if value is INVALID:
        return INVALID
    if value is None or (isinstance(value, str) and not value.strip()):
        ctx.report(
            line_of(node),
            path,
            f"must not be empty; expected {what}, got {describe_value(node, value)}{empty_hint}",
        )
        return INVALID
    if not isinstance(value, str):
        ctx.report(
            line_of(node),
            path,
            f"must be {what}, got {describe_value(node, value)}{other_hint(value)}",
        )
        return INVALID
    return value


class Text:
    """Non-empty text, named ``what`` in messages ("must be {what}, got ...").

    ``parse`` turns the text (stripped, unless ``strip`` is False) into the value, or raises
    :class:`~.text.TextError` saying what is wrong; by default the value is the text itself.
    """

    __slots__ = ("parse", "strip", "what")

    def __init__(
        self, what: str = "text", parse: Callable[[str], Any] = str, *, strip: bool = True
    ) -> None:
        self.what = what
        self.parse = parse
        self.strip = strip

    def __call__(self, ctx: Context, node: Node, path: str, line: int) -> Any:
        value = text_value(ctx, node, path, self.what)
        if value is INVALID:
            return INVALID
        try:
            return self.convert(ctx, value.strip() if self.strip else value)
        except TextError as problem:
            ctx.report(line_of(node), path, str(problem))
            return INVALID

    def convert(self, ctx: Context, text: str) -> Any:
        return self.parse(text)


class PathText(Text):
    """The path of a file or folder: ``resolve`` gets the content file's folder, where a
    relative path starts, and the text."""

    __slots__ = ("resolve",)

    def __init__(self, what: str, resolve: Callable[[Path, str], Any]) -> None:
        super().__init__(what)
        self.resolve = resolve

    def convert(self, ctx: Context, text: str) -> Any:
        return self.resolve(ctx.base_dir, text)
