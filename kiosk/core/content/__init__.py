"""The clinic's content: parsed and validated from ``content.yaml``.

``parse_content(text, source, base_dir)`` is a pure function: it turns the file's text into a
frozen :class:`Content` or raises one :class:`ContentError` that lists every problem found,
each as ``FILE:LINE: key.path: what is wrong and what is expected``.

The modules, from the bottom up: :mod:`.model` (the dataclasses), :mod:`.text` (quoting and
paragraphs), :mod:`.yaml_nodes` (the node tree with line numbers), :mod:`.file_checks` (image
files and folders), :mod:`.checkers` (the table-driven machinery), :mod:`.values` (checkers
of single values), :mod:`.rules` (rules that join several keys), :mod:`.schema` (the table of
content.yaml) and :mod:`.loading` (the entry points).
"""

from kiosk.core.content.loading import MAX_FILE_BYTES, load_content, parse_content
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
