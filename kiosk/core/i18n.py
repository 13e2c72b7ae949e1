"""The clinic's text in several languages: one file per language beside ``content.yaml``.

Qt-free. ``content.yaml`` names the files (``languages.translations``); each mirrors the text
keys of ``content.yaml`` (form fields by their ``key``, rules and sections by their order), so
a translator works through one short file with the English beside it. :func:`localize` reads
them and gives the content once per language: a text a file lacks is the default language's,
and every missing or extra key, and every translation nobody has reviewed, is a warning
(``FILE:LINE: key: ...``) for ``kiosk check``. A file that cannot be read, or a value of the
wrong kind, is a problem like one in ``content.yaml``: the kiosk does not use the content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.core.content import (
    MAX_FILE_BYTES,
    Content,
    ContentError,
    Problem,
    TranslationFile,
    language_named,
    load_content,
)
from kiosk.core.content.checkers import Checker, ListOf, Located, MappingOf, Text
from kiosk.core.content.file_checks import open_regular
from kiosk.core.content.schema import CONTENT
from kiosk.core.content.text import paragraphs
from kiosk.core.content.yaml_nodes import Context, compose
from kiosk.core.form import FIRST_NAME_PLACEHOLDER, unknown_placeholders
from kiosk.core.record import replace
from kiosk.core.source_lines import SourceLines
from kiosk.core.words import Language, words_for

__all__ = ["load_localized", "localize", "template_keys"]

META_KEYS = ("name", "reviewed", "right_to_left", "keyboard")
"""Keys of a language file that are about the language, not text of content.yaml."""


@dataclass(frozen=True)
class _Slot:
    """One text of content.yaml a language file may give: its kind and the default's value."""

    kind: str  # "text", "body" (paragraphs) or "choices"
    default: Any


def template_keys(content: Content) -> dict[str, _Slot]:
    """Every text key a language file may give, in content.yaml's order: the keys the schema
    marks ``translated`` (:mod:`kiosk.core.content.schema`), where ``content`` has them."""
    keys: dict[str, _Slot] = {}

    def note(key: str, check: Checker, value: Any) -> Any:
        if value:
            kind = "choices" if isinstance(check, ListOf) else "text"
            if isinstance(check, Text) and check.parse is paragraphs:
                kind = "body"
            keys[key] = _Slot(kind, value)
        return value

    _with_texts(CONTENT, content, "", note)
    return keys


def _with_texts(
    mapping: MappingOf, model: Any, path: str, text: Callable[[str, Checker, Any], Any]
) -> Any:
    """``model`` (checked by ``mapping`` at key ``path``) with ``text(key, checker, value)`` in
    place of each of its translated texts, going down into the mappings and lists of mappings
    it holds. A list's items are named by index, or by the ``keyed_by`` attribute."""
    changes: dict[str, Any] = {}
    for name, spec in mapping.fields.items():
        key = f"{path}.{name}" if path else name
        attribute = mapping.attribute(name)
        value = getattr(model, attribute, None)
        inner = _unlocated(spec.check)
        if value is None:
            continue
        if spec.translated:
            changes[attribute] = text(key, spec.check, value)
        elif isinstance(inner, MappingOf):
            changes[attribute] = _with_texts(inner, value, key, text)
        elif isinstance(inner, ListOf) and isinstance(item := _unlocated(inner.item), MappingOf):
            by = inner.keyed_by
            changes[attribute] = tuple(
                _with_texts(item, each, f"{key}.{getattr(each, by)}" if by else f"{key}[{i}]", text)
                for i, each in enumerate(value)
            )
    changed = {name: new for name, new in changes.items() if new != getattr(model, name)}
    return replace(model, **changed) if changed else model


def _unlocated(check: Checker) -> Checker:
    """The checker inside a :class:`~kiosk.core.content.checkers.Located`, or ``check``."""
    return check.check if isinstance(check, Located) else check


def _containers(keys: dict[str, _Slot]) -> set[str]:
    """Every path that holds keys (``form``, ``form.fields.name``, ``article.sections[0]``)."""
    found: set[str] = set()
    for key in keys:
        for match in re.finditer(r"[.\[]", key):
            found.add(key[: match.start()])
    return found


def localize(content: Content) -> tuple[Content, list[str]]:
    """``content`` with its :attr:`~Content.translations` and the program's words filled in,
    and the warnings about its language files (missing and extra keys, unreviewed files).

    Raises :class:`ContentError` listing every problem of every language file.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    translations: list[Content] = []
    lines: SourceLines | None = None
    for file in content.languages.translations:
        try:
            translated, found = _translate(content, file)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        translations.append(translated)
        for key, line, message in found:
            if message.startswith("missing"):
                if lines is None:
                    lines = SourceLines(Path(content.source))
                message += f" ({lines.where(key)})"
            warnings.append(f"{file.path}:{line}: {key}: {message}")
    if problems:
        raise ContentError(problems)
    first = (content.language.code, content.language.name)
    names = (first, *((t.language.code, t.language.name) for t in translations))
    if not translations:
        names = ()
    localized = replace(
        content,
        words=words_for(content.language.code),
        language_names=names,
        translations=tuple(replace(t, language_names=names) for t in translations),
    )
    return localized, warnings


def load_localized(path: Path) -> Content:
    """:func:`~kiosk.core.content.load_content` and then :func:`localize`: the content in
    every language it has. Raises ContentError."""
    return localize(load_content(path))[0]


# --------------------------------------------------------------------------------------------
# Reading one language file


def _read(file: TranslationFile) -> str:
    source = str(file.path)
    try:
        with open_regular(file.path) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except Exception as exc:  # OSError or not a regular file
        raise ContentError([Problem(source, 0, "", f"cannot read the file: {exc}")]) from exc
    if len(data) > MAX_FILE_BYTES:
        raise ContentError(
            [Problem(source, 0, "", f"the file is larger than {MAX_FILE_BYTES} bytes")]
        )
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            [Problem(source, line, "", "it is not UTF-8 text; save it with the UTF-8 encoding")]
        ) from exc


def _translate(
    content: Content, file: TranslationFile
) -> tuple[Content, list[tuple[str, int, str]]]:
    """The content in ``file``'s language, and its warnings as (key, line, message)."""
    source = str(file.path)
    ctx = Context(source, file.path.parent)
    root = compose(ctx, _read(file))
    if ctx.problems:
        raise ContentError(ctx.problems)
    if not isinstance(root, MappingNode):
        raise ContentError(
            [
                Problem(
                    source,
                    1,
                    "",
                    "must be a mapping of 'key: value' lines mirroring content.yaml's text "
                    "(notices:, form:, article:)",
                )
            ]
        )
    keys = template_keys(content)
    containers = _containers(keys)
    found: dict[str, tuple[Any, int]] = {}
    lines: dict[str, int] = {"": 1}
    warnings: list[tuple[str, int, str]] = []
    meta: dict[str, tuple[Any, int]] = {}

    for path, key_line, node in _walk(root, "", containers, keys, lines):
        lines[path] = key_line
        if path in META_KEYS:
            meta[path] = (_meta_value(ctx, path, node), key_line)
        elif path in keys:
            value = _value(ctx, path, node, keys[path])
            if value is not None:
                found[path] = (value, key_line)
        else:
            warnings.append(
                (
                    path,
                    key_line,
                    "is not a text of content.yaml (an extra key, perhaps misspelt); "
                    "it is not shown",
                )
            )
    if ctx.problems:
        raise ContentError(sorted(ctx.problems, key=lambda p: p.line))

    for key in keys:
        if key not in found:
            warnings.append(
                (key, _nearest_line(key, lines), "missing; the default language's text is shown")
            )
    language = _language(file, meta)
    if not language.reviewed:
        line = meta["reviewed"][1] if "reviewed" in meta else 1
        warnings.append(
            (
                "reviewed",
                line,
                f"this {language.name} translation has not been reviewed by a clinician yet; "
                "have one check it, then set reviewed: true",
            )
        )
    warnings.sort(key=lambda item: item[1])
    values = {key: value for key, (value, _line) in found.items()}
    translated = _apply(content, values)
    return (
        replace(translated, language=language, words=words_for(file.code), translations=()),
        warnings,
    )


def _walk(
    node: Node, path: str, containers: set[str], keys: dict[str, _Slot], lines: dict[str, int]
) -> Iterator[tuple[str, int, Node]]:
    """(path, line, value node) of every key under ``node`` that is a text, a meta key or not
    known; descends into the mappings and lists content.yaml has (noting their ``lines``)."""
    if isinstance(node, MappingNode):
        for key_node, value in node.value:
            name = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            child = f"{path}.{name}" if path else name
            line = key_node.start_mark.line + 1
            if child in containers and child not in keys:
                lines[child] = line
                yield from _walk(value, child, containers, keys, lines)
                if not isinstance(value, (MappingNode, SequenceNode)):
                    yield child, line, value  # reported as extra: a text where keys belong
            else:
                yield child, line, value
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            if child in containers:
                lines[child] = item.start_mark.line + 1
                yield from _walk(item, child, containers, keys, lines)
            else:
                yield child, item.start_mark.line + 1, item


def _nearest_line(key: str, lines: dict[str, int]) -> int:
    """The line of ``key``'s nearest enclosing key present in the file (1 if none is)."""
    parts = [m.start() for m in re.finditer(r"[.\[]", key)]
    for end in reversed(parts):
        if key[:end] in lines:
            return lines[key[:end]]
    return 1


def _text(ctx: Context, path: str, node: Node) -> str | None:
    if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
        ctx.report(node.start_mark.line + 1, path, "must be text")
        return None
    value = str(ctx.scalar(node, path)) if node.tag.endswith(":str") else None
    if value is None or not value.strip():
        ctx.report(
            node.start_mark.line + 1,
            path,
            "must be text (in quotes if it looks like a number or yes/no); leave the key out "
            "to show the default language's text",
        )
        return None
    return value


def _value(ctx: Context, path: str, node: Node, slot: _Slot) -> Any:
    line = node.start_mark.line + 1
    if slot.kind == "choices":
        if not isinstance(node, SequenceNode):
            ctx.report(line, path, f"must be a list of {len(slot.default)} choices, like [a, b]")
            return None
        texts = [_text(ctx, f"{path}[{i}]", item) for i, item in enumerate(node.value)]
        if any(text is None for text in texts):
            return None
        choices = tuple(str(text).strip() for text in texts)
        if len(choices) != len(slot.default):
            ctx.report(
                line,
                path,
                f"must list {len(slot.default)} choices, in the order of content.yaml's "
                f"({', '.join(slot.default)}), got {len(choices)}",
            )
            return None
        if len({c.casefold() for c in choices}) != len(choices):
            ctx.report(line, path, "each choice must be different")
            return None
        return choices
    text = _text(ctx, path, node)
    if text is None:
        return None
    if slot.kind == "body":
        return paragraphs(text)
    text = text.strip()
    if path == "form.thanks.title":
        others = unknown_placeholders(text)
        if others:
            ctx.report(
                line,
                path,
                f"may only contain the placeholder {FIRST_NAME_PLACEHOLDER}, got "
                f"{', '.join(others)}",
            )
            return None
    return text


def _meta_value(ctx: Context, path: str, node: Node) -> Any:
    line = node.start_mark.line + 1
    value = ctx.scalar(node, path) if isinstance(node, ScalarNode) else None
    if path in ("reviewed", "right_to_left"):
        if not isinstance(value, bool):
            ctx.report(line, path, "must be true or false")
            return None
        return value
    if not isinstance(value, str) or not value.strip():
        ctx.report(line, path, "must be text")
        return None
    return value.strip()


def _language(file: TranslationFile, meta: dict[str, tuple[Any, int]]) -> Language:
    known = language_named(file.code)
    given = {key: value for key, (value, _line) in meta.items() if value is not None}
    return replace(
        known,
        name=given.get("name", known.name),
        right_to_left=given.get("right_to_left", known.right_to_left),
        keyboard=given.get("keyboard", known.keyboard),
        reviewed=given.get("reviewed", False),
        source=str(file.path),
    )


# --------------------------------------------------------------------------------------------
# Building the content in a language


def _apply(content: Content, values: dict[str, Any]) -> Content:
    """``content`` with the texts in ``values`` (by key path) in place of its own."""
    translated: Content = _with_texts(
        CONTENT, content, "", lambda key, _check, value: values.get(key, value)
    )
    return translated
