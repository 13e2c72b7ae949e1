"""Where things are in a content file: the line of a key, of a section, of a character.

``kiosk check`` uses this to point at the section a warning is about. The file has already
been checked by :func:`kiosk.core.content.load_content`; this only reads its YAML node tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.core.content.yaml_nodes import Context, compose


@dataclass(frozen=True)
class Located:
    """A piece of text from the file: its key path (``article.sections[2].body``), the line it
    starts on, and the text."""

    key: str
    line: int
    text: str

    def line_of(self, index: int) -> int:
        """The file's line holding character ``index`` of the text (exact for block scalars
        (``|``) and one-line values; a folded value counts from its first line)."""
        return self.line + self.text.count("\n", 0, index)


class SourceLines:
    """The key paths and lines of one content file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Read as the content was (libyaml's parser when PyYAML has it): the file has been
        # checked, so there is nothing to report.
        root = compose(Context(str(path), path.parent), path.read_text(encoding="utf-8"))
        self._lines: dict[str, int] = {}
        self._texts: list[Located] = []
        if root is not None:
            self._walk(root, "", 1)

    def _walk(self, node: Node, key: str, line: int) -> None:
        if isinstance(node, MappingNode):
            for key_node, value in node.value:
                name = f"{key}.{key_node.value}" if key else str(key_node.value)
                self._lines[name] = key_node.start_mark.line + 1
                self._walk(value, name, key_node.start_mark.line + 1)
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                name = f"{key}[{index}]"
                self._lines[name] = item.start_mark.line + 1
                self._walk(item, name, item.start_mark.line + 1)
        elif isinstance(node, ScalarNode) and isinstance(node.value, str):
            start = node.start_mark.line + 1
            # A block scalar's text starts on the line after its "|" or ">".
            first = start + 1 if node.style in ("|", ">") else start
            self._texts.append(Located(key, first, node.value))

    def line(self, key: str) -> int:
        """The line of ``key`` (``clinic.name``, ``article.sections[1]``), or 0 if absent."""
        return self._lines.get(key, 0)

    def where(self, key: str) -> str:
        """``FILE:LINE: key`` for messages."""
        return f"{self.path}:{self.line(key)}: {key}"

    def texts(self) -> Iterator[Located]:
        """Every text value in the file, in order."""
        yield from self._texts
