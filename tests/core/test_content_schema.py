"""The schema of content.yaml and its model stay in step (kiosk/core/content/schema.py and
model.py): every key of the schema is a field of the record it builds, and every field of
a record is a key of the file, so adding a key is one field and one schema entry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.core.content import Content, parse_content
from kiosk.core.content.checkers import ListOf, Located, MappingOf
from kiosk.core.content.schema import CONTENT
from kiosk.core.hours import DAY_NAMES
from kiosk.core.record import Record, fields

REPO = Path(__file__).resolve().parents[2]

NOT_KEYS = {
    # Set by parse_content and kiosk.core.i18n, not written in the file.
    "Content": {"source", "language", "words", "language_names", "translations"},
    # monday: ... sunday: in the file.
    "OpeningHours": {"days"},
}
NOT_FIELDS = {"OpeningHours": set(DAY_NAMES)}


def everything() -> Content:
    """The shipped content with its optional parts too: opening hours and a section image."""
    text = (REPO / "content.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^# opening_hours:\n((?:#   .*\n)+)", _uncomment, text)
    text = text.replace(
        "      body: |",
        "      image: resources/logo.svg\n      image_description: The logo\n      body: |",
        1,
    )
    content = parse_content(text, "content.yaml", REPO)
    assert content.opening_hours is not None
    assert any(section.image for section in content.article.sections)
    return content


def _uncomment(match: re.Match[str]) -> str:
    return "opening_hours:\n" + match.group(1).replace("#   ", "  ")


def built(mapping: MappingOf, model: Any) -> Iterator[tuple[MappingOf, Any]]:
    """Each mapping of the schema with the model it built, all the way down."""
    yield mapping, model
    for name, spec in mapping.fields.items():
        value = getattr(model, mapping.attribute(name), None)
        check = spec.check.check if isinstance(spec.check, Located) else spec.check
        check = getattr(check, "mapping", check)  # opening_hours: a mapping with a rule
        if isinstance(check, MappingOf) and value is not None:
            yield from built(check, value)
        elif isinstance(check, ListOf):
            item = check.item.check if isinstance(check.item, Located) else check.item
            if isinstance(item, MappingOf):
                for each in value:
                    yield from built(item, each)


def test_every_key_is_a_field_of_its_model_and_every_field_a_key():
    seen = set()
    for mapping, model in built(CONTENT, everything()):
        kind = type(model).__name__
        seen.add(kind)
        assert isinstance(model, Record), kind
        attributes = {mapping.attribute(name) for name in mapping.fields}
        model_fields = {f.name for f in fields(model)}
        assert attributes - NOT_FIELDS.get(kind, set()) <= model_fields, kind
        assert model_fields - NOT_KEYS.get(kind, set()) <= attributes, kind
    assert seen == {
        "Content",
        "Branding",
        "Colors",
        "Notices",
        "Timing",
        "FormSpec",
        "FormField",
        "AtLeastOneOf",
        "Thanks",
        "Staff",
        "OpeningHours",
        "LanguageSettings",
        "Article",
        "Section",
    }
