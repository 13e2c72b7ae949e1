"""The clinic's content: parsed and validated from ``content.yaml``.

``parse_content(text, source, base_dir)`` is a pure function: it turns the file's text into a
frozen :class:`Content` or raises one :class:`ContentError` that lists every problem found,
each as ``FILE:LINE: key.path: what is wrong and what is expected``.

The modules, from the bottom up: :mod:`.model` (the records), :mod:`.text` (quoting and
paragraphs), :mod:`.yaml_nodes` (the node tree with line numbers), :mod:`.file_checks` (image
files and folders), :mod:`.checkers` (the table-driven machinery), :mod:`.values` (checkers
of single values), :mod:`.rules` (rules that join several keys), :mod:`.schema` (the table of
content.yaml) and :mod:`.loading` (the entry points); :mod:`.cache` keeps the checked content
for the next start.

Importing the package loads only the model: the reading and checking (PyYAML, the schema) are
loaded when :func:`load_content` or :func:`parse_content` is first used, so a kiosk whose
content comes from its cache never loads them.
"""

from typing import TYPE_CHECKING, Any

from kiosk.core.content.file_checks import MAX_FILE_BYTES
from kiosk.core.content.model import (
    Article,
    Branding,
    Colors,
    Content,
    ContentError,
    LanguageSettings,
    Notices,
    Problem,
    Section,
    Staff,
    Timing,
    TranslationFile,
    language_named,
)
from kiosk.core.hours import OpeningHours

if TYPE_CHECKING:
    from kiosk.core.content.loading import load_content, parse_content

_LOADING = ("load_content", "parse_content")

__all__ = [
    "MAX_FILE_BYTES",
    "Article",
    "Branding",
    "Colors",
    "Content",
    "ContentError",
    "LanguageSettings",
    "Notices",
    "OpeningHours",
    "Problem",
    "Section",
    "Staff",
    "Timing",
    "TranslationFile",
    "language_named",
    "load_content",
    "parse_content",
]


def __getattr__(name: str) -> Any:
    if name in _LOADING:
        from kiosk.core.content import loading

        value = getattr(loading, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
